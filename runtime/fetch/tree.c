/* runtime/fetch/tree.c — confined writes of an untrusted tree (tree.h). */
#include "fetch/tree.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int tree_open(struct tree *t, const char *root, const char *origin,
              const struct unpack_limits *lim, struct ferr *e)
{
	memset(t, 0, sizeof *t);
	t->root = root;
	t->origin = origin;
	if (lim)
		t->lim = *lim;
	t->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->rootfd < 0)
		return ferr_set(e, "%s: cannot open %s: %s", origin, root, strerror(errno));
	return 0;
}

void tree_close(struct tree *t)
{
	if (t->rootfd >= 0)
		close(t->rootfd);
	t->rootfd = -1;
}

char *tree_clean_path(const struct tree *t, const char *name, struct ferr *e)
{
	if (name[0] == '/') {
		ferr_set(e, "%s: entry '%s' has an absolute path; refusing to unpack "
		         "(the archive is unsafe; check its source)", t->origin, name);
		return NULL;
	}
	char *out = malloc(strlen(name) + 1);
	if (!out) {
		ferr_set(e, "out of memory");
		return NULL;
	}
	size_t n = 0;
	for (const char *p = name; *p;) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			free(out);
			ferr_set(e, "%s: entry '%s' contains '..'; refusing to unpack "
			         "(the archive is unsafe; check its source)", t->origin, name);
			return NULL;
		}
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len + (s != NULL);
	}
	out[n] = '\0';
	return out;
}

int tree_has_git_dir(const char *clean)
{
	for (const char *p = clean; *p;) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		if (len == 4 && strncasecmp(p, ".git", 4) == 0)
			return 1;
		p += len + (s != NULL);
	}
	return 0;
}

/* open_parent walks path's directories from the root without following any
 * symlink, creating missing directories, and returns an fd of the parent
 * with *leaf pointing into path at the last component. */
static int open_parent(struct tree *t, const char *path, const char **leaf, struct ferr *e)
{
	int fd = dup(t->rootfd);
	const char *p = path;
	char comp[256];
	for (;;) {
		const char *s = strchr(p, '/');
		if (!s)
			break;
		size_t len = (size_t)(s - p);
		if (len >= sizeof comp) {
			close(fd);
			return ferr_set(e, "%s: entry '%s' has a component longer than 255 bytes",
			                t->origin, path);
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, comp, 0755) != 0 && errno != EEXIST) {
				int err = errno;
				close(fd);
				return ferr_set(e, "%s: cannot create directory for '%s': %s",
				                t->origin, path, strerror(err));
			}
			t->entries++;
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int err = errno;
			close(fd);
			if (err == ELOOP || err == ENOTDIR)
				return ferr_set(e, "%s: entry '%s' would be written through the "
				                "symlink or file '%.*s'; refusing to unpack (the "
				                "archive is unsafe; check its source)", t->origin,
				                path, (int)(s - path), path);
			return ferr_set(e, "%s: cannot open directory for '%s': %s",
			                t->origin, path, strerror(err));
		}
		close(fd);
		fd = next;
		p = s + 1;
	}
	*leaf = p;
	return fd;
}

/* count_entry enforces the entry-count cap. */
static int count_entry(struct tree *t, const char *path, struct ferr *e)
{
	if (t->lim.max_entries && ++t->entries > t->lim.max_entries)
		return ferr_set(e, "%s: more than %llu entries (at '%s'); refusing to unpack "
		                "(raise --max-entries if the archive is genuine)", t->origin,
		                t->lim.max_entries, path);
	return 0;
}

/* clear_leaf removes a non-directory already at leaf (later archive
 * entries replace earlier ones, as tar does). */
static void clear_leaf(int dirfd, const char *leaf)
{
	struct stat st;
	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
		unlinkat(dirfd, leaf, 0);
}

int tree_mkdir(struct tree *t, const char *path, struct ferr *e)
{
	if (path[0] == '\0')
		return 0;
	if (count_entry(t, path, e) != 0)
		return -1;
	const char *leaf;
	int dfd = open_parent(t, path, &leaf, e);
	if (dfd < 0)
		return -1;
	clear_leaf(dfd, leaf);
	int r = mkdirat(dfd, leaf, 0755);
	int err = errno;
	close(dfd);
	if (r != 0 && err != EEXIST)
		return ferr_set(e, "%s: cannot create directory '%s': %s", t->origin, path,
		                strerror(err));
	return 0;
}

int tree_create(struct tree *t, const char *path, mode_t mode, struct ferr *e)
{
	if (count_entry(t, path, e) != 0)
		return -1;
	const char *leaf;
	int dfd = open_parent(t, path, &leaf, e);
	if (dfd < 0)
		return -1;
	clear_leaf(dfd, leaf);
	/* Never setuid/setgid/sticky, never group/other writable. */
	mode = (mode & 0100) ? 0755 : 0644;
	int fd = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int err = errno;
	close(dfd);
	if (fd < 0)
		return ferr_set(e, "%s: cannot create '%s': %s", t->origin, path, strerror(err));
	return fd;
}

int tree_check_size(struct tree *t, const char *path, long long size, struct ferr *e)
{
	if (size < 0)
		return 0;
	unsigned long long sz = (unsigned long long)size;
	if (t->lim.max_entry && sz > t->lim.max_entry)
		return ferr_set(e, "%s: entry '%s' is %llu bytes, over the %llu-byte cap; "
		                "refusing to unpack (raise --max-entry-size if genuine)",
		                t->origin, path, sz, t->lim.max_entry);
	if (t->lim.max_total && t->total + sz > t->lim.max_total)
		return ferr_set(e, "%s: unpacking '%s' would exceed the %llu-byte total cap; "
		                "refusing to unpack (raise --max-total-size if genuine)",
		                t->origin, path, t->lim.max_total);
	return 0;
}

int tree_write(struct tree *t, int fd, const char *path, const void *buf, size_t len,
               unsigned long long *filesz, struct ferr *e)
{
	*filesz += len;
	t->total += len;
	/* Checked on real bytes too: a header's size may lie. */
	if (t->lim.max_entry && *filesz > t->lim.max_entry)
		return ferr_set(e, "%s: entry '%s' grows past the %llu-byte cap; refusing to "
		                "unpack (raise --max-entry-size if genuine)", t->origin, path,
		                t->lim.max_entry);
	if (t->lim.max_total && t->total > t->lim.max_total)
		return ferr_set(e, "%s: contents exceed the %llu-byte total cap at '%s'; "
		                "refusing to unpack (raise --max-total-size if genuine)",
		                t->origin, t->lim.max_total, path);
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ferr_set(e, "%s: writing '%s': %s", t->origin, path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tree_symlink(struct tree *t, const char *path, const char *target, struct ferr *e)
{
	if (!target || !target[0])
		return ferr_set(e, "%s: symlink '%s' has an empty target", t->origin, path);
	if (target[0] == '/')
		return ferr_set(e, "%s: symlink '%s' points to the absolute path '%s', "
		                "outside the source tree; refusing to unpack (the archive is "
		                "unsafe; check its source)", t->origin, path, target);
	if (count_entry(t, path, e) != 0)
		return -1;
	const char *leaf;
	int dfd = open_parent(t, path, &leaf, e);
	if (dfd < 0)
		return -1;
	clear_leaf(dfd, leaf);
	int r = symlinkat(target, dfd, leaf);
	int err = errno;
	close(dfd);
	if (r != 0)
		return ferr_set(e, "%s: cannot create symlink '%s': %s", t->origin, path,
		                strerror(err));
	return 0;
}

int tree_hardlink(struct tree *t, const char *path, const char *target, struct ferr *e)
{
	struct ferr sub;
	char *clean = tree_clean_path(t, target, &sub);
	if (!clean)
		return ferr_set(e, "%s: hard link '%s' points to '%s', outside the source "
		                "tree; refusing to unpack (the archive is unsafe; check its "
		                "source)", t->origin, path, target);
	const char *tleaf;
	int tfd = clean[0] ? open_parent(t, clean, &tleaf, &sub) : -1;
	struct stat st;
	if (tfd < 0 || fstatat(tfd, tleaf, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
		if (tfd >= 0)
			close(tfd);
		ferr_set(e, "%s: hard link '%s' points to '%s', which is not a file unpacked "
		         "earlier inside the tree; refusing to unpack (the archive is unsafe; "
		         "check its source)", t->origin, path, target);
		free(clean);
		return -1;
	}
	const char *leaf;
	int dfd = count_entry(t, path, e) == 0 ? open_parent(t, path, &leaf, e) : -1;
	int r = -1;
	if (dfd >= 0) {
		clear_leaf(dfd, leaf);
		r = linkat(tfd, tleaf, dfd, leaf, 0);
		if (r != 0)
			ferr_set(e, "%s: cannot link '%s' to '%s': %s", t->origin, path, target,
			         strerror(errno));
		close(dfd);
	}
	close(tfd);
	free(clean);
	return r == 0 ? 0 : -1;
}

/* --- the final symlink check ------------------------------------------- */

/* lexically_inside: does target, read relative to the directory of rel,
 * stay within the root (never climbing above it)? */
static int lexically_inside(const char *rel, const char *target)
{
	if (target[0] == '/')
		return 0;
	long depth = 0;
	for (const char *p = rel; (p = strchr(p, '/')); p++)
		depth++;
	for (const char *p = target; *p;) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 0;
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			depth++;
		}
		p += len + (s != NULL);
	}
	return 1;
}

/* resolves_outside asks the kernel to resolve rel (following links) while
 * refusing to leave rootfd: catches escapes built from several links. */
static int resolves_outside(int rootfd, const char *rel)
{
	struct open_how how;
	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
	if (fd >= 0) {
		close((int)fd);
		return 0;
	}
	return errno == EXDEV;   /* dangling or looping links are not escapes */
}

static struct {
	const char *root;
	const char *origin;
	int rootfd;
	struct ferr *e;
	int bad;
} walk;

static int check_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)ftw;
	if (flag != FTW_SL && flag != FTW_SLN)
		return 0;
	const char *rel = path + strlen(walk.root);
	while (*rel == '/')
		rel++;
	char target[4096];
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	if (!lexically_inside(rel, target) || resolves_outside(walk.rootfd, rel)) {
		ferr_set(walk.e, "%s: symlink '%s' points to '%s', outside the source tree; "
		         "refusing to unpack (the archive is unsafe; check its source)",
		         walk.origin, rel, target);
		walk.bad = 1;
		return 1;
	}
	return 0;
}

int tree_check_links(const char *root, const char *origin, struct ferr *e)
{
	walk.root = root;
	walk.origin = origin;
	walk.e = e;
	walk.bad = 0;
	walk.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (walk.rootfd < 0)
		return ferr_set(e, "%s: cannot open %s: %s", origin, root, strerror(errno));
	int r = nftw(root, check_one, 32, FTW_PHYS);
	close(walk.rootfd);
	if (walk.bad)
		return -1;
	if (r != 0)
		return ferr_set(e, "%s: cannot walk %s: %s", origin, root, strerror(errno));
	return 0;
}
