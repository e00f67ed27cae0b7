/* runtime/fetch/cache.c — the content-addressed source cache:
 * <cache>/sources/sha256/<hex> holds exactly the bytes whose SHA-256 is
 * <hex>.  A cached file is re-hashed every time it is used: measured at
 * ~1.3 GB/s (see docs/fetch.md), that costs well under a second for real
 * source archives and, unlike a recorded size+mtime+inode, cannot be fooled
 * by anyone who can write the cache (they could rewrite the record too). */
#include "fetch/fetch.h"
#include "lib/log.h"
#include "lib/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *cache_source_path(const char *cache, const char *hex)
{
	char *p;
	if (asprintf(&p, "%s/sources/sha256/%s", cache, hex) < 0)
		return NULL;
	return p;
}

int cache_lookup(const char *cache, const char *hex, char **path, struct ferr *e)
{
	char got[SHA256_HEX_LEN + 1];
	char *p = cache_source_path(cache, hex);
	*path = NULL;
	if (!p)
		return ferr_set(e, "out of memory");
	if (sha256_file(p, got) != 0) {
		int err = errno;
		if (err == ENOENT) {
			free(p);
			return 0;
		}
		ferr_set(e, "cannot read cached %s: %s (remove it to fetch again)", p,
		         strerror(err));
		free(p);
		return -1;
	}
	if (strcmp(got, hex) != 0) {
		log_warn("cached %s does not match its hash (got sha256 %s); it was "
		         "modified, removing it and fetching again", p, got);
		if (unlink(p) != 0 && errno != ENOENT) {
			ferr_set(e, "cached %s is corrupt (sha256 %s) and cannot be removed: %s; "
			         "delete it by hand", p, got, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
		return 0;
	}
	*path = p;
	return 1;
}
