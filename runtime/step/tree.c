/* runtime/step/tree.c — hard-link tree merges (tree.h). */
#include "step/tree.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One merge: where from, where to, and (for conflict messages) which
 * earlier trees could own a path already present. */
struct merge {
	const struct kvlist *deps;  /* all deps, for naming an owner; or NULL */
	size_t idx;                 /* index of the dep being merged */
	const char *src_root;       /* tree being merged in */
	const char *dst_root;       /* tree being built */
	struct errbuf *e;
};

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (out >= 0) {
		char buf[65536];
		ssize_t n;
		while ((n = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		rc = n == 0 ? fchmod(out, mode & 07777) : -1;
		if (close(out) != 0)
			rc = -1;
	}
	close(in);
	return rc;
}

static int same_bytes(const char *a, const char *b)
{
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC), same = 0;
	if (fa >= 0 && fb >= 0) {
		char ba[65536], bb[65536];
		for (;;) {
			ssize_t na = read(fa, ba, sizeof ba), nb = read(fb, bb, sizeof bb);
			if (na != nb || na < 0 || memcmp(ba, bb, (size_t)na))
				break;
			if (na == 0) {
				same = 1;
				break;
			}
		}
	}
	if (fa >= 0) close(fa);
	if (fb >= 0) close(fb);
	return same;
}

/* identical decides whether an existing entry may stay: same inode, or the
 * same type with equal bytes/target and permission bits. */
static int identical(const char *s, const struct stat *ss, const char *d, const struct stat *ds)
{
	if (ss->st_dev == ds->st_dev && ss->st_ino == ds->st_ino)
		return 1;
	if ((ss->st_mode & S_IFMT) != (ds->st_mode & S_IFMT))
		return 0;
	if (S_ISLNK(ss->st_mode)) {
		char a[PATH_MAX], b[PATH_MAX];
		ssize_t na = readlink(s, a, sizeof a), nb = readlink(d, b, sizeof b);
		return na >= 0 && na == nb && !memcmp(a, b, (size_t)na);
	}
	return S_ISREG(ss->st_mode) && ss->st_size == ds->st_size &&
	       (ss->st_mode & 07777) == (ds->st_mode & 07777) && same_bytes(s, d);
}

static int conflict(struct merge *m, const char *rel)
{
	const char *owner = "an earlier dependency";
	for (size_t i = 0; m->deps && i < m->idx; i++) {
		char p[PATH_MAX];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", m->deps->v[i].val, rel);
		if (lstat(p, &st) == 0) {
			owner = m->deps->v[i].key;
			break;
		}
	}
	const char *me = m->deps ? m->deps->v[m->idx].key : m->src_root;
	return errf(m->e, "sysroot conflict: units '%s' and '%s' both ship '%s' with different content; "
	            "remove it from one of them (or make them ship identical files)", owner, me, rel);
}

/* merge_dir merges src_root/rel into dst_root/rel.  fresh: the
 * destination directory was just created, so nothing in it can exist and
 * the per-entry lstat of the destination is skipped (the common case; it
 * halves the system calls of a sysroot assembly). */
static int merge_dir(struct merge *m, const char *rel, int fresh)
{
	char sdir[PATH_MAX];
	snprintf(sdir, sizeof sdir, "%s%s%s", m->src_root, *rel ? "/" : "", rel);
	struct dirent **ents = NULL;
	int n = scandir(sdir, &ents, NULL, alphasort);
	if (n < 0)
		return errf(m->e, "%s: cannot read directory: %s", sdir, strerror(errno));
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (rc || !strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		char r[PATH_MAX], s[PATH_MAX], d[PATH_MAX];
		if (snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", name) >= (int)sizeof r) {
			rc = errf(m->e, "%s/%s: path too long", sdir, name);
			continue;
		}
		struct stat ss, ds;
		if (snprintf(s, sizeof s, "%s/%s", m->src_root, r) >= (int)sizeof s ||
		    snprintf(d, sizeof d, "%s/%s", m->dst_root, r) >= (int)sizeof d) {
			rc = errf(m->e, "%s/%s: path too long", sdir, name);
			continue;
		}
		int exists = !fresh && lstat(d, &ds) == 0;
		/* a new regular file needs no stat of its own: link it */
		if (!exists && ents[i]->d_type == DT_REG && link(s, d) == 0)
			continue;
		if (lstat(s, &ss) != 0) {
			rc = errf(m->e, "%s: %s", s, strerror(errno));
			continue;
		}
		if (S_ISDIR(ss.st_mode)) {
			if (exists && !S_ISDIR(ds.st_mode))
				rc = conflict(m, r);
			else if (!exists && (mkdir(d, 0700) != 0 || chmod(d, (ss.st_mode & 07777) | 0700) != 0))
				rc = errf(m->e, "%s: cannot create directory: %s", d, strerror(errno));
			else
				rc = merge_dir(m, r, !exists);
		} else if (exists) {
			if (!identical(s, &ss, d, &ds))
				rc = conflict(m, r);
		} else if (S_ISREG(ss.st_mode)) {
			if (link(s, d) != 0 && copy_file(s, d, ss.st_mode) != 0)
				rc = errf(m->e, "%s: cannot link or copy to %s: %s", s, d, strerror(errno));
		} else if (S_ISLNK(ss.st_mode)) {
			char t[PATH_MAX];
			ssize_t tl = readlink(s, t, sizeof t - 1);
			if (tl < 0)
				rc = errf(m->e, "%s: %s", s, strerror(errno));
			else if ((t[tl] = '\0', symlink(t, d)) != 0)
				rc = errf(m->e, "%s: cannot create symlink: %s", d, strerror(errno));
		} else {
			rc = errf(m->e, "%s: not a file, directory or symlink; staged trees may hold only those", s);
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

char *dep_container_id(const char *stage)
{
	char *dir = path_dirname(stage), *idp = path_join(dir, "container.id");
	char *id = read_file(idp, NULL);
	free(dir);
	free(idp);
	if (id)
		id[strcspn(id, "\n")] = '\0';
	return id;
}

int dep_is_container(const char *stage)
{
	struct stat st;
	if (stat(stage, &st) == 0)
		return 0;
	char *id = dep_container_id(stage);
	free(id);
	return id != NULL;
}

/* deps_manifest describes the deps' stage directories.  A stage is only
 * ever replaced whole (tree_link renames a new directory into place), so
 * the same device, inode and ctime mean the same content. */
static char *deps_manifest(const struct kvlist *deps)
{
	char *m = xstrdup("");
	for (size_t i = 0; i < deps->n; i++) {
		struct stat st;
		if (stat(deps->v[i].val, &st) != 0)
			memset(&st, 0, sizeof st);
		char *n = xasprintf("%s%s\t%s\t%llu\t%llu\t%lld.%09ld\n", m, deps->v[i].key, deps->v[i].val,
		                    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		                    (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		free(m);
		m = n;
	}
	return m;
}

int sysroot_assemble(const struct kvlist *deps, const char *sysroot, struct errbuf *e, int *reused)
{
	char *mpath = xasprintf("%s.deps", sysroot), *want = deps_manifest(deps), *have = read_file(mpath, NULL);
	struct stat st;
	int rc = -1;
	*reused = have && !strcmp(have, want) && stat(sysroot, &st) == 0 && S_ISDIR(st.st_mode);
	if (*reused) {
		rc = 0;
		goto out;
	}
	unlink(mpath);  /* from here until the end the sysroot is incomplete */
	if (rm_rf(sysroot) != 0) {
		errf(e, "%s: cannot remove the old sysroot: %s", sysroot, strerror(errno));
		goto out;
	}
	if (mkdir_p(sysroot, 0755) != 0) {
		errf(e, "%s: cannot create: %s", sysroot, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < deps->n; i++) {
		if (dep_is_container(deps->v[i].val))
			continue;  /* a container dep has no stage; it is the step's root */
		if (stat(deps->v[i].val, &st) != 0 || !S_ISDIR(st.st_mode)) {
			errf(e, "dependency '%s': staged tree %s is missing; build '%s' first (ninja orders this when build.ninja is current: rerun `yoe gen`)",
			     deps->v[i].key, deps->v[i].val, deps->v[i].key);
			goto out;
		}
		struct merge m = {deps, i, deps->v[i].val, sysroot, e};
		if (merge_dir(&m, "", i == 0) != 0)
			goto out;
	}
	if (write_file_if_changed(mpath, want, strlen(want), 0644) < 0) {
		errf(e, "%s: cannot write: %s", mpath, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(mpath);
	free(want);
	free(have);
	return rc;
}

int tree_link(const char *src, const char *dst, struct errbuf *e)
{
	char *tmp = xasprintf("%s.tmp", dst);
	int rc = -1;
	if (rm_rf(tmp) != 0 || mkdir_p(tmp, 0755) != 0) {
		errf(e, "%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	struct merge m = {NULL, 0, src, tmp, e};
	if (merge_dir(&m, "", 1) != 0)
		goto out;
	if (rm_rf(dst) != 0 || rename(tmp, dst) != 0) {
		errf(e, "%s: cannot replace with %s: %s", dst, tmp, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc)
		rm_rf(tmp);
	free(tmp);
	return rc;
}

static long long size_rec(const char *dir, const char *const *skip)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, NULL);
	long long sum = 0;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct stat st;
		char p[PATH_MAX];
		int skipped = 0;
		for (const char *const *k = skip; k && *k; k++)
			skipped |= !strcmp(name, *k);
		if (!skipped && strcmp(name, ".") && strcmp(name, "..") &&
		    snprintf(p, sizeof p, "%s/%s", dir, name) < (int)sizeof p && lstat(p, &st) == 0)
			sum += S_ISDIR(st.st_mode) ? size_rec(p, NULL) : (long long)st.st_size;
		free(ents[i]);
	}
	free(ents);
	return sum;
}

long long tree_size(const char *dir, const char *const *skip) { return size_rec(dir, skip); }

/* unlock gives the owner rwx on every directory under root/rel (in sorted
 * order), appending "MODE rel" to log for each one changed.  Symlinks are
 * not followed. */
static void unlock(const char *root, const char *rel, struct strvec *log)
{
	char dir[PATH_MAX];
	struct stat st;
	if (snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel) >= (int)sizeof dir ||
	    lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	if ((st.st_mode & 0700) != 0700) {
		if (log)
			sv_pushf(log, "%04o %s", (unsigned)(st.st_mode & 07777), *rel ? rel : ".");
		chmod(dir, (st.st_mode & 07777) | 0700);
	}
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];
		if (ents[i]->d_type != DT_DIR && ents[i]->d_type != DT_UNKNOWN) {
			free(ents[i]);
			continue;
		}
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..") &&
		    snprintf(p, sizeof p, "%s%s%s", rel, *rel ? "/" : "", ents[i]->d_name) < (int)sizeof p)
			unlock(root, p, log);
		free(ents[i]);
	}
	free(ents);
}

int tree_remove(const char *dir)
{
	if (rm_rf(dir) == 0)
		return 0;
	unlock(dir, "", NULL);
	return rm_rf(dir);
}

int tree_unlock(const char *dir, const char *modes_file, struct errbuf *e)
{
	struct strvec log = {0};
	unlock(dir, "", modes_file ? &log : NULL);
	int rc = 0;
	if (modes_file) {
		size_t len = 0;
		for (size_t i = 0; i < log.n; i++)
			len += strlen(log.v[i]) + 1;
		char *text = xrealloc(NULL, len + 1), *o = text;
		for (size_t i = 0; i < log.n; i++)
			o += sprintf(o, "%s\n", log.v[i]);
		*o = '\0';
		if (log.n ? write_file_if_changed(modes_file, text, len, 0644) < 0 : (unlink(modes_file) != 0 && errno != ENOENT))
			rc = errf(e, "%s: cannot write: %s", modes_file, strerror(errno));
		free(text);
	}
	sv_free(&log);
	return rc;
}
