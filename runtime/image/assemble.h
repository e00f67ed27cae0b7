/* runtime/image/assemble.h — the whole image build, step by step:
 *
 *   1. open every package and verify it against the project key
 *   2. unpack them into a staging tree, recording owners in the manifest
 *   3. write the apk database, hostname, timezone; run install scripts;
 *      index kernel modules (depmod)
 *   4. lay out the partitions, make each filesystem in place in the output
 *   5. write the partition table and boot code; copy kernel/initrd out;
 *      write the initramfs and the manifest
 *
 * Every output is written under a temporary name and renamed into place
 * only when everything succeeded; the staging tree is always removed.  A
 * failure therefore leaves nothing behind.
 */
#ifndef YOE_IMAGE_ASSEMBLE_H
#define YOE_IMAGE_ASSEMBLE_H

#include "image/spec.h"

/* assemble_opts are the command-line switches. */
struct assemble_opts {
	int keep_work;      /* keep the staging tree for inspection (--keep-work) */
	int verbose;        /* print what is done (-v) */
};

/* image_assemble builds everything s asks for.  0 or -1 (after messages). */
int image_assemble(const struct image_spec *s, const struct assemble_opts *o);

#endif
