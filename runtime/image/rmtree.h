/* runtime/image/rmtree.h — removing the work directory.
 *
 * The staging tree is half a gigabyte in thousands of files, so its removal
 * is a visible part of every build.  rmtree walks it once through directory
 * fds (never following symlinks, no path lookups), giving back write
 * permission only to directories an install script locked. */
#ifndef YOE_IMAGE_RMTREE_H
#define YOE_IMAGE_RMTREE_H

/* rmtree removes path and everything under it; a missing path is fine.
 * 0, or -1 with errno set when something could not be removed. */
int rmtree(const char *path);

#endif
