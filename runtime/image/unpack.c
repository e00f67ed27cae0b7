/* runtime/image/unpack.c — stage_all (stage.h): inflating the packages'
 * data streams in parallel, then applying them in order.
 *
 * Inflating gzip and hashing every file is most of the staging cost, and
 * packages are independent until their paths meet in the tree.  So worker
 * threads each take the next package, walk its data tar (apk_data_foreach
 * checks every file's SHA-1) and write each regular file's content to a
 * private file `<pkg>.<n>` in a blob directory beside the staging tree,
 * recording the entries.  Then the main thread applies the packages in
 * list order with stage_entry — conflicts, `replaces`, manifest — moving
 * each content file into place with rename.  The result is the same as
 * unpacking one package after another: only the inflating overlaps.
 */
#include "image/stage.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPYBUF (256 * 1024)

/* rec is one recorded entry; its strings are owned copies. */
struct rec {
	struct apk_entry e;
	char blob[48];       /* content file name in the blob dir, or "" */
};

/* job is one package's walk. */
struct job {
	struct rec *v;       /* entries in archive order */
	size_t n, cap;
	int rc;              /* 0, or -1 with msg */
	struct apk_err err;
};

/* pool is shared by the workers. */
struct pool {
	struct stage *st;
	struct job *jobs;    /* one per package */
	size_t next;         /* next package to take */
	pthread_mutex_t mu;
};

/* walk is one worker's state while it walks one package. */
struct walk {
	struct pool *pool;
	size_t pkg;
	struct job *job;
	char *buf;           /* copy buffer of this worker */
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void rec_free(struct rec *r)
{
	free((char *)r->e.path);
	free((char *)r->e.uname);
	free((char *)r->e.gname);
	free((char *)r->e.link);
	free((char *)r->e.sha1);
}

static int collect(void *ctx, const struct apk_entry *a, struct apk_reader *r,
                   struct apk_err *err)
{
	struct walk *w = ctx;
	struct job *j = w->job;
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		struct rec *v = realloc(j->v, cap * sizeof *v);
		if (!v)
			goto oom;
		j->v = v;
		j->cap = cap;
	}
	struct rec *rc = &j->v[j->n];
	memset(rc, 0, sizeof *rc);
	rc->e = *a;
	rc->e.path = dup_or_null(a->path);
	rc->e.uname = dup_or_null(a->uname);
	rc->e.gname = dup_or_null(a->gname);
	rc->e.link = dup_or_null(a->link);
	rc->e.sha1 = dup_or_null(a->sha1);
	j->n++;
	if (!rc->e.path || (a->link && !rc->e.link))
		goto oom;
	if (a->type != APK_REG)
		return 0;
	snprintf(rc->blob, sizeof rc->blob, "%zu.%zu", w->pkg, j->n);
	int fd = openat(w->pool->st->blobfd, rc->blob,
	                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ssize_t n = 0;
	while (fd >= 0 && (n = apk_entry_read(r, w->buf, COPYBUF)) > 0)
		if (write(fd, w->buf, n) != n) {
			n = -1;
			break;
		}
	if (fd < 0 || n < 0 || close(fd)) {
		snprintf(err->msg, sizeof err->msg, "%s: %s: cannot unpack: %s",
		         w->pool->st->pkgs[w->pkg].apk.path, a->path,
		         n < 0 && fd >= 0 ? "corrupt data or disk full" : strerror(errno));
		return -1;
	}
	return 0;
oom:
	snprintf(err->msg, sizeof err->msg, "out of memory");
	return -1;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct walk w = {.pool = p, .buf = malloc(COPYBUF)};
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->st->npkgs)
			break;
		w.pkg = i;
		w.job = &p->jobs[i];
		if (!w.buf) {
			w.job->rc = -1;
			snprintf(w.job->err.msg, sizeof w.job->err.msg, "out of memory");
			continue;
		}
		w.job->rc = apk_data_foreach(&p->st->pkgs[i].apk, 1, collect, &w,
		                             &w.job->err) ? -1 : 0;
	}
	free(w.buf);
	return NULL;
}

/* apply stages package i's recorded entries. */
static int apply(struct stage *st, size_t i, struct job *j)
{
	int rc = 0;
	st->cur = (int)i;
	for (size_t k = 0; k < j->n && !rc; k++) {
		struct rec *r = &j->v[k];
		struct apk_err err = {{0}};
		st->blob = r->blob[0] ? r->blob : NULL;
		if (stage_entry(st, &r->e, &err)) {
			if (err.msg[0] && strcmp(err.msg, "file conflict (see above)") &&
			    strncmp(err.msg, "cannot stage", 12))
				log_error("%s", err.msg);
			rc = -1;
		}
		/* Content not moved into place (kept the earlier owner's). */
		if (st->blob)
			unlinkat(st->blobfd, st->blob, 0);
	}
	st->blob = NULL;
	st->cur = -1;
	return rc;
}

int stage_all(struct stage *st, int jobs)
{
	char *blobs = malloc(strlen(st->root) + 8);
	if (!blobs)
		return -1;
	sprintf(blobs, "%s.blobs", st->root);
	if (mkdir(blobs, 0700) ||
	    (st->blobfd = open(blobs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		log_errno("%s: cannot create", blobs);
		free(blobs);
		return -1;
	}
	struct pool p = {.st = st, .jobs = calloc(st->npkgs + 1, sizeof *p.jobs)};
	pthread_mutex_init(&p.mu, NULL);
	int rc = p.jobs ? 0 : -1;
	if ((size_t)jobs > st->npkgs)
		jobs = (int)st->npkgs;
	pthread_t tid[16];
	int started = 0;
	for (int t = 1; !rc && t < jobs && t < 16; t++)
		if (pthread_create(&tid[started], NULL, worker, &p) == 0)
			started++;
	if (!rc)
		worker(&p); /* the main thread works too */
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	/* Report the first failure in package order, as a sequential unpack
	 * would have. */
	for (size_t i = 0; !rc && i < st->npkgs; i++)
		if (p.jobs[i].rc) {
			log_error("%s", p.jobs[i].err.msg);
			rc = -1;
		}
	for (size_t i = 0; !rc && i < st->npkgs; i++)
		rc = apply(st, i, &p.jobs[i]);
	for (size_t i = 0; p.jobs && i < st->npkgs; i++) {
		for (size_t k = 0; k < p.jobs[i].n; k++)
			rec_free(&p.jobs[i].v[k]);
		free(p.jobs[i].v);
	}
	free(p.jobs);
	pthread_mutex_destroy(&p.mu);
	close(st->blobfd);
	st->blobfd = -1;
	rm_rf(blobs);
	free(blobs);
	return rc;
}
