/* gen/emit/speccache.c — the write-skipping cache of gen's spec files
 * (speccache.h).  One text line per file: `<xxh3-128 hex> <size>
 * <mtime ns> <inode> <path>`, sorted by path.
 *
 * A file that does not exist yet is created in place (O_EXCL) rather than
 * through a temp file and a rename: the first gen of a 4,000-unit project
 * makes ~8,000 files, and on a busy ext4 every extra directory operation
 * (the temp's create, the rename, mkdir -p of each path component) waits
 * on the journal — that was most of a cold gen's seconds, and why they
 * varied so much.  Existing files are still replaced atomically. */
#include "emit/speccache.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"
#include "yoe/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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
	static const char hex[] = "0123456789abcdef";
	XXH128_hash_t h = XXH3_128bits(data, len);
	for (int i = 0; i < 16; i++) {
		out[i] = hex[(h.high64 >> (60 - 4 * i)) & 15];
		out[16 + i] = hex[(h.low64 >> (60 - 4 * i)) & 15];
	}
	out[32] = '\0';
}

/* number parses a decimal field ending in a space; NULL if malformed. */
static char *number(char *s, unsigned long long *v)
{
	if (*s < '0' || *s > '9')
		return NULL;
	unsigned long long n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned)(*s++ - '0');
	*v = n;
	return *s == ' ' ? s + 1 : NULL;
}

void speccache_open(const char *file)
{
	cache_file = strdup(file);
	char *text = read_file(file, NULL);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		struct entry e;
		unsigned long long size, mtime;
		char *s = line + 32;
		if (strlen(line) < 34 || line[32] != ' ' || strspn(line, "0123456789abcdef") != 32
		    || !(s = number(s + 1, &size)) || !(s = number(s, &mtime)) || !(s = number(s, &e.ino))
		    || !*s)
			continue;
		memcpy(e.hash, line, 32);
		e.hash[32] = '\0';
		e.size = (long long)size;
		e.mtime = (long long)mtime;
		struct entry *ne = malloc(sizeof *ne);
		if (!ne)
			break;
		*ne = e;
		sm_put(&cache, strdup(s), ne);
	}
	free(text);
	dirty = 0;
}

static void remember(const char *path, const char *hash, const struct stat *st)
{
	struct entry *e = sm_get(&cache, path);
	if (!e) {
		e = calloc(1, sizeof *e);
		if (!e)
			return;
		sm_put(&cache, strdup(path), e);
	}
	memcpy(e->hash, hash, 33);
	e->size = st->st_size;
	e->mtime = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	e->ino = st->st_ino;
	dirty = 1;
}

/* mkdirs makes dir and its missing parents, trying the deepest first: the
 * parent usually exists (build/<distro>), so that is one mkdir. */
static int mkdirs(char *dir)
{
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	char *slash = strrchr(dir, '/');
	if (errno != ENOENT || !slash || slash == dir)
		return -1;
	*slash = '\0';
	int r = mkdirs(dir);
	*slash = '/';
	return r == 0 && (mkdir(dir, 0755) == 0 || errno == EEXIST) ? 0 : -1;
}

/* create_new writes a file that does not exist yet in place.  Returns 1
 * (written; *st filled), 0 when it exists (the caller compares and
 * replaces it), -1 on error. */
static int create_new(const char *path, const void *data, size_t len, struct stat *st)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		char *dir = path_dirname(path);
		int r = dir ? mkdirs(dir) : -1;
		free(dir);
		if (r == 0)
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	/* the umask may have narrowed the mode; spec files are always 0644 */
	int failed = left || fstat(fd, st) != 0
	             || ((st->st_mode & 07777) != 0644 && (fchmod(fd, 0644) != 0 || fstat(fd, st) != 0));
	int e = errno;
	if (close(fd) != 0)
		failed = 1;
	if (failed) {
		unlink(path);
		errno = e;
		return -1;
	}
	return 1;
}

int spec_write_file(const char *path, const void *data, size_t len)
{
	struct stat st;
	int r = create_new(path, data, len, &st);
	return r != 0 ? r : write_file_if_changed_flags(path, data, len, 0644, ATOMIC_NOSYNC);
}

/* cache_write is speccache_write; in_place allows creating a new file
 * without a temp file (a crash can leave it empty or short: fine for
 * specs, which the next gen compares and rewrites, not for build.ninja,
 * which ninja would read as it is). */
static int cache_write(const char *path, const void *data, size_t len, bool in_place)
{
	char hash[33];
	hash_hex(data, len, hash);
	struct entry *e = cache_file ? sm_get(&cache, path) : NULL;
	struct stat st;
	bool exists = false;
	if (e && !strcmp(e->hash, hash) && (exists = stat(path, &st) == 0) && st.st_size == e->size
	    && (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec == e->mtime
	    && st.st_ino == e->ino)
		return 0;
	int r = exists || !in_place ? 0 : create_new(path, data, len, &st);
	if (r == 0) {
		r = write_file_if_changed_flags(path, data, len, 0644, ATOMIC_NOSYNC);
		if (r >= 0 && stat(path, &st) != 0)
			return r;
	}
	if (r >= 0 && cache_file)
		remember(path, hash, &st);
	return r;
}

int speccache_write(const char *path, const void *data, size_t len)
{
	return cache_write(path, data, len, true);
}

int speccache_write_atomic(const char *path, const void *data, size_t len)
{
	return cache_write(path, data, len, false);
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
		spec_write_file(cache_file, b.data ? b.data : "", b.len);
		buf_free(&b);
		free(keys);
	}
	for (size_t i = 0; i < cache.cap; i++)
		if (cache.slots[i].key) {
			free(cache.slots[i].val);
			free((char *)cache.slots[i].key);
		}
	sm_free(&cache);
	free(cache_file);
	cache_file = NULL;
}
