/* runtime/lib/atomicfile.c — temp file + fsync + rename, skipping unchanged
 * content (see atomicfile.h). */
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int atomic_open(struct atomic_file *af, const char *path, int mode)
{
	memset(af, 0, sizeof *af);
	char *dir = path_dirname(path);
	if (!dir)
		return -1;
	int r = mkdir_p(dir, 0755);
	free(dir);
	if (r != 0)
		return -1;
	af->path = strdup(path);
	if (!af->path || asprintf(&af->tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(af->path);
		return -1;
	}
	int fd = mkstemp(af->tmp);
	if (fd < 0 || !(af->fp = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		free(af->path);
		free(af->tmp);
		errno = e;
		return -1;
	}
	af->mode = mode;
	return 0;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fp)
		fclose(af->fp);
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof *af);
}

/* same_content compares two files byte for byte. */
static int same_content(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	char ba[65536], bb[65536];
	while (same) {
		size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
		if (na != nb || memcmp(ba, bb, na) != 0)
			same = 0;
		else if (na == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

int atomic_commit(struct atomic_file *af)
{
	int failed = fflush(af->fp) != 0 || ferror(af->fp);
	failed = failed || fchmod(fileno(af->fp), af->mode) != 0;
	int e = errno;
	struct stat st;
	int changed = 1;
	if (!failed && stat(af->path, &st) == 0 && (st.st_mode & 07777) == (mode_t)af->mode
	    && same_content(af->tmp, af->path))
		changed = 0;
	if (!failed && changed && !af->nosync)
		failed = fsync(fileno(af->fp)) != 0;
	if (fclose(af->fp) != 0)
		failed = 1;
	af->fp = NULL;
	if (!failed && changed)
		failed = rename(af->tmp, af->path) != 0;
	e = failed ? errno : e;
	if (failed || !changed)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof *af);
	errno = e;
	return failed ? -1 : changed;
}

/* same_as_file is true when path holds exactly data with the given mode:
 * checked before any temp file is made, so rewriting thousands of unchanged
 * files (yoe gen's specs) costs one read each. */
static int same_as_file(const char *path, const void *data, size_t len, int mode)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len
	    || (st.st_mode & 07777) != (mode_t)mode)
		return 0;
	size_t n = 0;
	char *old = read_file(path, &n);
	int same = old && n == len && memcmp(old, data, len) == 0;
	free(old);
	return same;
}

int write_file_if_changed(const char *path, const void *data, size_t len, int mode)
{
	return write_file_if_changed_flags(path, data, len, mode, 0);
}

int write_file_if_changed_flags(const char *path, const void *data, size_t len, int mode, int flags)
{
	if (same_as_file(path, data, len, mode))
		return 0;
	struct atomic_file af;
	if (atomic_open(&af, path, mode) != 0)
		return -1;
	af.nosync = (flags & ATOMIC_NOSYNC) != 0;
	if (len && fwrite(data, 1, len, af.fp) != len) {
		int e = errno;
		atomic_abort(&af);
		errno = e;
		return -1;
	}
	return atomic_commit(&af);
}
