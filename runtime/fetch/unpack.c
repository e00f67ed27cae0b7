/* runtime/fetch/unpack.c — preparing a unit's src/: extract an archive with
 * libarchive (hashing it while reading, so a tampered cache file is caught
 * at no extra cost) or export a commit from a git mirror, strip a single top
 * directory, vet symlinks, commit, patch, then swap the result into place.
 * All entry checks live in tree.c; this file only feeds it. */
#include "fetch/fetch.h"
#include "fetch/srcrepo.h"
#include "fetch/tree.h"
#include "lib/fsutil.h"
#include "lib/sha256.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void unpack_opts_default(struct unpack_opts *o)
{
	memset(o, 0, sizeof *o);
	o->strip = -1;
	o->lim.max_entry = 4ULL << 30;    /* 4 GiB in one file */
	o->lim.max_total = 16ULL << 30;   /* 16 GiB unpacked */
	o->lim.max_entries = 1000000;
}

/* --- archives ----------------------------------------------------------- */

/* The archive's bytes pass through here on their way to libarchive. */
struct reader {
	int fd;
	struct sha256 h;
	char *buf;
};

enum { READ_BUF = 1 << 20 };

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
		int ar;
		r = fd < 0 ? -1 : 0;
		while (r == 0 && (ar = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			r = tree_write(t, fd, path, buf, len, &got, e);
		if (r == 0 && ar != ARCHIVE_EOF)
			r = ferr_set(e, "%s: cannot read '%s': %s (the archive is damaged)",
			             t->origin, path, archive_error_string(a));
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
static int extract_archive(const struct unpack_opts *o, const char *root, struct ferr *e)
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
	char hex[SHA256_HEX_LEN + 1];
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

/* --- git ---------------------------------------------------------------- */

/* State of a tree walk exporting a commit. */
struct export {
	git_repository *repo;
	struct tree *t;
	struct ferr *e;
	int failed;
};

static int export_entry(const char *dir, const git_tree_entry *te, void *payload)
{
	struct export *x = payload;
	char *name, *path;
	if (asprintf(&name, "%s%s", dir, git_tree_entry_name(te)) < 0)
		return -1;
	path = tree_clean_path(x->t, name, x->e);
	free(name);
	if (!path) {
		x->failed = 1;
		return -1;
	}
	int r = 0;
	git_filemode_t mode = git_tree_entry_filemode(te);
	git_blob *blob = NULL;
	if (tree_has_git_dir(path)) {
		r = mode == GIT_FILEMODE_TREE ? 1 : 0;   /* 1 skips the subtree */
	} else if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT) {
		/* A submodule becomes an empty directory, as in a plain clone. */
		r = tree_mkdir(x->t, path, x->e) == 0 ? 0 : -1;
	} else if (git_blob_lookup(&blob, x->repo, git_tree_entry_id(te)) != 0) {
		r = ferr_set(x->e, "%s: missing object for '%s': %s (the mirror is damaged; "
		             "delete it)", x->t->origin, path, git_errmsg());
	} else if (mode == GIT_FILEMODE_LINK) {
		char *target = strndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		r = target ? tree_symlink(x->t, path, target, x->e) : -1;
		free(target);
	} else {
		int fd = tree_create(x->t, path, mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644, x->e);
		unsigned long long got = 0;
		r = fd < 0 ? -1 : tree_write(x->t, fd, path, git_blob_rawcontent(blob),
		                             (size_t)git_blob_rawsize(blob), &got, x->e);
		if (fd >= 0)
			close(fd);
	}
	git_blob_free(blob);
	free(path);
	if (r < 0)
		x->failed = 1;
	return r;
}

static int export_git(const struct unpack_opts *o, const char *root, struct ferr *e)
{
	git_repository *repo = NULL;
	git_commit *c = NULL;
	git_tree *tr = NULL;
	git_oid id;
	struct tree t = {.rootfd = -1};
	int r = -1;
	if (!o->commit || !hex40_valid(o->commit))
		return ferr_set(e, "%s: --commit must be 40 lowercase hex digits", o->git_mirror);
	if (git_repository_open_bare(&repo, o->git_mirror) != 0) {
		ferr_set(e, "cannot open git mirror %s: %s (run git-fetch first)", o->git_mirror,
		         git_errmsg());
		goto out;
	}
	if (git_oid_fromstr(&id, o->commit) != 0 || git_commit_lookup(&c, repo, &id) != 0
	    || git_commit_tree(&tr, c) != 0) {
		ferr_set(e, "commit %s is not in git mirror %s (run git-fetch for it)", o->commit,
		         o->git_mirror);
		goto out;
	}
	if (tree_open(&t, root, o->git_mirror, &o->lim, e) != 0)
		goto out;
	struct export x = {repo, &t, e, 0};
	if (git_tree_walk(tr, GIT_TREEWALK_PRE, export_entry, &x) != 0 || x.failed) {
		if (!x.failed)
			ferr_set(e, "%s: cannot export commit %s: %s", o->git_mirror, o->commit,
			         git_errmsg());
		goto out;
	}
	r = 0;
out:
	tree_close(&t);
	git_tree_free(tr);
	git_commit_free(c);
	git_repository_free(repo);
	return r;
}

/* --- putting it together ------------------------------------------------ */

/* single_top returns the malloc'd path of root's only entry when that is a
 * directory (the "pkg-1.0/" of most tarballs), else NULL. */
static char *single_top(const char *root)
{
	DIR *d = opendir(root);
	if (!d)
		return NULL;
	struct dirent *de;
	char *only = NULL;
	int n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n++ == 0)
			only = strdup(de->d_name);
	}
	closedir(d);
	char *p = n == 1 && only ? path_join(root, only) : NULL;
	free(only);
	struct stat st;
	if (p && (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
		free(p);
		p = NULL;
	}
	return p;
}

static int make_writable(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

/* remove_tree deletes a tree even where a build made directories
 * read-only (Go's module cache does). */
static int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		nftw(path, make_writable, 32, FTW_PHYS);
	return rm_rf(path);
}

int unpack_source(const struct unpack_opts *o, char head[GIT_HEX_LEN + 1], struct ferr *e)
{
	if (fetch_lib_init(e) != 0)
		return -1;
	if (!o->dest || !o->dest[0])
		return ferr_set(e, "unpack: --dest is required");
	if (!o->archive == !o->git_mirror)
		return ferr_set(e, "unpack: give exactly one of --archive and --git-mirror");
	if (o->sha256 && !sha256_hex_valid(o->sha256))
		return ferr_set(e, "%s: sha256 '%s' is not 64 lowercase hex digits",
		                o->archive, o->sha256);
	const char *origin = o->archive ? o->archive : o->git_mirror;
	char *parent = path_dirname(o->dest);
	char *tmp = NULL, *root = NULL, *final = NULL;
	int r = -1;
	if (!parent || mkdir_p(parent, 0755) != 0) {
		ferr_set(e, "cannot create the parent of %s: %s", o->dest, strerror(errno));
		goto out;
	}
	/* A sibling temp dir: same file system, so the final rename is atomic. */
	if (asprintf(&tmp, "%s/.unpack.XXXXXX", parent) < 0 || !mkdtemp(tmp)) {
		ferr_set(e, "cannot create a temp directory in %s: %s", parent, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	root = path_join(tmp, "root");
	if (!root || mkdir(root, 0755) != 0) {
		ferr_set(e, "cannot create %s/root: %s", tmp, strerror(errno));
		goto out;
	}
	if ((o->archive ? extract_archive(o, root, e) : export_git(o, root, e)) != 0)
		goto out;
	final = o->strip ? single_top(root) : NULL;
	if (!final)
		final = strdup(root);
	if (tree_check_links(final, origin, e) != 0)
		goto out;
	char *msg = NULL;
	if (o->archive)
		r = asprintf(&msg, "upstream source\n\narchive: %s%s%s\n", origin,
		             o->sha256 ? "\nsha256: " : "", o->sha256 ? o->sha256 : "");
	else
		r = asprintf(&msg, "upstream source\n\ngit commit: %s\n", o->commit);
	if (r < 0) {
		r = ferr_set(e, "out of memory");
		goto out;
	}
	char commit[GIT_HEX_LEN + 1];
	r = srcrepo_create(final, msg, o->patches, o->npatches, commit, e);
	free(msg);
	if (r != 0)
		goto out;
	r = -1;
	/* A fresh tree every time: stale files of an old version never survive. */
	if (remove_tree(o->dest) != 0) {
		ferr_set(e, "cannot remove the old %s: %s", o->dest, strerror(errno));
		goto out;
	}
	if (rename(final, o->dest) != 0) {
		ferr_set(e, "cannot move the new source tree to %s: %s", o->dest, strerror(errno));
		goto out;
	}
	if (head)
		memcpy(head, commit, sizeof commit);
	r = 0;
out:
	if (tmp)
		remove_tree(tmp);
	free(final);
	free(root);
	free(tmp);
	free(parent);
	return r;
}
