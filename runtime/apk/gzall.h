/* runtime/apk/gzall.h — inflating a whole run of gzip members into memory
 * at once with libdeflate, about twice as fast as zlib's streaming inflate
 * (the bulk of image-assemble's CPU time).  libdeflate has no streaming
 * API, so this is for data that fits in memory; callers stream with gzr
 * (gz.h) when gzall declines. */
#ifndef YOE_APK_GZALL_H
#define YOE_APK_GZALL_H

#include <stddef.h>

/* gzall_inflate inflates the consecutive gzip members in in[0..len) into one
 * malloc'd buffer (*out, *out_len; *out may be NULL when empty).  Every
 * member's CRC-32 and length are checked by libdeflate.  Returns 0; 1 when
 * the inflated bytes would pass max_out (nothing allocated: stream
 * instead); -1 on bad data with the reason in *why ("truncated", "corrupt",
 * "out of memory"). */
int gzall_inflate(const unsigned char *in, size_t len, size_t max_out, unsigned char **out,
                  size_t *out_len, const char **why);

#endif
