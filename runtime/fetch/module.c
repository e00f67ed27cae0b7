/* runtime/fetch/module.c — module checkouts (cache/modules/<name>): sync
 * clones or fetches and checks out the pinned or resolved commit; verify
 * proves a checkout is exactly its pinned commit before `yoe gen` trusts
 * it — HEAD, every tracked file's content and mode (hashed: an mtime can be
 * forged), and no extra files. */
#include "fetch/fetch.h"
#include "fetch/gitrefs.h"
#include "lib/fsutil.h"

#include <errno.h>
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
	int fresh = open_or_clone(o, &repo, e);
	if (fresh < 0)
		return -1;
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

/* extra_files counts files the commit does not track (ignored ones too: a
 * .git/info/exclude entry must not hide a planted .star file). */
static int extra_files(git_repository *repo, char *first, size_t n)
{
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS
	           | GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS;
	git_status_list *list = NULL;
	if (git_status_list_new(&list, repo, &so) != 0)
		return -1;
	int count = 0;
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		if (!(s->status & (GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED)) || !s->index_to_workdir)
			continue;
		const char *p = s->index_to_workdir->new_file.path;
		if (!p || strcmp(p, STATE_FILE) == 0)
			continue;
		if (count++ == 0)
			snprintf(first, n, "%s", p);
	}
	git_status_list_free(list);
	return count;
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
	int n = allow_untracked ? 0 : extra_files(repo, extra, sizeof extra);
	if (n < 0) {
		ferr_set(e, "module %s: cannot list files: %s", dir, git_errmsg());
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
