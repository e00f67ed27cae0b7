/* tests/starlark/test_harness.c — unit tests of the conformance runner's own
 * parts: chunk splitting and line numbering, `###` annotations, Go string
 * unquoting, Go-to-POSIX regex translation, and the native assert module. */
#include "chunks.h"
#include "harness.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *write_file(const char *name, const char *text)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
	FILE *fp = fopen(path, "w");
	if (!fp)
		return NULL;
	fputs(text, fp);
	fclose(fp);
	return path;
}

TEST(split_and_line_numbers)
{
	const char *p = write_file("a.star",
		"x = 1\n"
		"---\n"
		"y = 2 ### \"boom\"\n"
		"z = 3\n"
		"---\n"
		"# option:set\n"
		"w = 4 ### `a\\*b`\n");
	struct chunked_file f;
	CHECK(p && chunked_read(p, &f) == 0);
	CHECK_INT(f.nchunks, 3);
	CHECK_INT(f.chunks[0].first_line, 1);
	CHECK_INT(f.chunks[1].first_line, 3);
	CHECK_INT(f.chunks[2].first_line, 6);
	/* padded so line numbers are the file's */
	CHECK(strncmp(f.chunks[1].src, "\n\ny = 2", 7) == 0);
	CHECK_INT(f.chunks[1].nwants, 1);
	CHECK_INT(f.chunks[1].wants[0].line, 3);
	CHECK_STR(f.chunks[1].wants[0].pattern, "boom");
	CHECK_INT(f.chunks[2].wants[0].line, 7);
	CHECK_STR(f.chunks[2].wants[0].pattern, "a\\*b");
	CHECK(f.chunks[2].wants[0].ok);
	CHECK(chunk_has_option(&f.chunks[2], "set"));
	CHECK(!chunk_has_option(&f.chunks[1], "set"));
	CHECK(f.chunks[0].bad_annotation == NULL);
	chunked_free(&f);
}

TEST(bad_annotation)
{
	const char *p = write_file("b.star", "x = 1 ### not quoted\n");
	struct chunked_file f;
	CHECK(p && chunked_read(p, &f) == 0);
	CHECK_INT(f.nchunks, 1);
	CHECK(f.chunks[0].bad_annotation != NULL);
	chunked_free(&f);
}

TEST(read_whole)
{
	const char *p = write_file("c.star", "a\n---\nb ### x\n");
	struct chunked_file f;
	CHECK(p && chunked_read_whole(p, &f) == 0);
	CHECK_INT(f.nchunks, 1);
	CHECK_INT(f.chunks[0].nwants, 0);
	CHECK_INT(f.chunks[0].len, strlen("a\n---\nb ### x\n"));
	chunked_free(&f);
}

TEST(go_unquote)
{
	char *s;
	const char *lit = "\"a\\tb\\\\c\\\"d\"";
	CHECK_STR(s = go_unquote(lit, strlen(lit)), "a\tb\\c\"d");
	free(s);
	lit = " `raw \\d` ";
	CHECK_STR(s = go_unquote(lit, strlen(lit)), "raw \\d");
	free(s);
	lit = "\"\\x41\\101\\u00e9\"";
	CHECK_STR(s = go_unquote(lit, strlen(lit)), "AA\xc3\xa9");
	free(s);
	CHECK(go_unquote("\"unterminated", 13) == NULL);
	CHECK(go_unquote("'c'", 3) == NULL);
	CHECK(go_unquote("\"a\" \"b\"", 7) == NULL);
	CHECK(go_unquote("\"\\q\"", 4) == NULL);
}

static bool match(const char *pat, const char *text)
{
	regex_t re;
	if (go_regex_compile(&re, pat, NULL, 0) != 0)
		return false;
	bool m = go_regex_search(&re, text);
	regfree(&re);
	return m;
}

TEST(go_regex)
{
	CHECK(match("undefined: x", "x.star:1:1: undefined: x"));
	CHECK(match("goodbye$", "undefined: goodbye"));
	CHECK(!match("goodbye$", "undefined: goodbye!"));
	CHECK(match("index -6 out of range \\[-5:4]", "index -6 out of range [-5:4]"));
	CHECK(match("unmatched '{' in format", "unmatched '{' in format"));
	CHECK(match("single '}' in format", "single '}' in format"));
	CHECK(match("a{2}b", "aab"));
	CHECK(!match("a{2}b", "ab"));
	CHECK(match("x\\d+y", "x123y"));
	CHECK(!match("x\\d+y", "xay"));
	CHECK(match("(?:ab)+c", "ababc"));
	CHECK(match("a.*?c", "abbbc"));
	CHECK(match("(?i)HELLO", "hello"));
	CHECK(match("\\Qa.b\\E", "a.b"));
	CHECK(!match("\\Qa.b\\E", "axb"));
	CHECK(match("[\\d]x", "5x"));
	CHECK(match("set | list", "a list"));  /* alternation, as in Go */
	CHECK(!match("set | list", "list"));
	CHECK(match("got \\*, want", "got *, want"));
}

static int compile_rc(const char *pat)
{
	regex_t re;
	char err[100];
	int rc = go_regex_compile(&re, pat, err, sizeof err);
	if (rc == 0)
		regfree(&re);
	return rc;
}

TEST(go_regex_rejects_what_go_rejects)
{
	/* glibc accepts these and may take exponential time and memory on them
	 * (found by the fuzzer: a pattern with a run of '+'). */
	CHECK(compile_rc("a++") != 0);
	CHECK(compile_rc("a**") != 0);
	CHECK(compile_rc("a+*") != 0);
	CHECK(compile_rc("x ++++++++++++++++++++++++++++++++ y") != 0);
	CHECK(compile_rc("*a") != 0);
	CHECK(compile_rc("(+a)") != 0);
	CHECK(compile_rc("a|*") != 0);
	CHECK(compile_rc("a{2}{3}") != 0);
	CHECK(compile_rc("a{1001}") != 0);
	CHECK(compile_rc("a\\") != 0);
	CHECK_INT(compile_rc("a+?b*?c??"), 0);  /* lazy forms are fine */
	CHECK_INT(compile_rc("(ab)+c{2,5}"), 0);
}

/* ---- the assert module, run through the interpreter ---- */

static struct sl_module *load_assert(sl_thread *th, const char *module, void *ud)
{
	return assert_module(th, module);
}

/* run executes src with the assert module and returns whether it raised. */
static bool run(const char *src, struct assert_state *st)
{
	memset(st, 0, sizeof *st);
	sl_thread *th = sl_thread_new();
	sl_thread_set_data(th, st);
	sl_thread_set_load(th, load_assert, NULL);
	sl_value pre = sl_dict_new(4);
	testtypes_predeclare(th, pre);
	bool ok = sl_exec_file(th, "t.star", src, strlen(src), pre) != NULL;
	sl_thread_free(th);
	return ok;
}

TEST(assert_module)
{
	struct assert_state st;
	CHECK(run("load('assert.star', 'assert')\n"
	          "assert.eq(1 + 1, 2)\nassert.ne(1, 2)\nassert.true(True)\n"
	          "assert.lt(1, 2)\nassert.contains([1, 2], 2)\n"
	          "assert.fails(lambda: 1 // 0, 'division by zero')\n", &st));
	CHECK_INT(st.failures, 0);
	CHECK_INT(st.mismatches, 0);

	CHECK(run("load('assert.star', 'assert')\nassert.eq(1, 2)\nassert.eq('a', 'a')\n", &st));
	CHECK_INT(st.failures, 1);
	CHECK_STR(st.first_failure, "line 2: 1 != 2");

	CHECK(run("load('assert.star', 'assert')\n\nassert.fails(lambda: 1 // 0, 'nope')\n", &st));
	CHECK_INT(st.failures, 0);
	CHECK_INT(st.mismatches, 1);
	CHECK(strncmp(st.first_mismatch, "line 3: regular expression (nope) did not match", 47) == 0);

	CHECK(run("load('assert.star', 'assert')\nassert.fails(lambda: 1, 'x')\n", &st));
	CHECK_INT(st.failures, 1);

	CHECK(run("load('assert.star', 'assert')\nassert.true(0, 'zero')\nassert.fail('boom')\n", &st));
	CHECK_INT(st.failures, 2);
	CHECK_STR(st.first_failure, "line 2: zero");
}

TEST(freeze_and_module_value)
{
	struct assert_state st;
	CHECK(run("load('assert.star', 'assert', 'freeze')\n"
	          "x = [1]\nfreeze(x)\n"
	          "assert.fails(lambda: x.append(2), 'frozen')\n"
	          "assert.eq(type(assert), 'module')\n"
	          "assert.eq(str(assert), '<module \"assert\">')\n", &st));
	CHECK_INT(st.failures, 0);
	CHECK_INT(st.mismatches, 0);
	/* names assert.star does not export */
	CHECK(!run("load('assert.star', 'matches')\n", &st));
}

/* ---- limits of the embedding API ---- */

static const char *exec_error(const char *src, unsigned opts, uint64_t steps, bool cancel)
{
	static char msg[300];
	sl_thread *th = sl_thread_new();
	sl_thread_set_options(th, opts);
	if (steps)
		sl_thread_set_max_steps(th, steps);
	if (cancel)
		sl_thread_cancel(th, "stop requested");
	msg[0] = '\0';
	if (!sl_exec_file(th, "limits.star", src, strlen(src), NULL)) {
		const char *m = sl_error_message(th);
		snprintf(msg, sizeof msg, "%s", m ? m : "(no message)");
	}
	sl_thread_free(th);
	return msg;
}

TEST(step_limit_stops_infinite_loop)
{
	const char *src = "def spin():\n    while True:\n        pass\n\nspin()\n";
	CHECK_STR(exec_error(src, SL_OPT_WHILE, 100000, false),
	          "Starlark computation cancelled: too many steps");
	/* A loop that ends well within the limit runs to completion. */
	CHECK_STR(exec_error("def f():\n    n = 0\n    for i in range(100):\n        n += i\n    return n\nx = f()\n",
	                     0, 100000, false), "");
}

TEST(cancel_before_run)
{
	CHECK_STR(exec_error("def f():\n    for i in range(10):\n        pass\nf()\n", 0, 0, true),
	          "Starlark computation cancelled: stop requested");
}

TEST(recursion_limits)
{
	const char *src = "def f(n):\n    return f(n + 1)\n\nf(0)\n";
	const char *m = exec_error(src, 0, 0, false);
	CHECK(strstr(m, "called recursively") != NULL);
	m = exec_error(src, SL_OPT_RECURSION, 0, false);
	CHECK(m[0] != '\0');  /* stopped by the depth limit, with a message, no crash */
}
