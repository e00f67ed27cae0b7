/* runtime/image/unpack.c — stage_all (stage.h): inflating the packages'
 * data streams in parallel, applying them in order.
 *
 * Inflating gzip and hashing every file is most of the staging cost, and
 * packages are independent until their paths meet in the tree.  So worker
 * threads each take the next package, walk its data tar (apk_data_foreach
 * checks every file's SHA-1) and write each regular file's content to a
 * private file `<pkg>.<n>` in a blob directory beside the staging tree,
 * recording the entries.  Meanwhile the main thread applies the packages
 * in list order with stage_entry — conflicts, `replaces`, manifest —
 * moving each content file into place with rename, each package as soon
 * as it and all before it are unpacked.  The result is the same as
 * unpacking one package after another: only the inflating overlaps.
 */
#include "image/stage.h"
#include "image/par.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
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
};

/* walk is the state of one package's walk. */
struct walk {
	struct pool *pool;
	size_t pkg;
	struct job *job;
	char *buf;           /* copy buffer */
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
	/* The host mode is set here, on a worker, not when it is moved. */
	if (fd >= 0 && n >= 0 && fchmod(fd, host_mode(M_REG, a->mode)))
		n = -1;
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

/* unpack_one inflates package i into content files (runs on a worker). */
static void unpack_one(void *ctx, size_t i)
{
	struct pool *p = ctx;
	struct walk w = {.pool = p, .pkg = i, .job = &p->jobs[i], .buf = malloc(COPYBUF)};
	if (!w.buf) {
		w.job->rc = -1;
		snprintf(w.job->err.msg, sizeof w.job->err.msg, "out of memory");
		return;
	}
	w.job->rc = apk_data_foreach(&p->st->pkgs[i].apk, 1, collect, &w,
	                             &w.job->err) ? -1 : 0;
	free(w.buf);
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
	struct par *workers = p.jobs ? par_start(st->npkgs, jobs, unpack_one, &p) : NULL;
	int rc = workers ? 0 : -1;
	/* Apply each package as soon as it and all before it are unpacked,
	 * while the workers go on; the first failure in package order stops
	 * everything, as in a sequential unpack. */
	for (size_t i = 0; !rc && i < st->npkgs; i++) {
		par_wait(workers, i);
		if (p.jobs[i].rc) {
			log_error("%s", p.jobs[i].err.msg);
			rc = -1;
		} else {
			rc = apply(st, i, &p.jobs[i]);
		}
	}
	if (workers) {
		if (rc)
			par_stop(workers);
		par_join(workers);
	}
	for (size_t i = 0; p.jobs && i < st->npkgs; i++) {
		for (size_t k = 0; k < p.jobs[i].n; k++)
			rec_free(&p.jobs[i].v[k]);
		free(p.jobs[i].v);
	}
	free(p.jobs);
	close(st->blobfd);
	st->blobfd = -1;
	rm_rf(blobs);
	free(blobs);
	return rc;
}
