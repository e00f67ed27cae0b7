/* runtime/fetch/gitrefs.c — fetch/resolve/pin-check plumbing (gitrefs.h). */
#include "fetch/gitrefs.h"
#include "fetch/progress.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the fetch callbacks share. */
struct fetch_cb {
	struct progress pg;   /* the progress line */
	int cred_calls;       /* credential requests so far (libgit2 asks again
	                       * after every failure; stop it looping) */
};

static int on_transfer(const git_indexer_progress *st, void *payload)
{
	struct fetch_cb *cb = payload;
	progress_update(&cb->pg, st->received_bytes, 0);
	return 0;
}

/* on_credentials offers the ssh agent for ssh:// and git@ URLs; yoe never
 * holds secrets itself.  Anything else fails as unauthenticated. */
static int on_credentials(git_credential **out, const char *url, const char *user,
                          unsigned int allowed, void *payload)
{
	struct fetch_cb *cb = payload;
	(void)url;
	if (++cb->cred_calls > 3)
		return GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out, user ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	return GIT_PASSTHROUGH;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int gitrefs_fetch(git_repository *repo, const char *url, const char *branch_ns,
                  int attempts, long delay_ms, struct ferr *e)
{
	git_remote *rem = NULL;
	char heads[256];
	snprintf(heads, sizeof heads, "+refs/heads/*:%s*", branch_ns);
	char *specs[] = {heads, "+refs/tags/*:refs/tags/*", "+HEAD:refs/yoe/HEAD"};
	git_strarray refspecs = {specs, 3};
	git_fetch_options fo;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.proxy_opts.type = GIT_PROXY_AUTO;        /* honour proxy settings */
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
	fo.prune = GIT_FETCH_PRUNE;
	struct fetch_cb cb = {.cred_calls = 0};
	char *shown = url_redact(url);
	if (!shown)
		return ferr_set(e, "out of memory");
	fo.callbacks.transfer_progress = on_transfer;
	fo.callbacks.credentials = on_credentials;
	fo.callbacks.payload = &cb;
	fprintf(stderr, "Fetching %s\n", shown);
	int r = git_remote_create_anonymous(&rem, repo, url);
	for (int n = 1; r == 0; n++) {
		progress_start(&cb.pg, isatty(2), shown, 0);
		cb.cred_calls = 0;
		r = git_remote_fetch(rem, &refspecs, &fo, "yoe fetch");
		progress_end(&cb.pg);
		if (r == 0 || r == GIT_EAUTH || n >= attempts)
			break;   /* a refused login does not get better by retrying */
		fprintf(stderr, "  retrying %s in %.1fs (attempt %d/%d): %s\n", shown,
		        (double)(delay_ms * n) / 1000, n + 1, attempts, git_errmsg());
		sleep_ms(delay_ms * n);
		r = 0;
	}
	git_remote_free(rem);
	if (r != 0)
		ferr_set(e, "cannot fetch %s: %s (check the URL and your network)", shown,
		         git_errmsg());
	free(shown);
	return r != 0 ? -1 : 0;
}

int gitrefs_resolve(git_repository *repo, const char *tag, const char *branch,
                    const char *branch_ns, git_oid *out)
{
	char spec[512];
	if (tag && tag[0])
		snprintf(spec, sizeof spec, "refs/tags/%s^{commit}", tag);
	else if (branch && branch[0])
		snprintf(spec, sizeof spec, "%s%s^{commit}", branch_ns, branch);
	else
		snprintf(spec, sizeof spec, "refs/yoe/HEAD^{commit}");
	git_object *obj = NULL;
	if (git_revparse_single(&obj, repo, spec) != 0)
		return 0;
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 1;
}

int gitrefs_has_commit(git_repository *repo, const char *hex)
{
	git_oid id;
	git_commit *c = NULL;
	if (git_oid_fromstr(&id, hex) != 0 || git_commit_lookup(&c, repo, &id) != 0)
		return 0;
	git_commit_free(c);
	return 1;
}

int gitrefs_check_pin(git_repository *repo, const git_oid *resolved, int is_branch,
                      const char *commit, const char *what, struct ferr *e)
{
	char got[GIT_HEX_LEN + 1];
	git_oid pin;
	git_oid_tostr(got, sizeof got, resolved);
	if (git_oid_fromstr(&pin, commit) != 0)
		return ferr_set(e, "%s: commit pin '%s' is not 40 hex digits", what, commit);
	if (git_oid_equal(&pin, resolved))
		return 0;
	if (is_branch && git_graph_descendant_of(repo, resolved, &pin) == 1)
		return 0;
	if (is_branch)
		return ferr_set(e, "%s is at %s, which does not contain the pinned commit %s; "
		                "fix the commit pin or the branch", what, got, commit);
	return ferr_set(e, "%s resolves to %s but the pinned commit is %s; if upstream "
	                "moved the tag on purpose, review the change and update the pin, "
	                "otherwise the repository was tampered with", what, got, commit);
}
