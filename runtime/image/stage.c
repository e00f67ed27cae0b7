/* runtime/image/stage.c — unpacking packages into the staging tree without
 * following symlinks and recording the real metadata in the manifest
 * (stage.h). */
#include "image/stage.h"
#include "lib/log.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPYBUF (256 * 1024)

int path_safe(const char *path)
{
	if (!*path || *path == '/' || strlen(path) >= 4000)
		return 0;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return 0;
	const char *c = path;
	for (;;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && !strncmp(c, "..", 2)))
			return 0;
		if (!c[n])
			return 1;
		c += n + 1;
	}
}

mode_t host_mode(enum mtype t, mode_t mode)
{
	return t == M_DIR ? (mode & 0777) | 0700 : (mode & 0777) | 0600;
}

static const char *pkgfile(const struct stage *st)
{
	return st->cur >= 0 ? st->pkgs[st->cur].apk.path : st->root;
}

int stage_open(struct stage *st, const char *root, struct manifest *m,
               struct pkg *pkgs, size_t npkgs)
{
	memset(st, 0, sizeof *st);
	st->dirfd = -1;
	st->rootfd = -1;
	st->blobfd = -1;
	st->cur = -1;
	if (mkdir(root, 0755)) {
		log_errno("%s: cannot create the staging directory", root);
		return -1;
	}
	st->root = strdup(root);
	st->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	st->copybuf = malloc(COPYBUF);
	st->m = m;
	st->pkgs = pkgs;
	st->npkgs = npkgs;
	if (st->rootfd < 0 || !st->root || !st->copybuf) {
		log_errno("%s: cannot open the staging directory", root);
		return -1;
	}
	return 0;
}

void stage_close(struct stage *st)
{
	if (st->dirfd >= 0)
		close(st->dirfd);
	if (st->rootfd >= 0)
		close(st->rootfd);
	if (st->blobfd >= 0)
		close(st->blobfd);
	free(st->dirpath);
	free(st->root);
	free(st->copybuf);
	memset(st, 0, sizeof *st);
	st->dirfd = st->rootfd = st->blobfd = -1;
}

/* open_parent returns an fd of the directory holding path (cached), creating
 * missing directories as implicit root:root 0755 entries.  Refuses to pass
 * through anything that is not a real directory. */
static int open_parent(struct stage *st, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	if (st->dirfd >= 0 && strlen(st->dirpath) == dlen &&
	    !strncmp(st->dirpath, path, dlen))
		return st->dirfd;
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st->dirpath);
	st->dirfd = -1;
	st->dirpath = strndup(path, dlen);
	if (!st->dirpath)
		return -1;
	int fd = dup(st->rootfd);
	char *walk = strdup(st->dirpath);
	for (char *c = walk, *next; fd >= 0 && dlen && c; c = next) {
		next = strchr(c, '/');
		if (next)
			*next = '\0';
		int nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT) {
			/* Not on the host: new, or a device node that lives only in
			 * the manifest (and cannot hold children). */
			struct mentry *e = manifest_get(st->m, walk);
			if (e && !e->deleted && e->type != M_DIR) {
				errno = ENOTDIR;
			} else if ((e = manifest_put(st->m, walk)) != NULL) {
				e->deleted = 0;
				e->type = M_DIR;
				e->mode = 0755;
				e->implicit = 1;
				e->pkg = st->cur;
				if (mkdirat(fd, c, 0755) == 0)
					nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					             O_CLOEXEC);
			}
		}
		if (nfd < 0) {
			struct mentry *e = manifest_get(st->m, walk);
			if (errno == ELOOP || errno == ENOTDIR)
				log_error("%s: /%s: /%s is a %s%s%s, not a directory (ship the file "
				          "under its real directory)", pkgfile(st), path, walk,
				          e && e->type == M_SYMLINK ? "symlink" : "file",
				          e && e->pkg >= 0 ? " from " : "",
				          e && e->pkg >= 0 ? st->pkgs[e->pkg].apk.path : "");
			else
				log_errno("%s: /%s: cannot create /%s in the staging tree",
				          pkgfile(st), path, walk);
			close(fd);
			fd = -1;
			break;
		}
		close(fd);
		fd = nfd;
		if (next)
			*next++ = '/';
	}
	free(walk);
	st->dirfd = fd;
	return fd;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* claim decides whether the current package may (re)define path.  Returns
 * 1 to go on, 0 to keep the earlier owner's version, -1 on conflict. */
static int claim(struct stage *st, struct mentry *old, enum mtype type)
{
	if (old->deleted || (old->pkg == -1 && old->implicit))
		return 1;
	if (old->type == M_DIR && type == M_DIR)
		return old->implicit ? 1 : 0; /* shared directories: first wins */
	if (old->pkg == st->cur || old->pkg < 0)
		return 1;
	struct pkg *me = &st->pkgs[st->cur], *them = &st->pkgs[old->pkg];
	if ((old->type == M_DIR) != (type == M_DIR)) {
		log_error("%s: /%s is a %s here but a %s in %s (packages must agree)",
		          me->apk.path, old->path, type == M_DIR ? "directory" : "file",
		          old->type == M_DIR ? "directory" : "file", them->apk.path);
		return -1;
	}
	if (pkg_replaces(me, them->name))
		return 1;
	if (pkg_replaces(them, me->name))
		return 0;
	log_error("%s: /%s is also in package %s (%s); add `replaces = %s` to %s, "
	          "or remove the file from one of them", me->apk.path, old->path,
	          them->name, them->apk.path, them->name, me->name);
	return -1;
}

/* remove_host drops whatever the staging tree has at base (not a directory). */
static int remove_host(int dfd, const char *base)
{
	if (unlinkat(dfd, base, 0) && errno != ENOENT)
		return -1;
	return 0;
}

static int write_content(struct stage *st, int dfd, const char *base, mode_t mode,
                         struct apk_reader *r, const void *data, size_t len)
{
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                0600);
	if (fd < 0)
		return -1;
	int rc = 0;
	if (r) {
		ssize_t n;
		while ((n = apk_entry_read(r, st->copybuf, COPYBUF)) > 0)
			if (write(fd, st->copybuf, n) != n) {
				rc = -1;
				break;
			}
		if (n < 0) {
			errno = EIO;
			rc = -1;
		}
	} else if (len && write(fd, data, len) != (ssize_t)len) {
		rc = -1;
	}
	if (fchmod(fd, mode))
		rc = -1;
	if (close(fd))
		rc = -1;
	return rc;
}

static enum mtype mtype_of(enum apk_type t)
{
	switch (t) {
	case APK_DIR: return M_DIR;
	case APK_SYMLINK: return M_SYMLINK;
	case APK_HARDLINK: return M_HARDLINK;
	case APK_CHR: return M_CHR;
	case APK_BLK: return M_BLK;
	case APK_FIFO: return M_FIFO;
	case APK_REG: break;
	}
	return M_REG;
}

/* put_host makes the host side of entry e at path.  r (or data/len) is the
 * content of a regular file. */
static int put_host(struct stage *st, const char *path, enum mtype type, mode_t mode,
                    const char *link, struct apk_reader *r, const void *data,
                    size_t len)
{
	int dfd = open_parent(st, path);
	if (dfd < 0)
		return -1;
	const char *base = base_name(path);
	if (type == M_DIR) {
		struct stat sb;
		if (mkdirat(dfd, base, host_mode(M_DIR, mode)) == 0)
			return 0;
		if (errno == EEXIST && fstatat(dfd, base, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(sb.st_mode))
			return fchmodat(dfd, base, host_mode(M_DIR, mode), 0);
		goto fail;
	}
	/* Only a path in the manifest can be on the host already. */
	if (manifest_get(st->m, path) && remove_host(dfd, base))
		goto fail;
	switch (type) {
	case M_REG:
		if (st->blob && !r && !data) {
			/* Unpacked already (with its host mode): move it into place. */
			if (renameat(st->blobfd, st->blob, dfd, base))
				goto fail;
			st->blob = NULL;
			return 0;
		}
		if (write_content(st, dfd, base, host_mode(M_REG, mode), r, data, len))
			goto fail;
		return 0;
	case M_SYMLINK:
		if (symlinkat(link, dfd, base))
			goto fail;
		return 0;
	case M_HARDLINK: {
		struct mentry *t = manifest_get(st->m, link);
		if (!t || t->deleted || t->type != M_REG || !path_safe(link)) {
			log_error("%s: /%s: hard link to /%s, which is not a regular file "
			          "unpacked before it (fix the package)", pkgfile(st), path, link);
			return -1;
		}
		if (linkat(st->rootfd, link, dfd, base, 0))
			goto fail;
		return 0;
	}
	default:
		return 0; /* device nodes and FIFOs exist only in the manifest */
	}
fail:
	log_errno("%s: /%s: cannot write it under %s", pkgfile(st), path, st->root);
	return -1;
}

/* record fills manifest entry e from the package's view of it. */
static void record(struct stage *st, struct mentry *e, const struct apk_entry *a)
{
	free(e->link);
	e->link = NULL;
	e->type = mtype_of(a->type);
	e->mode = a->mode & 07777;
	e->uid = a->uid;
	e->gid = a->gid;
	e->major = a->devmajor;
	e->minor = a->devminor;
	e->size = a->type == APK_REG ? a->size : 0;
	if (a->type == APK_SYMLINK || a->type == APK_HARDLINK)
		e->link = strdup(a->link);
	snprintf(e->sha1, sizeof e->sha1, "%s", a->sha1 ? a->sha1 : "");
	e->pkg = st->cur;
	e->implicit = 0;
	e->deleted = 0;
}

int stage_entry(struct stage *st, const struct apk_entry *a, struct apk_err *err)
{
	struct apk_reader *r = NULL;
	const char *path = a->path;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t plen = strlen(path);
	if (plen && path[plen - 1] == '/') {
		/* Some tar writers end directory names with '/'. */
		char *trim = strndup(path, plen - 1);
		struct apk_entry copy = *a;
		copy.path = trim;
		int rc = trim ? stage_entry(st, &copy, err) : -1;
		free(trim);
		return rc;
	}
	if (!path_safe(path)) {
		snprintf(err->msg, sizeof err->msg, "%s: unsafe path '%s' in the data "
		         "(absolute, '..', or odd characters); fix the package",
		         pkgfile(st), a->path);
		return -1;
	}
	enum mtype type = mtype_of(a->type);
	struct mentry *old = manifest_get(st->m, path);
	if (old) {
		int c = claim(st, old, type);
		if (c < 0) {
			snprintf(err->msg, sizeof err->msg, "file conflict (see above)");
			return -1;
		}
		if (c == 0)
			return 0;
	}
	if (put_host(st, path, type, a->mode, a->link, type == M_REG ? r : NULL, NULL,
	             0)) {
		snprintf(err->msg, sizeof err->msg, "cannot stage /%s (see above)", path);
		return -1;
	}
	struct mentry *e = manifest_put(st->m, path);
	if (!e) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return -1;
	}
	record(st, e, a);
	st->pkgs[st->cur].size += e->type == M_REG ? e->size
	                        : e->type == M_SYMLINK ? strlen(a->link) : 0;
	return 0;
}

static struct mentry *image_entry(struct stage *st, const char *path,
                                  enum mtype type, mode_t mode)
{
	struct mentry *e = manifest_put(st->m, path);
	if (!e)
		return NULL;
	if (e->type == M_DIR && !e->deleted && type != M_DIR && e->pkg >= 0) {
		log_error("image file /%s would replace a directory from %s", path,
		          st->pkgs[e->pkg].apk.path);
		return NULL;
	}
	free(e->link);
	memset(&e->type, 0, sizeof *e - offsetof(struct mentry, type));
	e->type = type;
	e->mode = mode;
	e->pkg = -1;
	return e;
}

int stage_file(struct stage *st, const char *path, const void *data, size_t len,
               mode_t mode)
{
	st->cur = -1;
	st->blob = NULL;
	struct mentry *e = image_entry(st, path, M_REG, mode);
	if (!e || put_host(st, path, M_REG, mode, NULL, NULL, data, len))
		return -1;
	e->size = len;
	return 0;
}

int stage_symlink(struct stage *st, const char *path, const char *target)
{
	st->cur = -1;
	struct mentry *e = image_entry(st, path, M_SYMLINK, 0777);
	if (!e || put_host(st, path, M_SYMLINK, 0777, target, NULL, NULL, 0))
		return -1;
	e->link = strdup(target);
	return 0;
}
