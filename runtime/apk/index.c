/* runtime/apk/index.c — APKINDEX.tar.gz writing and checking (see index.h;
 * format in spec/upstream-build-execution.md §5.9). */
#include "apk/gz.h"
#include "apk/index.h"
#include "apk/tar.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fail(struct apk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct apk_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int by_filename(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = strcmp(base(x), base(y));
	return c ? c : strcmp(x, y);
}

static int list_dir(const char *dir, struct strlist *apks, int must_exist, struct apk_err *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (!must_exist && errno == ENOENT)
			return 0;
		return fail(err, "%s: cannot read repository directory: %s", dir, strerror(errno));
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".apk") != 0 || de->d_name[0] == '.')
			continue;
		char *p = path_join(dir, de->d_name);
		if (!p || strlist_add(apks, p)) {
			free(p);
			closedir(d);
			return fail(err, "out of memory");
		}
		free(p);
	}
	closedir(d);
	return 0;
}

int index_collect(const char *dir, struct strlist *apks, struct apk_err *err)
{
	char *clean = strdup(dir);
	if (!clean)
		return fail(err, "out of memory");
	size_t n = strlen(clean);
	while (n > 1 && clean[n - 1] == '/')
		clean[--n] = 0;
	int r = list_dir(clean, apks, 1, err);
	if (r == 0 && strcmp(base(clean), "noarch") != 0) {
		char *parent = path_dirname(clean), *noarch = parent ? path_join(parent, "noarch") : NULL;
		r = noarch ? list_dir(noarch, apks, 0, err) : fail(err, "out of memory");
		free(parent);
		free(noarch);
	}
	free(clean);
	if (r == 0 && apks->n)
		qsort(apks->v, apks->n, sizeof *apks->v, by_filename);
	return r;
}

/* joined appends "<tag>:<values of key joined by space>\n" when any. */
static int joined(struct buf *out, const struct apk *a, const char *tag, const char *key)
{
	int first = 1, r = 0;
	for (size_t i = 0; i < a->nfields; i++) {
		if (strcmp(a->fields[i].key, key) != 0)
			continue;
		r |= first ? buf_addf(out, "%s:%s", tag, a->fields[i].value)
		           : buf_addf(out, " %s", a->fields[i].value);
		first = 0;
	}
	if (!first)
		r |= buf_add(out, "\n", 1);
	return r;
}

static int entry(struct buf *out, const struct apk *a, struct apk_err *err)
{
	static const char *const need[] = {"pkgname", "pkgver", "arch"};
	for (size_t i = 0; i < 3; i++)
		if (!apk_field_get(a, need[i]) || !*apk_field_get(a, need[i]))
			return fail(err, "%s: .PKGINFO has no %s (not a valid package)", a->path, need[i]);
	unsigned char md[20];
	EVP_Digest(a->map + a->ctl.off, a->ctl.len, md, NULL, EVP_sha1(), NULL);
	unsigned char b64[40];
	EVP_EncodeBlock(b64, md, 20);
	const char *v;
	/* I: is the installed size, the .PKGINFO `size` field. */
	const char *isize = apk_field_get(a, "size");
	int r = buf_addf(out, "C:Q1%s\nP:%s\nV:%s\nA:%s\nS:%zu\nI:%s\nT:%s\n", (char *)b64,
	                 apk_field_get(a, "pkgname"), apk_field_get(a, "pkgver"),
	                 apk_field_get(a, "arch"), a->size, isize ? isize : "0",
	                 (v = apk_field_get(a, "pkgdesc")) ? v : "");
	static const char *const opt[][2] = {
		{"U", "url"}, {"L", "license"}, {"o", "origin"}, {"t", "builddate"}, {"c", "commit"},
	};
	for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
		if ((v = apk_field_get(a, opt[i][1])) && *v)
			r |= buf_addf(out, "%s:%s\n", opt[i][0], v);
	r |= joined(out, a, "D", "depend");
	r |= joined(out, a, "p", "provides");
	r |= joined(out, a, "r", "replaces");
	return r ? fail(err, "out of memory") : 0;
}

int index_text(const struct strlist *apks, struct buf *out, struct apk_err *err)
{
	for (size_t i = 0; i < apks->n; i++) {
		struct apk a;
		if (apk_open(&a, apks->v[i], err) != 0 || apk_verify_datahash(&a, err) != 0) {
			apk_close(&a);
			return -1;
		}
		int r = (i > 0 && buf_add(out, "\n", 1)) ? fail(err, "out of memory") : entry(out, &a, err);
		apk_close(&a);
		if (r)
			return -1;
	}
	return 0;
}

int index_write(const struct strlist *apks, const char *out, const struct signer *s,
                int64_t epoch, int *changed, struct apk_err *err)
{
	struct buf text = {0}, tar = {0}, gz = {0}, file = {0};
	int r = -1;
	err->msg[0] = 0;
	*changed = 0;
	if (index_text(apks, &text, err))
		goto out;
	/* The index tar keeps its trailer: it is the last stream. */
	if (single_entry_tar(&tar, "APKINDEX", text.data, text.len, epoch, 1)
	    || gz_buf(tar.data, tar.len, 9, &gz)) {
		fail(err, "out of memory");
		goto out;
	}
	if (s && sign_stream(s, gz.data, gz.len, epoch, &file, err))
		goto out;
	if (buf_add(&file, gz.data, gz.len)) {
		fail(err, "out of memory");
		goto out;
	}
	int ch = write_file_if_changed(out, file.data, file.len, 0644);
	if (ch < 0) {
		fail(err, "%s: cannot write: %s", out, strerror(errno));
		goto out;
	}
	*changed = ch;
	r = 0;
out:
	buf_free(&text);
	buf_free(&tar);
	buf_free(&gz);
	buf_free(&file);
	return r;
}

int index_verify(const char *path, const char *pubkey_path, struct apk_err *err)
{
	/* An index has the same outer shape as a package: reuse the splitter by
	 * hand (apk_open wants .PKGINFO). */
	size_t n;
	char *data = read_file(path, &n);
	struct buf first = {0}, idx = {0};
	const char *why;
	size_t len, len2;
	int r = -1;
	if (!data)
		return fail(err, "%s: cannot read: %s", path, strerror(errno));
	const unsigned char *p = (const unsigned char *)data;
	if (gz_member(p, n, &first, 1 << 20, &len, &why) != 0) {
		fail(err, "%s: first gzip stream is %s", path, why);
		goto out;
	}
	if (first.len < 512 || strncmp((char *)first.data, ".SIGN.RSA.", 10) != 0) {
		fail(err, "%s: index is not signed", path);
		goto out;
	}
	if (gz_member(p + len, n - len, &idx, 256u << 20, &len2, &why) != 0) {
		fail(err, "%s: index stream is %s", path, len == n ? "missing" : why);
		goto out;
	}
	if (len + len2 != n) {
		fail(err, "%s: trailing bytes after the index stream", path);
		goto out;
	}
	if (idx.len < 512 || strncmp((char *)idx.data, "APKINDEX", 9) != 0) {
		fail(err, "%s: no APKINDEX member", path);
		goto out;
	}
	uint64_t siglen = strtoull((char *)first.data + 124, NULL, 8);
	if (siglen == 0 || siglen > first.len - 512) {
		fail(err, "%s: corrupt signature entry", path);
		goto out;
	}
	int v = key_verify(pubkey_path, p + len, n - len, first.data + 512, (size_t)siglen, err);
	if (v < 0)
		goto out;
	if (v > 0) {
		fail(err, "%s: BAD signature: index altered or signed with another key (%s)", path,
		     pubkey_path);
		goto out;
	}
	r = 0;
out:
	free(data);
	buf_free(&first);
	buf_free(&idx);
	return r;
}
