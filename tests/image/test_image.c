/* tests/image/test_image.c — unit tests of image-assemble's parts: sizes
 * and the INI spec, path order and safety, the manifest table, the staging
 * tree's refusal to write through symlinks, deterministic ids, partition
 * layout, the MBR/GPT bytes (checked field by field, CRCs included), the
 * parallel loops, work tree removal and the per-step clock. */
#include "test.h"
#include "image/ids.h"
#include "image/layout.h"
#include "image/manifest.h"
#include "image/par.h"
#include "image/phases.h"
#include "image/ptable.h"
#include "image/rmtree.h"
#include "image/spec.h"
#include "image/stage.h"
#include "lib/fsutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t rd32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint64_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p)
{
	return rd32(p) | rd32(p + 4) << 32;
}

static char *write_spec(const char *text)
{
	return test_write_tmp("spec.ini", text);
}

TEST(sizes)
{
	uint64_t b;
	int fill;
	const char *why;
	CHECK_INT(parse_size("64M", &b, &fill, &why), 0);
	CHECK_INT(b, 64 * MIB);
	CHECK_INT(parse_size("2G", &b, &fill, &why), 0);
	CHECK_INT(b, 2048 * MIB);
	CHECK_INT(parse_size("100", &b, &fill, &why), 0); /* bare number: MiB */
	CHECK_INT(b, 100 * MIB);
	CHECK_INT(parse_size("1024K", &b, &fill, &why), 0);
	CHECK_INT(b, MIB);
	CHECK_INT(parse_size("3MiB", &b, &fill, &why), 0);
	CHECK_INT(b, 3 * MIB);
	CHECK_INT(parse_size("fill", &b, &fill, &why), 0);
	CHECK_INT(fill, 1);
	CHECK_INT(parse_size("512K", &b, &fill, &why), -1); /* not whole MiB */
	CHECK_INT(parse_size("1.5G", &b, &fill, &why), -1);
	CHECK_INT(parse_size("abc", &b, &fill, &why), -1);
	CHECK_INT(parse_size("0", &b, &fill, &why), -1);
	CHECK_INT(parse_size("-1M", &b, &fill, &why), -1);
	CHECK_INT(parse_size("4X", &b, &fill, &why), -1);
}

TEST(spec_full)
{
	char *p = write_spec(
		"[image]\n"
		"name = base-image\n"
		"output = out/base.img\n"
		"key = keys/p.rsa.pub\n"
		"hostname = box\n"
		"boot = syslinux\n"
		"kernel = boot/vmlinuz\n"
		"cmdline = console=ttyS0 root=/dev/vda2 rw\n"
		"table = gpt\n"
		"repository = /media/repo\n"
		"repository = https://example.org/repo\n"
		"source_date_epoch = 42\n"
		"\n"
		"[partition \"boot\"]\n"
		"type = vfat\n"
		"size = 64M\n"
		"contents = /boot\n"
		"\n"
		"[partition \"rootfs\"]\n"
		"type = ext4\n"
		"size = fill\n"
		"root = true\n"
		"\n"
		"[packages]\n"
		"apk = a.apk\n"
		"apk = b.apk\n");
	struct image_spec s;
	CHECK_INT(spec_load(&s, p), 0);
	CHECK_STR(s.name, "base-image");
	CHECK_INT(s.boot, BOOT_SYSLINUX);
	CHECK_INT(s.table, TABLE_GPT);
	CHECK_INT(s.epoch, 42);
	CHECK_INT(s.nparts, 2);
	CHECK_STR(s.parts[0].label, "boot");
	CHECK_INT(s.parts[0].type, PART_VFAT);
	CHECK_INT(s.parts[0].size, 64 * MIB);
	CHECK_STR(s.parts[0].contents, "/boot");
	CHECK_INT(s.parts[1].fill, 1);
	CHECK(spec_root(&s) == &s.parts[1]);
	CHECK_INT(s.npackages, 2);
	CHECK_STR(s.packages[1], "b.apk");
	CHECK_INT(s.nrepositories, 2);
	CHECK_STR(s.manifest, "out/base.img.manifest");
	CHECK_STR(s.arch, "x86_64");
	CHECK_STR(s.cmdline, "console=ttyS0 root=/dev/vda2 rw");
	spec_free(&s);
	free(p);
}

static int spec_fails(const char *text)
{
	char *p = write_spec(text);
	struct image_spec s;
	int rc = spec_load(&s, p);
	spec_free(&s);
	free(p);
	return rc == -1;
}

#define HEAD "[image]\nname = x\noutput = x.img\nkey = k.pub\n"
#define ROOT "[partition \"root\"]\ntype = ext4\nsize = 1G\nroot = true\n"
#define PKGS "[packages]\napk = a.apk\n"

TEST(spec_errors)
{
	CHECK(!spec_fails(HEAD ROOT PKGS));
	CHECK(spec_fails(HEAD "bogus = 1\n" ROOT PKGS));           /* unknown key */
	CHECK(spec_fails(HEAD ROOT));                              /* no packages */
	CHECK(spec_fails("[image]\nname = x\noutput = x.img\n" ROOT PKGS)); /* no key */
	CHECK(spec_fails(HEAD "[partition \"root\"]\ntype = ext4\nroot = true\n" PKGS));
	CHECK(spec_fails(HEAD "[partition \"root\"]\ntype = ext4\nsize = 1G\n" PKGS));
	CHECK(spec_fails(HEAD ROOT "[partition \"b\"]\ntype = vfat\nsize = 1G\nroot = true\n"
	                 PKGS));                                   /* two roots */
	CHECK(spec_fails(HEAD ROOT "[partition \"b\"]\ntype = xfs\nsize = 1G\n" PKGS));
	CHECK(spec_fails(HEAD "boot = grub\n" ROOT PKGS));
	CHECK(spec_fails(HEAD "boot = syslinux\nkernel = boot/vmlinuz\n" ROOT PKGS));
	CHECK(spec_fails(HEAD "name = y\n" ROOT PKGS));            /* set twice */
	CHECK(spec_fails(HEAD ROOT "[partition \"bad label!\"]\nsize = 1M\n" PKGS));
	CHECK(spec_fails(HEAD ROOT "[whatever]\nx = 1\n" PKGS));
	CHECK(spec_fails(HEAD ROOT
		"[partition \"a\"]\nsize = 1M\n[partition \"b\"]\nsize = 1M\n"
		"[partition \"c\"]\nsize = 1M\n[partition \"d\"]\nsize = 1M\n" PKGS));
	CHECK(!spec_fails(HEAD "table = gpt\n" ROOT
		"[partition \"a\"]\nsize = 1M\n[partition \"b\"]\nsize = 1M\n"
		"[partition \"c\"]\nsize = 1M\n[partition \"d\"]\nsize = 1M\n" PKGS));
	char longline[600];
	snprintf(longline, sizeof longline, HEAD ROOT "[packages]\napk = %0300d\n", 0);
	CHECK(spec_fails(longline));
}

TEST(path_order)
{
	/* A directory comes right before its children, before "a-b". */
	const char *v[] = {"a-b", "a/b", "a", "a/b/c", "B", "a.", "a/a"};
	const char *want[] = {"B", "a", "a/a", "a/b", "a/b/c", "a-b", "a."};
	for (size_t i = 0; i < 7; i++)
		for (size_t k = i + 1; k < 7; k++)
			if (path_cmp(v[i], v[k]) > 0) {
				const char *t = v[i];
				v[i] = v[k];
				v[k] = t;
			}
	for (size_t i = 0; i < 7; i++)
		CHECK_STR(v[i], want[i]);
}

TEST(path_safety)
{
	CHECK(path_safe("usr/bin/x"));
	CHECK(path_safe("a b/c"));
	CHECK(!path_safe(""));
	CHECK(!path_safe("/etc/passwd"));
	CHECK(!path_safe("../x"));
	CHECK(!path_safe("a/../../x"));
	CHECK(!path_safe("a/./b"));
	CHECK(!path_safe("a//b"));
	CHECK(!path_safe("a/"));
	CHECK(!path_safe("a\nb"));
	CHECK(!path_safe("a\"b"));
	CHECK(!path_safe("a\\b"));
	CHECK_INT(host_mode(M_REG, 04755), 0755);
	CHECK_INT(host_mode(M_REG, 0), 0600);
	CHECK_INT(host_mode(M_DIR, 01777), 0777);
	CHECK_INT(host_mode(M_DIR, 0555), 0755);
}

TEST(manifest_table)
{
	struct manifest m;
	manifest_init(&m);
	char name[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "d%d/f%d", i % 7, i);
		struct mentry *e = manifest_put(&m, name);
		CHECK(e != NULL);
		e->type = M_REG;
		e->uid = i;
	}
	CHECK_INT(m.n, 5000);
	CHECK(manifest_put(&m, "d3/f3") == manifest_get(&m, "d3/f3"));
	CHECK_INT(m.n, 5000);
	CHECK_INT(manifest_get(&m, "d4/f4")->uid, 4);
	CHECK(manifest_get(&m, "nope") == NULL);
	manifest_get(&m, "d0/f0")->deleted = 1;
	size_t n;
	struct mentry **v = manifest_sorted(&m, &n);
	CHECK_INT(n, 4999);
	for (size_t i = 1; i < n; i++)
		CHECK(path_cmp(v[i - 1]->path, v[i]->path) < 0);
	free(v);
	manifest_free(&m);
}

TEST(stage_never_writes_through_symlinks)
{
	char *root = path_join(test_tmpdir(), "rootfs");
	char *outside = path_join(test_tmpdir(), "outside");
	mkdir(outside, 0755);
	struct manifest m;
	struct stage st;
	manifest_init(&m);
	CHECK_INT(stage_open(&st, root, &m, NULL, 0), 0);
	CHECK_INT(stage_file(&st, "etc/hostname", "box\n", 4, 0644), 0);
	CHECK_INT(stage_symlink(&st, "evil", outside), 0);
	/* A path through the symlink is refused and nothing lands outside. */
	CHECK_INT(stage_file(&st, "evil/x", "pwned", 5, 0644), -1);
	char *x = path_join(outside, "x");
	CHECK(access(x, F_OK) != 0);
	/* The parent directory was made implicit and root-owned 0755. */
	struct mentry *e = manifest_get(&m, "etc");
	CHECK(e && e->type == M_DIR && e->implicit && e->mode == 0755);
	e = manifest_get(&m, "etc/hostname");
	CHECK(e && e->type == M_REG && e->size == 4 && e->pkg == -1);
	char *h = path_join(root, "etc/hostname");
	size_t len;
	char *text = read_file(h, &len);
	CHECK_STR(text, "box\n");
	free(text);
	stage_close(&st);
	manifest_free(&m);
	rm_rf(root);
	free(h);
	free(x);
	free(root);
	free(outside);
}

TEST(ids_are_deterministic)
{
	char a[37], b[37], c[37];
	ids_uuid("key1", "ext4-uuid:rootfs", a);
	ids_uuid("key1", "ext4-uuid:rootfs", b);
	ids_uuid("key2", "ext4-uuid:rootfs", c);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK_INT(strlen(a), 36);
	CHECK(a[14] == '4');
	CHECK(strchr("89ab", a[19]) != NULL);
	unsigned char g[16];
	CHECK_INT(uuid_to_guid("0fc63daf-8483-4772-8e79-3d69d8477de4", g), 0);
	CHECK(memcmp(g, GPT_TYPE_LINUX, 16) == 0);
	CHECK_INT(uuid_to_guid("nope", g), -1);
}

TEST(crc32)
{
	CHECK_INT(crc32_ieee(0, "123456789", 9), 0xcbf43926u);
	CHECK_INT(crc32_ieee(0, "", 0), 0);
}

static unsigned char *table_bytes(const struct ptable *t)
{
	char *p = path_join(test_tmpdir(), "disk.img");
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	unsigned char *buf = calloc(1, t->disk_size);
	CHECK(fd >= 0 && ftruncate(fd, t->disk_size) == 0);
	CHECK_INT(ptable_write(fd, t), 0);
	CHECK(pread(fd, buf, t->disk_size, 0) == (ssize_t)t->disk_size);
	close(fd);
	free(p);
	return buf;
}

TEST(mbr_bytes)
{
	struct ptable_part parts[2] = {
		{.start = MIB, .size = 64 * MIB, .mbr_type = 0x0c, .bootable = 1},
		{.start = 65 * MIB, .size = 128 * MIB, .mbr_type = 0x83},
	};
	unsigned char code[440];
	memset(code, 0xab, sizeof code);
	struct ptable t = {.disk_size = 194 * MIB, .disk_sig = 0x11223344, .parts = parts,
	                   .nparts = 2, .boot_code = code, .boot_code_len = 440};
	unsigned char *b = table_bytes(&t);
	CHECK_INT(b[0], 0xab);
	CHECK_INT(b[439], 0xab);
	CHECK_INT(rd32(b + 440), 0x11223344);
	CHECK_INT(b[510], 0x55);
	CHECK_INT(b[511], 0xaa);
	const unsigned char *e = b + 446;
	CHECK_INT(e[0], 0x80);
	CHECK_INT(e[4], 0x0c);
	CHECK_INT(rd32(e + 8), 2048);
	CHECK_INT(rd32(e + 12), 131072);
	CHECK_INT(e[16], 0);
	CHECK_INT(e[16 + 4], 0x83);
	CHECK_INT(rd32(e + 16 + 8), 133120);
	CHECK_INT(rd32(e + 16 + 12), 262144);
	CHECK_INT(e[32 + 4], 0); /* unused entries stay empty */
	free(b);
}

TEST(gpt_bytes)
{
	struct ptable_part parts[1] = {
		{.start = MIB, .size = 8 * MIB, .name = "rootfs", .bootable = 1},
	};
	memcpy(parts[0].type_guid, GPT_TYPE_LINUX, 16);
	memset(parts[0].guid, 0x5a, 16);
	struct ptable t = {.gpt = 1, .disk_size = 10 * MIB, .parts = parts, .nparts = 1};
	memset(t.disk_guid, 0x77, 16);
	unsigned char *b = table_bytes(&t);
	uint64_t last = 10 * MIB / 512 - 1;
	CHECK_INT(b[446 + 4], 0xee);        /* protective MBR */
	CHECK_INT(rd32(b + 446 + 8), 1);
	CHECK_INT(rd32(b + 446 + 12), last);
	const unsigned char *h = b + 512;
	CHECK(memcmp(h, "EFI PART", 8) == 0);
	CHECK_INT(rd64(h + 24), 1);
	CHECK_INT(rd64(h + 32), last);
	CHECK_INT(rd64(h + 40), 34);
	CHECK_INT(rd64(h + 48), last - 33);
	CHECK_INT(rd64(h + 72), 2);
	/* Header CRC is over the header with its CRC field zeroed. */
	unsigned char copy[92];
	memcpy(copy, h, 92);
	memset(copy + 16, 0, 4);
	CHECK_INT(rd32(h + 16), crc32_ieee(0, copy, 92));
	CHECK_INT(rd32(h + 88), crc32_ieee(0, b + 1024, 128 * 128));
	const unsigned char *e = b + 1024;
	CHECK(memcmp(e, GPT_TYPE_LINUX, 16) == 0);
	CHECK_INT(rd64(e + 32), 2048);
	CHECK_INT(rd64(e + 40), 2048 + 16384 - 1);
	CHECK_INT(rd64(e + 48), 4); /* legacy BIOS bootable */
	CHECK_INT(e[56], 'r');
	CHECK_INT(e[57], 0);
	/* Backup header at the last LBA points back at the primary. */
	const unsigned char *bh = b + last * 512;
	CHECK(memcmp(bh, "EFI PART", 8) == 0);
	CHECK_INT(rd64(bh + 24), last);
	CHECK_INT(rd64(bh + 32), 1);
	CHECK_INT(rd64(bh + 72), last - 32);
	CHECK(memcmp(b + (last - 32) * 512, e, 128 * 128) == 0);
	free(b);
}

TEST(layout_sizes)
{
	struct partition parts[2] = {
		{.label = "boot", .type = PART_VFAT, .size = 64 * MIB},
		{.label = "root", .type = PART_EXT4, .fill = 1, .root = 1},
	};
	struct image_spec s = {.path = "t.ini", .parts = parts, .nparts = 2,
	                       .disk_size = 1024 * MIB};
	struct manifest m;
	manifest_init(&m);
	struct layout l;
	CHECK_INT(layout_compute(&l, &s, &m), 0);
	CHECK_INT(l.start[0], MIB);
	CHECK_INT(l.start[1], 65 * MIB);
	CHECK_INT(l.size[1], 1024 * MIB - 65 * MIB);
	CHECK_INT(l.total, 1024 * MIB);
	layout_free(&l);
	s.table = TABLE_GPT; /* the backup table takes the last MiB */
	CHECK_INT(layout_compute(&l, &s, &m), 0);
	CHECK_INT(l.size[1], 1024 * MIB - 66 * MIB);
	layout_free(&l);
	s.disk_size = 64 * MIB; /* too small for the fixed partition */
	CHECK_INT(layout_compute(&l, &s, &m), -1);
	layout_free(&l);
	/* Without a disk size, fill is sized to the tree. */
	s.disk_size = 0;
	s.table = TABLE_MBR;
	struct mentry *e = manifest_put(&m, "big");
	e->type = M_REG;
	e->size = 100 * MIB;
	CHECK_INT(layout_compute(&l, &s, &m), 0);
	CHECK(l.size[1] >= 120 * MIB && l.size[1] <= 200 * MIB);
	CHECK_INT(l.size[1] % MIB, 0);
	CHECK_INT(l.total, 65 * MIB + l.size[1]);
	layout_free(&l);
	/* An MBR cannot address past 2 TiB; GPT can. */
	s.parts[0].size = 3ull << 40;
	CHECK_INT(layout_compute(&l, &s, &m), -1);
	layout_free(&l);
	s.table = TABLE_GPT;
	CHECK_INT(layout_compute(&l, &s, &m), 0);
	layout_free(&l);
	manifest_free(&m);
}

/* par: every item runs exactly once, whatever the thread count; par_wait
 * sees an item's result; par_stop hands out nothing more. */
struct par_probe {
	int hits[100];
	int value[100];
};

static void par_probe_fn(void *ctx, size_t i)
{
	struct par_probe *p = ctx;
	p->hits[i]++;
	p->value[i] = (int)i * 3;
}

TEST(par_loops)
{
	for (int jobs = 1; jobs <= 4; jobs++) {
		struct par_probe p;
		memset(&p, 0, sizeof p);
		par_for(100, jobs, par_probe_fn, &p);
		int once = 1;
		for (int i = 0; i < 100; i++)
			once &= p.hits[i] == 1 && p.value[i] == i * 3;
		CHECK(once);
		struct par_probe q;
		memset(&q, 0, sizeof q);
		struct par *w = par_start(100, jobs, par_probe_fn, &q);
		CHECK(w != NULL);
		int ordered = 1;
		for (int i = 0; w && i < 100; i++) {
			par_wait(w, (size_t)i);
			ordered &= q.value[i] == i * 3;
		}
		CHECK(ordered);
		if (w)
			par_join(w);
	}
	struct par_probe s;
	memset(&s, 0, sizeof s);
	struct par *w = par_start(100, 2, par_probe_fn, &s);
	par_wait(w, 0);
	par_stop(w);
	par_join(w);
	int at_most_once = 1, done = 0;
	for (int i = 0; i < 100; i++) {
		at_most_once &= s.hits[i] <= 1;
		done += s.hits[i];
	}
	CHECK(at_most_once);
	CHECK(done >= 1);
	setenv("YOE_IMAGE_JOBS", "1", 1);
	CHECK_INT(par_jobs(), 1);
	setenv("YOE_IMAGE_JOBS", "64", 1);
	CHECK_INT(par_jobs(), 4);
	unsetenv("YOE_IMAGE_JOBS");
	CHECK(par_jobs() >= 1);
}

/* rmtree removes locked directories, and a symlink in the tree is removed,
 * never followed. */
TEST(rmtree_removes_without_following)
{
	char *outside = path_join(test_tmpdir(), "outside");
	char *keep = path_join(outside, "keep");
	char *w = path_join(test_tmpdir(), "work");
	char *p;
	CHECK_INT(mkdir(outside, 0755), 0);
	CHECK_INT(close(open(keep, O_WRONLY | O_CREAT, 0644)), 0);
	p = path_join(w, "a/b/c");
	CHECK_INT(mkdir_p(p, 0755), 0);
	free(p);
	p = path_join(w, "a/b/c/file");
	CHECK_INT(close(open(p, O_WRONLY | O_CREAT, 0644)), 0);
	free(p);
	p = path_join(w, "a/link");
	CHECK_INT(symlink(outside, p), 0);
	free(p);
	p = path_join(w, "a/b/c");
	CHECK_INT(chmod(p, 0), 0); /* as an install script might leave it */
	free(p);
	p = path_join(w, "a/b");
	CHECK_INT(chmod(p, 0500), 0);
	free(p);
	CHECK_INT(rmtree(w), 0);
	CHECK(access(w, F_OK) != 0);
	CHECK_INT(access(keep, F_OK), 0);
	CHECK_INT(rmtree(w), 0); /* missing is fine */
	free(outside);
	free(keep);
	free(w);
}

/* phases: laps add up per name, in first-seen order. */
TEST(phases_laps)
{
	struct phases ph;
	phases_init(&ph);
	phases_lap(&ph, "a");
	phases_lap(&ph, "b");
	phases_lap(&ph, "a");
	CHECK_INT(ph.n, 2);
	CHECK_STR(ph.name[0], "a");
	CHECK_STR(ph.name[1], "b");
	CHECK(ph.sec[0] >= 0 && ph.sec[1] >= 0 && ph.cpu[0] >= 0);
	CHECK(ph.sec[0] + ph.sec[1] <= ph.last - ph.start + 1e-9);
}
