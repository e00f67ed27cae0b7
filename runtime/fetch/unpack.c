/* runtime/fetch/unpack.c — preparing a unit's src/: fill a temp tree
 * (extract.h: archive, verbatim copy or git export), strip a single top
 * directory, vet every symlink, commit and patch it (srcrepo.h), then swap
 * it into place.  All entry checks live in tree.c. */
#include "fetch/extract.h"
#include "fetch/fetch.h"
#include "fetch/srcrepo.h"
#include "fetch/tree.h"
#include "lib/fsutil.h"
#include "lib/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
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
	/* "src/" and "src" are one directory; ".", ".." or "/" never are a
	 * unit's src/ (it is deleted and replaced as a whole). */
	char *dest = strdup(o->dest);
	size_t dl = dest ? strlen(dest) : 0;
	while (dl > 1 && dest[dl - 1] == '/')
		dest[--dl] = '\0';
	const char *base = dest ? strrchr(dest, '/') : NULL;
	base = base ? base + 1 : dest;
	if (!dest || !*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		ferr_set(e, "unpack: --dest '%s' must name a directory to replace (e.g. "
		         "build/<unit>/src)", o->dest);
		free(dest);
		return -1;
	}
	char *parent = path_dirname(dest);
	char *tmp = NULL, *root = NULL, *final = NULL;
	int r = -1;
	if (!parent || mkdir_p(parent, 0755) != 0) {
		ferr_set(e, "cannot create the parent of %s: %s", dest, strerror(errno));
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
	char hex[SHA256_HEX_LEN + 1] = "";
	if (o->archive && o->copy_as)
		r = copy_file(o, root, hex, e);
	else
		r = o->archive ? extract_archive(o, root, hex, e) : export_git(o, root, e);
	if (r != 0) {
		r = -1;
		goto out;
	}
	r = -1;
	final = o->strip && !o->copy_as ? single_top(root) : NULL;
	if (!final)
		final = strdup(root);
	if (tree_check_links(final, origin, e) != 0)
		goto out;
	/* The message names content, never paths: the same source gives the
	 * same commit wherever the cache lives. */
	char *msg = NULL;
	if (o->archive)
		r = asprintf(&msg, "upstream source\n\narchive sha256: %s\n", hex);
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
	if (remove_tree(dest) != 0) {
		ferr_set(e, "cannot remove the old %s: %s", dest, strerror(errno));
		goto out;
	}
	if (rename(final, dest) != 0) {
		ferr_set(e, "cannot move the new source tree to %s: %s", dest, strerror(errno));
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
	free(dest);
	return r;
}
