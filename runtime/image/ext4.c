/* runtime/image/ext4.c — ext4 partitions from the manifest with mke2fs and
 * one debugfs script (ext4.h). */
#include "image/ext4.h"
#include "image/run.h"
#include "image/stage.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 4096u
#define EXT4_MIB ((uint64_t)1 << 20)

/* The whole mke2fs configuration, so the host's /etc/mke2fs.conf (which
 * differs between distributions) cannot change the bytes we write. */
static const char mke2fs_conf[] =
	"[defaults]\n"
	"\tbase_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr\n"
	"\tdefault_mntopts = acl,user_xattr\n"
	"\tenable_periodic_fsck = 0\n"
	"\tblocksize = 4096\n"
	"\tinode_size = 256\n"
	"\tinode_ratio = 16384\n"
	"\tlazy_itable_init = false\n"
	"\tlazy_journal_init = false\n"
	"[fs_types]\n"
	"\text4 = {\n"
	"\t\tfeatures = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,"
	"dir_nlink,extra_isize\n"
	"\t}\n"
	"\tyoe = {\n"
	"\t\tinode_ratio = 16384\n"
	"\t}\n";

/* under returns the path relative to prefix, or NULL if outside it (or the
 * prefix directory itself). */
static const char *under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!n)
		return path;
	if (strncmp(path, prefix, n) || path[n] != '/' || !path[n + 1])
		return NULL;
	return path + n + 1;
}

void ext4_needed(const struct manifest *m, const char *prefix, uint64_t *bytes,
                 uint64_t *inodes)
{
	size_t n;
	struct mentry **v = manifest_sorted(m, &n);
	uint64_t blocks = 0, count = 0;
	for (size_t i = 0; v && i < n; i++) {
		if (!under(v[i]->path, prefix))
			continue;
		count++;
		if (v[i]->type == M_REG)
			blocks += (v[i]->size + BLOCK - 1) / BLOCK;
		else if (v[i]->type == M_DIR)
			blocks += 1;
		else if (v[i]->type == M_SYMLINK && strlen(v[i]->link) >= 60)
			blocks += 1;
	}
	/* Directory entries (~8 bytes + name each) and extent blocks of large
	 * files, roughly. */
	blocks += count * 48 / BLOCK + 1;
	free(v);
	*bytes = blocks * BLOCK;
	*inodes = count;
}

static int link_target_ok(const char *t)
{
	if (!*t || strlen(t) >= 4000)
		return 0;
	for (const char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* emit_owner writes the sif lines that make inode `name` match e. */
static void emit_owner(FILE *f, const char *name, const struct mentry *e,
                       mode_t created)
{
	mode_t want = mtype_mode(e->type) | e->mode;
	if (want != created)
		fprintf(f, "sif \"%s\" mode 0%o\n", name, (unsigned)want);
	if (e->uid)
		fprintf(f, "sif \"%s\" uid %u\n", name, (unsigned)e->uid);
	if (e->gid)
		fprintf(f, "sif \"%s\" gid %u\n", name, (unsigned)e->gid);
}

/* write_script writes the debugfs commands for every entry under prefix. */
static int write_script(const struct ext4_job *j, const char *script)
{
	size_t n;
	struct mentry **v = manifest_sorted(j->m, &n);
	FILE *f = fopen(script, "w");
	char **links = NULL;
	size_t nlinks = 0;
	int rc = 0;
	if (!v || !f) {
		log_errno("%s: cannot write %s", j->what, script);
		free(v);
		if (f)
			fclose(f);
		return -1;
	}
	char cwd[4096] = "";
	for (size_t i = 0; i < n && !rc; i++) {
		const struct mentry *e = v[i];
		const char *rel = under(e->path, j->prefix);
		if (!rel)
			continue;
		const char *slash = strrchr(rel, '/');
		const char *base = slash ? slash + 1 : rel;
		int dlen = slash ? (int)(slash - rel) : 0;
		if ((int)strlen(cwd) != dlen || strncmp(cwd, rel, dlen)) {
			snprintf(cwd, sizeof cwd, "%.*s", dlen, rel);
			fprintf(f, "cd \"/%s\"\n", cwd);
		}
		enum mtype type = e->type;
		const struct mentry *target = NULL;
		if (type == M_HARDLINK) {
			target = manifest_get(j->m, e->link);
			if (!under(e->link, j->prefix) || !target || target->deleted)
				type = M_REG; /* link leaves the subtree: copy the file */
		}
		switch (type) {
		case M_DIR:
			if (!dlen && !strcmp(base, "lost+found")) {
				emit_owner(f, base, e, S_IFDIR | 0700);
				break;
			}
			fprintf(f, "mkdir \"%s\"\n", base);
			emit_owner(f, base, e, S_IFDIR | 0755);
			break;
		case M_REG:
			fprintf(f, "write \"%s/%s\" \"%s\"\n", j->stage, e->path, base);
			/* A copy of a hard link takes the target's metadata. */
			if (e->type == M_HARDLINK && (target = manifest_get(j->m, e->link)))
				e = target;
			emit_owner(f, base, e, (mode_t)-1);
			break;
		case M_SYMLINK:
			if (!link_target_ok(e->link)) {
				log_error("%s: /%s: symlink target has quotes, backslashes or "
				          "control characters (fix the package)", j->what, e->path);
				rc = -1;
				break;
			}
			fprintf(f, "symlink \"%s\" \"%s\"\n", base, e->link);
			emit_owner(f, base, e, S_IFLNK | 0777);
			break;
		case M_CHR:
		case M_BLK:
			fprintf(f, "mknod \"%s\" %c %u %u\n", base, type == M_CHR ? 'c' : 'b',
			        e->major, e->minor);
			emit_owner(f, base, e, (mode_t)-1);
			break;
		case M_FIFO:
			fprintf(f, "mknod \"%s\" p\n", base);
			emit_owner(f, base, e, (mode_t)-1);
			break;
		case M_HARDLINK: {
			const char *trel = under(e->link, j->prefix);
			fprintf(f, "ln \"/%s\" \"%s\"\n", trel, base);
			char **nl = realloc(links, (nlinks + 1) * sizeof *nl);
			if (!nl) {
				rc = -1;
				break;
			}
			links = nl;
			links[nlinks++] = (char *)trel;
			break;
		}
		}
	}
	/* debugfs `ln` leaves link counts alone: set them once per target. */
	if (nlinks)
		qsort(links, nlinks, sizeof *links, cmp_str);
	for (size_t i = 0; i < nlinks;) {
		size_t k = i;
		while (k < nlinks && !strcmp(links[k], links[i]))
			k++;
		fprintf(f, "sif \"/%s\" links_count %zu\n", links[i], k - i + 1);
		i = k;
	}
	free(links);
	free(v);
	if (fclose(f) && !rc) {
		log_errno("%s: cannot write %s", j->what, script);
		rc = -1;
	}
	return rc;
}

/* free_counts reads free blocks and inodes of the new filesystem. */
static int free_counts(const char *dev, const char *tmpdir, uint64_t *blocks,
                       uint64_t *inodes)
{
	char *out = path_join(tmpdir, "dumpe2fs.out");
	char *argv[] = {"dumpe2fs", "-h", (char *)dev, NULL};
	struct run_opts o = {.out = out};
	int rc = run_cmd(argv, &o);
	FILE *f = rc ? NULL : fopen(out, "r");
	char line[512];
	*blocks = *inodes = 0;
	while (f && fgets(line, sizeof line, f)) {
		sscanf(line, "Free blocks: %" SCNu64, blocks);
		sscanf(line, "Free inodes: %" SCNu64, inodes);
	}
	if (f)
		fclose(f);
	unlink(out);
	free(out);
	return rc ? -1 : 0;
}

/* debugfs_errors returns the number of stderr lines that are not its
 * version banner, printing the first few. */
static int debugfs_errors(const char *errfile, int *nospace)
{
	FILE *f = fopen(errfile, "r");
	char line[1024];
	int n = 0;
	*nospace = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "debugfs ", 8) && strstr(line, "("))
			continue;
		if (strstr(line, "space") || strstr(line, "Could not allocate"))
			*nospace = 1;
		if (n++ < 8)
			fprintf(stderr, "  | %s", line);
	}
	if (f)
		fclose(f);
	return n;
}

static void too_big(const struct ext4_job *j, uint64_t need, uint64_t have,
                    uint64_t inodes, uint64_t free_inodes)
{
	log_error("%s: the tree%s%s needs about %" PRIu64 " MiB and %" PRIu64
	          " inodes but the %" PRIu64 " MiB ext4 filesystem has %" PRIu64
	          " MiB and %" PRIu64 " inodes free (raise the partition's size "
	          "or use size = fill)", j->what, *j->prefix ? " under /" : "",
	          j->prefix, (need + EXT4_MIB - 1) / EXT4_MIB, inodes, j->size / EXT4_MIB,
	          have / EXT4_MIB, free_inodes);
}

/* flusher starts writeback of the partition while debugfs fills it.  The
 * page cache would otherwise hold the whole tree until debugfs's closing
 * fsync, which then waits for all of it; started early, the disk writes
 * while debugfs still works (only starting I/O, never waiting for it). */
struct flusher {
	int fd;
	off_t off, len;
};

static void flush_some(void *arg)
{
	const struct flusher *f = arg;
	sync_file_range(f->fd, f->off, f->len, SYNC_FILE_RANGE_WRITE);
}

int ext4_build(const struct ext4_job *j)
{
	char *conf = path_join(j->tmpdir, "mke2fs.conf");
	char *script = path_join(j->tmpdir, "ext4.debugfs");
	char *errf = path_join(j->tmpdir, "debugfs.err");
	char dev[4200], opts[512], fake[64], confenv[4200], size[64];
	int rc = -1;
	uint64_t need, inodes, free_blocks, free_inodes;
	ext4_needed(j->m, j->prefix, &need, &inodes);
	snprintf(dev, sizeof dev, "%s?offset=%" PRIu64, j->image, j->offset);
	snprintf(opts, sizeof opts, "root_owner=0:0,hash_seed=%s,offset=%" PRIu64
	         ",nodiscard", j->hash_seed, j->offset);
	/* fs->now == 0 means "use the clock" in e2fsprogs, so never pass 0. */
	snprintf(fake, sizeof fake, "E2FSPROGS_FAKE_TIME=%lld",
	         (long long)(j->epoch > 0 ? j->epoch : 1));
	snprintf(confenv, sizeof confenv, "MKE2FS_CONFIG=%s", conf);
	snprintf(size, sizeof size, "%" PRIu64 "k", j->size / 1024);
	char *env[] = {fake, confenv, NULL};
	/* Enough inodes for the tree even when it is many small files. */
	char ninodes[32];
	uint64_t want_inodes = inodes + inodes / 4 + 64;
	if (want_inodes < j->size / 16384)
		want_inodes = j->size / 16384;
	snprintf(ninodes, sizeof ninodes, "%" PRIu64, want_inodes);
	char *mkfs[] = {"mke2fs", "-q", "-F", "-t", "ext4", "-T", "yoe", "-b", "4096",
	                "-N", ninodes, "-L", (char *)j->label, "-U", (char *)j->uuid,
	                "-E", opts, (char *)j->image, size, NULL};
	if (write_file_if_changed(conf, mke2fs_conf, sizeof mke2fs_conf - 1, 0644) < 0) {
		log_errno("%s: cannot write %s", j->what, conf);
		goto out;
	}
	if (run_tool(j->what, mkfs, env, j->tmpdir))
		goto out;
	if (free_counts(dev, j->tmpdir, &free_blocks, &free_inodes)) {
		log_error("%s: dumpe2fs cannot read the new filesystem", j->what);
		goto out;
	}
	if (need > free_blocks * BLOCK || inodes > free_inodes) {
		too_big(j, need, free_blocks * BLOCK, inodes, free_inodes);
		goto out;
	}
	if (write_script(j, script))
		goto out;
	char *dbg[] = {"debugfs", "-w", "-f", script, dev, NULL};
	struct flusher fl = {.fd = open(j->image, O_WRONLY | O_CLOEXEC),
	                     .off = (off_t)j->offset, .len = (off_t)j->size};
	struct run_opts o = {.env = env, .err = errf, .tick = flush_some, .tick_arg = &fl,
	                     .tick_ms = fl.fd >= 0 ? 50 : 0};
	int st = run_cmd(dbg, &o);
	if (fl.fd >= 0)
		close(fl.fd);
	int nospace = 0;
	if (st || debugfs_errors(errf, &nospace)) {
		if (nospace)
			too_big(j, need, free_blocks * BLOCK, inodes, free_inodes);
		else
			log_error("%s: debugfs could not fill the filesystem (exit %d, "
			          "messages above; script %s)", j->what, st, script);
		goto out;
	}
	rc = 0;
out:
	if (rc == 0)
		unlink(script);
	unlink(errf);
	free(conf);
	free(script);
	free(errf);
	return rc;
}
