/* runtime/apk/read.c — opening an .apk, splitting it into its gzip streams,
 * parsing .PKGINFO, and the three verifications (see apk.h). */
#include "apk/apk.h"
#include "apk/gz.h"
#include "apk/gzall.h"
#include "apk/keys.h"
#include "apk/tar.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONTROL_MAX (16u << 20) /* a control stream is small; refuse bombs */
/* A data stream inflating to at most this much is inflated whole in memory
 * (libdeflate, fast); a bigger one is streamed through zlib, so memory stays
 * bounded per worker whatever the package (see apk.h). */
size_t apk_data_inmem_max = (size_t)256 << 20;

static int fail(struct apk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct apk_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* memsrc feeds tar_next from a buffer. */
struct memsrc {
	const unsigned char *p;
	size_t n, pos;
};

static int mem_read(void *src, void *buf, size_t n)
{
	struct memsrc *m = src;
	if (n > m->n - m->pos)
		return -1;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return 0;
}

/* add_field appends one parsed .PKGINFO line. */
static int add_field(struct apk *a, const char *k, size_t kl, const char *v, size_t vl)
{
	struct apk_field *f = realloc(a->fields, (a->nfields + 1) * sizeof *f);
	if (!f)
		return -1;
	a->fields = f;
	f[a->nfields].key = strndup(k, kl);
	f[a->nfields].value = strndup(v, vl);
	if (!f[a->nfields].key || !f[a->nfields].value) {
		free(f[a->nfields].key);
		free(f[a->nfields].value);
		return -1;
	}
	a->nfields++;
	return 0;
}

/* parse_pkginfo splits `key = value` lines; comments and blanks skipped. */
static int parse_pkginfo(struct apk *a, struct apk_err *err)
{
	const char *s = a->pkginfo, *end = s + a->pkginfo_len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		if (le > s && *s != '#') {
			const char *eq = memchr(s, '=', (size_t)(le - s));
			if (!eq)
				return fail(err, "%s: .PKGINFO line without '=': %.*s", a->path,
				            (int)(le - s), s);
			const char *ke = eq, *v = eq + 1;
			while (ke > s && ke[-1] == ' ')
				ke--;
			while (v < le && *v == ' ')
				v++;
			if (add_field(a, s, (size_t)(ke - s), v, (size_t)(le - v)))
				return fail(err, "%s: out of memory", a->path);
		}
		s = le + 1;
	}
	return 0;
}

/* read_control finds .PKGINFO in the inflated control tar. */
static int read_control(struct apk *a, const struct buf *ctl, struct apk_err *err)
{
	struct memsrc m = {ctl->data, ctl->len, 0};
	struct tar_ent *e = malloc(sizeof *e);
	const char *why = NULL;
	int r = -1;
	if (!e)
		return fail(err, "%s: out of memory", a->path);
	while (m.pos < m.n) {
		int t = tar_next(mem_read, &m, e, &why);
		if (t < 0) {
			fail(err, "%s: control segment: %s", a->path, why);
			goto out;
		}
		if (t == 0)
			break;
		if (e->size > m.n - m.pos) {
			fail(err, "%s: control segment: truncated entry %s", a->path, e->path);
			goto out;
		}
		if (!strcmp(e->path, ".PKGINFO") && !a->pkginfo) {
			a->pkginfo = strndup((const char *)m.p + m.pos, (size_t)e->size);
			if (!a->pkginfo) {
				fail(err, "%s: out of memory", a->path);
				goto out;
			}
			a->pkginfo_len = (size_t)e->size;
		}
		m.pos += (size_t)e->size;
		m.pos += tar_pad(e->size) <= m.n - m.pos ? tar_pad(e->size) : m.n - m.pos;
	}
	if (!a->pkginfo) {
		fail(err, "%s: control segment has no .PKGINFO (not an apk package?)", a->path);
		goto out;
	}
	r = parse_pkginfo(a, err);
out:
	free(e);
	return r;
}

/* first_entry parses the first tar entry of an inflated stream; used to tell
 * a signature stream (.SIGN.*) from a control stream. */
static int first_entry(const struct buf *b, struct tar_ent *e, size_t *data_off)
{
	struct memsrc m = {b->data, b->len, 0};
	const char *why;
	if (tar_next(mem_read, &m, e, &why) != 1 || e->size > m.n - m.pos)
		return -1;
	*data_off = m.pos;
	return 0;
}

int apk_open(struct apk *a, const char *path, struct apk_err *err)
{
	struct stat st;
	memset(a, 0, sizeof *a);
	err->msg[0] = 0;
	a->path = strdup(path);
	if (!a->path)
		return fail(err, "%s: out of memory", path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, "%s: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(err, "%s: empty file (truncated package; rebuild it)", path);
	}
	a->size = (size_t)st.st_size;
	void *map = mmap(NULL, a->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		a->size = 0;
		return fail(err, "%s: cannot map: %s", path, strerror(errno));
	}
	a->map = map;

	struct buf first = {0}, ctl = {0};
	struct tar_ent *e = malloc(sizeof *e);
	const char *why = NULL;
	size_t len = 0, off = 0;
	int r = -1;
	if (!e) {
		fail(err, "%s: out of memory", path);
		goto out;
	}
	if (gz_member(a->map, a->size, &first, CONTROL_MAX, &len, &why) != 0) {
		fail(err, "%s: first gzip stream is %s (not an apk, or truncated)", path, why);
		goto out;
	}
	size_t doff;
	if (first_entry(&first, e, &doff) != 0) {
		fail(err, "%s: first gzip stream holds no tar entry (not an apk)", path);
		goto out;
	}
	if (!strncmp(e->path, ".SIGN.", 6)) {
		a->sig = (struct apk_segment){0, len};
		if (!strncmp(e->path, ".SIGN.RSA.", 10)) {
			a->sig_keyname = strdup(e->path + 10);
			a->sig_bytes = malloc(e->size ? (size_t)e->size : 1);
			if (!a->sig_keyname || !a->sig_bytes) {
				fail(err, "%s: out of memory", path);
				goto out;
			}
			memcpy(a->sig_bytes, first.data + doff, (size_t)e->size);
			a->sig_len = (size_t)e->size;
		}
		off = len;
		if (gz_member(a->map + off, a->size - off, &ctl, CONTROL_MAX, &len, &why) != 0) {
			fail(err, "%s: control segment (gzip stream 2 at byte %zu) is %s", path, off,
			     off == a->size ? "missing" : why);
			goto out;
		}
		a->ctl = (struct apk_segment){off, len};
		if (read_control(a, &ctl, err) != 0)
			goto out;
	} else {
		a->ctl = (struct apk_segment){0, len};
		if (read_control(a, &first, err) != 0)
			goto out;
	}
	off = a->ctl.off + a->ctl.len;
	if (off >= a->size) {
		fail(err, "%s: data segment missing (file truncated after the control stream)", path);
		goto out;
	}
	a->data = (struct apk_segment){off, a->size - off};
	r = 0;
out:
	free(e);
	buf_free(&first);
	buf_free(&ctl);
	return r;
}

void apk_close(struct apk *a)
{
	if (a->map)
		munmap((void *)a->map, a->size);
	for (size_t i = 0; i < a->nfields; i++) {
		free(a->fields[i].key);
		free(a->fields[i].value);
	}
	free(a->fields);
	free(a->pkginfo);
	free(a->sig_keyname);
	free(a->sig_bytes);
	free(a->path);
	memset(a, 0, sizeof *a);
}

const char *apk_field_get(const struct apk *a, const char *key)
{
	for (size_t i = 0; i < a->nfields; i++)
		if (!strcmp(a->fields[i].key, key))
			return a->fields[i].value;
	return NULL;
}

int apk_verify_signature(const struct apk *a, const char *pubkey_path, struct apk_err *err)
{
	if (!a->sig.len)
		return fail(err, "%s: package is not signed (sign it with `apk-sign pack --key`)",
		            a->path);
	if (!a->sig_bytes)
		return fail(err, "%s: signature is not .SIGN.RSA.* (unsupported signature type)",
		            a->path);
	const char *base = strrchr(pubkey_path, '/');
	base = base ? base + 1 : pubkey_path;
	int r = key_verify(pubkey_path, a->map + a->ctl.off, a->ctl.len, a->sig_bytes, a->sig_len,
	                   err);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (strcmp(base, a->sig_keyname) != 0)
			return fail(err, "%s: BAD signature: signed with key %s, checked with %s "
			            "(wrong key?)", a->path, a->sig_keyname, pubkey_path);
		return fail(err, "%s: BAD signature: control segment or signature altered "
		            "(key %s)", a->path, pubkey_path);
	}
	return 0;
}

/* hex formats n bytes of md as lowercase hex into out. */
static void hex(const unsigned char *md, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

int apk_verify_datahash(const struct apk *a, struct apk_err *err)
{
	const char *want = apk_field_get(a, "datahash");
	if (!want)
		return fail(err, "%s: .PKGINFO has no datahash (cannot check the data segment)",
		            a->path);
	unsigned char md[32];
	char got[65];
	if (EVP_Digest(a->map + a->data.off, a->data.len, md, NULL, EVP_sha256(), NULL) != 1)
		return fail(err, "%s: SHA-256 failed", a->path);
	hex(md, 32, got);
	if (strcmp(got, want) != 0)
		return fail(err, "%s: BAD datahash: data segment altered or truncated "
		            "(sha256 %s, .PKGINFO says %s)", a->path, got, want);
	return 0;
}

/* apk_reader streams one regular file's content out of the data tar. */
struct apk_reader {
	unsigned char *mem; /* the whole inflated data tar, or NULL: stream gz */
	size_t mem_len;     /* its length */
	size_t mem_pos;     /* bytes of it consumed */
	struct gzr gz;      /* the inflating data stream when mem is NULL */
	const char *why;    /* gzip failure reason, or NULL */
	uint64_t left;      /* content bytes not yet read */
	EVP_MD_CTX *sha1;   /* hash of the content read so far */
	int bad;            /* a read failed */
};

/* data_read reads exactly n bytes of the data tar from memory or the
 * stream; -1 (reason in r->why) if it ends early or is corrupt. */
static int data_read(struct apk_reader *r, void *buf, size_t n)
{
	if (!r->mem) {
		int rc = gzr_read_full(&r->gz, buf, n);
		r->why = r->gz.why;
		return rc;
	}
	if (n > r->mem_len - r->mem_pos) {
		r->why = "truncated";
		return -1;
	}
	memcpy(buf, r->mem + r->mem_pos, n);
	r->mem_pos += n;
	return 0;
}

ssize_t apk_entry_read(struct apk_reader *r, void *buf, size_t n)
{
	if (r->bad)
		return -1;
	if (n > r->left)
		n = (size_t)r->left;
	if (n == 0)
		return 0;
	if (data_read(r, buf, n) != 0) {
		r->bad = 1;
		return -1;
	}
	EVP_DigestUpdate(r->sha1, buf, n);
	r->left -= n;
	return (ssize_t)n;
}

static int gz_tar_read(void *src, void *buf, size_t n)
{
	return data_read(src, buf, n);
}

/* safe_path refuses absolute paths and ".." components. */
static int safe_path(const char *p)
{
	if (p[0] == '/' || p[0] == 0)
		return 0;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 0;
		s += n + (e != NULL);
	}
	return 1;
}

static enum apk_type map_type(char t)
{
	switch (t) {
	case '1': return APK_HARDLINK;
	case '2': return APK_SYMLINK;
	case '3': return APK_CHR;
	case '4': return APK_BLK;
	case '5': return APK_DIR;
	case '6': return APK_FIFO;
	default: return APK_REG;
	}
}

int apk_data_foreach(const struct apk *a, int require_sums, apk_entry_fn fn, void *ctx,
                     struct apk_err *err)
{
	struct apk_reader *r = calloc(1, sizeof *r);
	struct tar_ent *e = malloc(sizeof *e);
	unsigned char *tmp = malloc(65536);
	const char *why = NULL;
	int ret = -1;
	err->msg[0] = 0;
	if (!r || !e || !tmp || !(r->sha1 = EVP_MD_CTX_new())) {
		fail(err, "%s: out of memory", a->path);
		goto out;
	}
	/* Inflate whole (CRC and length checked per member) when it fits,
	 * else stream; the tar walk and every check below are the same. */
	int whole = gzall_inflate(a->map + a->data.off, a->data.len, apk_data_inmem_max, &r->mem,
	                          &r->mem_len, &why);
	if (whole < 0) {
		fail(err, "%s: data segment: gzip %s", a->path, why);
		goto out;
	}
	if (whole > 0 && gzr_init(&r->gz, a->map + a->data.off, a->data.len) != 0) {
		fail(err, "%s: out of memory", a->path);
		goto out;
	}
	for (;;) {
		int t = tar_next(gz_tar_read, r, e, &why);
		if (t < 0) {
			fail(err, "%s: data segment: %s%s%s", a->path, why,
			     r->why ? ": gzip " : "", r->why ? r->why : "");
			goto out;
		}
		if (t == 0)
			break;
		/* A "./" root entry (some tar writers add one) names the root itself. */
		int is_root = e->path[0] == 0 || !strcmp(e->path, ".");
		if (!is_root && !safe_path(e->path)) {
			fail(err, "%s: data segment: unsafe path '%s' (absolute or '..')", a->path,
			     e->path);
			goto out;
		}
		struct apk_entry ent = {
			.path = e->path, .type = map_type(e->type), .mode = e->mode,
			.uid = e->uid, .gid = e->gid, .uname = e->uname, .gname = e->gname,
			.size = e->type == '0' ? e->size : 0, .mtime = e->mtime,
			.link = (e->type == '1' || e->type == '2') ? e->link : "",
			.devmajor = e->devmajor, .devminor = e->devminor,
			.sha1 = e->sha1[0] ? e->sha1 : NULL,
		};
		int check = e->type == '0' || e->type == '2';
		if (check && require_sums && !ent.sha1) {
			fail(err, "%s: %s: no APK-TOOLS.checksum.SHA1 record", a->path, e->path);
			goto out;
		}
		EVP_DigestInit_ex(r->sha1, EVP_sha1(), NULL);
		r->left = e->size;
		r->bad = 0;
		if (fn && !is_root) {
			int rc = fn(ctx, &ent, r, err);
			if (rc != 0) {
				ret = rc;
				if (!err->msg[0])
					fail(err, "%s: %s: stopped by caller", a->path, e->path);
				goto out;
			}
		}
		while (r->left > 0) {
			ssize_t got = apk_entry_read(r, tmp, 65536);
			if (got <= 0)
				break;
		}
		if (r->bad || data_read(r, tmp, tar_pad(e->size)) != 0) {
			fail(err, "%s: data segment: truncated or corrupt inside %s (gzip %s)", a->path,
			     e->path, r->why ? r->why : "error");
			goto out;
		}
		if (check && ent.sha1) {
			unsigned char md[20];
			char got[41];
			if (e->type == '2')
				EVP_DigestUpdate(r->sha1, e->link, strlen(e->link));
			EVP_DigestFinal_ex(r->sha1, md, NULL);
			hex(md, 20, got);
			if (strcmp(got, ent.sha1) != 0) {
				fail(err, "%s: %s: BAD checksum: content altered (sha1 %s, record says %s)",
				     a->path, e->path, got, ent.sha1);
				goto out;
			}
		}
	}
	ret = 0;
out:
	if (r) {
		gzr_end(&r->gz);
		free(r->mem);
		EVP_MD_CTX_free(r->sha1);
	}
	free(r);
	free(e);
	free(tmp);
	return ret;
}

struct archive *apk_data_archive(const struct apk *a, struct apk_err *err)
{
	struct archive *ar = archive_read_new();
	if (!ar) {
		fail(err, "%s: out of memory", a->path);
		return NULL;
	}
	archive_read_support_filter_gzip(ar);
	archive_read_support_format_tar(ar);
	if (archive_read_open_memory(ar, a->map + a->data.off, a->data.len) != ARCHIVE_OK) {
		fail(err, "%s: data segment: %s", a->path, archive_error_string(ar));
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

int apk_verify(const struct apk *a, const char *pubkey_path, struct apk_err *err)
{
	if (pubkey_path && apk_verify_signature(a, pubkey_path, err) != 0)
		return -1;
	if (apk_verify_datahash(a, err) != 0)
		return -1;
	return apk_data_foreach(a, 1, NULL, NULL, err) != 0 ? -1 : 0;
}
