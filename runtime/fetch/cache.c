/* runtime/fetch/cache.c — the content-addressed source cache:
 * <cache>/sources/sha256/<hex> holds exactly the bytes whose SHA-256 is
 * <hex>.  A cached file is re-hashed every time it is used: measured at
 * ~1.3 GB/s (see docs/fetch.md), that costs well under a second for real
 * source archives and, unlike a recorded size+mtime+inode, cannot be fooled
 * by anyone who can write the cache (they could rewrite the record too). */
#include "fetch/fetch.h"
#include "lib/log.h"
#include "lib/sha256.h"

#include <dirent.h>
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

int cache_check(const char *cache, unsigned *ok, unsigned *removed, struct ferr *e)
{
	char *dir;
	*ok = *removed = 0;
	if (asprintf(&dir, "%s/sources/sha256", cache) < 0)
		return ferr_set(e, "out of memory");
	DIR *d = opendir(dir);
	if (!d) {
		int err = errno;
		free(dir);
		if (err == ENOENT)
			return 0;   /* an empty cache is a clean one */
		return ferr_set(e, "cannot read %s/sources/sha256: %s", cache, strerror(err));
	}
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		if (!sha256_hex_valid(de->d_name))
			continue;
		char *p = NULL;
		int got = cache_lookup(cache, de->d_name, &p, e);
		free(p);
		if (got < 0) {
			r = -1;
			break;
		}
		if (got)
			(*ok)++;
		else
			(*removed)++;
	}
	closedir(d);
	free(dir);
	return r;
}
