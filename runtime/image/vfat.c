/* runtime/image/vfat.c — FAT partitions with mkfs.vfat/mmd/mcopy and
 * syslinux --install, all at a byte offset of the output file (vfat.h). */
#include "image/vfat.h"
#include "image/run.h"
#include "lib/log.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FAT_MIB ((uint64_t)1 << 20)

int vfat_fat32(uint64_t size)
{
	/* FAT32 needs at least 65525 clusters; from 64 MiB on that holds. */
	return size >= 64 * FAT_MIB;
}

/* tool_env is the environment every mtools / dosfstools call gets. */
struct tool_env {
	char sde[64];
	char *env[5];
};

static void tool_env_init(struct tool_env *t, int64_t epoch)
{
	snprintf(t->sde, sizeof t->sde, "SOURCE_DATE_EPOCH=%lld", (long long)epoch);
	t->env[0] = t->sde;
	t->env[1] = "MTOOLS_SKIP_CHECK=1";  /* our geometry is not a floppy's */
	t->env[2] = "MTOOLSRC=/dev/null";   /* ignore the user's ~/.mtoolsrc */
	t->env[3] = "MTOOLS_LOWER_CASE=0";
	t->env[4] = NULL;
}

/* set_time gives a staged file the image's timestamp, which mcopy -m keeps. */
static void set_time(const char *path, int64_t epoch)
{
	struct timespec ts[2] = {{epoch, 0}, {epoch, 0}};
	utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

static int mkfs(const struct vfat_job *j, const struct tool_env *te)
{
	char label[12], volid[16], off[32], hidden[32], blocks[32];
	size_t k = 0;
	for (const char *p = j->label; *p && k < 11; p++)
		label[k++] = toupper((unsigned char)*p);
	label[k] = '\0';
	snprintf(volid, sizeof volid, "%08" PRIx32, j->volume_id);
	snprintf(off, sizeof off, "--offset=%" PRIu64, j->offset / 512);
	snprintf(hidden, sizeof hidden, "%" PRIu64, j->offset / 512);
	snprintf(blocks, sizeof blocks, "%" PRIu64, j->size / 1024);
	char *argv[] = {"mkfs.vfat", "-F", vfat_fat32(j->size) ? "32" : "16", "-n", label,
	                "--invariant", "-i", volid, "-h", hidden, off, (char *)j->image,
	                blocks, NULL};
	return run_tool(j->what, argv, te->env, j->tmpdir);
}

/* copy_dir copies the regular files of one directory in one mcopy call. */
static int copy_group(const struct vfat_job *j, const struct tool_env *te,
                      const char *dev, char **srcs, size_t n, const char *dest)
{
	if (!n)
		return 0;
	char **argv = calloc(n + 10, sizeof *argv);
	if (!argv)
		return -1;
	size_t a = 0;
	argv[a++] = "mcopy";
	argv[a++] = "-m";
	argv[a++] = "-D";
	argv[a++] = "o";
	argv[a++] = "-i";
	argv[a++] = (char *)dev;
	for (size_t i = 0; i < n; i++)
		argv[a++] = srcs[i];
	argv[a++] = (char *)dest;
	int rc = run_tool(j->what, argv, te->env, j->tmpdir);
	free(argv);
	return rc;
}

static int fill(const struct vfat_job *j, const struct tool_env *te, const char *dev)
{
	size_t n, plen = strlen(j->prefix);
	struct mentry **v = manifest_sorted(j->m, &n);
	char **srcs = calloc(n + 1, sizeof *srcs);
	size_t ns = 0;
	char cur[4096] = "", dest[4200];
	int rc = v && srcs ? 0 : -1;
	for (size_t i = 0; !rc && i <= n; i++) {
		const struct mentry *e = i < n ? v[i] : NULL;
		const char *rel = NULL;
		if (e) {
			if (plen && (strncmp(e->path, j->prefix, plen) || e->path[plen] != '/'))
				continue;
			rel = e->path + (plen ? plen + 1 : 0);
			if (e->type != M_DIR && e->type != M_REG && e->type != M_HARDLINK)
				continue; /* FAT has no symlinks or device nodes */
		}
		const char *slash = rel ? strrchr(rel, '/') : NULL;
		int dlen = slash ? (int)(slash - rel) : 0;
		/* Flush the files gathered for the previous directory. */
		if (!e || e->type == M_DIR || (int)strlen(cur) != dlen ||
		    strncmp(cur, rel, dlen)) {
			snprintf(dest, sizeof dest, "::/%s%s", cur, *cur ? "/" : "");
			rc = copy_group(j, te, dev, srcs, ns, dest);
			for (size_t k = 0; k < ns; k++)
				free(srcs[k]);
			ns = 0;
			if (rel && e->type != M_DIR)
				snprintf(cur, sizeof cur, "%.*s", dlen, rel);
		}
		if (!e || rc)
			continue;
		if (e->type == M_DIR) {
			snprintf(dest, sizeof dest, "::/%s", rel);
			char *argv[] = {"mmd", "-D", "o", "-i", (char *)dev, dest, NULL};
			rc = run_tool(j->what, argv, te->env, j->tmpdir);
			continue;
		}
		char *src = malloc(strlen(j->stage) + strlen(e->path) + 2);
		if (!src) {
			rc = -1;
			break;
		}
		sprintf(src, "%s/%s", j->stage, e->path);
		set_time(src, j->epoch);
		srcs[ns++] = src;
	}
	for (size_t k = 0; k < ns; k++)
		free(srcs[k]);
	free(srcs);
	free(v);
	return rc;
}

/* fix_backup_boot copies the FAT32 boot sector over its backup, which
 * syslinux --install leaves stale (fsck.vfat would complain). */
static int fix_backup_boot(const struct vfat_job *j)
{
	unsigned char bs[512];
	int fd = open(j->image, O_RDWR | O_CLOEXEC);
	int rc = -1;
	if (fd >= 0 && pread(fd, bs, sizeof bs, j->offset) == (ssize_t)sizeof bs) {
		unsigned backup = bs[50] | bs[51] << 8;
		rc = 0;
		if (vfat_fat32(j->size) && backup && backup != 0xffff &&
		    pwrite(fd, bs, sizeof bs, j->offset + 512ull * backup) != sizeof bs)
			rc = -1;
	}
	if (fd >= 0)
		close(fd);
	if (rc)
		log_errno("%s: cannot update the FAT backup boot sector", j->what);
	return rc;
}

/* fits checks the files against the partition before mtools runs out of
 * space halfway (clusters of 4 KiB or less, a little for the FATs). */
static int fits(const struct vfat_job *j)
{
	uint64_t need = 0, plen = j->prefix ? strlen(j->prefix) : 0;
	size_t n;
	struct mentry **v = j->prefix ? manifest_sorted(j->m, &n) : NULL;
	for (size_t i = 0; v && i < n; i++) {
		const struct mentry *e = v[i];
		if (plen && (strncmp(e->path, j->prefix, plen) || e->path[plen] != '/'))
			continue;
		need += e->type == M_DIR ? 4096 : (e->size + 4095) / 4096 * 4096;
	}
	free(v);
	for (size_t i = 0; i < j->nextras; i++) {
		struct stat sb;
		if (stat(j->extras[i].src, &sb) == 0)
			need += ((uint64_t)sb.st_size + 4095) / 4096 * 4096;
	}
	if (j->syslinux)
		need += 256 * 1024; /* ldlinux.sys + ldlinux.c32 */
	uint64_t have = j->size - j->size / 32 - 64 * 1024;
	if (need > have) {
		log_error("%s: the files need about %" PRIu64 " MiB but the %" PRIu64
		          " MiB FAT filesystem holds about %" PRIu64 " MiB (raise the "
		          "partition's size)", j->what, (need + FAT_MIB - 1) / FAT_MIB,
		          j->size / FAT_MIB, have / FAT_MIB);
		return -1;
	}
	return 0;
}

int vfat_build(const struct vfat_job *j)
{
	struct tool_env te;
	char dev[4200];
	if (fits(j))
		return -1;
	tool_env_init(&te, j->epoch);
	snprintf(dev, sizeof dev, "%s@@%" PRIu64, j->image, j->offset);
	if (mkfs(j, &te))
		return -1;
	if (j->prefix && fill(j, &te, dev))
		return -1;
	for (size_t i = 0; i < j->nextras; i++) {
		char dest[300];
		snprintf(dest, sizeof dest, "::/%s", j->extras[i].name);
		set_time(j->extras[i].src, j->epoch);
		char *argv[] = {"mcopy", "-m", "-D", "o", "-i", dev,
		                (char *)j->extras[i].src, dest, NULL};
		if (run_tool(j->what, argv, te.env, j->tmpdir))
			return -1;
	}
	if (j->syslinux) {
		char off[32];
		snprintf(off, sizeof off, "%" PRIu64, j->offset);
		char *argv[] = {"syslinux", "--offset", off, "--install", (char *)j->image,
		                NULL};
		if (run_tool(j->what, argv, te.env, j->tmpdir) || fix_backup_boot(j))
			return -1;
	}
	return 0;
}
