/* gen/emit/speccache.c — the write-skipping cache of gen's spec files
 * (speccache.h).  One text line per file: `<xxh3-128 hex> <size>
 * <mtime ns> <inode> <path>`, sorted by path. */
#include "emit/speccache.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"
#include "yoe/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

struct entry {
	char hash[33];     /* XXH3-128 hex of the content gen wrote */
	long long size;    /* the file's size after writing */
	long long mtime;   /* its mtime in ns */
	unsigned long long ino;
};

static struct strmap cache;   /* path -> struct entry* */
static char *cache_file;      /* where it is kept, NULL when not open */
static int dirty;             /* an entry changed since loading */

static void hash_hex(const void *data, size_t len, char out[33])
{
	XXH128_hash_t h = XXH3_128bits(data, len);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

void speccache_open(const char *file)
{
	cache_file = strdup(file);
	char *text = read_file(file, NULL);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		struct entry e;
		int pos = 0;
		if (sscanf(line, "%32s %lld %lld %llu %n", e.hash, &e.size, &e.mtime, &e.ino, &pos) < 4
		    || !pos || !line[pos])
			continue;
		struct entry *ne = malloc(sizeof *ne);
		*ne = e;
		sm_put(&cache, strdup(line + pos), ne);
		if (!next)
			break;
	}
	free(text);
	dirty = 0;
}

static void remember(const char *path, const char *hash)
{
	struct stat st;
	struct entry *e = sm_get(&cache, path);
	if (stat(path, &st) != 0)
		return;
	if (!e) {
		e = calloc(1, sizeof *e);
		sm_put(&cache, strdup(path), e);
	}
	memcpy(e->hash, hash, 33);
	e->size = st.st_size;
	e->mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	e->ino = st.st_ino;
	dirty = 1;
}

int speccache_write(const char *path, const void *data, size_t len)
{
	char hash[33];
	hash_hex(data, len, hash);
	struct entry *e = cache_file ? sm_get(&cache, path) : NULL;
	struct stat st;
	if (e && !strcmp(e->hash, hash) && stat(path, &st) == 0 && st.st_size == e->size
	    && (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec == e->mtime
	    && st.st_ino == e->ino)
		return 0;
	int r = write_file_if_changed_flags(path, data, len, 0644, ATOMIC_NOSYNC);
	if (r >= 0 && cache_file)
		remember(path, hash);
	return r;
}

void speccache_close(void)
{
	if (!cache_file)
		return;
	if (dirty) {
		size_t n;
		const char **keys = sm_keys(&cache, &n);
		struct buf b = {0};
		for (size_t i = 0; i < n; i++) {
			struct entry *e = sm_get(&cache, keys[i]);
			buf_printf(&b, "%s %lld %lld %llu %s\n", e->hash, e->size, e->mtime, e->ino, keys[i]);
		}
		write_file_if_changed_flags(cache_file, b.data ? b.data : "", b.len, 0644, ATOMIC_NOSYNC);
		buf_free(&b);
		free(keys);
	}
	size_t n;
	const char **keys = sm_keys(&cache, &n);
	for (size_t i = 0; i < n; i++) {
		free(sm_get(&cache, keys[i]));
		free((char *)keys[i]);
	}
	free(keys);
	sm_free(&cache);
	free(cache_file);
	cache_file = NULL;
}
