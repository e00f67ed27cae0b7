/* tests/rtlib/test_rtlib.c — runtime/lib: atomic writes keep mtimes of
 * unchanged files, leave no temp files, and the path helpers behave. */
#include "test.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

TEST(write_creates_parents_and_content)
{
	char *p = path_join(test_tmpdir(), "a/b/c.txt");
	CHECK_INT(write_file_if_changed(p, "hello\n", 6, 0644), 1);
	size_t n = 0;
	char *s = read_file(p, &n);
	CHECK_STR(s, "hello\n");
	CHECK_INT(n, 6);
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
	free(s);
	free(p);
}

TEST(unchanged_content_keeps_mtime)
{
	const char *d = test_tmpdir();
	char *p = path_join(d, "f");
	CHECK_INT(write_file_if_changed(p, "x", 1, 0644), 1);
	struct timespec old[2] = {{1000, 0}, {1000, 0}};
	utimensat(AT_FDCWD, p, old, 0);
	CHECK_INT(write_file_if_changed(p, "x", 1, 0644), 0);
	struct stat st;
	stat(p, &st);
	CHECK_INT(st.st_mtim.tv_sec, 1000);
	CHECK_INT(write_file_if_changed(p, "y", 1, 0644), 1);
	stat(p, &st);
	CHECK(st.st_mtim.tv_sec != 1000);
	/* A mode change is a change too. */
	CHECK_INT(write_file_if_changed(p, "y", 1, 0755), 1);
	CHECK_INT(count_entries(d), 1);
	free(p);
}

TEST(abort_leaves_nothing)
{
	const char *d = test_tmpdir();
	char *p = path_join(d, "out");
	struct atomic_file af;
	CHECK_INT(atomic_open(&af, p, 0644), 0);
	fputs("partial", af.fp);
	atomic_abort(&af);
	CHECK_INT(count_entries(d), 0);
	free(p);
}

TEST(open_fails_cleanly_when_parent_is_a_file)
{
	const char *d = test_tmpdir();
	char *f = path_join(d, "file");
	write_file_if_changed(f, "", 0, 0644);
	char *p = path_join(f, "child");
	struct atomic_file af;
	CHECK_INT(atomic_open(&af, p, 0644), -1);
	CHECK_INT(errno, ENOTDIR);
	CHECK_INT(count_entries(d), 1);
	free(f);
	free(p);
}

TEST(path_helpers)
{
	char *s;
	CHECK_STR(s = path_dirname("a/b/c"), "a/b"); free(s);
	CHECK_STR(s = path_dirname("c"), "."); free(s);
	CHECK_STR(s = path_dirname("/c"), "/"); free(s);
	CHECK_STR(s = path_join("a/", "b"), "a/b"); free(s);
	CHECK_STR(s = path_join("a", "/abs"), "/abs"); free(s);
}

TEST(rm_rf_removes_tree_without_following_links)
{
	const char *d = test_tmpdir();
	char *keep = path_join(d, "keep");
	char *tree = path_join(d, "tree");
	char *deep = path_join(d, "tree/x/y/z");
	char *link = path_join(d, "tree/link");
	write_file_if_changed(keep, "k", 1, 0644);
	write_file_if_changed(deep, "z", 1, 0644);
	CHECK(symlink(d, link) == 0);
	CHECK_INT(rm_rf(tree), 0);
	CHECK(access(tree, F_OK) != 0);
	CHECK(access(keep, F_OK) == 0);
	CHECK_INT(rm_rf(tree), 0); /* missing is fine */
	free(keep); free(tree); free(deep); free(link);
}
