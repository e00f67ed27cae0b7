/* runtime/apk/stream.c — small pieces shared by pack, index and resign: the
 * one-entry tars of control/signature/index streams, the signature stream,
 * string lists, UTF-8 checks and arch tokens. */
#include "apk/gz.h"
#include "apk/pack.h"
#include "apk/tar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v)
		return -1;
	l->v = v;
	if (!(v[l->n] = strdup(s)))
		return -1;
	l->n++;
	return 0;
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		unsigned c = *s, n, min;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else {
			return 0;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

const char *apk_arch_token(const char *arch)
{
	static const char *const map[][2] = {
		{"x86_64", "x86_64"}, {"arm64", "aarch64"}, {"aarch64", "aarch64"},
		{"riscv64", "riscv64"}, {"noarch", "noarch"}, {"x86", "x86"},
		{"armv7", "armv7"}, {"armhf", "armhf"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(arch, map[i][0]))
			return map[i][1];
	return NULL;
}

int single_entry_tar(struct buf *out, const char *name, const void *data, size_t len,
                     int64_t mtime, int trailer)
{
	struct tar_hdr h = {.name = name, .mode = 0644, .type = '0', .size = len, .mtime = mtime};
	if (tar_header(out, &h) || buf_add(out, data, len) || buf_zero(out, tar_pad(len)))
		return -1;
	return trailer ? buf_zero(out, 1024) : 0;
}

int sign_stream(const struct signer *s, const void *data, size_t len, int64_t mtime,
                struct buf *out, struct apk_err *err)
{
	struct buf sig = {0}, tar = {0};
	char name[512];
	int r = -1;
	snprintf(name, sizeof name, ".SIGN.RSA.%s", s->keyname);
	if (signer_sign(s, data, len, &sig, err) != 0)
		goto out;
	/* No trailer: apk reads on into the next stream as one tar. */
	if (single_entry_tar(&tar, name, sig.data, sig.len, mtime, 0) || gz_buf(tar.data, tar.len, 9, out)) {
		snprintf(err->msg, sizeof err->msg, "%s: out of memory building signature", s->path);
		goto out;
	}
	r = 0;
out:
	buf_free(&sig);
	buf_free(&tar);
	return r;
}
