/* runtime/apk/walk.h — listing a destdir for packing: every path below the
 * root, validated (UTF-8 names, only files/dirs/symlinks/devices/FIFOs),
 * plus the service runlevel symlinks, sorted bytewise by full path. */
#ifndef YOE_APK_WALK_H
#define YOE_APK_WALK_H

#include "apk/apk.h"
#include "apk/pack.h"

#include <sys/stat.h>

/* wentry is one path to pack. */
struct wentry {
	char *rel;        /* destdir-relative path, no "./", no trailing slash */
	char *abs;        /* path on disk, or NULL for synthesized entries */
	struct stat st;   /* lstat of abs (synthesized: mode and type only) */
	char *link;       /* symlink target (synthesized symlinks; else read later) */
};

/* wlist is the sorted result. */
struct wlist {
	struct wentry *v; /* entries, sorted by rel with strcmp */
	size_t n;
};

/* walk_destdir lists opts->destdir and adds opts->services' symlinks. */
int walk_destdir(const struct pack_opts *opts, struct wlist *out, struct apk_err *err);
void wlist_free(struct wlist *l);

#endif
