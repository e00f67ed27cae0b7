/* runtime/image/rmtree.c — rmtree (rmtree.h): depth first, one open
 * directory per level.  A tree deeper than the fd limit allows (a path
 * can have 2000 components) falls back to nftw, which reopens by path. */
#include "image/rmtree.h"
#include "lib/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

/* empty_dir removes everything in directory fd (taking ownership of fd). */
static int empty_dir(int fd)
{
	struct stat sb;
	/* Unlinking needs write and search permission on the directory. */
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 0700) != 0700)
		fchmod(fd, (sb.st_mode & 07777) | 0700);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
			continue;
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN)
			isdir = fstatat(fd, n, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
		if (!isdir) {
			if (unlinkat(fd, n, 0) && errno != ENOENT)
				rc = -1;
			continue;
		}
		int sub = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == EACCES && fchmodat(fd, n, 0700, 0) == 0)
			sub = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || empty_dir(sub) || unlinkat(fd, n, AT_REMOVEDIR))
			rc = -1;
	}
	closedir(d);
	return rc;
}

static int unlock_dir(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, (sb->st_mode & 07777) | 0700);
	return 0;
}

int rmtree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path);
	if ((sb.st_mode & 0700) != 0700)
		chmod(path, (sb.st_mode & 07777) | 0700);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && empty_dir(fd) == 0 && rmdir(path) == 0)
		return 0;
	nftw(path, unlock_dir, 32, FTW_PHYS);
	return rm_rf(path);
}
