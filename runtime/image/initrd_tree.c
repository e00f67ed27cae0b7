/* runtime/image/initrd_tree.c — the initramfs under construction
 * (initrd_tree.h).  Files from the rootfs are hard links to the staging
 * tree where the work directory allows (both live in it), else copies:
 * the cpio writer only reads them. */
#include "image/initrd_tree.h"
#include "image/boot.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void itree_err(const struct itree *t, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_error("%s:%d: initrd_modules: %s", t->s->path, t->s->initrd_modules_line, msg);
}

/* find_file resolves a rootfs path to a regular file (or hard link). */
const struct mentry *itree_find_file(const struct itree *t, const char *path,
                                     char *real, size_t len)
{
	const struct mentry *e = boot_resolve(t->m, path, real, len);
	return e && (e->type == M_REG || e->type == M_HARDLINK) ? e : NULL;
}

/* put_dirs adds the parent directories of path to the initramfs. */
static int put_dirs(struct itree *t, const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		struct mentry *e = manifest_get(&t->out, buf);
		if (!e && !manifest_put(&t->out, buf))
			return -1;
		*p = '/';
	}
	return 0;
}

/* put adds an entry of the given type and mode, owned by root. */
struct mentry *itree_put(struct itree *t, const char *path, enum mtype type,
                        mode_t mode)
{
	struct mentry *e = put_dirs(t, path) ? NULL : manifest_put(&t->out, path);
	if (!e) {
		log_error("%s: out of memory", t->s->path);
		return NULL;
	}
	e->type = type;
	e->mode = mode;
	e->uid = e->gid = 0;
	e->pkg = -1;
	return e;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

/* place makes host file <root>/<path> from src: a hard link when the work
 * directory allows, else a copy. */
static int place(struct itree *t, const char *path, const char *src)
{
	char *dst = path_join(t->root, path), *dir = dst ? path_dirname(dst) : NULL;
	int rc = dir && mkdir_p(dir, 0755) == 0 ? 0 : -1;
	if (!rc && link(src, dst)) {
		int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		int o = in < 0 ? -1
		        : open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		rc = o < 0 || copy_fd(in, o) ? -1 : 0;
		if (in >= 0)
			close(in);
		if (o >= 0 && close(o))
			rc = -1;
	}
	if (rc)
		log_errno("%s: cannot copy %s into the initramfs", dst ? dst : path, src);
	free(dir);
	free(dst);
	return rc;
}

/* add_file copies rootfs file e (resolved path real) to initramfs path. */
int itree_add_file(struct itree *t, const char *path, const struct mentry *e,
                   const char *real, mode_t mode)
{
	char src[8192];
	struct stat sb;
	snprintf(src, sizeof src, "%s/%s", t->stage, real);
	if (lstat(src, &sb) || !S_ISREG(sb.st_mode)) {
		log_errno("%s: /%s is missing from the staging tree", t->s->path, real);
		return -1;
	}
	struct mentry *o = itree_put(t, path, M_REG, mode);
	if (!o || place(t, path, src))
		return -1;
	o->size = (uint64_t)sb.st_size;
	o->pkg = e->pkg;
	return 0;
}

/* add_text writes a file the image makes (/init, modules.dep). */
int itree_add_text(struct itree *t, const char *path, const char *text, mode_t mode)
{
	struct mentry *e = itree_put(t, path, M_REG, mode);
	char *dst = path_join(t->root, path), *dir = dst ? path_dirname(dst) : NULL;
	FILE *f = e && dir && mkdir_p(dir, 0755) == 0 ? fopen(dst, "wx") : NULL;
	int rc = f && fputs(text, f) >= 0 ? 0 : -1;
	if (f && fclose(f))
		rc = -1;
	if (rc)
		log_errno("%s: cannot write", dst ? dst : path);
	else
		e->size = strlen(text);
	free(dir);
	free(dst);
	return rc;
}

