/* runtime/fetch/module.c — module checkouts (cache/modules/<name>): sync
 * clones or fetches and checks out the pinned or resolved commit; verify
 * proves a checkout is exactly its pinned commit before `yoe gen` trusts
 * it — HEAD, every tracked file's content and mode (hashed: an mtime can be
 * forged), and no extra files. */
#include "fetch/fetch.h"
#include "fetch/gitrefs.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE ".yoe-state.json"   /* module dev-mode state, not tracked */

/* open_or_clone opens dest, or creates it as an empty repository with an
 * `origin` remote (built in a temp dir, then renamed into place). */
static int open_or_clone(const struct module_sync_opts *o, git_repository **repo,
                         struct ferr *e)
{
	const char *url = o->url, *dest = o->dest;
	if (git_repository_open_ext(repo, dest, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
		/* The module's URL may have changed in PROJECT.star. */
		git_remote_set_url(*repo, "origin", url);
		return 0;
	}
	struct stat st;
	if (lstat(dest, &st) == 0)
		return ferr_set(e, "%s exists but is not a git checkout; remove it and run "
		                "module sync again", dest);
	char *parent = path_dirname(dest), *tmp = NULL;
	git_repository *r = NULL;
	git_remote *rem = NULL;
	int ok = parent && mkdir_p(parent, 0755) == 0
	         && asprintf(&tmp, "%s.tmp.XXXXXX", dest) >= 0 && mkdtemp(tmp);
	if (!ok) {
		ferr_set(e, "cannot create %s: %s", dest, strerror(errno));
		free(parent);
		free(tmp);
		return -1;
	}
	free(parent);
	fprintf(stderr, "Cloning %s into %s\n", url, dest);
	int fail = git_repository_init(&r, tmp, 0) != 0
	           || git_remote_create(&rem, r, "origin", url) != 0;
	if (fail)
		ferr_set(e, "cannot create %s: %s", dest, git_errmsg());
	git_remote_free(rem);
	if (!fail)
		fail = gitrefs_fetch(r, url, "refs/remotes/origin/", o->attempts ? o->attempts : 3,
		                     o->retry_delay_ms, e) != 0;
	git_repository_free(r);
	if (!fail && rename(tmp, dest) != 0)
		fail = ferr_set(e, "cannot move the clone to %s: %s", dest, strerror(errno));
	if (fail)
		rm_rf(tmp);
	free(tmp);
	if (fail)
		return -1;
	if (git_repository_open_ext(repo, dest, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return ferr_set(e, "cannot open %s: %s", dest, git_errmsg());
	return 1;   /* freshly fetched */
}

int module_sync(const struct module_sync_opts *o, char out[GIT_HEX_LEN + 1], struct ferr *e)
{
	if (fetch_lib_init(e) != 0)
		return -1;
	if (o->commit && !hex40_valid(o->commit))
		return ferr_set(e, "module %s: commit pin '%s' is not 40 lowercase hex digits",
		                o->url, o->commit);
	if (!o->commit && o->paranoid)
		return ferr_set(e, "module %s has no commit pin and --paranoid is on (CI=true); "
		                "add commit = \"<40 hex>\" to module() or run 'yoe module lock'",
		                o->url);
	git_repository *repo = NULL;
	git_commit *c = NULL;
	int r = -1;
	int lock = lock_path(o->dest, e);
	if (lock < 0)
		return -1;
	int fresh = open_or_clone(o, &repo, e);
	if (fresh < 0) {
		close(lock);
		return -1;
	}
	/* An explicit sync always fetches: refs move, and a moved tag must be
	 * seen here, not trusted. */
	if (!fresh && gitrefs_fetch(repo, o->url, "refs/remotes/origin/",
	                            o->attempts ? o->attempts : 3, o->retry_delay_ms, e) != 0)
		goto out;
	const char *ref = o->ref && o->ref[0] ? o->ref : NULL;
	git_oid want, resolved;
	int is_branch = 0, found;
	char what[600];
	if (ref && hex40_valid(ref)) {
		found = git_oid_fromstr(&resolved, ref) == 0 && gitrefs_has_commit(repo, ref);
		snprintf(what, sizeof what, "ref %s of module %s", ref, o->url);
	} else {
		found = gitrefs_resolve(repo, ref, NULL, "", &resolved);
		snprintf(what, sizeof what, "tag '%s' of module %s", ref ? ref : "", o->url);
		if (!found && ref) {
			found = gitrefs_resolve(repo, NULL, ref, "refs/remotes/origin/", &resolved);
			is_branch = found;
			snprintf(what, sizeof what, "branch '%s' of module %s", ref, o->url);
		}
		if (!ref)
			snprintf(what, sizeof what, "HEAD of module %s", o->url);
	}
	if (!found) {
		ferr_set(e, "%s does not exist (fetched every branch and tag); check module(ref=)",
		         what);
		goto out;
	}
	if (o->commit) {
		if (!gitrefs_has_commit(repo, o->commit)) {
			ferr_set(e, "pinned commit %s of module %s is not in the repository; check "
			         "module(commit=) or yoe.lock", o->commit, o->url);
			goto out;
		}
		if (gitrefs_check_pin(repo, &resolved, is_branch, o->commit, what, e) != 0)
			goto out;
		git_oid_fromstr(&want, o->commit);
	} else {
		git_oid_cpy(&want, &resolved);
	}
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_commit_lookup(&c, repo, &want) != 0
	    || git_checkout_tree(repo, (git_object *)c, &co) != 0
	    || git_repository_set_head_detached(repo, &want) != 0) {
		ferr_set(e, "cannot check out module %s in %s: %s", o->url, o->dest, git_errmsg());
		goto out;
	}
	git_oid_tostr(out, GIT_HEX_LEN + 1, &want);
	r = module_verify(o->dest, out, 1, e);
out:
	git_commit_free(c);
	git_repository_free(repo);
	close(lock);
	return r;
}

/* --- verify ------------------------------------------------------------- */

/* A tree walk comparing the checkout with the commit. */
struct cmp {
	const char *dir;        /* the checkout */
	char first[1024];       /* first differing path */
	int ndiff;              /* how many differ */
};

static int cmp_entry(const char *root, const git_tree_entry *te, void *payload)
{
	struct cmp *c = payload;
	git_filemode_t mode = git_tree_entry_filemode(te);
	if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT)
		return 0;
	char *path;
	if (asprintf(&path, "%s/%s%s", c->dir, root, git_tree_entry_name(te)) < 0)
		return -1;
	struct stat st;
	git_oid id;
	int same = lstat(path, &st) == 0;
	if (same && mode == GIT_FILEMODE_LINK) {
		char buf[4096];
		ssize_t n = S_ISLNK(st.st_mode) ? readlink(path, buf, sizeof buf) : -1;
		same = n >= 0 && git_odb_hash(&id, buf, (size_t)n, GIT_OBJECT_BLOB) == 0;
	} else if (same) {
		int exec = (st.st_mode & 0100) != 0;
		same = S_ISREG(st.st_mode) && exec == (mode == GIT_FILEMODE_BLOB_EXECUTABLE)
		       && git_odb_hashfile(&id, path, GIT_OBJECT_BLOB) == 0;
	}
	if (same)
		same = git_oid_equal(&id, git_tree_entry_id(te));
	if (!same && c->ndiff++ == 0)
		snprintf(c->first, sizeof c->first, "%s%s", root, git_tree_entry_name(te));
	free(path);
	return 0;
}

/* The state of the walk looking for files the commit does not have. */
static struct {
	const char *dir;      /* the checkout */
	git_tree *tree;       /* the pinned commit's tree */
	char *first;          /* first extra path, for the message */
	size_t n;             /* its buffer size */
	int count;            /* extra files found */
} xw;

static int extra_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	const char *rel = path + strlen(xw.dir);
	while (*rel == '/')
		rel++;
	if (!*rel)
		return FTW_CONTINUE;
	if (flag == FTW_D && ftw->level == 1 && !strcmp(rel, ".git"))
		return FTW_SKIP_SUBTREE;
	git_tree_entry *te = NULL;
	int known = git_tree_entry_bypath(&te, xw.tree, rel) == 0;
	git_filemode_t mode = known ? git_tree_entry_filemode(te) : 0;
	git_tree_entry_free(te);
	if (flag == FTW_D || flag == FTW_DNR)
		/* Inside a submodule the commit says nothing; extra directories
		 * alone change nothing, their files are judged one by one. */
		return mode == GIT_FILEMODE_COMMIT ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (!strcmp(rel, STATE_FILE) || (known && mode != GIT_FILEMODE_TREE
	                                 && mode != GIT_FILEMODE_COMMIT))
		return FTW_CONTINUE;
	if (xw.count++ == 0)
		snprintf(xw.first, xw.n, "%s", rel);
	return FTW_CONTINUE;
}

/* extra_files counts files on disk that the commit does not track.  It
 * walks the directory itself instead of asking git status, so neither
 * .gitignore, .git/info/exclude nor a doctored index can hide a planted
 * .star file. */
static int extra_files(const char *dir, git_tree *tree, char *first, size_t n)
{
	xw.dir = dir;
	xw.tree = tree;
	xw.first = first;
	xw.n = n;
	xw.count = 0;
	if (nftw(dir, extra_one, 32, FTW_PHYS | FTW_ACTIONRETVAL) != 0)
		return -1;
	return xw.count;
}

int module_check(const char *dir, const char *commit, int allow_untracked,
                 char head_out[GIT_HEX_LEN + 1], struct ferr *e)
{
	if (fetch_lib_init(e) != 0)
		return -1;
	git_repository *repo = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_oid pin, head;
	char hexhead[GIT_HEX_LEN + 1] = "";
	int r = -1;
	if (head_out)
		head_out[0] = '\0';
	if (commit && !hex40_valid(commit))
		return ferr_set(e, "module %s: commit '%s' is not 40 lowercase hex digits; fix "
		                "module(commit=) or yoe.lock", dir, commit);
	if (git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		ferr_set(e, "module %s is not a git checkout; run 'yoe module sync'", dir);
		return MODULE_MISSING;
	}
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		ferr_set(e, "module %s has no HEAD commit; run 'yoe module sync'", dir);
		r = MODULE_MISSING;
		goto out;
	}
	git_oid_tostr(hexhead, sizeof hexhead, &head);
	if (head_out)
		memcpy(head_out, hexhead, sizeof hexhead);
	if (!commit)
		commit = hexhead;   /* unpinned: judge the files against HEAD */
	git_oid_fromstr(&pin, commit);
	if (!git_oid_equal(&head, &pin)) {
		ferr_set(e, "module %s is at commit %s but is pinned to %s (module(commit=) or "
		         "yoe.lock); run 'yoe module sync' to check out the pin, or review the "
		         "change and run 'yoe module lock' to accept it", dir, hexhead, commit);
		r = MODULE_MOVED;
		goto out;
	}
	if (git_commit_lookup(&c, repo, &pin) != 0 || git_commit_tree(&tree, c) != 0) {
		ferr_set(e, "module %s: cannot read commit %s: %s; delete the checkout and run "
		         "'yoe module sync'", dir, commit, git_errmsg());
		goto out;
	}
	struct cmp cmp = {dir, "", 0};
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, cmp_entry, &cmp) != 0) {
		ferr_set(e, "module %s: cannot compare with commit %s: %s", dir, commit,
		         git_errmsg());
		goto out;
	}
	if (cmp.ndiff) {
		ferr_set(e, "module %s: tracked file '%s'%s differs from pinned commit %s; run "
		         "'git -C %s checkout -f HEAD' (or 'yoe module sync') to restore it",
		         dir, cmp.first, cmp.ndiff > 1 ? " (and others)" : "", commit, dir);
		r = MODULE_MODIFIED;
		goto out;
	}
	char extra[1024];
	int n = allow_untracked ? 0 : extra_files(dir, tree, extra, sizeof extra);
	if (n < 0) {
		ferr_set(e, "module %s: cannot list files: %s", dir, strerror(errno));
		goto out;
	}
	if (n > 0) {
		ferr_set(e, "module %s: file '%s'%s is not part of pinned commit %s and could "
		         "change what yoe loads; remove it (git -C %s clean -fdx)", dir, extra,
		         n > 1 ? " (and others)" : "", commit, dir);
		r = MODULE_EXTRA;
		goto out;
	}
	r = MODULE_CLEAN;
out:
	git_tree_free(tree);
	git_commit_free(c);
	git_repository_free(repo);
	return r;
}

int module_verify(const char *dir, const char *commit, int allow_untracked, struct ferr *e)
{
	if (!commit)
		return ferr_set(e, "module %s has no commit pin; add commit= to module() or run "
		                "'yoe module lock'", dir);
	return module_check(dir, commit, allow_untracked, NULL, e) == MODULE_CLEAN ? 0 : -1;
}

const char *module_state_name(int state)
{
	switch (state) {
	case MODULE_CLEAN: return "clean";
	case MODULE_MISSING: return "missing";
	case MODULE_MOVED: return "moved";
	case MODULE_MODIFIED: return "modified";
	case MODULE_EXTRA: return "extra-files";
	default: return "error";
	}
}
