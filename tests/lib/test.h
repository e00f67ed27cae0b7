/* tests/lib/test.h — the small C test framework every unit test uses.
 *
 * A test file defines cases with TEST(name) { ... } and checks with CHECK*.
 * Cases register themselves before main() (constructor functions) and run in
 * definition order; the program ends with `N passed, N failed` (counting
 * cases) and exits non-zero if any case failed.  Include this header in
 * exactly one translation unit of a test program with TEST_MAIN defined, or
 * link tests/lib/test.c which does so.
 */
#ifndef YOE_TEST_H
#define YOE_TEST_H

#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;        /* shown on failure */
	void (*fn)(void);        /* the case body */
	struct test_case *next;  /* registration list */
};

void test_register(struct test_case *tc);
/* test_fail records a failed check in the running case and prints where. */
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* test_tmpdir returns a fresh empty directory for the running case. */
const char *test_tmpdir(void);
/* test_write_tmp writes text to a file called name in a fresh
 * test_tmpdir() and returns its path (caller frees). */
char *test_write_tmp(const char *name, const char *text);

#define TEST(name)                                                        \
	static void test_##name(void);                                        \
	static struct test_case tc_##name = {#name, test_##name, NULL};       \
	__attribute__((constructor)) static void reg_##name(void)             \
	{ test_register(&tc_##name); }                                         \
	static void test_##name(void)

#define CHECK(cond)                                                       \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, "%s", #cond); } while (0)
#define CHECK_INT(a, b)                                                   \
	do { long long a_ = (a), b_ = (b); if (a_ != b_)                      \
		test_fail(__FILE__, __LINE__, "%s == %lld, want %lld", #a, a_, b_); \
	} while (0)
#define CHECK_STR(a, b)                                                   \
	do { const char *a_ = (a), *b_ = (b);                                 \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                            \
			test_fail(__FILE__, __LINE__, "%s == \"%s\", want \"%s\"",    \
			          #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");        \
	} while (0)

#endif
