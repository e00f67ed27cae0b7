/* tests/starlark/testtypes.c — the application-defined values that
 * go.starlark.net's tests predeclare, rebuilt on our embedding API:
 *
 *   hasfields()     eval_test.go: a value with settable fields, hash 42
 *   fibonacci       eval_test.go: an infinite iterable (type "fib")
 *   struct(**kw)    starlarkstruct.Make: the library's own struct builtin
 *   gensym(name=)   struct_test.go: a "symbol" whose calls build branded structs
 *
 * Only the hooks struct sl_opaque_type offers are implemented; what the
 * type cannot express yet (see known-failures.txt) fails in those chunks.
 */
#include "harness.h"

#include <string.h>

/* ---- hasfields ---- */

static sl_value hf_attr(sl_thread *th, sl_value self, const char *name)
{
	return sl_dict_get_str(SL_OPAQUE(self)->data, name);
}

static void hf_repr(sl_value self, struct sl_buf *b) { sl_buf_adds(b, "hasfields"); }

static void hf_freeze(sl_value self) { sl_freeze(SL_OPAQUE(self)->data); }

static int hf_hash(sl_thread *th, sl_value self, uint32_t *out)
{
	*out = 42;
	return 0;
}

static void hf_dir(sl_value self, sl_value list)
{
	/* The attrs dict is kept in sorted order by nothing; dir() sorts. */
	sl_value k, v;
	for (size_t i = 0; sl_dict_next(SL_OPAQUE(self)->data, &i, &k, &v);)
		sl_list_push(list, k);
}

static const struct sl_opaque_type hasfields_type = {
	.name = "hasfields",
	.attr = hf_attr,
	.repr = hf_repr,
	.freeze = hf_freeze,
	.hash = hf_hash,
	.dir = hf_dir,
};

static sl_value hasfields_new(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	return sl_opaque_new(&hasfields_type, sl_dict_new(4));
}

/* ---- fibonacci ---- */

static void fib_repr(sl_value self, struct sl_buf *b) { sl_buf_adds(b, "fib"); }

static const struct sl_opaque_type fib_type = {
	.name = "fib",
	.repr = fib_repr,
};

/* ---- gensym ---- */

struct symbol {
	sl_value name;   /* a string of its own (not interned): identity = the symbol */
};

static void sym_repr(sl_value self, struct sl_buf *b)
{
	struct symbol *s = SL_OPAQUE(self)->data;
	sl_buf_add(b, sl_str_data(s->name), sl_str_len(s->name));
}

/* Calling a symbol builds a struct branded with it. */
static sl_value sym_call(sl_thread *th, sl_value self, const struct sl_args *a)
{
	struct symbol *s = SL_OPAQUE(self)->data;
	if (a->npos)
		return sl_error(th, "%s: unexpected positional arguments", sl_str_data(s->name));
	sl_value *names = sl_alloc((a->nkw + 1) * sizeof *names);
	sl_value *values = sl_alloc((a->nkw + 1) * sizeof *values);
	for (size_t i = 0; i < a->nkw; i++) {
		names[i] = a->kw[2 * i];
		values[i] = a->kw[2 * i + 1];
	}
	sl_value st = sl_struct_new(th, names, values, a->nkw);
	if (st)
		SL_STRUCT(st)->ctor = s->name;
	return st;
}

static const struct sl_opaque_type symbol_type = {
	.name = "symbol",
	.repr = sym_repr,
	.call = sym_call,
};

static sl_value gensym(sl_thread *th, const struct sl_args *a)
{
	const char *name;
	if (sl_unpack(th, a, "name:S", &name) < 0)
		return NULL;
	struct symbol *s = sl_alloc(sizeof *s);
	s->name = sl_string(name, strlen(name));
	return sl_opaque_new(&symbol_type, s);
}

/* ---- predeclaring them ---- */

int testtypes_predeclare(sl_thread *th, sl_value dict)
{
	if (sl_dict_set(th, dict, sl_cstring("hasfields"),
	                sl_builtin_new("hasfields", hasfields_new, NULL)) < 0 ||
	    sl_dict_set(th, dict, sl_cstring("fibonacci"), sl_opaque_new(&fib_type, NULL)) < 0 ||
	    sl_dict_set(th, dict, sl_cstring("struct"),
	                sl_builtin_new("struct", sl_struct_builtin, NULL)) < 0 ||
	    sl_dict_set(th, dict, sl_cstring("gensym"), sl_builtin_new("gensym", gensym, NULL)) < 0)
		return -1;
	return 0;
}
