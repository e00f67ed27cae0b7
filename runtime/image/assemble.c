/* runtime/image/assemble.c — the image build from start to finish
 * (assemble.h): work directory, outputs under temporary names, and the
 * order of the steps. */
#include "image/assemble.h"
#include "image/apkdb.h"
#include "image/boot.h"
#include "image/cpio.h"
#include "image/ext4.h"
#include "image/ids.h"
#include "image/initrd.h"
#include "image/layout.h"
#include "image/manifest.h"
#include "image/modules.h"
#include "image/par.h"
#include "image/phases.h"
#include "image/pkg.h"
#include "image/ptable.h"
#include "image/rmtree.h"
#include "image/scripts.h"
#include "image/stage.h"
#include "image/vfat.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define MAX_OUTPUTS 8

/* outputs are the files being produced, each under a temp name until the
 * end.  Static so the signal handler can remove them. */
static struct {
	char *final[MAX_OUTPUTS]; /* where it goes */
	char *tmp[MAX_OUTPUTS];   /* where it is written first */
	size_t n;
	char *work;               /* the work directory (staging tree + scratch) */
	int keep_work;
} out;

static void cleanup(int ok)
{
	for (size_t i = 0; i < out.n; i++) {
		if (!ok)
			unlink(out.tmp[i]);
		free(out.tmp[i]);
		free(out.final[i]);
	}
	out.n = 0;
	if (out.work && !out.keep_work) {
		/* (Install scripts may have left directories without write
		 * permission for us; rmtree gives it back.) */
		rmtree(out.work);
	}
	free(out.work);
	out.work = NULL;
}

/* on_signal removes the work directory and temp outputs when the edge is
 * interrupted.  (rm_rf is not async-signal-safe; the process is dying
 * anyway, and a leftover would be worse.) */
static void on_signal(int sig)
{
	cleanup(0);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* out_add registers final and returns its temp name. */
static const char *out_add(const char *final)
{
	if (out.n == MAX_OUTPUTS)
		return NULL;
	char buf[4200];
	char *dir = path_dirname(final);
	int bad = !dir || mkdir_p(dir, 0755);
	free(dir);
	if (bad) {
		log_errno("%s: cannot create its directory", final);
		return NULL;
	}
	snprintf(buf, sizeof buf, "%s.tmp-%d", final, (int)getpid());
	out.final[out.n] = strdup(final);
	out.tmp[out.n] = strdup(buf);
	return out.tmp[out.n++];
}

static int out_commit(void)
{
	for (size_t i = 0; i < out.n; i++)
		if (rename(out.tmp[i], out.final[i])) {
			log_errno("%s: cannot rename %s into place", out.final[i], out.tmp[i]);
			return -1;
		}
	return 0;
}

/* path_plain refuses output paths the tools would misread: debugfs takes
 * "?option" suffixes, mtools "@@offset", and debugfs scripts quote with '"'. */
static int path_plain(const char *spec, const char *what, const char *p)
{
	if (p && strpbrk(p, "\"?@\\\n")) {
		log_error("%s: %s '%s' contains one of \" ? @ \\ or a newline (choose "
		          "another path)", spec, what, p);
		return -1;
	}
	return 0;
}

/* ctx is the state of one build. */
struct ctx {
	const struct image_spec *s;
	const struct assemble_opts *o;
	struct manifest m;
	struct pkg *pkgs;
	struct stage st;
	char *stage_dir;   /* <work>/rootfs */
	char *tmpdir;      /* <work>/tmp */
	struct layout l;
	const char *img;   /* temp name of the disk image */
	char *kernel;      /* kernel path in the rootfs (spec or found) */
	char *initrd;      /* initrd path in the rootfs, or NULL */
	struct phases ph;  /* time per step (-v, YOE_IMAGE_TIMES=1) */
};

static void say(const struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct ctx *c, const char *fmt, ...)
{
	if (!c->o->verbose)
		return;
	static struct timespec t0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!t0.tv_sec)
		t0 = now;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: [%.2fs] ", log_progname(),
	        (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int open_packages(struct ctx *c)
{
	const struct image_spec *s = c->s;
	if (pkgs_open(&c->pkgs, s->packages, s->npackages, s->key, s->arch))
		return -1;
	phases_lap(&c->ph, "verify");
	say(c, "verified %zu packages against %s", s->npackages, s->key);
	return 0;
}

static int make_rootfs(struct ctx *c)
{
	const struct image_spec *s = c->s;
	say(c, "staging in %s", c->stage_dir);
	if (stage_open(&c->st, c->stage_dir, &c->m, c->pkgs, s->npackages))
		return -1;
	if (stage_all(&c->st, par_jobs()))
		return -1;
	phases_lap(&c->ph, "unpack");
	if (apkdb_write(&c->st, s) || scripts_run(&c->st, s, c->tmpdir))
		return -1;
	phases_lap(&c->ph, "apk-db+scripts");
	int rc = modules_index(&c->st, c->tmpdir, s->path);
	phases_lap(&c->ph, "depmod");
	return rc;
}

/* boot_vfat is the partition syslinux goes on: the bootable vfat one, else
 * the first vfat one. */
static size_t boot_vfat(const struct image_spec *s)
{
	size_t first = (size_t)-1;
	for (size_t i = 0; i < s->nparts; i++)
		if (s->parts[i].type == PART_VFAT) {
			if (s->parts[i].bootable)
				return i;
			if (first == (size_t)-1)
				first = i;
		}
	return first;
}

static const char *prefix_of(const struct partition *p)
{
	const char *c = p->contents ? p->contents : "";
	while (*c == '/')
		c++;
	return c;
}

static int build_vfat(struct ctx *c, size_t i, const char *what)
{
	const struct image_spec *s = c->s;
	const struct partition *p = &s->parts[i];
	unsigned char vid[4];
	char key[300];
	snprintf(key, sizeof key, "vfat-volume-id:%s", p->label);
	ids_bytes(s->image_key, key, vid, 4);
	struct vfat_job j = {
		.image = c->img, .offset = c->l.start[i], .size = c->l.size[i],
		.label = p->label,
		.volume_id = (uint32_t)vid[0] | vid[1] << 8 | vid[2] << 16 | (uint32_t)vid[3] << 24,
		.epoch = s->epoch, .stage = c->stage_dir,
		.prefix = p->contents ? prefix_of(p) : NULL, .m = &c->m,
		.tmpdir = c->tmpdir, .what = what,
	};
	struct vfat_extra extras[3];
	char khost[4200], ihost[4200], *cfg = NULL;
	int rc = -1;
	if (s->boot == BOOT_SYSLINUX && i == boot_vfat(s)) {
		const char *kname = strrchr(c->kernel, '/') ? strrchr(c->kernel, '/') + 1
		                                             : c->kernel;
		const char *iname = NULL;
		if (boot_host_path(s, &c->m, c->stage_dir, c->kernel, "kernel", khost, sizeof khost))
			return -1;
		extras[j.nextras++] = (struct vfat_extra){khost, kname};
		if (c->initrd) {
			if (boot_host_path(s, &c->m, c->stage_dir, c->initrd, "initrd", ihost, sizeof ihost))
				return -1;
			iname = strrchr(c->initrd, '/') ? strrchr(c->initrd, '/') + 1 : c->initrd;
			extras[j.nextras++] = (struct vfat_extra){ihost, iname};
		}
		cfg = path_join(c->tmpdir, "syslinux.cfg");
		if (boot_syslinux_cfg(cfg, s->cmdline, kname, iname))
			goto out;
		extras[j.nextras++] = (struct vfat_extra){cfg, "syslinux.cfg"};
		j.syslinux = 1;
	}
	j.extras = extras;
	rc = vfat_build(&j);
out:
	free(cfg);
	return rc;
}

static int build_raw(struct ctx *c, size_t i, const char *what)
{
	const struct partition *p = &c->s->parts[i];
	if (!p->file)
		return 0; /* the file is sparse: zeros */
	struct stat sb;
	if (stat(p->file, &sb)) {
		log_errno("%s: cannot read %s", what, p->file);
		return -1;
	}
	if ((uint64_t)sb.st_size > c->l.size[i]) {
		log_error("%s: %s is %lld bytes but the partition is %" PRIu64 " MiB "
		          "(raise its size)", what, p->file, (long long)sb.st_size,
		          c->l.size[i] / MIB);
		return -1;
	}
	int in = open(p->file, O_RDONLY | O_CLOEXEC), o = open(c->img, O_WRONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n;
	off_t at = (off_t)c->l.start[i];
	int rc = in >= 0 && o >= 0 ? 0 : -1;
	while (!rc && (n = read(in, buf, sizeof buf)) > 0) {
		if (pwrite(o, buf, n, at) != n)
			rc = -1;
		at += n;
	}
	if (in >= 0)
		close(in);
	if (o >= 0)
		close(o);
	if (rc)
		log_errno("%s: cannot copy %s into the image", what, p->file);
	return rc;
}

static int write_table(struct ctx *c, int fd)
{
	const struct image_spec *s = c->s;
	struct ptable_part *pp = calloc(s->nparts + 1, sizeof *pp);
	struct ptable t = {.gpt = s->table == TABLE_GPT, .disk_size = c->l.total,
	                   .parts = pp, .nparts = s->nparts};
	unsigned char sig[4], *code = NULL;
	size_t codelen = 0;
	int any_bootable = 0, rc = -1;
	if (!pp)
		return -1;
	ids_bytes(s->image_key, "mbr-disk-signature", sig, 4);
	t.disk_sig = (uint32_t)sig[0] | sig[1] << 8 | sig[2] << 16 | (uint32_t)sig[3] << 24;
	ids_guid(s->image_key, "gpt-disk-guid", t.disk_guid);
	for (size_t i = 0; i < s->nparts; i++)
		any_bootable |= s->parts[i].bootable;
	for (size_t i = 0; i < s->nparts; i++) {
		const struct partition *p = &s->parts[i];
		char key[300];
		pp[i].start = c->l.start[i];
		pp[i].size = c->l.size[i];
		pp[i].name = p->label;
		pp[i].bootable = p->bootable ||
			(!any_bootable && s->boot == BOOT_SYSLINUX && i == boot_vfat(s));
		snprintf(key, sizeof key, "gpt-partition-guid:%s", p->label);
		ids_guid(s->image_key, key, pp[i].guid);
		switch (p->type) {
		case PART_EXT4:
			pp[i].mbr_type = 0x83;
			memcpy(pp[i].type_guid, GPT_TYPE_LINUX, 16);
			break;
		case PART_VFAT:
			pp[i].mbr_type = vfat_fat32(pp[i].size) ? 0x0c : 0x0e;
			memcpy(pp[i].type_guid, pp[i].bootable ? GPT_TYPE_ESP : GPT_TYPE_BASIC, 16);
			break;
		case PART_RAW:
			pp[i].mbr_type = 0xda;
			memcpy(pp[i].type_guid, GPT_TYPE_LINUX, 16);
			break;
		}
	}
	if (s->boot == BOOT_SYSLINUX) {
		const char *mbr = s->mbr ? s->mbr : t.gpt ? "/usr/lib/syslinux/mbr/gptmbr.bin"
		                                          : "/usr/lib/syslinux/mbr/mbr.bin";
		code = (unsigned char *)read_file(mbr, &codelen);
		if (!code || codelen < 256 || codelen > 440) {
			log_error("%s: %s is not syslinux MBR boot code (install syslinux-common "
			          "or set [image] mbr = <file>)", s->path, mbr);
			goto out;
		}
		t.boot_code = code;
		t.boot_code_len = codelen;
	}
	rc = ptable_write(fd, &t);
	if (rc)
		log_errno("%s: cannot write the partition table", c->img);
out:
	free(code);
	free(pp);
	return rc;
}

static int make_disk(struct ctx *c)
{
	const struct image_spec *s = c->s;
	if (layout_compute(&c->l, s, &c->m))
		return -1;
	c->img = out_add(s->output);
	int fd = c->img ? open(c->img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	if (fd < 0 || ftruncate(fd, (off_t)c->l.total)) {
		log_errno("%s: cannot create the disk image", s->output);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	say(c, "%s: %" PRIu64 " MiB disk, %zu partitions", s->output, c->l.total / MIB,
	    s->nparts);
	for (size_t i = 0; i < s->nparts; i++) {
		const struct partition *p = &s->parts[i];
		char what[600], key[300], uuid[37], seed[37];
		snprintf(what, sizeof what, "%s: partition \"%s\"", s->path, p->label);
		say(c, "%s: %s, %" PRIu64 " MiB at %" PRIu64 " MiB", what,
		    p->type == PART_EXT4 ? "ext4" : p->type == PART_VFAT ? "vfat" : "raw",
		    c->l.size[i] / MIB, c->l.start[i] / MIB);
		int rc = 0;
		if (p->type == PART_EXT4) {
			snprintf(key, sizeof key, "ext4-uuid:%s", p->label);
			ids_uuid(s->image_key, key, uuid);
			snprintf(key, sizeof key, "ext4-hash-seed:%s", p->label);
			ids_uuid(s->image_key, key, seed);
			struct ext4_job j = {
				.image = c->img, .offset = c->l.start[i], .size = c->l.size[i],
				.label = p->label, .uuid = uuid, .hash_seed = seed,
				.epoch = s->epoch, .stage = c->stage_dir,
				.prefix = p->root ? "" : prefix_of(p), .m = &c->m,
				.tmpdir = c->tmpdir, .what = what,
			};
			rc = ext4_build(&j);
		} else if (p->type == PART_VFAT) {
			rc = build_vfat(c, i, what);
		} else {
			rc = build_raw(c, i, what);
		}
		if (rc)
			return -1;
		phases_lap(&c->ph, p->type == PART_EXT4 ? "ext4" : p->type == PART_VFAT ? "vfat"
		                                                                    : "raw");
	}
	fd = open(c->img, O_RDWR | O_CLOEXEC);
	int rc = fd < 0 || write_table(c, fd) || fsync(fd) ? -1 : 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int direct_boot(struct ctx *c)
{
	const struct image_spec *s = c->s;
	char host[4200];
	if (boot_host_path(s, &c->m, c->stage_dir, c->kernel, "kernel", host, sizeof host))
		return -1;
	const char *t = out_add(s->kernel_out);
	if (!t || boot_copy(host, t))
		return -1;
	if (c->initrd) {
		if (boot_host_path(s, &c->m, c->stage_dir, c->initrd, "initrd", host, sizeof host))
			return -1;
		t = out_add(s->initrd_out);
		if (!t || boot_copy(host, t))
			return -1;
	}
	return 0;
}

static int check_paths(const struct image_spec *s)
{
	const char *what[] = {"output", "initramfs", "manifest", "kernel_out",
	                      "initrd_out"};
	const char *val[] = {s->output, s->initramfs, s->manifest, s->kernel_out,
	                     s->initrd_out};
	for (size_t i = 0; i < sizeof val / sizeof val[0]; i++)
		if (path_plain(s->path, what[i], val[i]))
			return -1;
	return 0;
}

/* work_base picks the directory the staging tree goes in: $YOE_IMAGE_WORK
 * if set; else /dev/shm when it has room for the tree twice over (a tmpfs
 * spares the disk the writes, and the host filesystem's slow inode
 * allocation next to many recently deleted files — which every rebuild's
 * cleanup leaves); else beside the output. */
static char *work_base(const struct ctx *c)
{
	const char *env = getenv("YOE_IMAGE_WORK");
	if (env && *env)
		return strdup(env);
	uint64_t tree = 0;
	for (size_t i = 0; i < c->s->npackages; i++) {
		const char *v = apk_field_get(&c->pkgs[i].apk, "size");
		tree += v ? strtoull(v, NULL, 10) : c->pkgs[i].apk.size * 4;
	}
	struct statvfs vfs;
	if (statvfs("/dev/shm", &vfs) == 0 && access("/dev/shm", W_OK | X_OK) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize > 2 * tree + 256 * MIB)
		return strdup("/dev/shm");
	return path_dirname(c->s->output ? c->s->output : c->s->initramfs);
}

static int make_work(struct ctx *c)
{
	char *base = work_base(c);
	/* Absolute, since bwrap and debugfs get paths inside it. */
	char *dir = base && mkdir_p(base, 0755) == 0 ? realpath(base, NULL) : NULL;
	free(base);
	char name[600];
	snprintf(name, sizeof name, ".%s.work-%d", c->s->name, (int)getpid());
	out.work = dir ? path_join(dir, name) : NULL;
	free(dir);
	if (!out.work || path_plain(c->s->path, "work directory", out.work))
		return -1;
	if (mkdir_p(out.work, 0700)) {
		log_errno("%s: cannot create the work directory", out.work);
		free(out.work);
		out.work = NULL;
		return -1;
	}
	c->stage_dir = path_join(out.work, "rootfs");
	c->tmpdir = path_join(out.work, "tmp");
	if (mkdir(c->tmpdir, 0700)) {
		log_errno("%s: cannot create", c->tmpdir);
		return -1;
	}
	return 0;
}

int image_assemble(const struct image_spec *s, const struct assemble_opts *o)
{
	struct ctx c = {.s = s, .o = o};
	int rc = -1;
	phases_init(&c.ph);
	say(&c, "building %s", s->path);
	manifest_init(&c.m);
	c.st.rootfd = c.st.dirfd = -1;
	out.keep_work = o->keep_work;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, on_signal);
	if (check_paths(s) || open_packages(&c) || make_work(&c) || make_rootfs(&c) ||
	    boot_pick(s, &c.m, &c.kernel, &c.initrd) ||
	    initrd_make(s, &c.m, c.pkgs, c.stage_dir, c.tmpdir, c.kernel, out_add, &c.initrd))
		goto done;
	phases_lap(&c.ph, "boot-files");
	say(&c, "staged %zu packages, %zu paths", s->npackages, c.m.n);
	if (s->nparts && make_disk(&c))
		goto done;
	if (s->boot == BOOT_DIRECT && direct_boot(&c))
		goto done;
	if (s->initramfs) {
		const char *t = out_add(s->initramfs);
		if (!t || cpio_write(t, &c.m, c.stage_dir, s->epoch))
			goto done;
	}
	if (s->manifest) {
		char **names = calloc(s->npackages + 1, sizeof *names);
		const char *t = names ? out_add(s->manifest) : NULL;
		for (size_t i = 0; names && i < s->npackages; i++)
			names[i] = (char *)c.pkgs[i].name;
		int bad = !t || manifest_write(&c.m, t, names);
		free(names);
		if (bad)
			goto done;
	}
	rc = out_commit();
	phases_lap(&c.ph, "outputs");
	if (!rc)
		say(&c, "done");
done:
	if (o->keep_work && out.work)
		fprintf(stderr, "%s: work directory kept: %s\n", log_progname(), out.work);
	stage_close(&c.st);
	cleanup(rc == 0);
	phases_lap(&c.ph, "cleanup");
	const char *times = getenv("YOE_IMAGE_TIMES");
	if (o->verbose || (times && *times && strcmp(times, "0")))
		phases_print(&c.ph);
	pkgs_close(c.pkgs, s->npackages);
	manifest_free(&c.m);
	layout_free(&c.l);
	free(c.stage_dir);
	free(c.tmpdir);
	free(c.kernel);
	free(c.initrd);
	return rc;
}
