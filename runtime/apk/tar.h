/* runtime/apk/tar.h — the tar dialect of .apk files: writing USTAR headers
 * (with a PAX `x` header in front when an entry carries records such as
 * APK-TOOLS.checksum.SHA1, or a name too long for USTAR) and parsing them
 * back, including the GNU long-name entries upstream packages may use. */
#ifndef YOE_APK_TAR_H
#define YOE_APK_TAR_H

#include "apk/buf.h"

#include <stdint.h>

/* tar_hdr is what tar_header needs to describe one entry. */
struct tar_hdr {
	const char *name;    /* archive path (no trailing slash for dirs) */
	const char *link;    /* symlink/hardlink target, or NULL */
	unsigned mode;       /* permission bits incl. setuid/setgid/sticky */
	char type;           /* '0' file, '2' symlink, '3' chr, '4' blk, '5' dir, '6' fifo */
	uint64_t size;       /* content size (files only) */
	int64_t mtime;       /* seconds */
	unsigned uid, gid;   /* numeric owner */
	const char *uname;   /* owner names, or NULL for empty fields */
	const char *gname;
	unsigned devmajor;   /* device numbers for '3'/'4' */
	unsigned devminor;
	const char *sha1;    /* hex APK-TOOLS.checksum.SHA1 value, or NULL */
};

/* tar_header appends the header block(s) of h to out: a PAX `x` entry when
 * needed, then the USTAR block.  The caller appends size content bytes and
 * tar_pad(size) zeros after it. */
int tar_header(struct buf *out, const struct tar_hdr *h);
/* tar_pad is the zero padding after size content bytes (0..511). */
static inline size_t tar_pad(uint64_t size) { return (size_t)((512 - size % 512) % 512); }

/* tar_ent is one parsed entry; strings point into the tar_parser. */
struct tar_ent {
	char type;           /* normalised typeflag ('0' for regular files) */
	char path[4096];     /* full path (prefix/name, PAX path or GNU 'L') */
	char link[4096];     /* link target (PAX linkpath, GNU 'K' or linkname) */
	unsigned mode;       /* mode & 07777 */
	unsigned uid, gid;   /* numeric owner */
	char uname[33], gname[33]; /* owner names ("" when absent) */
	uint64_t size;       /* content bytes following the header */
	int64_t mtime;       /* seconds */
	unsigned devmajor, devminor; /* device numbers ('3'/'4') */
	char sha1[41];       /* APK-TOOLS.checksum.SHA1 record, "" if none */
};

/* tar_read_fn reads exactly n bytes from the source, 0 or -1. */
typedef int (*tar_read_fn)(void *src, void *buf, size_t n);

/* tar_next reads headers (folding PAX and GNU long-name entries into e)
 * until it has one real entry.  Returns 1 with e filled, 0 at the end of the
 * archive (a zero block) or -1 with *why set.
 * The caller must consume e->size content bytes plus tar_pad before the next
 * call. */
int tar_next(tar_read_fn rd, void *src, struct tar_ent *e, const char **why);

#endif
