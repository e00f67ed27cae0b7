/* runtime/fetch/archive.c — reading an archive with libarchive into the
 * confined tree writer (tree.h), hashing every byte of the file on the way
 * so a tampered cache file is caught at no extra cost; and copying a file
 * verbatim (.apk/.deb sources).  See extract.h. */
#include "fetch/extract.h"
#include "fetch/tree.h"
#include "lib/sha256.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The archive's bytes pass through here on their way to libarchive. */
struct reader {
	int fd;
	struct sha256 h;
	char *buf;
};

enum { READ_BUF = 1 << 17 };   /* L2-sized, see lib/sha256.c */

static la_ssize_t on_read(struct archive *a, void *ud, const void **out)
{
	struct reader *r = ud;
	ssize_t n;
	do
		n = read(r->fd, r->buf, READ_BUF);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read error");
		return -1;
	}
	sha256_update(&r->h, r->buf, (size_t)n);
	*out = r->buf;
	return n;
}

/* extract_entry writes one archive entry into the tree. */
static int extract_entry(struct archive *a, struct archive_entry *ent, struct tree *t,
                         struct ferr *e)
{
	const char *name = archive_entry_pathname(ent);
	if (!name)
		return ferr_set(e, "%s: an entry has no readable name", t->origin);
	char *path = tree_clean_path(t, name, e);
	if (!path)
		return -1;
	int r = 0;
	const char *hl = archive_entry_hardlink(ent);
	mode_t type = archive_entry_filetype(ent);
	if (path[0] == '\0' || tree_has_git_dir(path)) {
		/* The root itself, or a planted .git: nothing to write. */
	} else if (hl) {
		r = tree_hardlink(t, path, hl, e);
	} else if (type == AE_IFDIR) {
		r = tree_mkdir(t, path, e);
	} else if (type == AE_IFLNK) {
		r = tree_symlink(t, path, archive_entry_symlink(ent), e);
	} else if (type == AE_IFREG) {
		long long size = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : -1;
		int fd = tree_check_size(t, path, size, e) == 0
		         ? tree_create(t, path, archive_entry_perm(ent), e) : -1;
		unsigned long long got = 0;
		const void *buf;
		size_t len;
		la_int64_t off;
		int ar = ARCHIVE_OK;
		r = fd < 0 ? -1 : 0;
		while (r == 0 && (ar = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
			/* Sparse entries come as blocks at offsets: leave holes, but
			 * count them against the caps like data. */
			if (off >= 0 && (unsigned long long)off > got) {
				unsigned long long hole = (unsigned long long)off - got;
				got += hole;
				t->total += hole;
				r = tree_write(t, fd, path, NULL, 0, &got, e);   /* cap check */
				if (r == 0 && lseek(fd, off, SEEK_SET) < 0)
					r = ferr_set(e, "%s: seeking in '%s': %s", t->origin, path,
					             strerror(errno));
			}
			if (r == 0)
				r = tree_write(t, fd, path, buf, len, &got, e);
		}
		if (r == 0 && ar != ARCHIVE_EOF)
			r = ferr_set(e, "%s: cannot read '%s': %s (the archive is damaged)",
			             t->origin, path, archive_error_string(a));
		if (r == 0 && size > 0 && (unsigned long long)size > got
		    && ftruncate(fd, size) != 0)   /* a trailing hole */
			r = ferr_set(e, "%s: sizing '%s': %s", t->origin, path, strerror(errno));
		if (fd >= 0) {
			/* Keep mtimes: autotools tarballs rebuild themselves otherwise. */
			struct timespec ts[2] = {{0, UTIME_OMIT},
			                         {archive_entry_mtime(ent), archive_entry_mtime_nsec(ent)}};
			if (r == 0 && archive_entry_mtime_is_set(ent))
				futimens(fd, ts);
			close(fd);
		}
	} else {
		const char *what = type == AE_IFCHR || type == AE_IFBLK ? "a device node"
		                   : type == AE_IFIFO ? "a FIFO" : type == AE_IFSOCK ? "a socket"
		                   : "of an unknown type";
		r = ferr_set(e, "%s: entry '%s' is %s; refusing to unpack (source archives "
		             "hold only files, directories and links; check its source)",
		             t->origin, name, what);
	}
	free(path);
	return r;
}

/* extract_archive unpacks o->archive into root, verifying o->sha256 over
 * every byte of the file. */
int extract_archive(const struct unpack_opts *o, const char *root, char hex[65],
                    struct ferr *e)
{
	struct reader rd = {.fd = -1};
	struct tree t = {.rootfd = -1};
	struct archive *a = NULL;
	int r = -1;
	rd.fd = open(o->archive, O_RDONLY | O_CLOEXEC);
	if (rd.fd < 0)
		return ferr_set(e, "cannot open archive %s: %s", o->archive, strerror(errno));
	rd.buf = malloc(READ_BUF);
	if (!rd.buf || sha256_init(&rd.h) != 0) {
		ferr_set(e, "out of memory");
		goto out;
	}
	if (tree_open(&t, root, o->archive, &o->lim, e) != 0)
		goto out;
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	/* No skip or seek callback: every byte comes through on_read and into
	 * the hash. */
	if (archive_read_open(a, &rd, NULL, on_read, NULL) != ARCHIVE_OK) {
		ferr_set(e, "%s: not a readable archive: %s (is the download complete and of a "
		         "supported format?)", o->archive, archive_error_string(a));
		goto out;
	}
	struct archive_entry *ent;
	int ar;
	while ((ar = archive_read_next_header(a, &ent)) == ARCHIVE_OK || ar == ARCHIVE_WARN)
		if (extract_entry(a, ent, &t, e) != 0)
			goto out;
	if (ar != ARCHIVE_EOF) {
		ferr_set(e, "%s: not a readable archive: %s (is the download complete and of a "
		         "supported format?)", o->archive, archive_error_string(a));
		goto out;
	}
	/* The hash covers the whole file, trailing padding included. */
	for (;;) {
		ssize_t n = read(rd.fd, rd.buf, READ_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sha256_update(&rd.h, rd.buf, (size_t)n);
	}
	sha256_final(&rd.h, hex);
	if (o->sha256 && strcmp(hex, o->sha256) != 0) {
		ferr_set(e, "%s: SHA-256 mismatch while unpacking: expected %s, got %s (the "
		         "cached file was modified; delete it and fetch again)", o->archive,
		         o->sha256, hex);
		goto out;
	}
	r = 0;
out:
	if (a)
		archive_read_free(a);
	tree_close(&t);
	sha256_free(&rd.h);
	free(rd.buf);
	close(rd.fd);
	return r;
}

/* copy_file puts the archive itself into the tree as name (mode 0755, like
 * the original), hashing it on the way. */
int copy_file(const struct unpack_opts *o, const char *root, char hex[65], struct ferr *e)
{
	if (!o->copy_as[0] || strchr(o->copy_as, '/') || !strcmp(o->copy_as, ".")
	    || !strcmp(o->copy_as, "..") || tree_has_git_dir(o->copy_as))
		return ferr_set(e, "--copy-as '%s' must be a plain file name", o->copy_as);
	struct tree t = {.rootfd = -1};
	struct sha256 h = {0};
	char *buf = malloc(READ_BUF);
	int in = open(o->archive, O_RDONLY | O_CLOEXEC), out = -1, r = -1;
	if (in < 0) {
		ferr_set(e, "cannot open %s: %s", o->archive, strerror(errno));
		goto done;
	}
	if (!buf || sha256_init(&h) != 0) {
		ferr_set(e, "out of memory");
		goto done;
	}
	if (tree_open(&t, root, o->archive, &o->lim, e) != 0
	    || (out = tree_create(&t, o->copy_as, 0755, e)) < 0)
		goto done;
	unsigned long long got = 0;
	for (;;) {
		ssize_t n = read(in, buf, READ_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ferr_set(e, "reading %s: %s", o->archive, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		sha256_update(&h, buf, (size_t)n);
		if (tree_write(&t, out, o->copy_as, buf, (size_t)n, &got, e) != 0)
			goto done;
	}
	sha256_final(&h, hex);
	if (o->sha256 && strcmp(hex, o->sha256) != 0) {
		ferr_set(e, "%s: SHA-256 mismatch while copying: expected %s, got %s (the cached "
		         "file was modified; delete it and fetch again)", o->archive, o->sha256, hex);
		goto done;
	}
	r = 0;
done:
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	tree_close(&t);
	sha256_free(&h);
	free(buf);
	return r;
}
