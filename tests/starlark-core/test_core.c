/* tests/starlark-core/test_core.c — the interpreter core on its own: the
 * scanner's tokens and errors, parser and resolver errors with their
 * positions, values (big ints, float text, dict order, freezing), and the
 * embedding API (a predeclared C builtin with the argument parser, the load
 * callback, the call stack, step limits, cancellation, tracebacks). */
#include "test.h"
#include "starlark/starlark.h"
#include "starlark/syntax.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */
static struct sl_buf out;

static void capture_print(sl_thread *th, const char *msg, size_t len, void *ud)
{
	sl_buf_add(&out, msg, len);
	sl_buf_addc(&out, '\n');
}

/* run executes src and returns stdout, or "ERR:" + the formatted error. */
static const char *run_opts(const char *src, sl_value pre, unsigned opts)
{
	sl_buf_free(&out);
	sl_buf_add(&out, "", 0);
	sl_thread *th = sl_thread_new();
	sl_thread_set_options(th, opts);
	sl_thread_set_print(th, capture_print, NULL);
	struct sl_module *m = sl_exec_file(th, "t.star", src, strlen(src), pre);
	if (!m) {
		sl_buf_free(&out);
		sl_buf_adds(&out, "ERR:");
		sl_error_format(th, &out);
	}
	sl_thread_free(th);
	return out.data;
}
static const char *run(const char *src) { return run_opts(src, NULL, 0); }

static bool contains(const char *hay, const char *needle)
{
	bool ok = hay && strstr(hay, needle);
	if (!ok)
		fprintf(stderr, "  in: %s\n  missing: %s\n", hay ? hay : "(null)", needle);
	return ok;
}

/* ---- scanner ---- */
static int scan_all(const char *src, enum tok *toks, int max, struct sl_cerr *err)
{
	struct scanner s;
	memset(err, 0, sizeof *err);
	scan_init(&s, "s.star", src, strlen(src), err);
	int n = 0;
	do {
		scan_next(&s);
		if (n < max)
			toks[n++] = s.tok;
	} while (s.tok != T_EOF);
	return n;
}

TEST(scanner_tokens_and_indentation)
{
	enum tok t[64];
	struct sl_cerr err;
	int n = scan_all("def f(x):\n\tif x:  # c\n\t\treturn 0x1F + 1.5e3\n", t, 64, &err);
	enum tok want[] = {T_DEF, T_IDENT, T_LPAREN, T_IDENT, T_RPAREN, T_COLON, T_NEWLINE,
	                   T_INDENT, T_IF, T_IDENT, T_COLON, T_NEWLINE,
	                   T_INDENT, T_RETURN, T_INT, T_PLUS, T_FLOAT, T_NEWLINE,
	                   T_OUTDENT, T_OUTDENT, T_EOF};
	CHECK(!err.set);
	CHECK_INT(n, (int)(sizeof want / sizeof want[0]));
	for (int i = 0; i < n && i < (int)(sizeof want / sizeof want[0]); i++)
		CHECK_INT(t[i], want[i]);
}

TEST(scanner_joins_lines_in_brackets_and_after_backslash)
{
	enum tok t[32];
	struct sl_cerr err;
	int n = scan_all("x = [1,\n  2] + \\\n 3\n", t, 32, &err);
	enum tok want[] = {T_IDENT, T_EQ, T_LBRACK, T_INT, T_COMMA, T_INT, T_RBRACK, T_PLUS, T_INT, T_NEWLINE, T_EOF};
	CHECK(!err.set);
	CHECK_INT(n, 11);
	for (int i = 0; i < n && i < 11; i++)
		CHECK_INT(t[i], want[i]);
}

TEST(scanner_strings_and_escapes)
{
	CHECK_STR(run("print('a\\tb' + \"\\x41\\101\\u00e9\" + r'\\n' + '''x\ny''')\n"), "a\tbAAé\\nx\ny\n");
	CHECK_STR(run("print(len(b'\\xff\\x00'), repr(b'\\x01a'))\n"), "2 b\"\\x01a\"\n");
	CHECK_STR(run("print(0x10, 0o17, 0b101, 123456789012345678901234567890)\n"),
	          "16 15 5 123456789012345678901234567890\n");
}

TEST(scanner_errors_have_positions)
{
	CHECK(contains(run("x = 'abc\n"), "t.star:1:5: error: unexpected newline in string"));
	CHECK(contains(run("x = '\\q'\n"), "t.star:1:5: error: invalid escape sequence \\q"));
	CHECK(contains(run("x = 017\n"), "obsolete form of octal literal; use 0o17"));
	CHECK(contains(run("if x:\n    y\n  z\n"), "unindent does not match any outer indentation level"));
	CHECK(contains(run("x = 1 $ 2\n"), "t.star:1:7: error: unexpected input character '$'"));
}

/* ---- parser ---- */
TEST(parser_errors_have_positions)
{
	CHECK(contains(run("x = 1 +\n2\n"), "t.star:2:1: error: got newline, want primary expression"));
	CHECK(contains(run("a < b < c\n"), "error: < does not associate with < (use parens)"));
	CHECK(contains(run("f(1 = 2)\n"), "keyword argument must have form name=expr"));
	CHECK(contains(run("x = 1 if 2\n"), "t.star:1:7: error: conditional expression without else clause"));
	CHECK(contains(run("print(1\n"), "got end of file, want ')'"));
}

/* ---- resolver ---- */
TEST(resolver_errors)
{
	CHECK(contains(run("hello = 1\nprint(hollo)\n"), "t.star:2:7: error: undefined: hollo (did you mean hello?)"));
	CHECK(contains(run("x = 1\nx = 2\n"), "t.star:2:1: error: cannot reassign global x declared at t.star:1:1"));
	CHECK(contains(run("if True:\n  pass\n"), "if statement not within a function"));
	CHECK(contains(run("for x in []:\n  pass\n"), "for loop not within a function"));
	CHECK(contains(run("break\n"), "break not in a loop"));
	CHECK(contains(run("def f(a, a):\n  pass\n"), "duplicate parameter: a"));
	CHECK(contains(run("def f():\n  load('m', 'x')\n"), "load statement within a function"));
	CHECK(contains(run("def f():\n  while True:\n    pass\n"), "does not support while loops"));
	/* several errors are all reported, one line each */
	const char *r = run("print(a)\nprint(b)\n");
	CHECK(contains(r, "t.star:1:7: error: undefined: a"));
	CHECK(contains(r, "t.star:2:7: error: undefined: b"));
}

TEST(dialect_options)
{
	CHECK_STR(run_opts("x = 1\nx = 2\nprint(x)\n", NULL, SL_OPT_GLOBALREASSIGN), "2\n");
	CHECK_STR(run_opts("for i in range(2):\n  print(i)\n", NULL, SL_OPT_TOPLEVELCONTROL), "0\n1\n");
	CHECK_STR(run_opts("def f():\n  i = 0\n  while i < 3:\n    i += 1\n  return i\nprint(f())\n", NULL, SL_OPT_WHILE), "3\n");
	CHECK(contains(run("def f(n):\n  return f(n - 1) if n else 0\nf(3)\n"), "function f called recursively"));
	CHECK_STR(run_opts("def f(n):\n  return f(n - 1) + n if n else 0\nprint(f(100))\n", NULL, SL_OPT_RECURSION), "5050\n");
	CHECK(contains(run_opts("def f(n):\n  return f(n + 1)\nf(0)\n", NULL, SL_OPT_RECURSION), "stack overflow"));
	CHECK_INT(sl_option_parse("loadbindsglobally"), SL_OPT_LOADBINDSGLOBALLY);
	CHECK_INT(sl_option_parse("nope"), 0);
}

/* ---- values ---- */
TEST(values_and_operators)
{
	CHECK_STR(run("print(2 * 4611686018427387904, -7 // 2, -7 % 3, 7 % -3, 1 << 65, -(1 << 70) >> 68)\n"),
	          "9223372036854775808 -4 2 -2 36893488147419103232 -4\n");
	CHECK_STR(run("print(1.0, 1e6, 123456.0, 1e-5, 0.1 + 0.2, 3 / 2, float('inf') if False else 2.5)\n"),
	          "1.0 1e+06 123456.0 1e-05 0.30000000000000004 1.5 2.5\n");
	CHECK_STR(run("d = {'b': 1, 'a': 2}\nd['c'] = 3\nprint(d, [k for k in d], 1 == 1.0, {1: 'x'}[1.0])\n"),
	          "{\"b\": 1, \"a\": 2, \"c\": 3} [\"b\", \"a\", \"c\"] True x\n");
	CHECK_STR(run("print('hello'[1:4], 'hello'[::-2], [1, 2, 3][-1], (1,), (1, 2) < (1, 3))\n"),
	          "ell olh 3 (1,) True\n");
	CHECK_STR(run("a, [b, c] = 1, (2, 3)\ndef f():\n  x = [1]\n  x += [2]\n  return x\nprint(a, b, c, f(), 'ab' in 'cabd', 3 not in [1])\n"),
	          "1 2 3 [1, 2] True True\n");
}

TEST(freezing_and_iteration_errors)
{
	CHECK(contains(run("def f():\n  x = [1]\n  for a in x:\n    x.append(a)\nf()\n"),
	               "cannot append to list during iteration"));
	sl_thread *th = sl_thread_new();
	const char *src = "x = [1]\n";
	struct sl_module *m = sl_exec_file(th, "m.star", src, strlen(src), NULL);
	CHECK(m != NULL);
	sl_value x = sl_module_get(m, "x");
	CHECK(x && sl_is_frozen(x));
	CHECK_INT(sl_list_append(th, x, sl_int(2)), -1);
	CHECK_STR(sl_error_message(th), "cannot append to frozen list");
	sl_thread_free(th);
}

/* ---- embedding ---- */
static sl_value greet(sl_thread *th, const struct sl_args *a)
{
	const char *name;
	int64_t times = 1;
	bool loud = false;
	if (sl_unpack(th, a, "name:S times?:i loud:b", &name, &times, &loud) < 0)
		return NULL;
	struct sl_frame_info fi;
	if (!sl_stack_frame(th, 0, &fi))
		return sl_error(th, "no caller");
	struct sl_buf b = SL_BUF_INIT;
	for (int64_t i = 0; i < times; i++)
		sl_buf_printf(&b, "%s%s ", loud ? "HI " : "hi ", name);
	sl_buf_printf(&b, "from %s:%d in %s", fi.path, fi.line, fi.name);
	return sl_buf_string(&b);
}

static sl_value predeclared(void)
{
	sl_value pre = sl_dict_new(0);
	sl_dict_set(NULL, pre, sl_cstring("greet"), sl_builtin_new("greet", greet, NULL));
	sl_dict_set(NULL, pre, sl_cstring("struct"), sl_builtin_new("struct", sl_struct_builtin, NULL));
	return pre;
}

TEST(builtin_argument_parser_and_call_stack)
{
	sl_value pre = predeclared();
	CHECK_STR(run_opts("def f():\n  return greet('bob', loud=True, times=2)\nprint(f())\n", pre, 0),
	          "HI bob HI bob from t.star:2 in f\n");
	CHECK(contains(run_opts("greet()\n", pre, 0), "greet: missing argument for name"));
	CHECK(contains(run_opts("greet('a', loud=1)\n", pre, 0), "greet: for parameter \"loud\": got int, want bool"));
	CHECK(contains(run_opts("greet(1)\n", pre, 0), "greet: for parameter name: got int, want string"));
	CHECK(contains(run_opts("greet('a', nope=1)\n", pre, 0), "greet: unexpected keyword argument \"nope\""));
	CHECK(contains(run_opts("greet('a', 1, True, 4)\n", pre, 0), "greet: got 4 arguments, want at most 3"));
	CHECK_STR(run_opts("s = struct(b=1, a='x')\nprint(s, s.a, dir(s))\n", pre, 0),
	          "struct(a = \"x\", b = 1) x [\"a\", \"b\"]\n");
}

static struct sl_module *loader(sl_thread *th, const char *name, void *ud)
{
	if (strcmp(name, "lib.star") != 0) {
		sl_error(th, "no such module");
		return NULL;
	}
	const char *src = "def double(x):\n  return 2 * x\nanswer = double(21)\n_hidden = 1\n";
	return sl_exec_file(th, name, src, strlen(src), NULL);
}

TEST(load_callback)
{
	sl_buf_free(&out);
	sl_thread *th = sl_thread_new();
	sl_thread_set_load(th, loader, NULL);
	sl_thread_set_print(th, capture_print, NULL);
	const char *src = "load('lib.star', 'answer', d='double')\nprint(answer, d(4))\n";
	CHECK(sl_exec_file(th, "main.star", src, strlen(src), NULL) != NULL);
	CHECK_STR(out.data, "42 8\n");
	const char *bad = "load('lib.star', 'nothere')\n";
	CHECK(sl_exec_file(th, "main.star", bad, strlen(bad), NULL) == NULL);
	CHECK(contains(sl_error_message(th), "load: name nothere not found in module lib.star"));
	const char *bad2 = "load('other.star', 'x')\n";
	CHECK(sl_exec_file(th, "main.star", bad2, strlen(bad2), NULL) == NULL);
	CHECK(contains(sl_error_message(th), "no such module"));
	sl_thread_free(th);
}

TEST(step_limit_and_cancellation)
{
	sl_thread *th = sl_thread_new();
	sl_thread_set_max_steps(th, 1000);
	const char *src = "def f():\n  n = 0\n  for i in range(100000):\n    n += i\n  return n\nf()\n";
	CHECK(sl_exec_file(th, "s.star", src, strlen(src), NULL) == NULL);
	CHECK_STR(sl_error_message(th), "Starlark computation cancelled: too many steps");
	sl_thread_free(th);
	th = sl_thread_new();
	sl_thread_cancel(th, "deadline");
	CHECK(sl_exec_file(th, "s.star", src, strlen(src), NULL) == NULL);
	CHECK_STR(sl_error_message(th), "Starlark computation cancelled: deadline");
	sl_thread_free(th);
}

TEST(error_traceback_text)
{
	const char *r = run("def f(x):\n  return g(x) + 1\n\ndef g(y):\n  return 1 // y\n\nf(0)\n");
	CHECK_STR(r, "ERR:t.star:5:12: error: floored division by zero\n"
	             "  at t.star:5:12 in g\n"
	             "  at t.star:2:11 in f\n"
	             "  at t.star:7:2 in <toplevel>\n");
}

TEST(call_from_c_and_eval_expr)
{
	sl_thread *th = sl_thread_new();
	const char *src = "def add(a, b=10, *rest, **kw):\n  return a + b + len(rest) + len(kw)\n";
	struct sl_module *m = sl_exec_file(th, "c.star", src, strlen(src), NULL);
	CHECK(m != NULL);
	sl_value fn = sl_module_get(m, "add");
	sl_value args[] = {sl_int(1), sl_int(2), sl_int(3)};
	sl_value kw[] = {sl_cstring("z"), SL_NONE};
	sl_value r = sl_call(th, fn, args, 3, kw, 1);
	int64_t v = 0;
	CHECK(r && sl_int_to_i64(r, &v));
	CHECK_INT(v, 5);
	r = sl_call(th, fn, NULL, 0, NULL, 0);
	CHECK(r == NULL);
	CHECK_STR(sl_error_message(th), "function add missing 1 argument (a)");
	sl_error_clear(th);
	r = sl_eval_expr(th, "<e>", "[x * 2 for x in range(3)]", 25, NULL);
	struct sl_buf b = SL_BUF_INIT;
	if (r)
		sl_repr(r, &b);
	CHECK_STR(b.data, "[0, 2, 4]");
	sl_buf_free(&b);
	sl_thread_free(th);
}

TEST(deep_nesting_is_an_error_not_a_crash)
{
	size_t n = 100000;
	char *src = malloc(2 * n + 16);
	strcpy(src, "x = ");
	size_t k = 4;
	for (size_t i = 0; i < n; i++)
		src[k++] = '[';
	for (size_t i = 0; i < n; i++)
		src[k++] = ']';
	src[k++] = '\n';
	src[k] = 0;
	CHECK(contains(run(src), "nested too deeply"));
	free(src);
	CHECK(contains(run("def build(n):\n  x = []\n  for i in range(n):\n    x = [x]\n  return x\n"
	                   "a = build(100000)\nb = build(100000)\nprint(a == b)\n"),
	               "comparison exceeded maximum recursion depth"));
	const char *r = run("def build(n):\n  x = []\n  for i in range(n):\n    x = [x]\n  return x\n"
	                    "s = str(build(100000))\nprint(len(s) > 1000)\n");
	CHECK_STR(r, "True\n");
}

/* Last, because it turns the collector on for the rest of the process:
 * garbage-heavy code still computes the right answers, and a module kept
 * only in a local variable survives many collections. */
TEST(garbage_collection_keeps_live_values)
{
	sl_gc_enable(true);
	sl_thread *th = sl_thread_new();
	const char *lib = "def mk(n):\n  return {str(i): [i] * 3 for i in range(n)}\nkeep = mk(100)\n"
	                  "big = 1 << 200\n";
	struct sl_module *m = sl_exec_file(th, "lib.star", lib, strlen(lib), NULL);
	CHECK(m != NULL);
	const char *work = "def churn():\n"
	                   "  t = 0\n"
	                   "  for r in range(200):\n"
	                   "    d = {i: str(i) * 3 for i in range(500)}\n"
	                   "    l = [(k, v) for k, v in d.items() if k % 7 == 0]\n"
	                   "    f = lambda x: x + len(l)\n"
	                   "    t = (t + f(r) + len(d[499]) + ((1 << 100) + r) % 1000) % 1000003\n"
	                   "  return t\n"
	                   "print(churn())\n";
	sl_buf_free(&out);
	sl_thread_set_print(th, capture_print, NULL);
	CHECK(sl_exec_file(th, "work.star", work, strlen(work), NULL) != NULL);
	/* the same program without collection pressure gives the same answer */
	struct sl_buf first = out;
	out = (struct sl_buf)SL_BUF_INIT;
	CHECK(sl_exec_file(th, "work.star", work, strlen(work), NULL) != NULL);
	CHECK_STR(out.data, first.data);
	sl_buf_free(&first);
	sl_value keep = sl_module_get(m, "keep");
	CHECK(keep && sl_kind(keep) == SL_KDICT && sl_dict_len(keep) == 100);
	sl_value v = keep ? sl_dict_get_str(keep, "42") : NULL;
	struct sl_buf b = SL_BUF_INIT;
	if (v)
		sl_repr(v, &b);
	CHECK_STR(b.data, "[42, 42, 42]");
	sl_buf_free(&b);
	sl_value big = sl_module_get(m, "big");
	if (big)
		sl_int_format(big, 16, &b);
	CHECK_STR(b.data, "100000000000000000000000000000000000000000000000000");
	sl_buf_free(&b);
	sl_thread_free(th);
}
