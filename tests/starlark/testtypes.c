/* tests/starlark/testtypes.c — the application-defined values that
 * go.starlark.net's tests predeclare, rebuilt on our embedding API:
 *
 *   hasfields()     eval_test.go: a value with settable fields, hash 42
 *   fibonacci       eval_test.go: an infinite iterable (type "fib")
 *   struct(**kw)    starlarkstruct.Make: the library's own struct builtin
 *   gensym(name=)   struct_test.go: a "symbol" whose calls build branded structs
 *
 * They are opaque values (struct sl_opaque_type) with go's behaviour.
 */
#include "harness.h"

#include <string.h>

/* ---- hasfields ---- */

struct hasfields {
	sl_value attrs;   /* dict name -> value */
	bool frozen;      /* set by freeze(): fields are read-only */
};

static sl_value hf_attr(sl_thread *th, sl_value self, const char *name)
{
	struct hasfields *hf = SL_OPAQUE(self)->data;
	return sl_dict_get_str(hf->attrs, name);
}

static void hf_repr(sl_value self, struct sl_buf *b) { sl_buf_adds(b, "hasfields"); }

static void hf_freeze(sl_value self)
{
	struct hasfields *hf = SL_OPAQUE(self)->data;
	hf->frozen = true;
	sl_freeze(hf->attrs);
}

static int hf_hash(sl_thread *th, sl_value self, uint32_t *out)
{
	*out = 42;
	return 0;
}

static void hf_dir(sl_value self, sl_value list)
{
	struct hasfields *hf = SL_OPAQUE(self)->data;
	sl_value k, v;
	for (size_t i = 0; sl_dict_next(hf->attrs, &i, &k, &v);)
		sl_list_push(list, k);
}

/* fold lowers ASCII letters and drops underscores, for spelling hints. */
static size_t fold(const char *s, char *out, size_t max)
{
	size_t n = 0;
	for (; *s && n < max; s++)
		if (*s != '_')
			out[n++] = (char)((*s >= 'A' && *s <= 'Z') ? *s - 'A' + 'a' : *s);
	return n;
}

/* distance: Levenshtein distance of two short strings. */
static size_t distance(const char *x, size_t nx, const char *y, size_t ny)
{
	size_t row[65];
	if (ny > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= ny; j++)
		row[j] = j;
	for (size_t i = 1; i <= nx; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= ny; j++) {
			size_t sub = prev + (x[i - 1] != y[j - 1]);
			size_t del = row[j - 1] + 1, ins = row[j] + 1;
			prev = row[j];
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	}
	return row[ny];
}

/* nearest: the attribute name closest to name (case and underscores
 * ignored, at most half the letters wrong), or NULL. */
static const char *nearest(sl_value attrs, const char *name)
{
	char fx[64], fy[64];
	size_t nx = fold(name, fx, sizeof fx);
	size_t best = (nx + 1) / 2;
	const char *found = NULL;
	sl_value k, v;
	for (size_t i = 0; sl_dict_next(attrs, &i, &k, &v);) {
		size_t ny = fold(sl_str_data(k), fy, sizeof fy);
		size_t d = distance(fx, nx, fy, ny);
		if (d < best) {
			best = d;
			found = sl_str_data(k);
		}
	}
	return found;
}

/* Any field may be set, except on a frozen value and, for testing (as in
 * eval_test.go), fields whose names start with "no". */
static int hf_setattr(sl_thread *th, sl_value self, const char *name, sl_value v)
{
	struct hasfields *hf = SL_OPAQUE(self)->data;
	if (hf->frozen) {
		sl_error(th, "cannot set field on a frozen hasfields");
		return -1;
	}
	if (strncmp(name, "no", 2) == 0) {
		const char *hint = nearest(hf->attrs, name);
		if (hint)
			sl_error(th, "no .%s field (did you mean .%s?)", name, hint);
		else
			sl_error(th, "no .%s field", name);
		return -1;
	}
	return sl_dict_set(th, hf->attrs, sl_cstring(name), v);
}

/* list + hasfields is 42: exercises `list += x` for a non-iterable x. */
static sl_value hf_binary(sl_thread *th, int op, sl_value x, sl_value y, bool right)
{
	sl_value other = right ? x : y;
	if (op == SL_OP_ADD && sl_kind(other) == SL_KLIST)
		return sl_int(42);
	return NULL;
}

static const struct sl_opaque_type hasfields_type = {
	.name = "hasfields",
	.attr = hf_attr,
	.repr = hf_repr,
	.freeze = hf_freeze,
	.hash = hf_hash,
	.dir = hf_dir,
	.setattr = hf_setattr,
	.binary = hf_binary,
};

static sl_value hasfields_new(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	struct hasfields *hf = sl_alloc(sizeof *hf);
	hf->attrs = sl_dict_new(4);
	return sl_opaque_new(&hasfields_type, hf);
}

/* ---- fibonacci ---- */

static void fib_repr(sl_value self, struct sl_buf *b) { sl_buf_adds(b, "fib"); }

/* Element *pos of the infinite Fibonacci sequence 0, 1, 1, 2, ... */
static sl_value fib_next(sl_thread *th, sl_value self, size_t *pos)
{
	sl_value a = sl_int(0), b = sl_int(1);
	for (size_t i = 0; i < *pos; i++) {
		sl_value c = sl_binary(th, SL_OP_ADD, a, b);
		if (!c)
			return NULL;
		a = b;
		b = c;
	}
	(*pos)++;
	return a;
}

static const struct sl_opaque_type fib_type = {
	.name = "fib",
	.repr = fib_repr,
	.iter_next = fib_next,
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
