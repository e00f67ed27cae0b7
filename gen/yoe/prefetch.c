/* gen/yoe/prefetch.c — a helper thread that reads (and hashes) a phase's
 * .star files ahead of the evaluator.
 *
 * Why: a big project is thousands of small files, and opening and reading
 * each costs the kernel more than parsing it costs us (open+read+close+
 * fstat were a fifth of `yoe query` on 4,000 unit files).  Evaluation stays
 * strictly in order on the calling thread — only the bytes arrive early —
 * so results are the same as reading inline.
 *
 * The evaluator never waits for the helper, which matters on a busy
 * machine where the helper may sit preempted: a file the helper has not
 * finished, the evaluator reads itself (the helper's copy is dropped);
 * slot states change by atomic exchange, with no lock held around them;
 * and stopping does not join (the helper is reaped at the end of loading,
 * long after it finished).  The helper stays at most WINDOW files ahead of
 * the evaluator, so memory stays small, and touches no interpreter or
 * model memory (malloc, the file system and OpenSSL only). */
#include "yoe/prefetch.h"
#include "yoe/model.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW 64      /* files read ahead of the evaluator at most */
#define MIN_FILES 8    /* fewer: not worth a thread */

enum { FREE, READING, READY, TAKEN };

struct slot {
	atomic_int state;     /* FREE → READING → READY (helper); any → TAKEN (evaluator) */
	char *data;           /* READY: the bytes, or NULL when unreadable */
	size_t len;
	char sha[65];
};

struct yoe_prefetch {
	const char **paths;   /* our copy of the array (the strings outlive loading) */
	size_t n;
	struct slot *slots;
	atomic_size_t next_take;  /* the evaluator is past every file below this */
	atomic_size_t wake_at;    /* the helper sleeps until next_take reaches this */
	atomic_bool sleeping, stop;
	pthread_mutex_t mu;       /* only around the helper's sleep */
	pthread_cond_t room;
	pthread_t thread;
	struct yoe_prefetch *next_retired;
};

/* stopped helpers, joined by yoe_prefetch_reap (evaluator thread only) */
static struct yoe_prefetch *retired;

/* read_hash_at reads name relative to directory fd dfd (AT_FDCWD: name is
 * the path) */
static char *read_hash_at(int dfd, const char *name, size_t *len, char sha[65])
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t n = 0;
	char *buf = read_fd(fd, &n);
	close(fd);
	if (!buf)
		return NULL;
	*len = n;
	yoe_sha256_into(buf, n, sha);
	return buf;
}

char *yoe_read_hash(const char *path, size_t *len, char sha[65])
{
	return read_hash_at(AT_FDCWD, path, len, sha);
}

/* a directory held open while the helper reads the files in it (they come
 * grouped by directory): opening by name within it spares the kernel the
 * walk of the whole path for every file */
struct dirhold {
	int fd;
	const char *dir;   /* the path it was opened for (a prefix of a path) */
	size_t len;
};

static char *read_in_dir(struct dirhold *d, const char *path, size_t *len, char sha[65])
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return yoe_read_hash(path, len, sha);
	size_t dl = (size_t)(slash - path);
	if (d->fd < 0 || dl != d->len || memcmp(d->dir, path, dl)) {
		if (d->fd >= 0)
			close(d->fd);
		char *dir = strndup(path, dl);
		d->fd = dir ? open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
		free(dir);
		d->dir = path;
		d->len = dl;
		if (d->fd < 0)
			return yoe_read_hash(path, len, sha);
	}
	return read_hash_at(d->fd, slash + 1, len, sha);
}

/* wait_for_room sleeps while file i is a WINDOW ahead of the evaluator,
 * until it is half way through (one wake-up per WINDOW/2 files). */
static void wait_for_room(struct yoe_prefetch *pf, size_t i)
{
	if (i < atomic_load(&pf->next_take) + WINDOW)
		return;
	pthread_mutex_lock(&pf->mu);
	atomic_store(&pf->wake_at, i + 1 - WINDOW / 2);
	atomic_store(&pf->sleeping, true);
	/* the evaluator stores next_take (or stop) and then reads sleeping:
	 * either it sees us sleeping and signals under the lock, or we see
	 * its store here */
	while (!atomic_load(&pf->stop) && atomic_load(&pf->next_take) < atomic_load(&pf->wake_at))
		pthread_cond_wait(&pf->room, &pf->mu);
	atomic_store(&pf->sleeping, false);
	pthread_mutex_unlock(&pf->mu);
}

static void *helper(void *arg)
{
	struct yoe_prefetch *pf = arg;
	struct dirhold d = {-1, NULL, 0};
	for (size_t i = 0; i < pf->n; i++) {
		wait_for_room(pf, i);
		if (atomic_load(&pf->stop))
			break;
		struct slot *s = &pf->slots[i];
		int want = FREE;
		if (!atomic_compare_exchange_strong(&s->state, &want, READING))
			continue; /* the evaluator took it */
		s->data = read_in_dir(&d, pf->paths[i], &s->len, s->sha);
		want = READING;
		if (!atomic_compare_exchange_strong(&s->state, &want, READY)) {
			free(s->data); /* the evaluator read it meanwhile */
			s->data = NULL;
		}
	}
	if (d.fd >= 0)
		close(d.fd);
	yoe_sha256_release();
	return NULL;
}

struct yoe_prefetch *yoe_prefetch_start(const char *const *paths, size_t n)
{
	if (n < MIN_FILES)
		return NULL;
	struct yoe_prefetch *pf = calloc(1, sizeof *pf);
	if (!pf)
		return NULL;
	pf->n = n;
	pf->paths = malloc(n * sizeof *pf->paths);
	pf->slots = calloc(n, sizeof *pf->slots);
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->room, NULL);
	if (pf->paths)
		memcpy(pf->paths, paths, n * sizeof *pf->paths);
	if (!pf->paths || !pf->slots || pthread_create(&pf->thread, NULL, helper, pf)) {
		pthread_mutex_destroy(&pf->mu);
		pthread_cond_destroy(&pf->room);
		free(pf->paths);
		free(pf->slots);
		free(pf);
		return NULL;
	}
	return pf;
}

/* wake the helper if it sleeps on a condition the evaluator just changed */
static void wake(struct yoe_prefetch *pf)
{
	if (!atomic_load(&pf->sleeping))
		return;
	if (!atomic_load(&pf->stop) && atomic_load(&pf->next_take) < atomic_load(&pf->wake_at))
		return;
	pthread_mutex_lock(&pf->mu);
	pthread_cond_signal(&pf->room);
	pthread_mutex_unlock(&pf->mu);
}

char *yoe_prefetch_take(struct yoe_prefetch *pf, size_t i, size_t *len, char sha[65])
{
	atomic_store(&pf->next_take, i + 1);
	wake(pf);
	struct slot *s = &pf->slots[i];
	if (atomic_exchange(&s->state, TAKEN) != READY)
		return yoe_read_hash(pf->paths[i], len, sha); /* not there yet: read it here */
	char *data = s->data;
	*len = s->len;
	memcpy(sha, s->sha, 65);
	s->data = NULL;
	return data;
}

void yoe_prefetch_stop(struct yoe_prefetch *pf)
{
	if (!pf)
		return;
	atomic_store(&pf->stop, true);
	wake(pf);
	pf->next_retired = retired;
	retired = pf;
}

void yoe_prefetch_reap(void)
{
	while (retired) {
		struct yoe_prefetch *pf = retired;
		retired = pf->next_retired;
		pthread_join(pf->thread, NULL);
		for (size_t i = 0; i < pf->n; i++)
			free(pf->slots[i].data);
		pthread_mutex_destroy(&pf->mu);
		pthread_cond_destroy(&pf->room);
		free(pf->paths);
		free(pf->slots);
		free(pf);
	}
}
