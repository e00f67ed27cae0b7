/* runtime/apk/tar.c — USTAR/PAX headers for .apk streams (see tar.h).
 *
 * Written headers follow what apk-tools' reader expects: magic "ustar\0"
 * version "00", octal numeric fields, names split into prefix/name when they
 * exceed 100 bytes, and PAX records for what USTAR cannot hold. */
#include "apk/tar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* octal writes v as zero-padded octal in a w-byte field (NUL-terminated). */
static int octal(char *f, size_t w, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%0*llo", (int)w - 1, (unsigned long long)v);
	if (n < 0 || (size_t)n > w - 1)
		return -1;
	memcpy(f, tmp, (size_t)n + 1);
	return 0;
}

static void checksum(unsigned char *b)
{
	unsigned sum = 0;
	memset(b + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	b[155] = ' ';
}

/* pax_record appends "<len> key=value\n" where len counts itself. */
static int pax_record(struct buf *b, const char *key, const char *val)
{
	size_t body = strlen(key) + strlen(val) + 3; /* ' ', '=', '\n' */
	size_t len = body + 1;
	char digits[32];
	for (;;) {
		int d = snprintf(digits, sizeof digits, "%zu", len);
		if (body + (size_t)d == len)
			break;
		len = body + (size_t)d;
	}
	return buf_addf(b, "%zu %s=%s\n", len, key, val);
}

/* split_ustar finds where to cut a long path into prefix (<=155) and name
 * (<=100) at a slash; returns the slash index or -1. */
static int split_ustar(const char *p)
{
	size_t n = strlen(p);
	if (n > 256)
		return -1;
	for (size_t i = n; i-- > 0;)
		if (p[i] == '/' && i <= 155 && n - i - 1 <= 100 && n - i - 1 > 0)
			return (int)i;
	return -1;
}

/* block fills one USTAR header block. */
static int block(unsigned char *b, const char *name, const char *prefix, const struct tar_hdr *h,
                 char type, uint64_t size, const char *link)
{
	memset(b, 0, 512);
	memcpy(b, name, strnlen(name, 100));
	if (prefix)
		memcpy(b + 345, prefix, strnlen(prefix, 155));
	if (octal((char *)b + 100, 8, h->mode & 07777) || octal((char *)b + 108, 8, h->uid)
	    || octal((char *)b + 116, 8, h->gid) || octal((char *)b + 124, 12, size)
	    || octal((char *)b + 136, 12, h->mtime < 0 ? 0 : (uint64_t)h->mtime))
		return -1;
	b[156] = (unsigned char)type;
	if (link)
		memcpy(b + 157, link, strnlen(link, 100));
	memcpy(b + 257, "ustar\0" "00", 8);
	if (h->uname)
		memcpy(b + 265, h->uname, strnlen(h->uname, 32));
	if (h->gname)
		memcpy(b + 297, h->gname, strnlen(h->gname, 32));
	if (type == '3' || type == '4') {
		if (octal((char *)b + 329, 8, h->devmajor) || octal((char *)b + 337, 8, h->devminor))
			return -1;
	}
	checksum(b);
	return 0;
}

int tar_header(struct buf *out, const struct tar_hdr *h)
{
	struct buf pax = {0};
	size_t nlen = strlen(h->name);
	char name[101] = "", prefix[156] = "";
	int cut = nlen > 100 ? split_ustar(h->name) : -1;
	int r = -1;

	if (nlen <= 100) {
		memcpy(name, h->name, nlen);
	} else if (cut >= 0) {
		memcpy(prefix, h->name, (size_t)cut);
		memcpy(name, h->name + cut + 1, nlen - (size_t)cut - 1);
	} else {
		memcpy(name, h->name, 100); /* readers use the PAX path */
		if (pax_record(&pax, "path", h->name))
			goto out;
	}
	if (h->link && strlen(h->link) > 100 && pax_record(&pax, "linkpath", h->link))
		goto out;
	if (h->size >= 077777777777ULL) {
		char sz[32];
		snprintf(sz, sizeof sz, "%llu", (unsigned long long)h->size);
		if (pax_record(&pax, "size", sz))
			goto out;
	}
	if (h->sha1 && pax_record(&pax, "APK-TOOLS.checksum.SHA1", h->sha1))
		goto out;

	unsigned char b[512];
	if (pax.len) {
		/* Name the PAX entry <dir>/PaxHeaders.0/<base> as Go's tar does. */
		char pname[101];
		const char *slash = strrchr(h->name, '/');
		if (slash)
			snprintf(pname, sizeof pname, "%.*s/PaxHeaders.0/%s",
			         (int)(slash - h->name), h->name, slash + 1);
		else
			snprintf(pname, sizeof pname, "PaxHeaders.0/%s", h->name);
		struct tar_hdr ph = *h;
		ph.uname = ph.gname = NULL;
		ph.uid = ph.gid = 0;
		ph.mode = 0644;
		if (block(b, pname, NULL, &ph, 'x', pax.len, NULL) || buf_add(out, b, 512)
		    || buf_add(out, pax.data, pax.len) || buf_zero(out, tar_pad(pax.len)))
			goto out;
	}
	const char *link = h->link && strlen(h->link) <= 100 ? h->link : NULL;
	uint64_t size = h->size >= 077777777777ULL ? 0 : h->size;
	if (block(b, name, prefix[0] ? prefix : NULL, h, h->type, size, link)
	    || buf_add(out, b, 512))
		goto out;
	r = 0;
out:
	buf_free(&pax);
	return r;
}

/* parse_octal reads a numeric field (octal text or GNU base-256). */
static int parse_octal(const unsigned char *f, size_t w, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;
	if (f[0] & 0x80) {
		for (i = 1; i < w; i++)
			x = (x << 8) | f[i];
		x |= (uint64_t)(f[0] & 0x3f) << (8 * (w - 1));
		*v = x;
		return 0;
	}
	while (i < w && (f[i] == ' ' || f[i] == 0))
		i++;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++)
		x = x * 8 + (uint64_t)(f[i] - '0');
	for (; i < w; i++)
		if (f[i] != ' ' && f[i] != 0)
			return -1;
	*v = x;
	return 0;
}

static int header_sum_ok(const unsigned char *b)
{
	uint64_t want;
	if (parse_octal(b + 148, 8, &want))
		return 0;
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	return sum == want;
}

/* apply_pax folds the records of a PAX body into e. */
static int apply_pax(struct tar_ent *e, char *body, size_t n, int *have_path, int *have_link,
                     int *have_size)
{
	size_t pos = 0;
	while (pos < n) {
		char *end;
		unsigned long len = strtoul(body + pos, &end, 10);
		if (end == body + pos || *end != ' ' || len == 0 || len > n - pos
		    || body[pos + len - 1] != '\n')
			return -1;
		char *kv = end + 1, *eq = memchr(kv, '=', (size_t)(body + pos + len - 1 - kv));
		if (!eq)
			return -1;
		size_t klen = (size_t)(eq - kv), vlen = (size_t)(body + pos + len - 1 - eq - 1);
		const char *v = eq + 1;
		if (klen == 4 && !memcmp(kv, "path", 4) && vlen < sizeof e->path) {
			memcpy(e->path, v, vlen);
			e->path[vlen] = 0;
			*have_path = 1;
		} else if (klen == 8 && !memcmp(kv, "linkpath", 8) && vlen < sizeof e->link) {
			memcpy(e->link, v, vlen);
			e->link[vlen] = 0;
			*have_link = 1;
		} else if (klen == 4 && !memcmp(kv, "size", 4)) {
			e->size = strtoull(v, NULL, 10);
			*have_size = 1;
		} else if (klen == 23 && !memcmp(kv, "APK-TOOLS.checksum.SHA1", 23) && vlen == 40) {
			memcpy(e->sha1, v, 40);
			e->sha1[40] = 0;
		}
		pos += len;
	}
	return 0;
}

int tar_next(tar_read_fn rd, void *src, struct tar_ent *e, const char **why)
{
	unsigned char b[512];
	int have_path = 0, have_link = 0, have_size = 0;
	uint64_t pax_size = 0;
	memset(e, 0, sizeof *e);
	for (;;) {
		if (rd(src, b, 512) != 0) {
			*why = "truncated tar (no end-of-archive block)";
			return -1;
		}
		if (b[0] == 0) {
			static const unsigned char zero[512];
			if (memcmp(b, zero, 512) != 0) {
				*why = "corrupt tar header (empty name)";
				return -1;
			}
			return 0;
		}
		if (memcmp(b + 257, "ustar", 5) != 0 || !header_sum_ok(b)) {
			*why = "corrupt tar header (bad magic or checksum)";
			return -1;
		}
		uint64_t v[7];
		if (parse_octal(b + 100, 8, &v[0]) || parse_octal(b + 108, 8, &v[1])
		    || parse_octal(b + 116, 8, &v[2]) || parse_octal(b + 124, 12, &v[3])
		    || parse_octal(b + 136, 12, &v[4]) || parse_octal(b + 329, 8, &v[5])
		    || parse_octal(b + 337, 8, &v[6])) {
			*why = "corrupt tar header (bad number)";
			return -1;
		}
		char type = (char)b[156];
		uint64_t size = v[3];
		if (type == 'x' || type == 'L' || type == 'K' || type == 'g') {
			if (size > (1u << 20)) {
				*why = "tar extended header too large";
				return -1;
			}
			char *body = malloc((size_t)size + tar_pad(size) + 1);
			if (!body || rd(src, body, (size_t)size + tar_pad(size)) != 0) {
				free(body);
				*why = body ? "truncated tar (in extended header)" : "out of memory";
				return -1;
			}
			body[size] = 0;
			int bad = 0;
			if (type == 'x')
				bad = apply_pax(e, body, (size_t)size, &have_path, &have_link, &have_size);
			else if (type == 'L' && size < sizeof e->path) {
				memcpy(e->path, body, (size_t)size + 1);
				have_path = 1;
			} else if (type == 'K' && size < sizeof e->link) {
				memcpy(e->link, body, (size_t)size + 1);
				have_link = 1;
			}
			pax_size = have_size ? e->size : 0;
			free(body);
			if (bad) {
				*why = "corrupt PAX record";
				return -1;
			}
			continue;
		}
		if (!have_path) {
			char name[101], prefix[156];
			memcpy(name, b, 100);
			name[100] = 0;
			memcpy(prefix, b + 345, 155);
			prefix[155] = 0;
			if (prefix[0])
				snprintf(e->path, sizeof e->path, "%s/%s", prefix, name);
			else
				snprintf(e->path, sizeof e->path, "%s", name);
		}
		if (!have_link) {
			memcpy(e->link, b + 157, 100);
			e->link[100] = 0;
		}
		e->type = (type == 0 || type == '7') ? '0' : type;
		e->mode = (unsigned)(v[0] & 07777);
		e->uid = (unsigned)v[1];
		e->gid = (unsigned)v[2];
		e->size = have_size ? pax_size : size;
		e->mtime = (int64_t)v[4];
		e->devmajor = (unsigned)v[5];
		e->devminor = (unsigned)v[6];
		memcpy(e->uname, b + 265, 32);
		memcpy(e->gname, b + 297, 32);
		/* Strip "./" so paths compare the same in every package; a leading
		 * "/" stays, for the reader to refuse. */
		char *p = e->path;
		while (p[0] == '.' && p[1] == '/')
			p += 2;
		if (p != e->path)
			memmove(e->path, p, strlen(p) + 1);
		size_t pl = strlen(e->path);
		if (pl > 1 && e->path[pl - 1] == '/')
			e->path[pl - 1] = 0;
		return 1;
	}
}
