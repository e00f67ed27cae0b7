/* gen/starlark/lib_universe.c — the universe: the table of every built-in
 * function of the spec (abs ... zip, plus set), and the builtins about
 * iterables, containers, attributes and output.  Numbers and characters
 * are in lib_convert.c, sorted/min/max in lib_sort.c, set in lib_set.c.
 */
#include "starlark/lib.h"

#include <string.h>

/* ---- iterables ---- */

/* iterable_arg unpacks the one optional iterable argument of list, tuple,
 * reversed, any...: *out stays NULL when absent and min is 0. */
static int iterable_arg(sl_thread *th, const struct sl_args *a, size_t min, sl_value *out)
{
	*out = NULL;
	if (sl_unpack_positional(th, a, min, "iterable", out) < 0)
		return -1;
	if (*out && sl_lib_want_iterable(th, a->name, NULL, 1, *out) < 0)
		return -1;
	return 0;
}

/* any_all: want is the truth value that decides early (true for any). */
static sl_value any_all(sl_thread *th, const struct sl_args *a, bool want)
{
	sl_value x, v;
	struct sl_iter it;
	if (iterable_arg(th, a, 1, &x) < 0 || !sl_iter_start(th, x, &it))
		return NULL;
	bool found = false;
	while (!found && sl_iter_next(&it, &v))
		found = sl_truth(v) == want;
	sl_iter_done(&it);
	return sl_bool(found == want);
}

static sl_value bi_any(sl_thread *th, const struct sl_args *a) { return any_all(th, a, true); }
static sl_value bi_all(sl_thread *th, const struct sl_args *a) { return any_all(th, a, false); }

static sl_value bi_list(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	size_t n = 0;
	if (iterable_arg(th, a, 0, &x) < 0)
		return NULL;
	sl_value *items = x ? sl_lib_to_array(th, x, &n) : NULL;
	if (x && !items)
		return NULL;
	return sl_list_from(items, n);
}

static sl_value bi_tuple(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	size_t n = 0;
	if (iterable_arg(th, a, 0, &x) < 0)
		return NULL;
	if (!x)
		return SL_EMPTY_TUPLE;
	if (sl_kind(x) == SL_KTUPLE)
		return x;
	sl_value *items = sl_lib_to_array(th, x, &n);
	return items ? sl_tuple_from(items, n) : NULL;
}

static sl_value bi_reversed(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	size_t n;
	if (iterable_arg(th, a, 1, &x) < 0)
		return NULL;
	sl_value *items = sl_lib_to_array(th, x, &n);
	if (!items)
		return NULL;
	sl_value list = sl_list_new(n);
	while (n > 0)
		sl_list_push(list, items[--n]);
	return list;
}

static sl_value bi_enumerate(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	int64_t start = 0;
	size_t n;
	/* Go takes start only positionally; the spec names it, so allow both. */
	if (sl_unpack(th, a, "iterable start?:i", &x, &start) < 0)
		return NULL;
	if (sl_lib_want_iterable(th, a->name, NULL, 1, x) < 0)
		return NULL;
	sl_value *items = sl_lib_to_array(th, x, &n);
	if (!items)
		return NULL;
	sl_value list = sl_list_new(n);
	for (size_t i = 0; i < n; i++) {
		/* Wraps around like Go's int rather than overflowing. */
		sl_value pair[2] = {sl_int((int64_t)((uint64_t)start + i)), items[i]};
		sl_list_push(list, sl_tuple_from(pair, 2));
	}
	return list;
}

static sl_value bi_zip(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	size_t cols = a->npos, rows = 0;
	sl_value **arrays = sl_alloc((cols ? cols : 1) * sizeof *arrays);
	for (size_t j = 0; j < cols; j++) {
		size_t n;
		if (!sl_iterable(a->pos[j]))
			return sl_error(th, "zip: argument #%zu is not iterable: %s", j + 1, sl_type_name(a->pos[j]));
		if (!(arrays[j] = sl_lib_to_array(th, a->pos[j], &n)))
			return NULL;
		if (j == 0 || n < rows)
			rows = n;
	}
	sl_value list = sl_list_new(rows);
	for (size_t i = 0; i < rows; i++) {
		sl_value t = sl_tuple_new(cols);
		for (size_t j = 0; j < cols; j++)
			SL_TUPLE(t)->items[j] = arrays[j][i];
		sl_list_push(list, t);
	}
	return list;
}

static sl_value bi_len(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	int64_t n = sl_len(x);
	if (n < 0)
		return sl_error(th, "len: value of type %s has no len", sl_type_name(x));
	return sl_int(n);
}

/* ---- constructors and conversions ---- */

static sl_value bi_bytes(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "bytes: got %zu arguments, want exactly 1", a->npos);
	sl_value x = a->pos[0];
	if (sl_kind(x) == SL_KBYTES)
		return x;
	if (sl_kind(x) == SL_KSTRING)
		return sl_lib_utf8_transcode(sl_str_data(x), sl_str_len(x), true);
	if (!sl_iterable(x))
		return sl_error(th, "bytes: got %s, want string, bytes, or iterable of ints", sl_type_name(x));
	size_t n;
	sl_value *items = sl_lib_to_array(th, x, &n);
	if (!items)
		return NULL;
	sl_value b = sl_bytes_new(n);
	for (size_t i = 0; i < n; i++) {
		int64_t c;
		if (sl_kind(items[i]) != SL_KINT)
			return sl_error(th, "bytes: at index %zu, got %s, want int", i, sl_type_name(items[i]));
		if (!sl_int_to_i64(items[i], &c) || c < 0 || c > 255)
			return sl_error(th, "bytes: at index %zu, %s out of range (want value in unsigned 8-bit range)",
			                i, sl_repr_cstr(items[i]));
		SL_STR(b)->data[i] = (char)c;
	}
	return b;
}

static sl_value bi_dict(sl_thread *th, const struct sl_args *a)
{
	if (a->npos > 1)
		return sl_error(th, "dict: got %zu arguments, want at most 1", a->npos);
	sl_value d = sl_dict_new(0);
	if (sl_lib_dict_update(th, d, a) < 0)
		return sl_lib_rewrap(th, "dict");
	return d;
}

static sl_value bi_str(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "str: got %zu arguments, want exactly 1", a->npos);
	sl_value x = a->pos[0];
	if (sl_kind(x) == SL_KSTRING)
		return x;
	if (sl_kind(x) == SL_KBYTES)
		return sl_lib_utf8_transcode(sl_str_data(x), sl_str_len(x), false);
	struct sl_buf b = SL_BUF_INIT;
	sl_str(x, &b);
	return sl_buf_string(&b);
}

static sl_value bi_repr(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	struct sl_buf b = SL_BUF_INIT;
	sl_repr(x, &b);
	return sl_buf_string(&b);
}

static sl_value bi_type(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "type: got %zu arguments, want exactly 1", a->npos);
	return sl_cstring(sl_type_name(a->pos[0]));
}

/* ---- attributes ---- */

static sl_value bi_dir(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "dir: got %zu arguments, want 1", a->npos);
	return sl_dir(a->pos[0]);
}

static sl_value bi_getattr(sl_thread *th, const struct sl_args *a)
{
	sl_value x, name, dflt = NULL;
	if (sl_unpack_positional(th, a, 2, "x name:s default", &x, &name, &dflt) < 0)
		return NULL;
	sl_value v = sl_attr(th, x, sl_str_data(name));
	if (v)
		return v;
	if (dflt) {
		sl_error_clear(th);
		return dflt;
	}
	return sl_lib_rewrap(th, a->name);
}

static sl_value bi_hasattr(sl_thread *th, const struct sl_args *a)
{
	sl_value x, name;
	if (sl_unpack_positional(th, a, 2, "x name:s", &x, &name) < 0)
		return NULL;
	return sl_bool(sl_hasattr(th, x, sl_str_data(name)));
}

/* ---- output and failure ---- */

/* join_args writes the positional arguments separated by sep, strings
 * (and, for print, bytes) as their text and other values as repr. */
static void join_args(const struct sl_args *a, sl_value sep, bool raw_bytes, struct sl_buf *b)
{
	for (size_t i = 0; i < a->npos; i++) {
		if (i > 0)
			sl_buf_add(b, sl_str_data(sep), sl_str_len(sep));
		sl_value v = a->pos[i];
		if (raw_bytes && sl_kind(v) == SL_KBYTES)
			sl_buf_add(b, sl_str_data(v), sl_str_len(v));
		else
			sl_lib_write_str(v, b);
	}
}

static sl_value bi_print(sl_thread *th, const struct sl_args *a)
{
	sl_value sep = sl_string(" ", 1);
	if (sl_lib_kw_only(th, a, "sep?:s", &sep) < 0)
		return NULL;
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_add(&b, "", 0);
	join_args(a, sep, true, &b);
	sl_print(th, b.data, b.len);
	sl_buf_free(&b);
	return SL_NONE;
}

static sl_value bi_fail(sl_thread *th, const struct sl_args *a)
{
	sl_value sep = sl_string(" ", 1);
	if (sl_lib_kw_only(th, a, "sep?:s", &sep) < 0)
		return NULL;
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_adds(&b, "fail: ");
	join_args(a, sep, false, &b);
	sl_error(th, "%s", b.data);
	sl_buf_free(&b);
	return NULL;
}

const struct sl_builtin_def sl_universe[] = {
	{"abs", sl_lib_abs},
	{"all", bi_all},
	{"any", bi_any},
	{"bool", sl_lib_bool},
	{"bytes", bi_bytes},
	{"chr", sl_lib_chr},
	{"dict", bi_dict},
	{"dir", bi_dir},
	{"enumerate", bi_enumerate},
	{"fail", bi_fail},
	{"float", sl_lib_float},
	{"getattr", bi_getattr},
	{"hasattr", bi_hasattr},
	{"hash", sl_lib_hash},
	{"int", sl_lib_int},
	{"len", bi_len},
	{"list", bi_list},
	{"max", sl_lib_minmax},
	{"min", sl_lib_minmax},
	{"ord", sl_lib_ord},
	{"print", bi_print},
	{"range", sl_lib_range},
	{"repr", bi_repr},
	{"reversed", bi_reversed},
	{"set", sl_lib_set},
	{"sorted", sl_lib_sorted},
	{"str", bi_str},
	{"tuple", bi_tuple},
	{"type", bi_type},
	{"zip", bi_zip},
	{NULL, NULL},
};
