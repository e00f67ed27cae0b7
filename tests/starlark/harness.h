/* tests/starlark/harness.h — native helpers the conformance runner gives
 * go.starlark.net's test files: the `assert.star` module (assert.eq, ne,
 * true, lt, contains, fails, fail and freeze), and the application-defined
 * values eval_test.go predeclares (hasfields, fibonacci, gensym).
 *
 * Assertion failures do not stop a chunk (as in Go, where assert reports to
 * testing.T and continues); they are counted in the thread's
 * struct assert_state, which the runner installs with sl_thread_set_data.
 */
#ifndef YOE_TESTS_STARLARK_HARNESS_H
#define YOE_TESTS_STARLARK_HARNESS_H

#include "starlark/starlark.h"

/* What the assertions of one chunk found. */
struct assert_state {
	int failures;          /* failed assertions (fail the chunk in both modes) */
	int mismatches;        /* assert.fails whose error did not match (strict only) */
	char first_failure[600];  /* "line N: message" of the first failure */
	char first_mismatch[600]; /* same for the first mismatch */
	bool verbose;             /* also print every failure to stderr */
	char all[1500];           /* every report, one per line, as many as fit */
};

/* assert_module builds the module `load("assert.star", ...)` returns: the
 * globals `assert` (a value of type "module") and `freeze`.  The thread's
 * data must point to a struct assert_state while its functions run. */
struct sl_module *assert_module(sl_thread *th, const char *path);

/* The predeclared builtins of go.starlark.net's eval_test.go and
 * starlarkstruct's test: add hasfields, fibonacci, struct and gensym to a
 * predeclared dict.  Returns 0, or -1 with an error raised. */
int testtypes_predeclare(sl_thread *th, sl_value dict);

/* assert_note records a failure (strict_only: a message mismatch). */
void assert_note(sl_thread *th, bool strict_only, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
