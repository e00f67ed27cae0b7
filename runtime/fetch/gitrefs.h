/* runtime/fetch/gitrefs.h — the libgit2 plumbing git sources and modules
 * share: fetching every branch and tag from a remote URL, resolving a
 * tag/branch to a commit, and checking a commit pin against it. */
#ifndef YOE_FETCH_GITREFS_H
#define YOE_FETCH_GITREFS_H

#include "fetch/fetch.h"

#include <git2.h>

/* gitrefs_fetch fetches all branches into branch_ns ("refs/heads/" for a
 * mirror, "refs/remotes/origin/" for a checkout), all tags (forced: a
 * retagged upstream is seen, and then caught by the pin), and the remote's
 * HEAD into refs/yoe/HEAD.  Up to `attempts` tries, waiting (n-1) × delay_ms
 * before try n; a progress line on stderr when it is a terminal. */
int gitrefs_fetch(git_repository *repo, const char *url, const char *branch_ns,
                  int attempts, long delay_ms, struct ferr *e);

/* gitrefs_resolve resolves tag (refs/tags/), else branch (under branch_ns),
 * else refs/yoe/HEAD into out; 1 found, 0 not present locally. */
int gitrefs_resolve(git_repository *repo, const char *tag, const char *branch,
                    const char *branch_ns, git_oid *out);

/* gitrefs_has_commit is true when the commit object is present. */
int gitrefs_has_commit(git_repository *repo, const char *hex);

/* gitrefs_check_pin checks that `commit` agrees with what the ref resolved
 * to: a tag (or the remote HEAD) must name it exactly, a branch must contain
 * it.  what names the source in messages ("tag v1.0 of <url>"). */
int gitrefs_check_pin(git_repository *repo, const git_oid *resolved, int is_branch,
                      const char *commit, const char *what, struct ferr *e);

#endif
