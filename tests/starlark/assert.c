/* tests/starlark/assert.c — the native `assert.star` module for the
 * conformance runner: assert.eq/ne/true/lt/contains/fails/fail and freeze,
 * with go.starlark.net's messages (starlarktest/assert.star), and the
 * "module" value type that holds them. */
#include "harness.h"
#include "chunks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- recording failures ---- */

void assert_note(sl_thread *th, bool strict_only, const char *fmt, ...)
{
	struct assert_state *st = sl_thread_data(th);
	if (!st)
		return;
	char msg[sizeof st->first_failure];
	int off = 0;
	struct sl_frame_info fi;
	if (sl_stack_frame(th, 0, &fi))
		off = snprintf(msg, sizeof msg, "line %d: ", fi.line);
	if (off < 0 || (size_t)off >= sizeof msg)
		off = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + off, sizeof msg - (size_t)off, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)  /* one line per report */
		if (*p == '\n')
			*p = ' ';
	size_t used = strlen(st->all);
	snprintf(st->all + used, sizeof st->all - used, "%s%s\n",
	         strict_only ? "(strict) " : "", msg);
	int *count = strict_only ? &st->mismatches : &st->failures;
	if ((*count)++ == 0)
		memcpy(strict_only ? st->first_mismatch : st->first_failure, msg, sizeof msg);
	if (st->verbose)
		fprintf(stderr, "%s: %s\n", strict_only ? "mismatch" : "assertion failed", msg);
}

/* text returns repr (quote) or str of v as a malloc'd C string. */
static char *text(sl_value v, bool quote)
{
	struct sl_buf b = SL_BUF_INIT;
	if (quote)
		sl_repr(v, &b);
	else
		sl_str(v, &b);
	if (!b.data)
		return strdup("");
	return b.data;
}

/* ---- the assertions ---- */

static sl_value a_eq(sl_thread *th, const struct sl_args *a)
{
	sl_value x, y;
	if (sl_unpack(th, a, "x y", &x, &y) < 0)
		return NULL;
	int eq = sl_equal(th, x, y);
	if (eq < 0)
		return NULL;
	bool want = strcmp(a->name, "eq") == 0;
	if (eq != want) {
		char *xs = text(x, true), *ys = text(y, true);
		assert_note(th, false, "%s %s %s", xs, want ? "!=" : "==", ys);
		free(xs);
		free(ys);
	}
	return SL_NONE;
}

static sl_value a_true(sl_thread *th, const struct sl_args *a)
{
	sl_value cond, msg = NULL;
	if (sl_unpack(th, a, "cond msg?", &cond, &msg) < 0)
		return NULL;
	if (!sl_truth(cond)) {
		char *m = msg ? text(msg, false) : strdup("assertion failed");
		assert_note(th, false, "%s", m);
		free(m);
	}
	return SL_NONE;
}

static sl_value a_lt(sl_thread *th, const struct sl_args *a)
{
	sl_value x, y;
	if (sl_unpack(th, a, "x y", &x, &y) < 0)
		return NULL;
	int lt = sl_compare(th, SL_OP_LT, x, y);
	if (lt < 0)
		return NULL;
	if (!lt) {
		char *xs = text(x, false), *ys = text(y, false);
		assert_note(th, false, "%s is not less than %s", xs, ys);
		free(xs);
		free(ys);
	}
	return SL_NONE;
}

static sl_value a_contains(sl_thread *th, const struct sl_args *a)
{
	sl_value x, y;
	if (sl_unpack(th, a, "x y", &x, &y) < 0)
		return NULL;
	int in = sl_contains(th, x, y);
	if (in < 0)
		return NULL;
	if (!in) {
		char *xs = text(x, false), *ys = text(y, false);
		assert_note(th, false, "%s does not contain %s", xs, ys);
		free(xs);
		free(ys);
	}
	return SL_NONE;
}

/* assert.fails(f, pattern): f() must fail with an error matching pattern.
 * An error that does not match counts against strict mode only. */
static sl_value a_fails(sl_thread *th, const struct sl_args *a)
{
	sl_value f;
	const char *pattern;
	if (sl_unpack(th, a, "f pattern:S", &f, &pattern) < 0)
		return NULL;
	sl_value r = sl_call(th, f, NULL, 0, NULL, 0);
	if (r) {
		assert_note(th, false, "evaluation succeeded unexpectedly (want error matching %s)",
		            pattern);
		return SL_NONE;
	}
	const char *m = sl_error_message(th);
	char *msg = strdup(m ? m : "");
	/* Cancellation (step limit) is not the function's error: let it stop the chunk. */
	if (strncmp(msg, "Starlark computation cancelled", 30) == 0) {
		free(msg);
		return NULL;
	}
	sl_error_clear(th);
	regex_t re;
	char err[200];
	if (go_regex_compile(&re, pattern, err, sizeof err) != 0) {
		free(msg);
		return sl_error(th, "matches: %s", err);
	}
	if (!go_regex_search(&re, msg))
		assert_note(th, true, "regular expression (%s) did not match error (%s)", pattern, msg);
	regfree(&re);
	free(msg);
	return SL_NONE;
}

/* assert.fail(msg) is go's `error` builtin: report and continue. */
static sl_value a_fail(sl_thread *th, const struct sl_args *a)
{
	if (a->npos != 1 || a->nkw)
		return sl_error(th, "error: got %zu arguments, want 1", a->npos + a->nkw);
	char *m = text(a->pos[0], false);
	assert_note(th, false, "%s", m);
	free(m);
	return SL_NONE;
}

static sl_value a_freeze(sl_thread *th, const struct sl_args *a)
{
	if (a->nkw)
		return sl_error(th, "freeze does not accept keyword arguments");
	if (a->npos != 1)
		return sl_error(th, "freeze got %zu arguments, wants 1", a->npos);
	sl_freeze(a->pos[0]);
	return a->pos[0];
}

/* ---- the "module" value type (go's starlarkstruct.Module) ---- */

struct modval {
	const char *name;   /* shown by repr: <module "name"> */
	sl_value members;   /* dict name -> value */
};

static sl_value mod_attr(sl_thread *th, sl_value self, const char *name)
{
	struct modval *m = SL_OPAQUE(self)->data;
	return sl_dict_get_str(m->members, name);  /* NULL, no error: no such attribute */
}

static void mod_repr(sl_value self, struct sl_buf *b)
{
	struct modval *m = SL_OPAQUE(self)->data;
	sl_buf_printf(b, "<module \"%s\">", m->name);
}

static void mod_freeze(sl_value self)
{
	struct modval *m = SL_OPAQUE(self)->data;
	sl_freeze(m->members);
}

static int mod_hash(sl_thread *th, sl_value self, uint32_t *out)
{
	sl_error(th, "unhashable: module");
	return -1;
}

static void mod_dir(sl_value self, sl_value list)
{
	struct modval *m = SL_OPAQUE(self)->data;
	sl_value k, v;
	for (size_t i = 0; sl_dict_next(m->members, &i, &k, &v);)
		sl_list_push(list, k);
}

static const struct sl_opaque_type module_type = {
	.name = "module",
	.attr = mod_attr,
	.repr = mod_repr,
	.freeze = mod_freeze,
	.hash = mod_hash,
	.dir = mod_dir,
};

/* ---- the assert.star module ---- */

struct sl_module *assert_module(sl_thread *th, const char *path)
{
	/* Members in sorted order, as dir() of go's module shows them. */
	static const struct { const char *name; sl_builtin_fn fn; } fns[] = {
		{"contains", a_contains}, {"eq", a_eq}, {"fail", a_fail}, {"fails", a_fails},
		{"lt", a_lt}, {"ne", a_eq}, {"true", a_true},
	};
	sl_value members = sl_dict_new(8);
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (sl_dict_set(th, members, sl_cstring(fns[i].name),
		                sl_builtin_new(fns[i].name, fns[i].fn, NULL)) < 0)
			return NULL;
	struct modval *m = sl_alloc(sizeof *m);
	m->name = "assert";
	m->members = members;
	sl_value assert = sl_opaque_new(&module_type, m);
	sl_freeze(assert);

	sl_value globals = sl_dict_new(2);
	if (sl_dict_set(th, globals, sl_cstring("assert"), assert) < 0 ||
	    sl_dict_set(th, globals, sl_cstring("freeze"), sl_builtin_new("freeze", a_freeze, NULL)) < 0)
		return NULL;
	return sl_module_new(path, globals);
}
