/* runtime/apk/pack.c — `apk-sign pack`: destdir → reproducible signed .apk
 * (see pack.h; wire format in spec/upstream-build-execution.md §5).
 *
 * The data stream is compressed first (to an unlinked temp file beside the
 * output, hashing the compressed bytes for `datahash`), then .PKGINFO, the
 * control stream and the signature are built in memory, and the three are
 * written through an atomic file that is renamed only when the bytes differ.
 * Every timestamp is opts->epoch and every owner root:root, so the same tree
 * always gives the same bytes. */
#include "apk/elf.h"
#include "apk/gz.h"
#include "apk/gzpipe.h"
#include "apk/pack.h"
#include "apk/tar.h"
#include "apk/walk.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int fail(struct apk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct apk_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static void hex(const unsigned char *md, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* datactx is the state of writing the data stream. */
struct datactx {
	struct gzw gz;          /* compressor into the temp file */
	struct gzpipe pipe;     /* feeds gz from a worker thread */
	EVP_MD_CTX *sha256;     /* datahash */
	struct buf hdr;         /* scratch for headers */
	uint64_t size;          /* .PKGINFO size: non-directory bytes */
	struct strlist sonames; /* DT_SONAMEs found */
	const struct pack_opts *o;
};

static int put(struct datactx *c, const void *p, size_t n, struct apk_err *err)
{
	if (gzpipe_write(&c->pipe, p, n) != 0)
		return fail(err, "%s: cannot write data stream: %s", c->o->out, strerror(errno));
	return 0;
}

static int put_header(struct datactx *c, const struct tar_hdr *h, struct apk_err *err)
{
	c->hdr.len = 0;
	if (tar_header(&c->hdr, h) != 0)
		return fail(err, "%s/%s: cannot encode tar header", c->o->destdir, h->name);
	return put(c, c->hdr.data, c->hdr.len, err);
}

/* put_file writes a regular file: SHA-1 record, header, content. */
static int put_file(struct datactx *c, struct wentry *w, struct tar_hdr *h, struct apk_err *err)
{
	int fd = open(w->abs, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return fail(err, "%s: cannot read: %s (check its permissions)", w->abs, strerror(e));
	}
	size_t n = (size_t)st.st_size;
	unsigned char *map = NULL;
	if (n > 0) {
		map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return fail(err, "%s: cannot map: %s", w->abs, strerror(errno));
		}
		madvise(map, n, MADV_SEQUENTIAL);
	}
	close(fd);
	unsigned char md[20];
	char sha1[41], so[512];
	EVP_Digest(n ? map : (unsigned char *)"", n, md, NULL, EVP_sha1(), NULL);
	hex(md, 20, sha1);
	h->sha1 = sha1;
	h->size = n;
	int r = -1;
	if (n >= 4 && elf_soname(map, n, so, sizeof so) == 1 && strlist_add(&c->sonames, so)) {
		fail(err, "out of memory");
		goto out;
	}
	static const unsigned char zeros[512];
	if (put_header(c, h, err) || (n && put(c, map, n, err)) || put(c, zeros, tar_pad(n), err))
		goto out;
	c->size += n;
	r = 0;
out:
	if (map)
		munmap(map, n);
	return r;
}

static int put_entry(struct datactx *c, struct wentry *w, int64_t epoch, struct apk_err *err)
{
	struct tar_hdr h = {
		.name = w->rel, .mode = w->st.st_mode & 07777, .mtime = epoch,
		.uname = "root", .gname = "root",
	};
	mode_t t = w->st.st_mode & S_IFMT;
	if (t == S_IFREG) {
		h.type = '0';
		return put_file(c, w, &h, err);
	}
	if (t == S_IFDIR) {
		h.type = '5';
		return put_header(c, &h, err);
	}
	if (t == S_IFLNK) {
		char target[4096], sha1[41];
		unsigned char md[20];
		if (w->link) {
			snprintf(target, sizeof target, "%s", w->link);
		} else {
			ssize_t n = readlink(w->abs, target, sizeof target - 1);
			if (n < 0)
				return fail(err, "%s: cannot read link: %s", w->abs, strerror(errno));
			target[n] = 0;
		}
		if (!utf8_valid(target))
			return fail(err, "%s: symlink target is not valid UTF-8 (fix the link in the "
			            "install step)", w->abs);
		EVP_Digest(target, strlen(target), md, NULL, EVP_sha1(), NULL);
		hex(md, 20, sha1);
		h.type = '2';
		h.link = target;
		h.sha1 = sha1;
		h.mode = 0777;
		c->size += strlen(target);
		return put_header(c, &h, err);
	}
	if (t == S_IFCHR || t == S_IFBLK) {
		h.type = t == S_IFCHR ? '3' : '4';
		h.devmajor = major(w->st.st_rdev);
		h.devminor = minor(w->st.st_rdev);
		return put_header(c, &h, err);
	}
	h.type = '6';
	return put_header(c, &h, err);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pkginfo writes .PKGINFO in the field order of §5.4. */
static int pkginfo(struct buf *b, const struct pack_opts *o, const char *datahash, uint64_t size,
                   struct strlist *sonames)
{
	const char *rel = o->release && *o->release ? o->release : "0";
	int r = 0;
	r |= buf_addf(b, "pkgname = %s\npkgver = %s-r%s\n", o->name, o->version, rel);
	if (o->description && *o->description)
		r |= buf_addf(b, "pkgdesc = %s\n", o->description);
	if (o->license && *o->license)
		r |= buf_addf(b, "license = %s\n", o->license);
	r |= buf_addf(b, "arch = %s\nbuilddate = %lld\norigin = %s\n", apk_arch_token(o->arch),
	              (long long)o->epoch, o->origin && *o->origin ? o->origin : o->name);
	if (o->commit && *o->commit)
		r |= buf_addf(b, "commit = %s\n", o->commit);
	r |= buf_addf(b, "size = %llu\ndatahash = %s\n", (unsigned long long)size, datahash);
	for (size_t i = 0; i < o->depends.n; i++)
		r |= buf_addf(b, "depend = %s\n", o->depends.v[i]);
	for (size_t i = 0; i < o->provides.n; i++) {
		const char *p = o->provides.v[i];
		if (strpbrk(p, "=<>~"))
			r |= buf_addf(b, "provides = %s\n", p);
		else
			r |= buf_addf(b, "provides = %s=%s-r%s\n", p, o->version, rel);
	}
	if (sonames->n)
		qsort(sonames->v, sonames->n, sizeof *sonames->v, cmpstr);
	for (size_t i = 0; i < sonames->n; i++)
		if (i == 0 || strcmp(sonames->v[i], sonames->v[i - 1]))
			r |= buf_addf(b, "provides = so:%s=%s-r%s\n", sonames->v[i], o->version, rel);
	for (size_t i = 0; i < o->replaces.n; i++)
		r |= buf_addf(b, "replaces = %s\n", o->replaces.v[i]);
	return r ? -1 : 0;
}

/* check_value refuses text that would break a `key = value` line. */
static int check_value(const char *what, const char *v, struct apk_err *err)
{
	if (v && (strchr(v, '\n') || !utf8_valid(v)))
		return fail(err, "%s '%s': must be one line of UTF-8 text", what, v);
	return 0;
}

static int check_opts(const struct pack_opts *o, struct apk_err *err)
{
	if (!o->destdir || !o->name || !o->version || !o->arch || !o->out)
		return fail(err, "pack needs --destdir, --name, --version, --arch and -o");
	if (!*o->name || strpbrk(o->name, " /=<>~\n"))
		return fail(err, "--name '%s': not a valid package name", o->name);
	if (!*o->version || strpbrk(o->version, " /\n"))
		return fail(err, "--version '%s': not a valid version", o->version);
	if (o->release && strspn(o->release, "0123456789") != strlen(o->release))
		return fail(err, "--release '%s': must be a number", o->release);
	if (!apk_arch_token(o->arch))
		return fail(err, "--arch '%s': unknown (use x86_64, arm64/aarch64, riscv64 or noarch)",
		            o->arch);
	const struct strlist *lists[] = {&o->depends, &o->provides, &o->replaces};
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (check_value("dependency", lists[l]->v[i], err) || !*lists[l]->v[i]
			    || strchr(lists[l]->v[i], ' '))
				return err->msg[0] ? -1 : fail(err, "'%s': dependency entries are single words",
				                               lists[l]->v[i]);
	if (check_value("--description", o->description, err) || check_value("--license", o->license, err)
	    || check_value("--origin", o->origin, err) || check_value("--commit", o->commit, err))
		return -1;
	return 0;
}

/* copy_fd appends the whole of fd (from offset 0) to out. */
static int copy_fd(int fd, FILE *out)
{
	if (fflush(out) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	int ofd = fileno(out);
	for (;;) {
		ssize_t n = copy_file_range(fd, NULL, ofd, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return -1;
		break; /* fall back to read/write */
	}
	char b[65536];
	ssize_t n;
	while ((n = read(fd, b, sizeof b)) > 0)
		if (write(ofd, b, (size_t)n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

int apk_pack(const struct pack_opts *o, const struct signer *s, int *changed, struct apk_err *err)
{
	struct wlist wl = {0};
	struct datactx *c = calloc(1, sizeof *c);
	struct buf info = {0}, tar = {0}, ctl = {0}, sig = {0};
	FILE *tmp = NULL;
	int r = -1;
	err->msg[0] = 0;
	*changed = 0;
	if (!c)
		return fail(err, "out of memory");
	c->o = o;
	if (check_opts(o, err) || walk_destdir(o, &wl, err))
		goto out;

	/* The data stream goes to an unlinked temp file beside the output. */
	char *tpath = NULL;
	if (asprintf(&tpath, "%s.data.XXXXXX", o->out) < 0) {
		fail(err, "out of memory");
		goto out;
	}
	char *outdir = path_dirname(o->out);
	if (outdir)
		mkdir_p(outdir, 0755); /* as ninja would; mkstemp reports failures */
	free(outdir);
	int fd = mkstemp(tpath);
	if (fd >= 0)
		unlink(tpath);
	if (fd < 0 || !(tmp = fdopen(fd, "w+"))) {
		fail(err, "%s: cannot create temp file: %s (is the output directory writable?)",
		     tpath, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(tpath);
		goto out;
	}
	free(tpath);
	c->sha256 = EVP_MD_CTX_new();
	if (!c->sha256 || EVP_DigestInit_ex(c->sha256, EVP_sha256(), NULL) != 1
	    || gzw_init(&c->gz, o->level ? o->level : 6, tmp, NULL, c->sha256) != 0) {
		fail(err, "out of memory");
		goto out;
	}
	if (gzpipe_start(&c->pipe, &c->gz) != 0) {
		gzw_abort(&c->gz);
		fail(err, "cannot start the compressor thread: %s", strerror(errno));
		goto out;
	}
	static const unsigned char trailer[1024];
	int bad = 0;
	for (size_t i = 0; i < wl.n && !bad; i++)
		bad = put_entry(c, &wl.v[i], o->epoch, err);
	bad = bad || put(c, trailer, sizeof trailer, err);
	if (gzpipe_stop(&c->pipe) != 0 && !bad)
		bad = fail(err, "%s: cannot write data stream: %s", o->out, strerror(errno));
	if (bad) {
		gzw_abort(&c->gz);
		goto out;
	}
	if (gzw_finish(&c->gz) != 0 || fflush(tmp) != 0) {
		fail(err, "%s: cannot write data stream: %s", o->out, strerror(errno));
		goto out;
	}
	unsigned char md[32];
	char datahash[65];
	EVP_DigestFinal_ex(c->sha256, md, NULL);
	hex(md, 32, datahash);

	if (pkginfo(&info, o, datahash, c->size, &c->sonames)
	    || single_entry_tar(&tar, ".PKGINFO", info.data, info.len, o->epoch, 0)
	    || gz_buf(tar.data, tar.len, 9, &ctl)) {
		fail(err, "out of memory");
		goto out;
	}
	if (s && sign_stream(s, ctl.data, ctl.len, o->epoch, &sig, err))
		goto out;

	struct atomic_file af;
	if (atomic_open(&af, o->out, 0644) != 0) {
		fail(err, "%s: cannot create: %s", o->out, strerror(errno));
		goto out;
	}
	if ((sig.len && fwrite(sig.data, 1, sig.len, af.fp) != sig.len)
	    || fwrite(ctl.data, 1, ctl.len, af.fp) != ctl.len || copy_fd(fileno(tmp), af.fp) != 0) {
		fail(err, "%s: cannot write: %s", o->out, strerror(errno));
		atomic_abort(&af);
		goto out;
	}
	int ch = atomic_commit(&af);
	if (ch < 0) {
		fail(err, "%s: cannot write: %s", o->out, strerror(errno));
		goto out;
	}
	*changed = ch;
	r = 0;
out:
	if (tmp)
		fclose(tmp);
	wlist_free(&wl);
	EVP_MD_CTX_free(c->sha256);
	buf_free(&c->hdr);
	strlist_free(&c->sonames);
	free(c);
	buf_free(&info);
	buf_free(&tar);
	buf_free(&ctl);
	buf_free(&sig);
	return r;
}
