/* runtime/apk/gz.c — reproducible gzip members and exact member boundaries
 * (see gz.h). */
#include "apk/gz.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

/* The header every member gets: no name, no comment, mtime 0, OS "unknown"
 * (255), so the bytes do not depend on the host that wrote them. */
static gz_header fixed_header = { .os = 255 };

int gzw_init(struct gzw *g, int level, FILE *fp, struct buf *mem, EVP_MD_CTX *md)
{
	memset(&g->z, 0, sizeof g->z);
	g->fp = fp;
	g->mem = mem;
	g->md = md;
	g->out_bytes = 0;
	g->failed = 0;
	g->open = 0;
	if (deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	g->open = 1;
	if (deflateSetHeader(&g->z, &fixed_header) != Z_OK) {
		gzw_abort(g);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* emit passes compressed bytes to the hash and the sink. */
static int emit(struct gzw *g, size_t n)
{
	if (n == 0)
		return 0;
	if (g->md && EVP_DigestUpdate(g->md, g->out, n) != 1) {
		errno = EIO;
		return -1;
	}
	if (g->fp ? fwrite(g->out, 1, n, g->fp) != n : buf_add(g->mem, g->out, n) != 0)
		return -1;
	g->out_bytes += n;
	return 0;
}

static int pump(struct gzw *g, int flush)
{
	int zr;
	do {
		g->z.next_out = g->out;
		g->z.avail_out = sizeof g->out;
		zr = deflate(&g->z, flush);
		if (zr == Z_STREAM_ERROR) {
			errno = EINVAL;
			return -1;
		}
		if (emit(g, sizeof g->out - g->z.avail_out) != 0)
			return -1;
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

int gzw_write(struct gzw *g, const void *p, size_t n)
{
	const unsigned char *s = p;
	if (g->failed)
		return -1;
	while (n > 0) {
		/* zlib counts in uInt; feed at most 1 GiB at a time. */
		size_t chunk = n > (1u << 30) ? (1u << 30) : n;
		g->z.next_in = (unsigned char *)s;
		g->z.avail_in = (uInt)chunk;
		if (pump(g, Z_NO_FLUSH) != 0) {
			g->failed = 1;
			return -1;
		}
		s += chunk;
		n -= chunk;
	}
	return 0;
}

int gzw_finish(struct gzw *g)
{
	int r = g->failed ? -1 : 0;
	if (r == 0) {
		g->z.next_in = NULL;
		g->z.avail_in = 0;
		r = pump(g, Z_FINISH);
	}
	int e = errno;
	gzw_abort(g);
	errno = e;
	return r;
}

void gzw_abort(struct gzw *g)
{
	if (g->open)
		deflateEnd(&g->z);
	g->open = 0;
}

int gz_buf(const void *p, size_t n, int level, struct buf *out)
{
	static struct gzw g; /* 64 KiB staging: keep it off the stack */
	if (gzw_init(&g, level, NULL, out, NULL) != 0)
		return -1;
	if (gzw_write(&g, p, n) != 0) {
		gzw_abort(&g);
		return -1;
	}
	return gzw_finish(&g);
}

int gz_member(const unsigned char *p, size_t n, struct buf *out, size_t max_out,
              size_t *consumed, const char **why)
{
	z_stream z;
	unsigned char tmp[16384];
	memset(&z, 0, sizeof z);
	*why = "corrupt";
	if (n < 18 || p[0] != 0x1f || p[1] != 0x8b) {
		*why = n < 18 ? "truncated" : "not gzip";
		return -1;
	}
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		*why = "out of memory";
		return -1;
	}
	z.next_in = (unsigned char *)p;
	int zr = Z_OK;
	size_t left = n, total = 0;
	while (zr != Z_STREAM_END) {
		if (z.avail_in == 0) {
			if (left == 0) {
				*why = "truncated";
				break;
			}
			z.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
			left -= z.avail_in;
		}
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			if (zr == Z_BUF_ERROR && left == 0 && z.avail_in == 0)
				*why = "truncated";
			break;
		}
		size_t got = sizeof tmp - z.avail_out;
		total += got;
		if (out && got) {
			if (total > max_out) {
				*why = "too large";
				break;
			}
			if (buf_add(out, tmp, got) != 0) {
				*why = "out of memory";
				break;
			}
		}
	}
	if (zr == Z_STREAM_END)
		*consumed = (size_t)((const unsigned char *)z.next_in - p);
	inflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -1;
}

int gzr_init(struct gzr *r, const unsigned char *in, size_t len)
{
	memset(r, 0, sizeof *r);
	r->in = in;
	r->in_len = len;
	if (inflateInit2(&r->z, 15 + 16) != Z_OK)
		return -1;
	r->open = 1;
	r->z.next_in = (unsigned char *)in;
	r->z.avail_in = len > (1u << 30) ? (1u << 30) : (uInt)len;
	return 0;
}

/* refill hands zlib the next slice of input (inputs may exceed 4 GiB). */
static void refill(struct gzr *r)
{
	size_t pos = (size_t)((const unsigned char *)r->z.next_in - r->in);
	size_t left = r->in_len - pos;
	r->z.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
}

ssize_t gzr_read(struct gzr *r, void *buf, size_t n)
{
	if (r->done || n == 0)
		return 0;
	r->z.next_out = buf;
	r->z.avail_out = n > (1u << 30) ? (1u << 30) : (uInt)n;
	uInt want = r->z.avail_out;
	while (r->z.avail_out == want) {
		if (r->z.avail_in == 0)
			refill(r);
		size_t pos = (size_t)((const unsigned char *)r->z.next_in - r->in);
		if (r->z.avail_in == 0 && pos == r->in_len) {
			r->why = "truncated";
			return -1;
		}
		int zr = inflate(&r->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			refill(r);
			pos = (size_t)((const unsigned char *)r->z.next_in - r->in);
			if (pos == r->in_len) {
				r->done = 1;
				break;
			}
			/* Another member follows: continue into it. */
			inflateReset(&r->z);
		} else if (zr != Z_OK) {
			r->why = zr == Z_BUF_ERROR ? "truncated" : "corrupt";
			return -1;
		}
	}
	return (ssize_t)(want - r->z.avail_out);
}

int gzr_read_full(struct gzr *r, void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t got = gzr_read(r, p, n);
		if (got <= 0) {
			if (got == 0)
				r->why = "truncated";
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

void gzr_end(struct gzr *r)
{
	if (r->open)
		inflateEnd(&r->z);
	r->open = 0;
}
