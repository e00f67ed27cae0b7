/* tests/lib/test.c — runner behind tests/lib/test.h: registration, failure
 * reporting, per-case temp directories and the final summary line. */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct test_case *head, **tail = &head;
static int case_failed;
static const char *case_name;
static char tmpbase[] = "/tmp/yoe-test-XXXXXX";
static int tmpcount;

void test_register(struct test_case *tc)
{
	*tail = tc;
	tail = &tc->next;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "%s:%d: %s: check failed: ", file, line, case_name);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	case_failed = 1;
}

const char *test_tmpdir(void)
{
	static char path[sizeof tmpbase + 32];
	if (tmpcount == 0 && !mkdtemp(tmpbase)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(path, sizeof path, "%s/%d", tmpbase, ++tmpcount);
	if (mkdir(path, 0700) != 0) {
		perror(path);
		exit(2);
	}
	return path;
}

int main(void)
{
	int passed = 0, failed = 0;
	for (struct test_case *tc = head; tc; tc = tc->next) {
		case_name = tc->name;
		case_failed = 0;
		tc->fn();
		if (case_failed)
			failed++;
		else
			passed++;
		fflush(stdout);
	}
	if (tmpcount) {
		char cmd[sizeof tmpbase + 16];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpbase);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmpbase);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

char *test_write_tmp(const char *name, const char *text)
{
	const char *dir = test_tmpdir();
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	FILE *f = path ? (snprintf(path, n, "%s/%s", dir, name), fopen(path, "w")) : NULL;
	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path ? path : name);
		exit(2);
	}
	return path;
}
