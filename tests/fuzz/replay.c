/* tests/fuzz/replay.c — `make check`'s replay of the fuzz regressions: runs
 * every file of tests/fuzz/regressions/ (or of the directories/files given)
 * through the fuzz target.  A crash or sanitizer report ends the program
 * (and so fails the test); otherwise it prints `N passed, 0 failed`.
 *
 *   starlark-fuzz-replay [DIR|FILE]...
 */
#include "fuzz_starlark.h"
#include "findtop.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;

static void replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "starlark-fuzz-replay: %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	char *data = NULL;
	size_t len = 0, cap = 0;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		memcpy(data + len, buf, n);
		len += n;
	}
	fclose(fp);
	/* An exact-size copy, so reading past the end is caught by ASan. */
	char *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	if (len)
		memcpy(exact, data, len);
	free(data);
	printf("replay %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput((const uint8_t *)exact, len);
	free(exact);
	passed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "starlark-fuzz-replay: %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "starlark-fuzz-replay: %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && strcmp(ents[i]->d_name, "README.md") != 0) {
			char p[4096];
			snprintf(p, sizeof p, "%s/%s", path, ents[i]->d_name);
			replay_file(p);
		}
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: starlark-fuzz-replay [DIR|FILE]...\n"
		     "Runs each input through the Starlark fuzz target (default: tests/fuzz/regressions).");
		return 0;
	}
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay(argv[i]);
	} else {
		char top[4096], dir[4200];
		if (test_find_top(top, sizeof top, "tests/fuzz/regressions") < 0) {
			fprintf(stderr, "starlark-fuzz-replay: cannot find tests/fuzz/regressions; set YOE_TOP\n");
			return 2;
		}
		snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions", top);
		replay(dir);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
