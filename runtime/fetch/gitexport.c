/* runtime/fetch/gitexport.c — writing a commit's tree from a bare mirror
 * through the confined tree writer (tree.h), the same checks as archives
 * (a hostile repository can hold `..` names or escaping links too).  See
 * extract.h. */
#include "fetch/extract.h"
#include "fetch/tree.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int export_git(const struct unpack_opts *o, const char *root, struct ferr *e)
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
