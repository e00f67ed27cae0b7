/* tests/apk/test_apk.c — libapk (runtime/apk): tar headers, gzip member
 * boundaries, the ELF SONAME reader, keys and their permission checks,
 * pack → open → verify round trips including tampering of every segment,
 * and pack's options read from a unit.ini [package] (packspec.c). */
#include "test.h"
#include "apk/apk.h"
#include "apk/elf.h"
#include "apk/gz.h"
#include "apk/gzall.h"
#include "apk/index.h"
#include "apk/pack.h"
#include "apk/packspec.h"
#include "apk/tar.h"
#include "lib/fsutil.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- fixtures ---- */

static void put(const char *dir, const char *rel, const char *text, int mode)
{
	char *p = path_join(dir, rel), *d = path_dirname(p);
	mkdir_p(d, 0755);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(p, mode);
	free(p);
	free(d);
}

/* key returns a shared signing key made once (RSA keygen is slow). */
static const char *key(void)
{
	static char path[512];
	if (!path[0]) {
		struct apk_err err;
		int created;
		snprintf(path, sizeof path, "%s/keys/test.rsa", test_tmpdir());
		if (key_generate(path, &created, &err) != 0)
			printf("keygen: %s\n", err.msg);
	}
	return path;
}

static const char *pubkey(void)
{
	static char path[600];
	snprintf(path, sizeof path, "%s.pub", key());
	return path;
}

static void tree(const char *d)
{
	put(d, "usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
	put(d, "etc/hello.conf", "greeting=hi\n", 0644);
	put(d, "etc/init.d/hello", "#!/sbin/openrc-run\n", 0755);
	char *l = path_join(d, "usr/bin/hi");
	if (symlink("hello", l) != 0)
		perror(l);
	free(l);
}

static int pack(const char *destdir, const char *out, struct apk_err *err)
{
	struct pack_opts o = {.destdir = destdir, .name = "hello", .version = "1.2", .release = "3",
	                      .arch = "arm64", .description = "greets", .license = "MIT",
	                      .epoch = 1700000000, .out = out};
	struct signer s;
	int changed, r;
	strlist_add(&o.depends, "musl");
	strlist_add(&o.provides, "greeter");
	strlist_add(&o.provides, "cmd:hi=1");
	strlist_add(&o.replaces, "oldhello");
	strlist_add(&o.services, "hello");
	if (signer_load(&s, key(), NULL, err) != 0)
		return -1;
	r = apk_pack(&o, &s, &changed, err);
	signer_free(&s);
	strlist_free(&o.depends);
	strlist_free(&o.provides);
	strlist_free(&o.replaces);
	strlist_free(&o.services);
	return r;
}

static unsigned char *slurp(const char *p, size_t *n)
{
	return (unsigned char *)read_file(p, n);
}

static void spit(const char *p, const unsigned char *b, size_t n)
{
	FILE *f = fopen(p, "w");
	fwrite(b, 1, n, f);
	fclose(f);
}

/* ---- tar ---- */

struct memsrc { const unsigned char *p; size_t n, pos; };
static int mread(void *s, void *b, size_t n)
{
	struct memsrc *m = s;
	if (n > m->n - m->pos)
		return -1;
	memcpy(b, m->p + m->pos, n);
	m->pos += n;
	return 0;
}

TEST(tar_header_round_trip_with_pax_and_long_names)
{
	char longname[300];
	memset(longname, 'a', sizeof longname);
	memcpy(longname + 120, "/", 1);
	longname[299] = 0; /* 299 bytes: too long for prefix+name → PAX path */
	const char *names[] = {"usr/bin/x", longname};
	for (int i = 0; i < 2; i++) {
		struct buf b = {0};
		struct tar_hdr h = {.name = names[i], .mode = 04755, .type = '0', .size = 5,
		                    .mtime = 42, .uname = "root", .gname = "root",
		                    .sha1 = "0123456789012345678901234567890123456789"};
		CHECK_INT(tar_header(&b, &h), 0);
		buf_add(&b, "hello", 5);
		buf_zero(&b, tar_pad(5));
		buf_zero(&b, 1024);
		struct memsrc m = {b.data, b.len, 0};
		struct tar_ent e;
		const char *why;
		CHECK_INT(tar_next(mread, &m, &e, &why), 1);
		CHECK_STR(e.path, names[i]);
		CHECK_INT(e.mode, 04755);
		CHECK_INT(e.size, 5);
		CHECK_INT(e.mtime, 42);
		CHECK_STR(e.sha1, "0123456789012345678901234567890123456789");
		CHECK_STR(e.uname, "root");
		m.pos += 512;
		CHECK_INT(tar_next(mread, &m, &e, &why), 0);
		buf_free(&b);
	}
}

TEST(tar_header_ustar_prefix_split)
{
	char name[200];
	snprintf(name, sizeof name, "%0120d/%s", 0, "file.txt"); /* 129 bytes */
	struct buf b = {0};
	struct tar_hdr h = {.name = name, .mode = 0644, .type = '0'};
	CHECK_INT(tar_header(&b, &h), 0);
	CHECK_INT(b.len, 512); /* no PAX header needed */
	CHECK_STR((char *)b.data, "file.txt");
	buf_zero(&b, 1024);
	struct memsrc m = {b.data, b.len, 0};
	struct tar_ent e;
	const char *why;
	CHECK_INT(tar_next(mread, &m, &e, &why), 1);
	CHECK_STR(e.path, name);
	buf_free(&b);
}

TEST(tar_corrupt_header_is_refused)
{
	struct buf b = {0};
	struct tar_hdr h = {.name = "x", .mode = 0644, .type = '0'};
	tar_header(&b, &h);
	b.data[10] ^= 1;
	struct memsrc m = {b.data, b.len, 0};
	struct tar_ent e;
	const char *why = NULL;
	CHECK_INT(tar_next(mread, &m, &e, &why), -1);
	CHECK(why && strstr(why, "checksum"));
	buf_free(&b);
}

/* ---- gzip ---- */

TEST(gzip_members_have_fixed_header_and_exact_boundaries)
{
	struct buf two = {0};
	CHECK_INT(gz_buf("first", 5, 9, &two), 0);
	size_t first_len = two.len;
	CHECK_INT(gz_buf("second!", 7, 6, &two), 0);
	/* magic, deflate, no flags, mtime 0, OS 255 */
	CHECK(two.data[0] == 0x1f && two.data[1] == 0x8b && two.data[2] == 8 && two.data[3] == 0);
	CHECK(!memcmp(two.data + 4, "\0\0\0\0", 4));
	CHECK_INT(two.data[9], 255);
	struct buf out = {0};
	size_t used;
	const char *why;
	CHECK_INT(gz_member(two.data, two.len, &out, 100, &used, &why), 0);
	CHECK_INT(used, first_len);
	CHECK_INT(out.len, 5);
	CHECK(!memcmp(out.data, "first", 5));
	out.len = 0;
	CHECK_INT(gz_member(two.data + used, two.len - used, &out, 100, &used, &why), 0);
	CHECK_INT(used, two.len - first_len);
	CHECK(!memcmp(out.data, "second!", 7));
	CHECK_INT(gz_member(two.data, first_len - 3, NULL, 0, &used, &why), -1);
	CHECK_STR(why, "truncated");
	buf_free(&two);
	buf_free(&out);
}

/* gzall inflates runs of members whole: sizes from the trailer or grown,
 * CRC and truncation refused, too-big declined so the caller streams. */
TEST(gzall_inflates_members_whole_and_refuses_bad_ones)
{
	struct buf big = {0}, two = {0};
	for (int i = 0; i < 100000; i++)
		buf_add(&big, i % 7 ? "abcdefgh" : "12345678", 8);
	/* A big member then a small one: the last ISIZE underestimates. */
	CHECK_INT(gz_buf(big.data, big.len, 6, &two), 0);
	CHECK_INT(gz_buf("tail", 4, 6, &two), 0);
	unsigned char *out;
	size_t n;
	const char *why = NULL;
	CHECK_INT(gzall_inflate(two.data, two.len, 1 << 30, &out, &n, &why), 0);
	CHECK_INT(n, big.len + 4);
	CHECK(out && !memcmp(out, big.data, big.len) && !memcmp(out + big.len, "tail", 4));
	free(out);
	CHECK_INT(gzall_inflate(two.data, two.len, big.len, &out, &n, &why), 1);
	CHECK(out == NULL);
	CHECK_INT(gzall_inflate(two.data, two.len - 3, 1 << 30, &out, &n, &why), -1);
	CHECK(why && strstr(why, "truncated"));
	two.data[two.len - 5] ^= 1; /* the last member's CRC */
	why = NULL;
	CHECK_INT(gzall_inflate(two.data, two.len, 1 << 30, &out, &n, &why), -1);
	CHECK(why && strstr(why, "corrupt"));
	CHECK_INT(gzall_inflate(two.data, 0, 1 << 30, &out, &n, &why), 0);
	CHECK_INT(n, 0);
	free(out);
	buf_free(&big);
	buf_free(&two);
}

/* ---- ELF ---- */

TEST(elf_soname_of_a_real_library_and_garbage)
{
	const char *libs[] = {"/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1",
	                      "/lib/x86_64-linux-gnu/libc.so.6", NULL};
	int found = 0;
	for (int i = 0; libs[i] && !found; i++) {
		size_t n;
		unsigned char *b = slurp(libs[i], &n);
		if (!b)
			continue;
		char so[256];
		found = elf_soname(b, n, so, sizeof so);
		CHECK(found && !strncmp(so, "lib", 3) && strstr(so, ".so."));
		/* Truncations must never crash nor misreport. */
		for (size_t cut = 0; cut < n; cut += n / 97 + 1)
			elf_soname(b, cut, so, sizeof so);
		free(b);
	}
	CHECK(found);
	size_t n;
	unsigned char *exe = slurp("/proc/self/exe", &n);
	char so[256];
	CHECK_INT(elf_soname(exe, n, so, sizeof so), 0); /* executables have none */
	free(exe);
	CHECK_INT(elf_soname((const unsigned char *)"\177ELFjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunk",
	                     60, so, sizeof so), 0);
}

/* synth_elf builds a minimal shared object image (ELF header, PT_LOAD,
 * PT_DYNAMIC with DT_STRTAB/DT_STRSZ/DT_SONAME) in either class/byte order. */
static void wr(unsigned char *b, size_t off, int size, uint64_t v, int be)
{
	for (int i = 0; i < size; i++)
		b[off + (size_t)(be ? size - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

static size_t synth_elf(unsigned char *b, int is64, int be, const char *soname)
{
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, w = is64 ? 8 : 4;
	size_t phoff = eh, dynoff = phoff + 2 * ph, stroff = dynoff + 4 * 2 * w;
	size_t strsz = strlen(soname) + 2, total = stroff + strsz;
	uint64_t base = 0x10000;
	memset(b, 0, total);
	memcpy(b, "\177ELF", 4);
	b[4] = is64 ? 2 : 1;
	b[5] = be ? 2 : 1;
	b[6] = 1;
	wr(b, 16, 2, 3 /* ET_DYN */, be);
	wr(b, is64 ? 32 : 28, (int)w, phoff, be);
	wr(b, is64 ? 54 : 42, 2, ph, be);
	wr(b, is64 ? 56 : 44, 2, 2, be);
	for (int i = 0; i < 2; i++) {
		size_t p = phoff + (size_t)i * ph;
		uint64_t type = i ? 2 : 1, off = i ? dynoff : 0, sz = i ? 4 * 2 * w : total;
		wr(b, p, 4, type, be);
		if (is64) {
			wr(b, p + 8, 8, off, be);
			wr(b, p + 16, 8, base + off, be);
			wr(b, p + 32, 8, sz, be);
		} else {
			wr(b, p + 4, 4, off, be);
			wr(b, p + 8, 4, base + off, be);
			wr(b, p + 16, 4, sz, be);
		}
	}
	uint64_t dyn[4][2] = {{5, base + stroff}, {10, strsz}, {14, 1}, {0, 0}};
	for (int i = 0; i < 4; i++) {
		wr(b, dynoff + (size_t)i * 2 * w, (int)w, dyn[i][0], be);
		wr(b, dynoff + (size_t)i * 2 * w + w, (int)w, dyn[i][1], be);
	}
	memcpy(b + stroff + 1, soname, strlen(soname) + 1);
	return total;
}

TEST(elf_soname_all_classes_and_byte_orders)
{
	unsigned char b[512];
	char so[64];
	for (int is64 = 0; is64 < 2; is64++)
		for (int be = 0; be < 2; be++) {
			size_t n = synth_elf(b, is64, be, "libsynth.so.7");
			CHECK_INT(elf_soname(b, n, so, sizeof so), 1);
			CHECK_STR(so, "libsynth.so.7");
			CHECK_INT(elf_soname(b, n - 3, so, sizeof so), 0); /* unterminated */
		}
	/* A DT_SONAME index past DT_STRSZ is refused, not read out of bounds. */
	size_t n = synth_elf(b, 1, 0, "libx.so.1");
	wr(b, 64 + 2 * 56 + 2 * 16 + 8, 8, 4000, 0);
	CHECK_INT(elf_soname(b, n, so, sizeof so), 0);
}

/* ---- keys ---- */

TEST(keygen_modes_and_insecure_key_refused)
{
	struct stat st;
	const char *k = key();
	char *dir = path_dirname(k);
	CHECK_INT(stat(k, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(stat(dir, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(stat(pubkey(), &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	size_t n;
	char *pem = read_file(k, &n);
	CHECK(pem && strstr(pem, "-----BEGIN RSA PRIVATE KEY-----"));
	free(pem);
	free(dir);

	char *bad = path_join(test_tmpdir(), "group.rsa");
	pem = read_file(k, &n);
	spit(bad, (unsigned char *)pem, n);
	free(pem);
	chmod(bad, 0640);
	struct signer s;
	struct apk_err err;
	CHECK_INT(signer_load(&s, bad, NULL, &err), -1);
	CHECK(strstr(err.msg, "chmod 600") && strstr(err.msg, bad));
	chmod(bad, 0600);
	CHECK_INT(signer_load(&s, bad, NULL, &err), 0);
	CHECK_STR(s.keyname, "group.rsa.pub");
	signer_free(&s);
	free(bad);
}

TEST(small_or_non_rsa_key_refused)
{
	const char *d = test_tmpdir();
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "cd %s && openssl genrsa -traditional -out small.rsa 1024 2>/dev/null && "
	         "openssl ecparam -name prime256v1 -genkey -noout -out ec.key 2>/dev/null && "
	         "chmod 600 small.rsa ec.key", d);
	CHECK_INT(system(cmd), 0);
	struct signer s;
	struct apk_err err;
	char *p = path_join(d, "small.rsa");
	CHECK_INT(signer_load(&s, p, NULL, &err), -1);
	CHECK(strstr(err.msg, "1024 bits"));
	free(p);
	p = path_join(d, "ec.key");
	CHECK_INT(signer_load(&s, p, NULL, &err), -1);
	CHECK(strstr(err.msg, "not RSA"));
	free(p);
}

/* ---- pack / open / verify ---- */

struct seen { int n; char paths[32][128]; int sums_checked; };
static int on_entry(void *ctx, const struct apk_entry *e, struct apk_reader *r, struct apk_err *err)
{
	struct seen *s = ctx;
	if (s->n < 32)
		snprintf(s->paths[s->n++], 128, "%c %s%s%s", "fdslcbp"[e->type], e->path,
		         *e->link ? " -> " : "", e->link);
	if (e->uid != 0 || e->gid != 0 || strcmp(e->uname, "root") || e->mtime != 1700000000)
		return snprintf(err->msg, sizeof err->msg, "%s: bad owner/mtime", e->path), 1;
	if (e->type == APK_REG) {
		char b[8];
		CHECK(apk_entry_read(r, b, 2) == (e->size < 2 ? (ssize_t)e->size : 2));
		s->sums_checked++;
	}
	return 0;
}

TEST(pack_open_verify_round_trip)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "hello-1.2-r3.apk");
	tree(dest);
	struct apk_err err;
	CHECK_INT(pack(dest, out, &err), 0);
	struct apk a;
	CHECK_INT(apk_open(&a, out, &err), 0);
	CHECK_STR(a.sig_keyname, "test.rsa.pub");
	CHECK_INT(a.sig_len, 256);
	CHECK_INT(a.sig.off, 0);
	CHECK_INT(a.ctl.off, a.sig.len);
	CHECK_INT(a.data.off + a.data.len, a.size);
	CHECK_STR(apk_field_get(&a, "pkgname"), "hello");
	CHECK_STR(apk_field_get(&a, "pkgver"), "1.2-r3");
	CHECK_STR(apk_field_get(&a, "arch"), "aarch64");
	CHECK_STR(apk_field_get(&a, "builddate"), "1700000000");
	CHECK_INT(apk_verify(&a, pubkey(), &err), 0);
	struct seen s = {0};
	CHECK_INT(apk_data_foreach(&a, 1, on_entry, &s, &err), 0);
	const char *want[] = {
		"d etc", "f etc/hello.conf", "d etc/init.d", "f etc/init.d/hello", "d etc/runlevels",
		"d etc/runlevels/default", "s etc/runlevels/default/hello -> /etc/init.d/hello",
		"d usr", "d usr/bin", "f usr/bin/hello", "s usr/bin/hi -> hello",
	};
	CHECK_INT(s.n, 11);
	for (int i = 0; i < 11 && i < s.n; i++)
		CHECK_STR(s.paths[i], want[i]);
	CHECK_INT(s.sums_checked, 3);

	/* libarchive reads the same data stream. */
	struct archive *ar = apk_data_archive(&a, &err);
	struct archive_entry *ae;
	int n = 0;
	while (ar && archive_read_next_header(ar, &ae) == ARCHIVE_OK)
		n++;
	CHECK_INT(n, 11);
	if (ar)
		archive_read_free(ar);
	apk_close(&a);
	free(dest);
	free(out);
}

TEST(pack_is_reproducible_across_dirs_and_creation_order)
{
	char *d1 = path_join(test_tmpdir(), "one"), *d2 = path_join(test_tmpdir(), "two/deeper");
	tree(d1);
	/* Same tree, made in another order, later. */
	put(d2, "etc/init.d/hello", "#!/sbin/openrc-run\n", 0755);
	char *l = path_join(d2, "usr/bin/hi"), *ld = path_dirname(l);
	mkdir_p(ld, 0755);
	free(ld);
	CHECK_INT(symlink("hello", l), 0);
	sleep(1);
	put(d2, "etc/hello.conf", "greeting=hi\n", 0644);
	put(d2, "usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
	char *o1 = path_join(d1, "../a.apk"), *o2 = path_join(d2, "../b.apk");
	struct apk_err err;
	CHECK_INT(pack(d1, o1, &err), 0);
	CHECK_INT(pack(d2, o2, &err), 0);
	size_t n1, n2;
	unsigned char *b1 = slurp(o1, &n1), *b2 = slurp(o2, &n2);
	CHECK(b1 && b2 && n1 == n2 && !memcmp(b1, b2, n1));
	free(b1);
	free(b2);
	free(l);
	free(d1);
	free(d2);
	free(o1);
	free(o2);
}

TEST(repack_unchanged_keeps_mtime)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk");
	tree(dest);
	struct apk_err err;
	CHECK_INT(pack(dest, out, &err), 0);
	struct stat st1, st2;
	stat(out, &st1);
	struct timespec ts[2] = {{1000, 0}, {1000, 0}};
	utimensat(AT_FDCWD, out, ts, 0);
	CHECK_INT(pack(dest, out, &err), 0);
	stat(out, &st2);
	CHECK_INT(st2.st_mtime, 1000);
	free(dest);
	free(out);
}

/* tamper flips one byte at off and returns apk_verify's message. */
static int tamper(const char *src, const char *dst, size_t off, struct apk_err *err)
{
	size_t n;
	unsigned char *b = slurp(src, &n);
	b[off] ^= 0x55;
	spit(dst, b, n);
	free(b);
	struct apk a;
	int r = apk_open(&a, dst, err);
	if (r == 0)
		r = apk_verify(&a, pubkey(), err);
	apk_close(&a);
	return r;
}

TEST(tampering_with_each_segment_is_detected)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk"), *bad = path_join(d, "bad.apk");
	tree(dest);
	struct apk_err err;
	CHECK_INT(pack(dest, out, &err), 0);
	struct apk a;
	CHECK_INT(apk_open(&a, out, &err), 0);
	struct apk_segment sig = a.sig, ctl = a.ctl, data = a.data;
	apk_close(&a);

	CHECK_INT(tamper(out, bad, sig.off + sig.len - 12, &err), -1); /* inside the RSA bytes' deflate */
	CHECK(strstr(err.msg, "signature") || strstr(err.msg, "gzip"));
	CHECK_INT(tamper(out, bad, ctl.off + ctl.len / 2, &err), -1);
	CHECK(strstr(err.msg, "control") || strstr(err.msg, "signature"));
	CHECK_INT(tamper(out, bad, data.off + data.len / 2, &err), -1);
	CHECK(strstr(err.msg, "datahash"));
	/* Truncated files. */
	size_t n;
	unsigned char *b = slurp(out, &n);
	spit(bad, b, ctl.off + 10);
	CHECK_INT(apk_open(&a, bad, &err), -1);
	CHECK(strstr(err.msg, "truncated"));
	apk_close(&a);
	spit(bad, b, n - 100);
	CHECK_INT(apk_open(&a, bad, &err), 0);
	CHECK_INT(apk_verify(&a, pubkey(), &err), -1);
	CHECK(strstr(err.msg, "datahash"));
	apk_close(&a);
	free(b);
	free(dest);
	free(out);
	free(bad);
}

/* repack_data rewrites the data stream with one file's content changed but
 * keeps the old checksum record, then fixes datahash and re-signs — only the
 * per-file check can catch it. */
TEST(per_file_checksum_mismatch_is_detected)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk");
	tree(dest);
	struct apk_err err;
	CHECK_INT(pack(dest, out, &err), 0);
	struct apk a;
	CHECK_INT(apk_open(&a, out, &err), 0);
	struct buf raw = {0}, gz = {0};
	size_t used;
	const char *why;
	CHECK_INT(gz_member(a.map + a.data.off, a.data.len, &raw, 1 << 20, &used, &why), 0);
	char *hit = memmem(raw.data, raw.len, "greeting=hi", 11);
	CHECK(hit != NULL);
	if (hit)
		hit[9] = 'H';
	gz_buf(raw.data, raw.len, 6, &gz);
	apk_close(&a);
	/* Build a package with this data stream: forge via an unsigned control. */
	unsigned char md[32];
	char hexs[65], info[512];
	EVP_Digest(gz.data, gz.len, md, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(hexs + 2 * i, "%02x", md[i]);
	snprintf(info, sizeof info, "pkgname = x\npkgver = 1-r0\narch = noarch\ndatahash = %s\n", hexs);
	struct buf tar = {0}, file = {0};
	single_entry_tar(&tar, ".PKGINFO", info, strlen(info), 0, 0);
	gz_buf(tar.data, tar.len, 9, &file);
	buf_add(&file, gz.data, gz.len);
	char *forged = path_join(d, "forged.apk");
	spit(forged, file.data, file.len);
	CHECK_INT(apk_open(&a, forged, &err), 0);
	CHECK_INT(apk_verify_datahash(&a, &err), 0);
	CHECK_INT(apk_verify(&a, NULL, &err), -1);
	CHECK(strstr(err.msg, "etc/hello.conf") && strstr(err.msg, "checksum"));
	/* The same when streamed (packages too big to inflate in memory). */
	size_t lim = apk_data_inmem_max;
	apk_data_inmem_max = 1;
	CHECK_INT(apk_verify(&a, NULL, &err), -1);
	CHECK(strstr(err.msg, "etc/hello.conf") && strstr(err.msg, "checksum"));
	apk_data_inmem_max = lim;
	apk_close(&a);
	buf_free(&raw);
	buf_free(&gz);
	buf_free(&tar);
	buf_free(&file);
	free(forged);
	free(dest);
	free(out);
}

TEST(wrong_key_fails_naming_both_keys)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk"),
	     *other = path_join(d, "other.rsa"), *otherpub = path_join(d, "other.rsa.pub");
	tree(dest);
	struct apk_err err;
	int created;
	CHECK_INT(pack(dest, out, &err), 0);
	CHECK_INT(key_generate(other, &created, &err), 0);
	struct apk a;
	CHECK_INT(apk_open(&a, out, &err), 0);
	CHECK_INT(apk_verify_signature(&a, otherpub, &err), -1);
	CHECK(strstr(err.msg, "BAD signature") && strstr(err.msg, "test.rsa.pub"));
	/* The loaded key is reused across calls, but not once the file at that
	 * path holds another key (rewritten in place, same size). */
	char *swap = path_join(d, "test.rsa.pub"), cmd[1024];
	snprintf(cmd, sizeof cmd, "cat '%s' >'%s'", pubkey(), swap);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(apk_verify_signature(&a, swap, &err), 0);
	CHECK_INT(apk_verify_signature(&a, swap, &err), 0);
	snprintf(cmd, sizeof cmd, "cat '%s' >'%s'", otherpub, swap);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(apk_verify_signature(&a, swap, &err), -1);
	CHECK(strstr(err.msg, "BAD signature"));
	apk_close(&a);
	free(swap);
	free(dest);
	free(out);
	free(other);
	free(otherpub);
}

TEST(bad_destdirs_are_refused_and_nothing_written)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk");
	struct apk_err err;
	struct stat st;
	CHECK_INT(pack(dest, out, &err), -1); /* missing */
	CHECK(strstr(err.msg, dest) != NULL);

	tree(dest);
	char *badname = path_join(dest, "usr/bin/bad\xff" "name");
	put(dest, "usr/bin/bad\xff" "name", "x", 0644);
	CHECK_INT(pack(dest, out, &err), -1);
	CHECK(strstr(err.msg, "UTF-8") && strstr(err.msg, badname));
	unlink(badname);

	char *sock = path_join(dest, "run.sock");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
	CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	CHECK_INT(pack(dest, out, &err), -1);
	CHECK(strstr(err.msg, "socket") && strstr(err.msg, sock));
	close(fd);
	unlink(sock);

	char *init = path_join(dest, "etc/init.d/hello");
	unlink(init);
	free(init);
	CHECK_INT(pack(dest, out, &err), -1); /* service without init script */
	CHECK(strstr(err.msg, "etc/init.d/hello"));

	CHECK(stat(out, &st) != 0);
	/* No temp files left beside the output. */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s | grep -v destdir)\"", d);
	CHECK_INT(system(cmd), 0);
	free(sock);
	free(badname);
	free(dest);
	free(out);
}

TEST(resign_keeps_control_and_data_bytes)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk"), *re = path_join(d, "re.apk"),
	     *other = path_join(d, "k2.rsa"), *otherpub = path_join(d, "k2.rsa.pub");
	tree(dest);
	struct apk_err err;
	int created, changed;
	CHECK_INT(pack(dest, out, &err), 0);
	CHECK_INT(key_generate(other, &created, &err), 0);
	struct signer s;
	CHECK_INT(signer_load(&s, other, NULL, &err), 0);
	CHECK_INT(apk_resign(out, re, &s, 0, &changed, &err), 0);
	signer_free(&s);
	struct apk a, b;
	CHECK_INT(apk_open(&a, out, &err), 0);
	CHECK_INT(apk_open(&b, re, &err), 0);
	CHECK_STR(b.sig_keyname, "k2.rsa.pub");
	CHECK_INT(a.size - a.ctl.off, b.size - b.ctl.off);
	CHECK(!memcmp(a.map + a.ctl.off, b.map + b.ctl.off, a.size - a.ctl.off));
	CHECK_INT(apk_verify(&b, otherpub, &err), 0);
	CHECK_INT(apk_verify_signature(&b, pubkey(), &err), -1);
	apk_close(&a);
	apk_close(&b);
	free(dest);
	free(out);
	free(re);
	free(other);
	free(otherpub);
}

TEST(index_lists_arch_and_noarch_sorted_and_verifies)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *x = path_join(d, "repo/aarch64/hello-1.2-r3.apk");
	char *dx = path_join(d, "repo/aarch64"), *idx = path_join(d, "repo/aarch64/APKINDEX.tar.gz");
	tree(dest);
	mkdir_p(dx, 0755);
	char *nd = path_join(d, "repo/noarch");
	mkdir_p(nd, 0755);
	free(nd);
	struct apk_err err;
	CHECK_INT(pack(dest, x, &err), 0);
	char *y = path_join(d, "repo/noarch/aaa-1.2-r3.apk");
	CHECK_INT(pack(dest, y, &err), 0);
	struct strlist l = {0};
	CHECK_INT(index_collect(dx, &l, &err), 0);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK(strstr(l.v[0], "noarch/aaa"));
		CHECK(strstr(l.v[1], "aarch64/hello"));
	}
	struct signer s;
	int changed;
	CHECK_INT(signer_load(&s, key(), NULL, &err), 0);
	CHECK_INT(index_write(&l, idx, &s, 5, &changed, &err), 0);
	CHECK_INT(changed, 1);
	CHECK_INT(index_write(&l, idx, &s, 5, &changed, &err), 0);
	CHECK_INT(changed, 0);
	CHECK_INT(index_verify(idx, pubkey(), &err), 0);
	/* A corrupt package stops the index with its name. */
	size_t n;
	unsigned char *b = slurp(x, &n);
	b[n - 40] ^= 1;
	spit(x, b, n);
	free(b);
	CHECK_INT(index_write(&l, idx, &s, 5, &changed, &err), -1);
	CHECK(strstr(err.msg, x) && strstr(err.msg, "datahash"));
	CHECK_INT(index_verify(idx, pubkey(), &err), 0); /* old index untouched */
	signer_free(&s);
	strlist_free(&l);
	free(dest);
	free(x);
	free(y);
	free(dx);
	free(idx);
}

/* forge writes an unsigned package whose data stream is gzip(raw tar), with
 * a correct datahash, so only the data walk can object. */
static void forge(const char *path, const struct buf *raw)
{
	struct buf gz = {0}, tar = {0}, file = {0};
	unsigned char md[32];
	char hexs[65], info[256];
	gz_buf(raw->data, raw->len, 6, &gz);
	EVP_Digest(gz.data, gz.len, md, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(hexs + 2 * i, "%02x", md[i]);
	snprintf(info, sizeof info, "pkgname = f\npkgver = 1-r0\narch = noarch\ndatahash = %s\n", hexs);
	single_entry_tar(&tar, ".PKGINFO", info, strlen(info), 0, 0);
	gz_buf(tar.data, tar.len, 9, &file);
	buf_add(&file, gz.data, gz.len);
	spit(path, file.data, file.len);
	buf_free(&gz);
	buf_free(&tar);
	buf_free(&file);
}

static int count_entries(void *ctx, const struct apk_entry *e, struct apk_reader *r,
                         struct apk_err *err)
{
	(*(int *)ctx)++;
	return 0;
}

TEST(data_walk_refuses_unsafe_paths_and_skips_root_entry)
{
	const char *bad[] = {"../evil", "usr/../../evil", "/etc/passwd"};
	char *p = path_join(test_tmpdir(), "f.apk");
	for (int i = 0; i < 4; i++) {
		struct buf raw = {0};
		struct tar_hdr root = {.name = "./", .mode = 0755, .type = '5'};
		struct tar_hdr h = {.name = i < 3 ? bad[i] : "ok", .mode = 0644, .type = '0', .size = 1,
		                    .sha1 = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"}; /* sha1("a") */
		tar_header(&raw, &root);
		tar_header(&raw, &h);
		buf_add(&raw, "a", 1);
		buf_zero(&raw, tar_pad(1) + 1024);
		forge(p, &raw);
		struct apk a;
		struct apk_err err;
		int n = 0;
		CHECK_INT(apk_open(&a, p, &err), 0);
		CHECK_INT(apk_verify_datahash(&a, &err), 0);
		if (i < 3) {
			CHECK_INT(apk_data_foreach(&a, 1, count_entries, &n, &err), -1);
			CHECK(strstr(err.msg, "unsafe path") != NULL);
		} else {
			CHECK_INT(apk_data_foreach(&a, 1, count_entries, &n, &err), 0);
			CHECK_INT(n, 1); /* the "./" entry is not reported */
		}
		apk_close(&a);
		buf_free(&raw);
	}
	free(p);
}

/* Random corruption never crashes the reader and never passes verify: every
 * byte sits in a signed, hashed or CRC-checked place — except the gzip
 * header's mtime/XFL/OS bytes (4..9) of the signature stream, which nothing
 * covers (in apk-tools either) and which change no content; skipped. */
/* same_signature: a flipped bit inside the signature stream that leaves the
 * signature and key name as they were (a deflate block's unused last bits,
 * the gzip header's XFL/OS bytes) changes nothing the package says; which
 * bits those are depends on the signature, so on the random test key. */
static int same_signature(const struct apk *o, const struct apk *a, size_t off, size_t len)
{
	return len == o->size && off >= o->sig.off && off < o->sig.off + o->sig.len
	       && a->sig_len == o->sig_len && !memcmp(a->sig_bytes, o->sig_bytes, o->sig_len)
	       && a->sig_keyname && o->sig_keyname && !strcmp(a->sig_keyname, o->sig_keyname);
}

TEST(random_corruption_is_always_refused)
{
	const char *d = test_tmpdir();
	char *dest = path_join(d, "destdir"), *out = path_join(d, "p.apk"), *bad = path_join(d, "bad.apk");
	tree(dest);
	struct apk_err err;
	CHECK_INT(pack(dest, out, &err), 0);
	size_t n;
	unsigned char *orig = slurp(out, &n);
	struct apk o;
	CHECK_INT(apk_open(&o, out, &err), 0);
	unsigned seed = 12345;
	int accepted = 0;
	for (int i = 0; i < 300 && orig; i++) {
		unsigned char *b = malloc(n);
		memcpy(b, orig, n);
		seed = seed * 1103515245u + 12345u;
		size_t off = (seed >> 8) % n, len = n;
		if (off >= 4 && off <= 9)
			off = 10;
		if (i % 5 == 4)
			len = off; /* truncation */
		else
			b[off] ^= (unsigned char)(1u << (seed % 8));
		spit(bad, b, len);
		free(b);
		struct apk a;
		if (apk_open(&a, bad, &err) == 0 && apk_verify(&a, pubkey(), &err) == 0
		    && !same_signature(&o, &a, off, len)) {
			accepted++;
			printf("accepted corruption at byte %zu (len %zu)\n", off, len);
		}
		apk_close(&a);
	}
	CHECK_INT(accepted, 0);
	apk_close(&o);
	free(orig);
	free(dest);
	free(out);
	free(bad);
}

/* ---- pack --spec: [package] of a unit.ini ---- */

static int load_spec(const char *text, struct pack_spec *s, struct apk_err *err)
{
	const char *d = test_tmpdir();
	put(d, "unit.ini", text, 0644);
	char *p = path_join(d, "unit.ini");
	int r = pack_spec_load(p, s, err);
	/* keep messages independent of the temp dir */
	char *at = strstr(err->msg, "unit.ini");
	if (at)
		memmove(err->msg, at, strlen(at) + 1);
	free(p);
	return r;
}

TEST(pack_spec_fills_options_and_the_command_line_wins)
{
	struct pack_spec s;
	struct apk_err err;
	CHECK_INT(load_spec("[unit]\nname = ignored\nkey = ignored too\n"
	                    "[package]\ndestdir = d\\sdir\nname = hello\nversion = 1.0\n"
	                    "release = 2\narch = x86_64\n"
	                    "description = Hello\\sworld\\; \\# x\ndescription+ = \\sand more\n"
	                    "license = MIT\norigin = o\ncommit = c0\nsysroot = sr\nlevel = 9\n"
	                    "depend = musl\ndepend = libgreeting\nprovides = p1\nreplaces = r1\n"
	                    "service = hello\n[task build]\nstep = make\n",
	                    &s, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_STR(s.opts.destdir, "d dir");
	CHECK_STR(s.opts.description, "Hello world; # x and more");
	CHECK_STR(s.opts.origin, "o");
	CHECK_INT(s.opts.level, 9);
	CHECK_INT(s.opts.depends.n, 2);
	CHECK(s.opts.out == NULL && s.opts.epoch == 0);

	struct pack_opts o = {.name = "cmdname", .level = 3, .out = "x.apk"};
	strlist_add(&o.depends, "extra");
	CHECK_INT(pack_spec_merge(&o, &s), 0);
	CHECK_STR(o.name, "cmdname");
	CHECK_STR(o.version, "1.0");
	CHECK_STR(o.release, "2");
	CHECK_STR(o.sysroot, "sr");
	CHECK_STR(o.out, "x.apk");
	CHECK_INT(o.level, 3);
	CHECK_INT(o.depends.n, 3);
	if (o.depends.n == 3) {
		CHECK_STR(o.depends.v[0], "musl");
		CHECK_STR(o.depends.v[1], "libgreeting");
		CHECK_STR(o.depends.v[2], "extra");
	}
	CHECK_INT(o.provides.n, 1);
	CHECK_INT(o.services.n, 1);
	strlist_free(&o.depends);
	strlist_free(&o.provides);
	strlist_free(&o.replaces);
	strlist_free(&o.services);
	pack_spec_free(&s);
}

static void expect_spec_error(const char *text, const char *want)
{
	struct pack_spec s;
	struct apk_err err;
	CHECK_INT(load_spec(text, &s, &err), -1);
	if (strncmp(err.msg, want, strlen(want)))
		test_fail(__FILE__, __LINE__, "error '%s' does not start with '%s'", err.msg, want);
	pack_spec_free(&s);
}

TEST(pack_spec_errors_name_file_and_line)
{
	expect_spec_error("[package]\nname = a\nbogus = 1\n",
	                  "unit.ini:3: error: unknown key 'bogus' in [package] (known: destdir, name,");
	expect_spec_error("[package]\nkey = k.rsa\n",
	                  "unit.ini:2: error: 'key' is not allowed in [package]: give --key on");
	expect_spec_error("[package]\nunsigned = 1\n", "unit.ini:2: error: 'unsigned' is not allowed");
	expect_spec_error("[package]\no = x.apk\n", "unit.ini:2: error: 'o' is not allowed in [package]: give -o ");
	expect_spec_error("[package]\noutput = x.apk\n", "unit.ini:2: error: 'output' is not allowed");
	expect_spec_error("[package]\nepoch = 5\n", "unit.ini:2: error: 'epoch' is not allowed");
	expect_spec_error("[package]\nkeyname = k\n", "unit.ini:2: error: 'keyname' is not allowed");
	expect_spec_error("[package]\nname = a\nname = b\n", "unit.ini:3: error: 'name' appears twice in [package]");
	expect_spec_error("[package]\nlevel = 10\n", "unit.ini:2: error: level must be 1..9, not '10'");
	expect_spec_error("[package]\nname = a\\qb\n", "unit.ini:2: error: name: bad escape '\\q'");
	expect_spec_error("[package]\nname = a\ndepend+ = b\n",
	                  "unit.ini:3: error: 'depend+' must directly follow a 'depend' line");
	expect_spec_error("[unit]\nname = a\n", "unit.ini: error: no [package] section");
	struct pack_spec s;
	struct apk_err err;
	char *p = path_join(test_tmpdir(), "missing.ini");
	CHECK_INT(pack_spec_load(p, &s, &err), -1);
	CHECK(strstr(err.msg, "missing.ini: error: cannot open the package spec: No such file") != NULL);
	pack_spec_free(&s);
	free(p);
}
