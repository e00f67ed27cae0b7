/* tests/fetch/test_fetch.c — unit tests of the fetch library: SHA-256,
 * entry-name checks, unpacking of good and malicious archives (built here
 * with libarchive), the src/ repository with patches as commits, and the
 * size caps.  Every refusal also checks that nothing landed outside src/. */
#include "fetch/fetch.h"
#include "fetch/hashthread.h"
#include "fetch/tree.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"
#include "lib/sha256.h"
#include "test.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* One entry of a test archive. */
struct ent {
	char type;            /* 'f' file, 'd' dir, 'l' symlink, 'h' hard link, 'c' char dev, 'p' fifo */
	const char *name;     /* entry path as stored */
	const char *data;     /* file content, or link target */
	long long size;       /* for 'f': bytes of repeated data when > 0 (and data NULL) */
};

/* make_archive writes entries as a gzipped pax tar (or zip) at path. */
static void make_archive(const char *path, const struct ent *ents, int zip)
{
	struct archive *a = archive_write_new();
	if (zip) {
		archive_write_set_format_zip(a);
	} else {
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
	}
	CHECK(archive_write_open_filename(a, path) == ARCHIVE_OK);
	static char zeros[65536];
	for (const struct ent *e = ents; e->type; e++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e->name);
		archive_entry_set_mtime(ae, 1700000000, 0);
		long long size = 0;
		switch (e->type) {
		case 'f':
			size = e->data ? (long long)strlen(e->data) : e->size;
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, size);
			break;
		case 'd':
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
			break;
		case 'l':
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_perm(ae, 0777);
			archive_entry_set_symlink(ae, e->data);
			break;
		case 'h':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_hardlink(ae, e->data);
			archive_entry_set_size(ae, 0);
			break;
		case 'c':
			archive_entry_set_filetype(ae, AE_IFCHR);
			archive_entry_set_perm(ae, 0666);
			archive_entry_set_rdev(ae, makedev(1, 3));
			break;
		case 'p':
			archive_entry_set_filetype(ae, AE_IFIFO);
			archive_entry_set_perm(ae, 0644);
			break;
		}
		CHECK(archive_write_header(a, ae) == ARCHIVE_OK);
		if (e->type == 'f' && e->data)
			archive_write_data(a, e->data, strlen(e->data));
		for (long long left = e->type == 'f' && !e->data ? size : 0; left > 0;) {
			size_t n = left < (long long)sizeof zeros ? (size_t)left : sizeof zeros;
			archive_write_data(a, zeros, n);
			left -= (long long)n;
		}
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
}

/* A test workspace: base/ holds the archive and base/build/src is the
 * destination; base/outside is a directory escapes would aim at. */
struct ws {
	char base[512], archive[600], dest[700], build[600], outside[600];
};

static void ws_init(struct ws *w)
{
	snprintf(w->base, sizeof w->base, "%s", test_tmpdir());
	snprintf(w->archive, sizeof w->archive, "%s/a.tar.gz", w->base);
	snprintf(w->build, sizeof w->build, "%s/build/unit", w->base);
	snprintf(w->dest, sizeof w->dest, "%s/src", w->build);
	snprintf(w->outside, sizeof w->outside, "%s/outside", w->base);
	mkdir(w->outside, 0755);
}

/* count_entries counts directory entries (other than . and ..). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int unpack(struct ws *w, const char *const *patches, size_t np,
                  struct unpack_limits *lim, struct ferr *e)
{
	struct unpack_opts o;
	unpack_opts_default(&o);
	o.archive = w->archive;
	o.dest = w->dest;
	o.patches = patches;
	o.npatches = np;
	if (lim)
		o.lim = *lim;
	e->msg[0] = '\0';
	return unpack_source(&o, NULL, e);
}

/* refused checks an unpack failed with msg containing want, and that
 * nothing exists outside: no dest, no temp dirs, nothing in outside/. */
static void refused(struct ws *w, const struct ent *ents, const char *want)
{
	struct ferr e;
	make_archive(w->archive, ents, 0);
	CHECK_INT(unpack(w, NULL, 0, NULL, &e), -1);
	if (!strstr(e.msg, want))
		test_fail(__FILE__, __LINE__, "message '%s' lacks '%s'", e.msg, want);
	CHECK(strstr(e.msg, w->archive) != NULL);
	struct stat st;
	CHECK(lstat(w->dest, &st) != 0);
	CHECK_INT(count_entries(w->build), 0);     /* temp dir removed too */
	CHECK_INT(count_entries(w->outside), 0);
	CHECK(lstat("/tmp/yoe-fetch-test-escape", &st) != 0);
}

static int run(const char *cmd)
{
	int r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static char *slurp(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	static char buf[4096];
	size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
	buf[n] = '\0';
	if (p)
		pclose(p);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

/* --- hashing ---------------------------------------------------------- */

TEST(sha256_vectors)
{
	char hex[65];
	sha256_buf("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_buf("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	char path[600];
	snprintf(path, sizeof path, "%s/f", test_tmpdir());
	CHECK(write_file_if_changed(path, "abc", 3, 0644) == 1);
	char fh[65];
	CHECK_INT(sha256_file(path, fh), 0);
	CHECK_STR(fh, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(sha256_hex_valid(fh));
	CHECK(!sha256_hex_valid("abc"));
	CHECK(!sha256_hex_valid("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
}

TEST(hashthread_matches_inline)
{
	/* Odd chunk sizes wrap the ring many times; the digest must equal the
	 * one-shot hash, and a cancelled digest must leave nothing running. */
	size_t n = 20u << 20;
	char *buf = malloc(n), want[65], got[65];
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i * 7 + i / 13);
	sha256_buf(buf, n, want);
	struct hashthread t;
	CHECK_INT(hashthread_start(&t), 0);
	for (size_t off = 0; off < n;) {
		size_t k = 1 + (off * 31) % 300000;
		k = k > n - off ? n - off : k;
		hashthread_feed(&t, buf + off, k);
		off += k;
	}
	hashthread_finish(&t, got);
	CHECK_STR(got, want);
	CHECK_INT(hashthread_start(&t), 0);
	hashthread_feed(&t, buf, 1000);
	hashthread_cancel(&t);
	free(buf);
}

TEST(cache_lookup_rehashes)
{
	const char *dir = test_tmpdir();
	char hex[65], *p = NULL, *got = NULL;
	struct ferr e;
	sha256_buf("data", 4, hex);
	p = cache_source_path(dir, hex);
	CHECK_INT(cache_lookup(dir, hex, &got, &e), 0);   /* absent */
	CHECK(write_file_if_changed(p, "data", 4, 0644) == 1);
	CHECK_INT(cache_lookup(dir, hex, &got, &e), 1);
	CHECK_STR(got, p);
	free(got);
	CHECK(write_file_if_changed(p, "dat4", 4, 0644) == 1);   /* tampered */
	CHECK_INT(cache_lookup(dir, hex, &got, &e), 0);
	CHECK(access(p, F_OK) != 0);                      /* and removed */
	free(p);
}

TEST(url_redact_hides_passwords)
{
	char *r;
	CHECK_STR(r = url_redact("https://u:secret@host/x?a=b@c"), "https://u:***@host/x?a=b@c");
	free(r);
	CHECK_STR(r = url_redact("https://u:p@h/"), "https://u:***@h/");
	free(r);
	CHECK_STR(r = url_redact("https://user@host/x"), "https://user@host/x");
	free(r);
	CHECK_STR(r = url_redact("https://host/a:b@c"), "https://host/a:b@c");
	free(r);
	CHECK_STR(r = url_redact("/local/path"), "/local/path");
	free(r);
}

/* --- entry names --------------------------------------------------------- */

TEST(clean_path)
{
	struct tree t = {.origin = "x.tar"};
	struct ferr e;
	char *p;
	CHECK_STR(p = tree_clean_path(&t, "./a//b/", &e), "a/b");
	free(p);
	CHECK_STR(p = tree_clean_path(&t, ".", &e), "");
	free(p);
	CHECK_STR(p = tree_clean_path(&t, "a/..b/c..", &e), "a/..b/c..");
	free(p);
	CHECK(tree_clean_path(&t, "/etc/passwd", &e) == NULL);
	CHECK(strstr(e.msg, "absolute") != NULL);
	CHECK(tree_clean_path(&t, "a/../../b", &e) == NULL);
	CHECK(strstr(e.msg, "'..'") != NULL);
	CHECK(tree_clean_path(&t, "..", &e) == NULL);
	CHECK(tree_has_git_dir("a/.GIT/config"));
	CHECK(tree_has_git_dir(".git"));
	CHECK(!tree_has_git_dir("a/.gitignore"));
}

/* --- good archives ---------------------------------------------------------- */

TEST(unpack_strips_and_commits)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {
		{'d', "pkg-1.0/", 0, 0},
		{'f', "pkg-1.0/README", "hi\n", 0},
		{'f', "pkg-1.0/.gitignore", "configure\n", 0},
		{'f', "pkg-1.0/configure", "#!/bin/sh\n", 0},
		{'l', "pkg-1.0/docs/link", "../README", 0},
		{'h', "pkg-1.0/README.hard", "pkg-1.0/README", 0},
		{'f', "pkg-1.0/.git/config", "[core]\n\tfsmonitor = evil\n", 0},
		{0, 0, 0, 0},
	};
	make_archive(w.archive, ents, 0);
	struct ferr e;
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), 0);
	char p[900], *s;
	snprintf(p, sizeof p, "%s/README", w.dest);
	CHECK_STR(s = read_file(p, NULL), "hi\n");
	free(s);
	snprintf(p, sizeof p, "%s/README.hard", w.dest);
	CHECK_STR(s = read_file(p, NULL), "hi\n");
	free(s);
	struct stat st;
	snprintf(p, sizeof p, "%s/README", w.dest);
	CHECK(stat(p, &st) == 0 && st.st_mtime == 1700000000);   /* mtime kept */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "git -C '%s' tag", w.dest);
	CHECK_STR(slurp(cmd), "upstream");
	/* ignored-by-.gitignore files are committed too; nothing is dirty */
	snprintf(cmd, sizeof cmd, "git -C '%s' ls-files configure", w.dest);
	CHECK_STR(slurp(cmd), "configure");
	snprintf(cmd, sizeof cmd, "git -C '%s' status --porcelain --ignored", w.dest);
	CHECK_STR(slurp(cmd), "");
	/* the archive's .git/config was not planted */
	snprintf(cmd, sizeof cmd, "git -C '%s' config core.fsmonitor", w.dest);
	CHECK_STR(slurp(cmd), "");
	CHECK_INT(count_entries(w.build), 1);   /* just src, no temp left */
}

TEST(unpack_zip_and_no_strip)
{
	struct ws w;
	ws_init(&w);
	snprintf(w.archive, sizeof w.archive, "%s/a.zip", w.base);
	const struct ent ents[] = {
		{'f', "top/a", "A", 0},
		{0, 0, 0, 0},
	};
	make_archive(w.archive, ents, 1);
	struct unpack_opts o;
	struct ferr e;
	unpack_opts_default(&o);
	o.archive = w.archive;
	o.dest = w.dest;
	o.strip = 0;
	CHECK_INT(unpack_source(&o, NULL, &e), 0);
	char p[900], *s;
	snprintf(p, sizeof p, "%s/top/a", w.dest);
	CHECK_STR(s = read_file(p, NULL), "A");
	free(s);
}

TEST(unpack_starts_clean)
{
	struct ws w;
	ws_init(&w);
	const struct ent v1[] = {{'f', "p-1/old.c", "1", 0}, {'f', "p-1/keep.c", "1", 0}, {0, 0, 0, 0}};
	const struct ent v2[] = {{'f', "p-2/keep.c", "2", 0}, {0, 0, 0, 0}};
	struct ferr e;
	make_archive(w.archive, v1, 0);
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), 0);
	make_archive(w.archive, v2, 0);
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), 0);
	char p[900], *s;
	snprintf(p, sizeof p, "%s/old.c", w.dest);
	CHECK(access(p, F_OK) != 0);   /* the stale file of version 1 is gone */
	snprintf(p, sizeof p, "%s/keep.c", w.dest);
	CHECK_STR(s = read_file(p, NULL), "2");
	free(s);
}

TEST(unpack_verifies_hash)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "p/a", "A", 0}, {0, 0, 0, 0}};
	make_archive(w.archive, ents, 0);
	char hex[65];
	CHECK_INT(sha256_file(w.archive, hex), 0);
	struct unpack_opts o;
	struct ferr e;
	unpack_opts_default(&o);
	o.archive = w.archive;
	o.dest = w.dest;
	o.sha256 = hex;
	CHECK_INT(unpack_source(&o, NULL, &e), 0);
	o.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	CHECK_INT(unpack_source(&o, NULL, &e), -1);
	CHECK(strstr(e.msg, "SHA-256 mismatch") && strstr(e.msg, hex));
	char p[900];
	snprintf(p, sizeof p, "%s/a", w.dest);
	CHECK(access(p, F_OK) == 0);   /* the previous src/ is untouched */
}

TEST(copy_as_verbatim)
{
	struct ws w;
	ws_init(&w);
	CHECK(write_file_if_changed(w.archive, "APKDATA", 7, 0644) == 1);
	char hex[65];
	sha256_buf("APKDATA", 7, hex);
	struct unpack_opts o;
	struct ferr e;
	unpack_opts_default(&o);
	o.archive = w.archive;
	o.copy_as = "foo-1.0.apk";
	o.sha256 = hex;
	o.dest = w.dest;
	CHECK_INT(unpack_source(&o, NULL, &e), 0);
	char p[900], *s;
	snprintf(p, sizeof p, "%s/foo-1.0.apk", w.dest);
	CHECK_STR(s = read_file(p, NULL), "APKDATA");
	free(s);
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0755);
	o.copy_as = "../evil";
	CHECK_INT(unpack_source(&o, NULL, &e), -1);
	CHECK(strstr(e.msg, "plain file name") != NULL);
	o.copy_as = "x.apk";
	o.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	CHECK_INT(unpack_source(&o, NULL, &e), -1);
	CHECK(strstr(e.msg, "SHA-256 mismatch") != NULL);
	CHECK(access(p, F_OK) == 0);   /* the previous src/ stays */
}

/* --- malicious archives (threat 10) ------------------------------------------ */

TEST(refuse_absolute)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "/tmp/yoe-fetch-test-escape", "x", 0}, {0, 0, 0, 0}};
	refused(&w, ents, "absolute path");
}

TEST(refuse_dotdot)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "p/a", "ok", 0}, {'f', "p/../../../outside/evil", "x", 0}, {0, 0, 0, 0}};
	refused(&w, ents, "contains '..'");
}

TEST(refuse_symlink_write_through)
{
	struct ws w;
	ws_init(&w);
	/* A link to the outside, then a file "inside" it. */
	const struct ent ents[] = {
		{'l', "p/esc", "../../../outside", 0},
		{'f', "p/esc/evil", "x", 0},
		{0, 0, 0, 0},
	};
	refused(&w, ents, "through the symlink");
}

TEST(refuse_symlink_escape)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "p/a", "ok", 0}, {'l', "p/esc", "../../outside", 0}, {0, 0, 0, 0}};
	refused(&w, ents, "outside the source tree");
	const struct ent abs[] = {{'l', "p/etc", "/etc", 0}, {0, 0, 0, 0}};
	refused(&w, abs, "absolute path '/etc'");
}

TEST(refuse_chained_symlink_escape)
{
	struct ws w;
	ws_init(&w);
	/* Each link alone looks harmless: d -> ".", x -> "d/..".  Together x is
	 * the parent of the tree; only a real resolution sees it. */
	const struct ent ents[] = {
		{'f', "a", "ok", 0},
		{'l', "d", ".", 0},
		{'l', "sub/x", "../d/..", 0},
		{0, 0, 0, 0},
	};
	refused(&w, ents, "outside the source tree");
}

TEST(refuse_symlink_escape_after_strip)
{
	struct ws w;
	ws_init(&w);
	/* Inside before the top directory is stripped, outside after. */
	const struct ent ents[] = {{'f', "p/a", "ok", 0}, {'l', "p/up", "../q", 0}, {0, 0, 0, 0}};
	refused(&w, ents, "outside the source tree");
}

TEST(refuse_hardlink_escape)
{
	struct ws w;
	ws_init(&w);
	char target[700];
	snprintf(target, sizeof target, "%s/secret", w.outside);
	CHECK(write_file_if_changed(target, "s", 1, 0644) == 1);
	const struct ent ents[] = {{'f', "p/a", "ok", 0}, {'h', "p/h", "../outside/secret", 0}, {0, 0, 0, 0}};
	make_archive(w.archive, ents, 0);
	struct ferr e;
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "hard link") != NULL);
	const struct ent abs[] = {{'h', "p/h", target, 0}, {0, 0, 0, 0}};
	make_archive(w.archive, abs, 0);
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "hard link") != NULL);
	/* a hard link to a symlink that points outside */
	const struct ent vial[] = {{'l', "p/l", "../outside/secret", 0}, {'h', "p/h", "p/l", 0}, {0, 0, 0, 0}};
	make_archive(w.archive, vial, 0);
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), -1);
	struct stat st;
	CHECK(stat(target, &st) == 0 && st.st_nlink == 1);   /* never linked */
	CHECK(lstat(w.dest, &st) != 0);
	CHECK_INT(count_entries(w.build), 0);
}

TEST(refuse_device_and_fifo)
{
	struct ws w;
	ws_init(&w);
	const struct ent dev[] = {{'f', "p/a", "ok", 0}, {'c', "p/null", NULL, 0}, {0, 0, 0, 0}};
	refused(&w, dev, "device node");
	const struct ent fifo[] = {{'p', "p/fifo", NULL, 0}, {0, 0, 0, 0}};
	refused(&w, fifo, "FIFO");
}

TEST(refuse_oversized)
{
	struct ws w;
	ws_init(&w);
	struct unpack_limits lim = {1 << 20, 4 << 20, 100};
	struct ferr e;
	/* 8 MiB of zeros: ~8 KiB compressed, a small bomb. */
	const struct ent big[] = {{'f', "p/zeros", NULL, 8 << 20}, {0, 0, 0, 0}};
	make_archive(w.archive, big, 0);
	CHECK_INT(unpack(&w, NULL, 0, &lim, &e), -1);
	CHECK(strstr(e.msg, "cap") != NULL && strstr(e.msg, "p/zeros") != NULL);
	const struct ent many[] = {
		{'f', "p/1", NULL, 900 << 10}, {'f', "p/2", NULL, 900 << 10}, {'f', "p/3", NULL, 900 << 10},
		{'f', "p/4", NULL, 900 << 10}, {'f', "p/5", NULL, 900 << 10}, {0, 0, 0, 0},
	};
	make_archive(w.archive, many, 0);
	CHECK_INT(unpack(&w, NULL, 0, &lim, &e), -1);
	CHECK(strstr(e.msg, "total cap") != NULL);
	struct unpack_limits few = {0, 0, 3};
	CHECK_INT(unpack(&w, NULL, 0, &few, &e), -1);
	CHECK(strstr(e.msg, "entries") != NULL);
	struct stat st;
	CHECK(lstat(w.dest, &st) != 0);
	CHECK_INT(count_entries(w.build), 0);
	/* within the caps it unpacks */
	struct unpack_limits roomy = {1 << 20, 8 << 20, 100};
	CHECK_INT(unpack(&w, NULL, 0, &roomy, &e), 0);
}

TEST(refuse_garbage)
{
	struct ws w;
	ws_init(&w);
	CHECK(write_file_if_changed(w.archive, "this is not an archive at all, sorry", 36, 0644) == 1);
	struct ferr e;
	CHECK_INT(unpack(&w, NULL, 0, NULL, &e), -1);
	CHECK(strstr(e.msg, "not a readable archive") != NULL);
}

/* links_inside checks, independently of tree.c, that every symlink under
 * dir resolves (when it resolves at all) inside dir. */
static int links_inside(const char *dir, const char *real_root)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1;
	struct dirent *de;
	int ok = 1;
	while (ok && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git"))
			continue;
		char p[1200];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			char *r = realpath(p, NULL);
			size_t n = strlen(real_root);
			if (r && !(strncmp(r, real_root, n) == 0 && (r[n] == '/' || r[n] == '\0'))) {
				printf("  escape: %s -> %s\n", p, r);
				ok = 0;
			}
			free(r);
		} else if (S_ISDIR(st.st_mode)) {
			ok = links_inside(p, real_root);
		}
	}
	closedir(d);
	return ok;
}

TEST(random_archives_never_escape)
{
	/* Property test: archives assembled at random from hostile pieces
	 * either unpack with every link inside src/, or are refused; nothing
	 * ever appears outside. */
	static const char *names[] = {
		"a", "a/b", "a/b/c", "l", "l/x", "l/y/z", "d", "d/e", "./a", "a//b",
		"../o", "a/../../o", "/tmp/yoe-fetch-test-escape", "h", "m/n",
	};
	static const char *targets[] = {
		".", "..", "a", "../..", "/", "a/../..", "l/..", "d/../..", "b/c", "../outside",
		"l", "x/../../..", "a/b",
	};
	enum { NN = sizeof names / sizeof *names, NT = sizeof targets / sizeof *targets };
	unsigned seed = 12345;
	int accepted = 0, refusedn = 0;
	for (int iter = 0; iter < 200; iter++) {
		struct ws w;
		ws_init(&w);
		struct ent ents[9];
		int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
		for (int i = 0; i < n; i++) {
			unsigned r1 = (seed = seed * 1103515245u + 12345u) >> 16;
			unsigned r2 = (seed = seed * 1103515245u + 12345u) >> 16;
			unsigned r3 = (seed = seed * 1103515245u + 12345u) >> 16;
			static const char types[] = "ffddllhh";
			ents[i].type = types[r1 % 8];
			ents[i].name = names[r2 % NN];
			ents[i].data = ents[i].type == 'l' ? targets[r3 % NT]
			               : ents[i].type == 'h' ? names[r3 % NN] : "x";
			ents[i].size = 0;
		}
		ents[n].type = 0;
		make_archive(w.archive, ents, 0);
		struct ferr e;
		if (unpack(&w, NULL, 0, NULL, &e) == 0) {
			accepted++;

			char *real = realpath(w.dest, NULL);
			CHECK(real && links_inside(w.dest, real));
			free(real);
		} else {
			refusedn++;
		}
		CHECK_INT(count_entries(w.outside), 0);
		struct stat st;
		CHECK(lstat("/tmp/yoe-fetch-test-escape", &st) != 0);
		CHECK(count_entries(w.build) <= 1);   /* src/ at most, no temp */
		char up[700];
		snprintf(up, sizeof up, "%s/o", w.base);
		CHECK(lstat(up, &st) != 0);
		snprintf(up, sizeof up, "%s/build/o", w.base);
		CHECK(lstat(up, &st) != 0);
	}
	/* the generator must exercise both outcomes to mean anything */
	CHECK(accepted > 10);
	CHECK(refusedn > 10);
}

/* --- patches --------------------------------------------------------------- */

static const char patch1[] =
	"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
	"From: Jane Dev <jane@example.com>\n"
	"Date: Mon, 1 Jan 2024 01:00:00 +0100\n"
	"Subject: [PATCH 1/2] greet the\n"
	" whole world\n"
	"\n"
	"Because one is not enough.\n"
	"---\n"
	" a.txt | 2 +-\n"
	"\n"
	"diff --git a/a.txt b/a.txt\n"
	"--- a/a.txt\n"
	"+++ b/a.txt\n"
	"@@ -1,2 +1,2 @@\n"
	"-hello\n"
	"+hello world\n"
	" bye\n"
	"-- \n"
	"2.40.0\n";

static const char patch2[] =   /* a plain diff, no mail header; adds a file */
	"diff --git a/new.txt b/new.txt\n"
	"new file mode 100644\n"
	"--- /dev/null\n"
	"+++ b/new.txt\n"
	"@@ -0,0 +1 @@\n"
	"+new\n";

static const char patch_bad[] =
	"From: Bad <bad@example.com>\n"
	"Subject: [PATCH] does not fit\n"
	"\n"
	"---\n"
	"diff --git a/a.txt b/a.txt\n"
	"--- a/a.txt\n"
	"+++ b/a.txt\n"
	"@@ -1,2 +1,2 @@\n"
	"-goodbye\n"
	"+farewell\n"
	" bye\n";

TEST(patches_become_commits)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "p-1/a.txt", "hello\nbye\n", 0}, {0, 0, 0, 0}};
	make_archive(w.archive, ents, 0);
	char p1[700], p2[700];
	snprintf(p1, sizeof p1, "%s/0001-greet.patch", w.base);
	snprintf(p2, sizeof p2, "%s/0002-new.patch", w.base);
	CHECK(write_file_if_changed(p1, patch1, strlen(patch1), 0644) == 1);
	CHECK(write_file_if_changed(p2, patch2, strlen(patch2), 0644) == 1);
	const char *patches[] = {p1, p2};
	struct ferr e;
	CHECK_INT(unpack(&w, patches, 2, NULL, &e), 0);
	if (e.msg[0])
		printf("  %s\n", e.msg);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "git -C '%s' log --format='%%an <%%ae>|%%s' upstream..HEAD", w.dest);
	CHECK_STR(slurp(cmd), "yoe <yoe@yoe.local>|patch: 0002-new.patch\n"
	                      "Jane Dev <jane@example.com>|greet the whole world");
	snprintf(cmd, sizeof cmd, "git -C '%s' log -1 --format=%%b HEAD~1", w.dest);
	CHECK_STR(slurp(cmd), "Because one is not enough.");
	/* the author date comes from the Date: header, zone included */
	snprintf(cmd, sizeof cmd, "git -C '%s' log -1 --format='%%at %%ai' HEAD~1", w.dest);
	CHECK_STR(slurp(cmd), "1704067200 2024-01-01 01:00:00 +0100");
	snprintf(cmd, sizeof cmd, "git -C '%s' status --porcelain", w.dest);
	CHECK_STR(slurp(cmd), "");
	snprintf(cmd, sizeof cmd, "cat '%s/a.txt' '%s/new.txt'", w.dest, w.dest);
	CHECK_STR(slurp(cmd), "hello world\nbye\nnew");
	/* Same inputs, same commit: the src repo is deterministic. */
	snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse HEAD", w.dest);
	char first[64];
	snprintf(first, sizeof first, "%s", slurp(cmd));
	CHECK_INT(unpack(&w, patches, 2, NULL, &e), 0);
	CHECK_STR(slurp(cmd), first);
}

static const char patch_utf8[] =
	"From: =?UTF-8?q?J=C3=B6rg_M=C3=BCller?= <joerg@example.com>\n"
	"Date: Tue, 2 Jan 2024 10:00:00 -0230\n"
	"Subject: [PATCH] =?UTF-8?b?R3LDvMOfZSBhdXM=?= =?UTF-8?q?_K=C3=B6ln?=\n"
	"\n"
	"---\n"
	"diff --git a/a.txt b/a.txt\n"
	"--- a/a.txt\n"
	"+++ b/a.txt\n"
	"@@ -1,2 +1,2 @@\n"
	"-hello\n"
	"+hallo\n"
	" bye\n";

TEST(patch_header_encoded_words)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "p-1/a.txt", "hello\nbye\n", 0}, {0, 0, 0, 0}};
	make_archive(w.archive, ents, 0);
	char pp[700];
	snprintf(pp, sizeof pp, "%s/utf8.patch", w.base);
	CHECK(write_file_if_changed(pp, patch_utf8, strlen(patch_utf8), 0644) == 1);
	const char *patches[] = {pp};
	struct ferr e;
	CHECK_INT(unpack(&w, patches, 1, NULL, &e), 0);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "git -C '%s' log -1 --format='%%an|%%s|%%ai'", w.dest);
	CHECK_STR(slurp(cmd), "Jörg Müller|Grüße aus Köln|2024-01-02 10:00:00 -0230");
}

TEST(patch_that_fails)
{
	struct ws w;
	ws_init(&w);
	const struct ent ents[] = {{'f', "p-1/a.txt", "hello\nbye\n", 0}, {0, 0, 0, 0}};
	make_archive(w.archive, ents, 0);
	char pb[700], missing[700];
	snprintf(pb, sizeof pb, "%s/0001-bad.patch", w.base);
	CHECK(write_file_if_changed(pb, patch_bad, strlen(patch_bad), 0644) == 1);
	const char *patches[] = {pb};
	struct ferr e;
	CHECK_INT(unpack(&w, patches, 1, NULL, &e), -1);
	CHECK(strstr(e.msg, pb) != NULL);
	CHECK(strstr(e.msg, "@@ -1,2 +1,2 @@") != NULL);
	CHECK(strstr(e.msg, "a.txt") != NULL);
	struct stat st;
	CHECK(lstat(w.dest, &st) != 0);
	CHECK_INT(count_entries(w.build), 0);
	snprintf(missing, sizeof missing, "%s/nope.patch", w.base);
	const char *m[] = {missing};
	CHECK_INT(unpack(&w, m, 1, NULL, &e), -1);
	CHECK(strstr(e.msg, "nope.patch") != NULL);
	CHECK_INT(run("true"), 0);
}
