/* gen/cli/qemu_disk.c — the disk a `yoe run` guest boots from: a copy of
 * the built image (the guest writes to its disk, and the build output must
 * stay what ninja built), sparse like the original, grown so the guest has
 * room; and whether a QEMU still holds the run directory's pidfile. */
#include "cli/qemu.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* copy_rw copies [off, off+len) with pread/pwrite, leaving all-zero blocks
 * unwritten (they read back as zeros: holes). */
static int copy_rw(int s, int d, off_t off, off_t len)
{
	static char b[1 << 16];
	while (len > 0) {
		size_t want = len < (off_t)sizeof b ? (size_t)len : sizeof b;
		ssize_t n = pread(s, b, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		bool zero = true;
		for (ssize_t i = 0; i < n && zero; i++)
			zero = !b[i];
		for (ssize_t w = 0; !zero && w < n;) {
			ssize_t r = pwrite(d, b + w, (size_t)(n - w), off + w);
			if (r < 0 && errno != EINTR)
				return -1;
			w += r > 0 ? r : 0;
		}
		off += n;
		len -= n;
	}
	return 0;
}

/* copy_range copies one data extent: copy_file_range (which may share
 * blocks), falling back to read/write where the kernel or file system
 * cannot. */
static int copy_range(int s, int d, off_t off, off_t len)
{
	while (len > 0) {
		loff_t in = off, out = off;
		ssize_t n = copy_file_range(s, &in, d, &out, (size_t)len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL
		              || errno == EOPNOTSUPP || errno == EPERM))
			return copy_rw(s, d, off, len);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0; /* the source shrank under us */
		off += n;
		len -= n;
	}
	return 0;
}

/* copy_extents copies the data parts of s, skipping its holes. */
static int copy_extents(int s, int d, off_t size)
{
	off_t off = 0;
	while (off < size) {
		off_t data = lseek(s, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			return 0; /* a hole to the end */
		off_t hole = data < 0 ? size : lseek(s, data, SEEK_HOLE);
		if (data < 0) /* no SEEK_DATA here: all of it is data */
			data = off;
		if (hole < 0 || hole > size)
			hole = size;
		if (copy_range(s, d, data, hole - data) < 0)
			return -1;
		off = hole;
	}
	return 0;
}

int qemu_disk_copy(const char *src, const char *dst, uint64_t grow)
{
	int s = open(src, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (s < 0 || fstat(s, &st) < 0) {
		fprintf(stderr, "yoe run: error: cannot read %s: %s\n", src, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	char *dir = path_dirname(dst), *tmp;
	if (asprintf(&tmp, "%s.tmp", dst) < 0)
		abort();
	int d = -1;
	if (dir && mkdir_p(dir, 0755) == 0)
		d = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = d < 0 ? -1 : 0;
	const char *what = "create";
	if (!rc && ioctl(d, FICLONE, s) < 0) { /* no reflinks here: copy */
		what = "copy to";
		rc = copy_extents(s, d, st.st_size);
	}
	if (!rc) {
		what = "grow";
		rc = ftruncate(d, st.st_size + (off_t)grow);
	}
	if (!rc) {
		what = "write";
		rc = close(d);
		d = -1;
	}
	const char *on = tmp;
	if (!rc) {
		what = "rename into place", on = dst;
		rc = rename(tmp, dst);
	}
	if (rc) {
		fprintf(stderr, "yoe run: error: cannot %s %s: %s\n", what, on, strerror(errno));
		unlink(tmp);
	}
	if (d >= 0)
		close(d);
	close(s);
	free(dir);
	free(tmp);
	return rc ? -1 : 0;
}

long qemu_running(const char *pidfile)
{
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* QEMU holds a write lock on its pidfile while it runs */
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	long pid = 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid ? (long)fl.l_pid : -1;
	close(fd);
	return pid;
}
