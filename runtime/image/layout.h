/* runtime/image/layout.h — where each partition goes on the disk: sizes
 * (fixed, `fill`), 1 MiB-aligned offsets and the disk's total size, with
 * clear errors (and the numbers) when they do not add up. */
#ifndef YOE_IMAGE_LAYOUT_H
#define YOE_IMAGE_LAYOUT_H

#include "image/manifest.h"
#include "image/spec.h"

#include <stdint.h>

/* layout is the computed placement; arrays are indexed like spec->parts. */
struct layout {
	uint64_t *start;   /* byte offset of each partition */
	uint64_t *size;    /* byte size of each partition */
	uint64_t total;    /* size of the disk image file */
};

/* layout_compute places the partitions.  A `fill` partition takes what
 * [image] size leaves; without [image] size an ext4 `fill` partition is
 * sized to its tree plus headroom (see fill_estimate). */
int layout_compute(struct layout *l, const struct image_spec *s,
                   const struct manifest *m);
void layout_free(struct layout *l);

/* fill_estimate is the ext4 size (whole MiB) that holds `bytes` of data
 * blocks and `inodes` inodes with room to spare. */
uint64_t fill_estimate(uint64_t bytes, uint64_t inodes);

#endif
