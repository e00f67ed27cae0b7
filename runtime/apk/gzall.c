/* runtime/apk/gzall.c — whole-buffer gzip inflate with libdeflate (see
 * gzall.h).  The output buffer is sized from the last member's ISIZE
 * trailer (exact for the usual single-member stream, so one pass) and grown
 * when a member does not fit; libdeflate then restarts that member, which
 * costs time but never correctness. */
#include "apk/gzall.h"

#include <libdeflate.h>
#include <stdint.h>
#include <stdlib.h>

#define GZ_MIN 18 /* the 10-byte header and 8-byte trailer of any member */

/* size_hint guesses the inflated size of in[0..len): the final member's
 * ISIZE (its length mod 2^32), but at least 4× the compressed bytes. */
static size_t last_isize(const unsigned char *in, size_t len)
{
	if (len < GZ_MIN)
		return 0;
	return (size_t)in[len - 4] | (size_t)in[len - 3] << 8 | (size_t)in[len - 2] << 16
	       | (size_t)in[len - 1] << 24;
}

int gzall_inflate(const unsigned char *in, size_t len, size_t max_out, unsigned char **out,
                  size_t *out_len, const char **why)
{
	*out = NULL;
	*out_len = 0;
	/* The last member alone says it is too big: stream without trying. */
	size_t isize = last_isize(in, len);
	if (isize > max_out)
		return 1;
	/* Untouched pages of a generous guess cost no memory. */
	size_t guess = len <= max_out / 4 ? len * 4 : max_out;
	size_t cap = (isize > guess ? isize : guess) + 1, used = 0, pos = 0;
	if (cap > max_out)
		cap = max_out;
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	unsigned char *buf = d ? malloc(cap) : NULL;
	int rc = 0;
	if (!buf) {
		libdeflate_free_decompressor(d);
		*why = "out of memory";
		return -1;
	}
	while (pos < len) {
		if (len - pos < GZ_MIN) {
			*why = "truncated";
			rc = -1;
			break;
		}
		size_t in_used = 0, got = 0;
		enum libdeflate_result r = libdeflate_gzip_decompress_ex(
			d, in + pos, len - pos, buf + used, cap - used, &in_used, &got);
		if (r == LIBDEFLATE_SUCCESS) {
			pos += in_used;
			used += got;
			continue;
		}
		if (r != LIBDEFLATE_INSUFFICIENT_SPACE) {
			*why = "corrupt or truncated";
			rc = -1;
			break;
		}
		if (cap >= max_out) {
			rc = 1;
			break;
		}
		cap = cap > max_out / 2 ? max_out : cap * 2;
		unsigned char *nb = realloc(buf, cap);
		if (!nb) {
			*why = "out of memory";
			rc = -1;
			break;
		}
		buf = nb;
	}
	libdeflate_free_decompressor(d);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = used;
	return 0;
}
