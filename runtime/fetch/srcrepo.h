/* runtime/fetch/srcrepo.h — turning an unpacked tree into the unit's git
 * repository: the pristine tree as one commit tagged `upstream`, then each
 * patch as its own commit, so `git log upstream..` shows the patch series. */
#ifndef YOE_FETCH_SRCREPO_H
#define YOE_FETCH_SRCREPO_H

#include "fetch/fetch.h"

/* The identity and time of commits yoe makes: fixed, so identical inputs
 * give identical commit hashes. */
#define SRCREPO_NAME  "yoe"
#define SRCREPO_EMAIL "yoe@yoe.local"

/* srcrepo_create makes dir a repository, commits everything in it (ignored
 * files included: a tarball's .gitignore must not hide shipped files) with
 * message, tags it `upstream`, then applies patches in order.  Each patch
 * is a commit with the author and subject of its mail header when present,
 * "patch: <basename>" otherwise.  head receives the last commit. */
int srcrepo_create(const char *dir, const char *message, const char *const *patches,
                   size_t npatches, char head[GIT_HEX_LEN + 1], struct ferr *e);

#endif
