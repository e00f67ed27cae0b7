/* runtime/image/cpio.c — deterministic initramfs writer (cpio.h). */
#include "image/cpio.h"
#include "lib/log.h"

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int add_content(struct archive *a, const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (archive_write_data(a, buf, n) != n) {
			n = -1;
			break;
		}
	close(fd);
	return n < 0 ? -1 : 0;
}

static int add_entry(struct archive *a, struct archive_entry *ae,
                     const struct mentry *e, const struct manifest *m,
                     const char *stage, int64_t epoch, unsigned ino)
{
	const struct mentry *meta = e;
	enum mtype type = e->type;
	if (type == M_HARDLINK) {
		meta = manifest_get(m, e->link);
		if (!meta)
			return -1;
		type = M_REG;
	}
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_mode(ae, mtype_mode(type) | meta->mode);
	archive_entry_set_uid(ae, meta->uid);
	archive_entry_set_gid(ae, meta->gid);
	archive_entry_set_mtime(ae, epoch, 0);
	archive_entry_set_ino(ae, ino);
	archive_entry_set_nlink(ae, type == M_DIR ? 2 : 1);
	char path[8192];
	snprintf(path, sizeof path, "%s/%s", stage, e->path);
	struct stat st;
	archive_entry_set_size(ae, 0);
	if (type == M_REG) {
		if (lstat(path, &st))
			return -1;
		archive_entry_set_size(ae, st.st_size);
	}
	if (type == M_SYMLINK)
		archive_entry_set_symlink(ae, e->link);
	if (type == M_CHR || type == M_BLK)
		archive_entry_set_rdev(ae, makedev(meta->major, meta->minor));
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		return -1;
	if (type == M_REG && add_content(a, path))
		return -1;
	return 0;
}

int cpio_write(const char *out, const struct manifest *m, const char *stage,
               int64_t epoch)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp-%d", out, (int)getpid());
	size_t n;
	struct mentry **v = manifest_sorted(m, &n);
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	int rc = -1;
	if (!v || !a || !ae)
		goto out;
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp) != ARCHIVE_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (add_entry(a, ae, v[i], m, stage, epoch, (unsigned)i + 1)) {
			log_error("%s: cannot add /%s: %s", out, v[i]->path,
			          archive_error_string(a) ? archive_error_string(a)
			                                  : "unreadable in the staging tree");
			goto out;
		}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto out;
	if (rename(tmp, out)) {
		log_errno("%s: cannot rename %s into place", out, tmp);
		goto out;
	}
	rc = 0;
out:
	if (rc && a && archive_error_string(a))
		log_error("%s: %s", out, archive_error_string(a));
	if (a)
		archive_write_free(a);
	archive_entry_free(ae);
	free(v);
	if (rc)
		unlink(tmp);
	return rc;
}
