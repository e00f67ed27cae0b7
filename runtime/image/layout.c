/* runtime/image/layout.c — partition placement (layout.h). */
#include "image/layout.h"
#include "image/ext4.h"
#include "lib/log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The first partition starts at 1 MiB (room for the table and boot code,
 * and the alignment every tool expects); GPT keeps its backup table in
 * the last MiB. */
#define HEAD MIB
#define GPT_TAIL MIB

static uint64_t round_mib(uint64_t v)
{
	return (v + MIB - 1) / MIB * MIB;
}

uint64_t fill_estimate(uint64_t bytes, uint64_t inodes)
{
	uint64_t est = bytes + bytes / 5 + inodes * 320 + 16 * MIB;
	/* mke2fs's default journal grows with the filesystem. */
	uint64_t journal = est < 128 * MIB ? 4 * MIB : est < 1024 * MIB ? 32 * MIB
	                 : est < 4096 * MIB ? 64 * MIB : 128 * MIB;
	return round_mib(est + journal);
}

static const char *prefix_of(const struct partition *p)
{
	const char *c = p->contents ? p->contents : "";
	while (*c == '/')
		c++;
	return c;
}

int layout_compute(struct layout *l, const struct image_spec *s,
                   const struct manifest *m)
{
	memset(l, 0, sizeof *l);
	l->start = calloc(s->nparts + 1, sizeof *l->start);
	l->size = calloc(s->nparts + 1, sizeof *l->size);
	if (!l->start || !l->size)
		return -1;
	uint64_t fixed = 0, tail = s->table == TABLE_GPT ? GPT_TAIL : 0;
	size_t fill = (size_t)-1;
	for (size_t i = 0; i < s->nparts; i++) {
		if (s->parts[i].fill)
			fill = i;
		else
			fixed += l->size[i] = s->parts[i].size;
	}
	if (fill != (size_t)-1) {
		const struct partition *p = &s->parts[fill];
		if (s->disk_size) {
			if (s->disk_size < HEAD + fixed + tail + MIB) {
				log_error("%s: [image] size is %" PRIu64 " MiB but the fixed "
				          "partitions need %" PRIu64 " MiB plus 1 MiB each for "
				          "the table and `fill` (raise [image] size)", s->path,
				          s->disk_size / MIB, (HEAD + fixed + tail) / MIB);
				return -1;
			}
			l->size[fill] = s->disk_size - HEAD - fixed - tail;
		} else if (p->type == PART_EXT4) {
			uint64_t bytes, inodes;
			ext4_needed(m, p->root ? "" : prefix_of(p), &bytes, &inodes);
			l->size[fill] = fill_estimate(bytes, inodes);
		} else {
			log_error("%s: [partition \"%s\"] size = fill needs [image] size "
			          "(the disk size to fill up to)", s->path, p->label);
			return -1;
		}
	}
	uint64_t at = HEAD;
	for (size_t i = 0; i < s->nparts; i++) {
		l->start[i] = at;
		at += l->size[i];
	}
	l->total = at + tail;
	if (s->table == TABLE_MBR && at / 512 > 0xffffffffu) {
		log_error("%s: the partitions end at %" PRIu64 " MiB, beyond the 2 TiB an "
		          "MBR table can address (set [image] table = gpt)", s->path, at / MIB);
		return -1;
	}
	if (s->disk_size) {
		if (s->disk_size < l->total) {
			log_error("%s: the partitions need %" PRIu64 " MiB but [image] size "
			          "is %" PRIu64 " MiB (raise it or shrink a partition)",
			          s->path, l->total / MIB, s->disk_size / MIB);
			return -1;
		}
		l->total = s->disk_size;
	}
	return 0;
}

void layout_free(struct layout *l)
{
	free(l->start);
	free(l->size);
	memset(l, 0, sizeof *l);
}
