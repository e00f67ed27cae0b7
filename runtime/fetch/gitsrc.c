/* runtime/fetch/gitsrc.c — git sources: one bare mirror per repository
 * under <cache>/sources/git/, fetched only when what the unit wants is not
 * in it yet, and a tag/branch resolved and checked against the commit pin. */
#include "fetch/fetch.h"
#include "fetch/gitrefs.h"
#include "lib/fsutil.h"
#include "lib/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *git_mirror_path(const char *cache, const char *url)
{
	char hex[SHA256_HEX_LEN + 1], *p;
	sha256_buf(url, strlen(url), hex);
	if (asprintf(&p, "%s/sources/git/%s.git", cache, hex) < 0)
		return NULL;
	return p;
}

/* open_mirror opens the mirror, creating it when missing: init and first
 * fetch happen in a temp dir that is renamed into place only when the
 * fetch succeeded, so a failed or killed run leaves no empty mirror.
 * *fresh is set when it was just fetched. */
static int open_mirror(const struct git_fetch_opts *o, const char *path, git_repository **repo,
                       int *fresh, struct ferr *e)
{
	*fresh = 0;
	if (git_repository_open_bare(repo, path) == 0)
		return 0;
	char *dir = path_dirname(path), *tmp = NULL;
	if (!dir || mkdir_p(dir, 0755) != 0 || asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0
	    || !mkdtemp(tmp)) {
		ferr_set(e, "cannot create git mirror %s: %s", path, strerror(errno));
		free(dir);
		free(tmp);
		return -1;
	}
	free(dir);
	git_repository *r = NULL;
	int fail = git_repository_init(&r, tmp, 1) != 0;
	if (fail)
		ferr_set(e, "cannot create git mirror %s: %s", path, git_errmsg());
	else
		fail = gitrefs_fetch(r, o->url, "refs/heads/", o->attempts ? o->attempts : 3,
		                     o->retry_delay_ms, e) != 0;
	git_repository_free(r);
	/* ENOTEMPTY/EEXIST: another run made the mirror first; use theirs. */
	if (!fail && rename(tmp, path) != 0 && errno != ENOTEMPTY && errno != EEXIST)
		fail = ferr_set(e, "cannot create git mirror %s: %s", path, strerror(errno));
	rm_rf(tmp);
	free(tmp);
	if (fail)
		return -1;
	*fresh = 1;
	if (git_repository_open_bare(repo, path) != 0)
		return ferr_set(e, "cannot open git mirror %s: %s", path, git_errmsg());
	return 0;
}

int git_fetch_source(const struct git_fetch_opts *o, char out[GIT_HEX_LEN + 1],
                     char **mirror, struct ferr *e)
{
	if (fetch_lib_init(e) != 0)
		return -1;
	*mirror = NULL;
	if (o->tag && o->branch)
		return ferr_set(e, "%s: give a tag or a branch, not both", o->url);
	if (o->commit && !hex40_valid(o->commit))
		return ferr_set(e, "%s: commit pin '%s' is not 40 lowercase hex digits; fix the "
		                "unit's commit", o->url, o->commit);
	if (!o->commit && o->paranoid)
		return ferr_set(e, "%s: no commit pin and --paranoid is on (CI=true); add "
		                "commit = \"<40 hex>\" to the unit", o->url);
	char *path = git_mirror_path(o->cache, o->url);
	git_repository *repo = NULL;
	int fresh, r = -1, lock = -1;
	git_oid resolved;
	if (!path) {
		ferr_set(e, "out of memory");
		goto out;
	}
	if ((lock = lock_path(path, e)) < 0 || open_mirror(o, path, &repo, &fresh, e) != 0)
		goto out;
	int named = (o->tag && o->tag[0]) || (o->branch && o->branch[0]);
	int have = named ? gitrefs_resolve(repo, o->tag, o->branch, "refs/heads/", &resolved)
	                 : !o->commit && gitrefs_resolve(repo, NULL, NULL, "", &resolved);
	if (o->commit && !gitrefs_has_commit(repo, o->commit))
		have = 0;
	if (!fresh && (!have || o->update))
		if (gitrefs_fetch(repo, o->url, "refs/heads/", o->attempts ? o->attempts : 3,
		                  o->retry_delay_ms, e) != 0)
			goto out;
	char what[600];
	if (o->tag)
		snprintf(what, sizeof what, "tag '%s' of %s", o->tag, o->url);
	else if (o->branch)
		snprintf(what, sizeof what, "branch '%s' of %s", o->branch, o->url);
	else
		snprintf(what, sizeof what, "HEAD of %s", o->url);
	if ((named || !o->commit)
	    && !gitrefs_resolve(repo, o->tag, o->branch, "refs/heads/", &resolved)) {
		ferr_set(e, "%s does not exist; check the unit's tag/branch", what);
		goto out;
	}
	if (o->commit && !gitrefs_has_commit(repo, o->commit)) {
		ferr_set(e, "pinned commit %s is not in %s (fetched every branch and tag); "
		         "check the unit's commit", o->commit, o->url);
		goto out;
	}
	if (o->commit && named
	    && gitrefs_check_pin(repo, &resolved, o->branch != NULL, o->commit, what, e) != 0)
		goto out;
	if (o->commit)
		memcpy(out, o->commit, GIT_HEX_LEN + 1);
	else
		git_oid_tostr(out, GIT_HEX_LEN + 1, &resolved);
	*mirror = path;
	path = NULL;
	r = 0;
out:
	git_repository_free(repo);
	if (lock >= 0)
		close(lock);
	free(path);
	return r;
}
