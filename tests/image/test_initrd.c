/* tests/image/test_initrd.c — unit tests of the parts of the generated
 * initramfs: the module closure over depmod's indexes (moddep), the ELF
 * reader (hand-made Elf32/Elf64, little and big endian, broken files, the
 * host's /bin/true), symlink resolution inside the rootfs (boot_resolve),
 * the /init text and the initrd_modules spec keys.  test-initrd.sh does
 * the real thing with Debian's kernel and a QEMU boot. */
#include "test.h"
#include "image/boot.h"
#include "image/elf.h"
#include "image/initscript.h"
#include "image/manifest.h"
#include "image/moddep.h"
#include "image/spec.h"
#include "lib/fsutil.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What depmod wrote for Debian 12's 6.1 kernel and the test's modules. */
static const char dep[] =
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/crypto/crc32c-intel.ko:\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/lib/libcrc32c.ko:\n"
	"kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
	"kernel/drivers/virtio/virtio_ring.ko:\n"
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
	"kernel/drivers/virtio/virtio_pci_legacy_dev.ko:\n"
	"kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio.ko "
	"kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio_pci_legacy_dev.ko "
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko\n"
	"kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko "
	"kernel/drivers/virtio/virtio_ring.ko\n"
	"kernel/drivers/net/broken.ko: kernel/drivers/net/gone.ko\n";
static const char builtin[] = "kernel/lib/crc32.ko\nkernel/fs/unix.ko\n";
static const char softdep[] =
	"# Soft dependencies extracted from modules themselves.\n"
	"softdep ext4 pre: crypto-crc32c\n"
	"softdep jbd2 pre: crypto-crc32c\n"
	"softdep libcrc32c pre: crc32c post: crc16\n";
static const char alias[] =
	"alias crypto-crc32c crc32c_generic\n"
	"alias crypto-crc32c crc32c_intel\n"
	"alias crc32c crc32c_generic\n"
	"alias pci:v00001AF4d00001001sv*sd*bc*sc*i* virtio_blk\n";

/* order resolves names and writes "name[?] name ..." ('?' = optional). */
static int order(const char *names, char *out, size_t len, char *why)
{
	struct moddep d;
	char *v[16], buf[256];
	size_t n = 0, ne = 0;
	snprintf(buf, sizeof buf, "%s", names);
	for (char *t = strtok(buf, " "); t && n < 16; t = strtok(NULL, " "))
		v[n++] = t;
	CHECK_INT(moddep_parse(&d, dep, builtin, softdep, alias), 0);
	struct moddep_entry *e;
	int rc = moddep_resolve(&d, v, n, "lib/modules/6.1.0-test", &e, &ne, why, 300);
	out[0] = '\0';
	for (size_t i = 0; !rc && i < ne; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s%s", i ? " " : "",
		         e[i].name, e[i].optional ? "?" : "");
	if (!rc)
		free(e);
	moddep_free(&d);
	return rc;
}

TEST(moddep_order)
{
	char o[1024], why[300];
	CHECK_INT(order("virtio_pci virtio-blk ext4", o, sizeof o, why), 0);
	/* deps before dependents (walked last to first, as kmod loads them),
	 * the softdep before ext4 and optional, every module once */
	CHECK_STR(o, "virtio_pci_modern_dev virtio_pci_legacy_dev virtio_ring virtio "
	             "virtio_pci virtio_blk crc32c_generic? crc32c_intel? jbd2 mbcache "
	             "crc16 ext4");
	/* requested twice, in both spellings: once */
	CHECK_INT(order("virtio_ring virtio-ring virtio_ring", o, sizeof o, why), 0);
	CHECK_STR(o, "virtio_ring");
	/* a built-in module is skipped silently */
	CHECK_INT(order("crc32 unix virtio", o, sizeof o, why), 0);
	CHECK_STR(o, "virtio_ring virtio");
	/* an alias names the modules behind it, which are then required */
	CHECK_INT(order("crc32c", o, sizeof o, why), 0);
	CHECK_STR(o, "crc32c_generic");
	CHECK_INT(order("pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", o, sizeof o, why), 0);
	CHECK_STR(o, "virtio_ring virtio virtio_blk");
	/* pre: and post: softdeps; one also needed for real is not optional */
	CHECK_INT(order("libcrc32c", o, sizeof o, why), 0);
	CHECK_STR(o, "crc32c_generic? libcrc32c crc16?");
	CHECK_INT(order("libcrc32c crc16", o, sizeof o, why), 0);
	CHECK_STR(o, "crc32c_generic? libcrc32c crc16");
	CHECK_INT(order("ext4 crc32c_generic", o, sizeof o, why), 0);
	CHECK_STR(o, "crc32c_generic crc32c_intel? jbd2 mbcache crc16 ext4");
}

TEST(moddep_errors)
{
	char o[1024], why[300];
	CHECK_INT(order("ext4 virtio_blkk", o, sizeof o, why), -1);
	CHECK_STR(why, "no module 'virtio_blkk' in lib/modules/6.1.0-test (not in "
	               "modules.dep or modules.builtin)");
	CHECK_INT(order("broken", o, sizeof o, why), -1);
	CHECK(strstr(why, "no module 'kernel/drivers/net/gone.ko'") != NULL);
	CHECK(strstr(why, "dependency of broken") != NULL);
	char name[64];
	moddep_name("kernel/drivers/block/virtio-blk.ko.zst", name, sizeof name);
	CHECK_STR(name, "virtio_blk");
	struct moddep d;
	CHECK_INT(moddep_parse(&d, "", NULL, NULL, NULL), 0);
	struct moddep_entry *e;
	size_t n;
	char *v[] = {"ext4"};
	CHECK_INT(moddep_resolve(&d, v, 1, "lib/modules/x", &e, &n, why, sizeof why), -1);
	moddep_free(&d);
}

/* --- ELF files made by hand ------------------------------------------------ */

struct img {
	unsigned char b[4096];
	int is64, be;
};

static void put(struct img *m, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		m->b[off + (m->be ? (size_t)(n - 1 - i) : (size_t)i)] = (unsigned char)(v >> (8 * i));
}

/* make_elf: PT_LOAD of the whole file at 0x10000, optional PT_INTERP, a
 * PT_DYNAMIC with DT_NEEDED entries (DT_STRTAB after them). */
static size_t make_elf(struct img *m, int is64, int be, const char *interp,
                       const char *const *needed, size_t nn)
{
	memset(m, 0, sizeof *m);
	m->is64 = is64, m->be = be;
	int w = is64 ? 8 : 4;
	size_t eh = is64 ? 64 : 52, phsz = is64 ? 56 : 32, nph = interp ? 3 : 2;
	size_t interp_off = eh + nph * phsz, str_off = interp_off + 64;
	size_t dyn_off = str_off + 256, dsz = 2 * (size_t)w, ndyn = nn + 3;
	size_t end = dyn_off + ndyn * dsz;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = is64 ? 2 : 1, m->b[5] = be ? 2 : 1, m->b[6] = 1;
	put(m, 16, 3, 2);           /* ET_DYN */
	put(m, 18, is64 ? 62 : 8, 2); /* x86-64 / MIPS */
	put(m, is64 ? 32 : 28, eh, w);
	put(m, is64 ? 54 : 42, phsz, 2);
	put(m, is64 ? 56 : 44, nph, 2);
	size_t strlen_ = 1, stroffs[8];
	for (size_t i = 0; i < nn; i++) {
		stroffs[i] = strlen_;
		memcpy(m->b + str_off + strlen_, needed[i], strlen(needed[i]) + 1);
		strlen_ += strlen(needed[i]) + 1;
	}
	struct { uint32_t type; size_t off, size; } ph[3] = {
		{1, 0, end}, {2, dyn_off, ndyn * dsz}, {3, interp_off, interp ? strlen(interp) + 1 : 0}};
	for (size_t i = 0; i < nph; i++) {
		size_t p = eh + i * phsz;
		put(m, p, ph[i].type, 4);
		put(m, p + (is64 ? 8 : 4), ph[i].off, w);                /* p_offset */
		put(m, p + (is64 ? 16 : 8), 0x10000 + ph[i].off, w);     /* p_vaddr */
		put(m, p + (is64 ? 32 : 16), ph[i].size, w);             /* p_filesz */
	}
	if (interp)
		memcpy(m->b + interp_off, interp, strlen(interp) + 1);
	size_t k = 0;
	for (size_t i = 0; i < nn; i++, k++) {
		put(m, dyn_off + k * dsz, 1, w);
		put(m, dyn_off + k * dsz + (size_t)w, stroffs[i], w);
	}
	put(m, dyn_off + k * dsz, 5, w);   /* DT_STRTAB, after the DT_NEEDEDs */
	put(m, dyn_off + k * dsz + (size_t)w, 0x10000 + str_off, w);
	k++;
	put(m, dyn_off + k * dsz, 10, w);  /* DT_STRSZ */
	put(m, dyn_off + k * dsz + (size_t)w, strlen_, w);
	return end; /* DT_NULL follows (zeros) */
}

static int read_img(const struct img *m, size_t len, struct elf_info *ei, char *why)
{
	char *p = path_join(test_tmpdir(), "elf");
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int rc = -1;
	if (fd >= 0 && write(fd, m->b, len) == (ssize_t)len)
		rc = elf_read(fd, ei, why, 200);
	if (fd >= 0)
		close(fd);
	free(p);
	return rc;
}

TEST(elf_variants)
{
	static const char *const libs[] = {"libc.so.6", "libm.so.6"};
	struct img m;
	struct elf_info ei;
	char why[200];
	for (int is64 = 0; is64 < 2; is64++)
		for (int be = 0; be < 2; be++) {
			size_t n = make_elf(&m, is64, be, "/lib/ld-test.so.1", libs, 2);
			CHECK_INT(read_img(&m, n, &ei, why), 0);
			CHECK_INT(ei.bits, is64 ? 64 : 32);
			CHECK_INT(ei.big_endian, be);
			CHECK_INT(ei.machine, is64 ? 62 : 8);
			CHECK_STR(ei.interp, "/lib/ld-test.so.1");
			CHECK_INT(ei.nneeded, 2);
			if (ei.nneeded == 2) {
				CHECK_STR(ei.needed[0], "libc.so.6");
				CHECK_STR(ei.needed[1], "libm.so.6");
			}
			elf_free(&ei);
		}
	/* static: no interpreter, no libraries */
	size_t n = make_elf(&m, 1, 0, NULL, NULL, 0);
	CHECK_INT(read_img(&m, n, &ei, why), 0);
	CHECK(ei.interp == NULL);
	CHECK_INT(ei.nneeded, 0);
	elf_free(&ei);
}

TEST(elf_broken)
{
	static const char *const libs[] = {"libc.so.6"};
	struct img m;
	struct elf_info ei;
	char why[200];
	size_t n = make_elf(&m, 1, 0, "/lib/ld.so", libs, 1);
	CHECK_INT(read_img(&m, 40, &ei, why), -1); /* cut in the header */
	CHECK_STR(why, "not an ELF file");
	CHECK_INT(read_img(&m, 100, &ei, why), -1); /* cut in the program headers */
	CHECK_STR(why, "truncated program headers");
	CHECK_INT(read_img(&m, n - 8, &ei, why), -1); /* cut in the dynamic section */
	CHECK_STR(why, "truncated dynamic section");
	struct img bad = m;
	put(&bad, 64 + 56 + 8, 1000000, 8); /* PT_DYNAMIC offset beyond the file */
	CHECK_INT(read_img(&bad, n, &ei, why), -1);
	bad = m;
	bad.b[4] = 3;
	CHECK_INT(read_img(&bad, n, &ei, why), -1);
	CHECK_STR(why, "unknown ELF class or byte order");
	memcpy(bad.b, "#!/bin", 6);
	CHECK_INT(read_img(&bad, n, &ei, why), -1);
	CHECK_STR(why, "not an ELF file");
	/* a DT_NEEDED offset outside the string table */
	bad = m;
	size_t dyn = 64 + 2 * 56 + 0 + 56 + 64 + 256;
	put(&bad, dyn + 8, 5000, 8);
	CHECK_INT(read_img(&bad, n, &ei, why), -1);
	CHECK_STR(why, "DT_NEEDED name outside the string table");
}

TEST(elf_host_true)
{
	int fd = open("/bin/true", O_RDONLY);
	struct elf_info ei;
	char why[200];
	if (fd < 0)
		return;
	CHECK_INT(elf_read(fd, &ei, why, sizeof why), 0);
	close(fd);
	CHECK(ei.interp != NULL && strstr(ei.interp, "ld") != NULL);
	int libc = 0;
	for (size_t i = 0; i < ei.nneeded; i++)
		libc |= !strncmp(ei.needed[i], "libc.", 5);
	CHECK(libc);
	elf_free(&ei);
}

/* --- symlinks inside the rootfs ------------------------------------------------ */

static void ent(struct manifest *m, const char *path, enum mtype t, const char *link)
{
	struct mentry *e = manifest_put(m, path);
	e->type = t;
	e->link = link ? strdup(link) : NULL;
}

TEST(resolve_inside)
{
	struct manifest m;
	char real[4096];
	manifest_init(&m);
	ent(&m, "lib", M_SYMLINK, "usr/lib");
	ent(&m, "usr", M_DIR, NULL);
	ent(&m, "usr/lib", M_DIR, NULL);
	ent(&m, "usr/lib/modules", M_DIR, NULL);
	ent(&m, "usr/lib/modules/6.1", M_DIR, NULL);
	ent(&m, "usr/lib/modules/6.1/modules.dep", M_REG, NULL);
	ent(&m, "bin", M_DIR, NULL);
	ent(&m, "bin/busybox", M_SYMLINK, "/usr/bin/../../../usr/lib/bb");
	ent(&m, "usr/lib/bb", M_REG, NULL);
	ent(&m, "bin/loop", M_SYMLINK, "loop2");
	ent(&m, "bin/loop2", M_SYMLINK, "/bin/loop");
	ent(&m, "bin/file", M_REG, NULL);
	const struct mentry *e = boot_resolve(&m, "lib/modules/6.1/modules.dep", real, sizeof real);
	CHECK(e && e->type == M_REG);
	CHECK_STR(real, "usr/lib/modules/6.1/modules.dep");
	e = boot_resolve(&m, "/lib/modules", real, sizeof real);
	CHECK(e && e->type == M_DIR);
	CHECK_STR(real, "usr/lib/modules");
	e = boot_resolve(&m, "bin/busybox", real, sizeof real); /* ".." stops at / */
	CHECK(e && e->type == M_REG);
	CHECK_STR(real, "usr/lib/bb");
	CHECK(boot_resolve(&m, "bin/loop", real, sizeof real) == NULL);
	CHECK(boot_resolve(&m, "bin/file/x", real, sizeof real) == NULL);
	CHECK(boot_resolve(&m, "lib/nope", real, sizeof real) == NULL);
	manifest_free(&m);
}

/* --- /init and the spec -------------------------------------------------------- */

TEST(init_text)
{
	struct initscript_mod mods[] = {{"/lib/modules/6.1/a.ko", 0}, {"/lib/modules/6.1/b.ko", 1}};
	char *t = initscript_text("img", mods, 2);
	CHECK(t != NULL);
	CHECK(t && !strncmp(t, "#!/bin/busybox sh\n", 18));
	const char *a = t ? strstr(t, "mod '/lib/modules/6.1/a.ko'\n") : NULL;
	const char *b = t ? strstr(t, "mod -o '/lib/modules/6.1/b.ko'\n") : NULL;
	CHECK(a && b && a < b);
	CHECK(t && strstr(t, "exec $BB switch_root /newroot \"$init\"") != NULL);
	free(t);
	struct initscript_mod bad[] = {{"/lib/modules/6.1/it's.ko", 0}};
	CHECK(initscript_text("img", bad, 1) == NULL);
}

static char *write_spec(const char *text)
{
	return test_write_tmp("spec.ini", text);
}

/* load_spec_text: spec_load's result for a spec with this text. */
static int load_spec_text(const char *text)
{
	struct image_spec s;
	char *p = write_spec(text);
	int r = spec_load(&s, p);
	spec_free(&s);
	free(p);
	return r;
}

TEST(spec_initrd_modules)
{
	struct image_spec s;
	char *p = write_spec("[image]\nname = x\nkey = k.pem\noutput = out/x.img\n"
	                     "boot = direct\ninitrd_modules = virtio_pci  virtio-blk\n"
	                     "initrd_modules = ext4\n[partition \"r\"]\ntype = ext4\n"
	                     "size = 8M\nroot = true\n[packages]\napk = a.apk\n");
	CHECK_INT(spec_load(&s, p), 0);
	CHECK_INT(s.ninitrd_modules, 3);
	if (s.ninitrd_modules == 3) {
		CHECK_STR(s.initrd_modules[0], "virtio_pci");
		CHECK_STR(s.initrd_modules[1], "virtio-blk");
		CHECK_STR(s.initrd_modules[2], "ext4");
	}
	CHECK_INT(s.initrd_modules_line, 6);
	CHECK_STR(s.initrd_manifest, "out/x.img.initrd.manifest");
	CHECK_STR(s.initrd_out, "out/x.initrd");
	spec_free(&s);
	free(p);
	/* boot = none, initrd given too, a bad name: errors */
	CHECK_INT(load_spec_text("[image]\nname = x\nkey = k.pem\noutput = out/x.img\n"
	                         "initrd_modules = ext4\n[partition \"r\"]\ntype = ext4\n"
	                         "size = 8M\nroot = true\n[packages]\napk = a.apk\n"), -1);
	CHECK_INT(load_spec_text("[image]\nname = x\nkey = k.pem\noutput = out/x.img\nboot = direct\n"
	                         "initrd = boot/initrd\ninitrd_modules = ext4\n[partition \"r\"]\n"
	                         "type = ext4\nsize = 8M\nroot = true\n[packages]\napk = a.apk\n"), -1);
	CHECK_INT(load_spec_text("[image]\nname = x\nkey = k.pem\noutput = out/x.img\nboot = direct\n"
	                         "initrd_modules = ext4 $(reboot)\n[partition \"r\"]\n"
	                         "type = ext4\nsize = 8M\nroot = true\n[packages]\napk = a.apk\n"), -1);
}
