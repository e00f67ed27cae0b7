/* gen/starlark/lib_universe.c — the universe: every built-in function of
 * the spec (abs ... zip, plus set), with go.starlark.net's semantics and
 * error messages.  None/True/False are the interpreter's; `set` lives in
 * lib_set.c; the helpers of int() and sorted() are here too.
 */
#include "starlark/lib.h"
#include "starlark/lib_unicode.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* no_kwargs / exactly: the checks of builtins Go writes by hand. */
static int no_kwargs(sl_thread *th, const struct sl_args *a)
{
	if (a->nkw == 0)
		return 0;
	sl_error(th, "%s does not accept keyword arguments", a->name);
	return -1;
}

/* kw_only unpacks only the keyword arguments of a (fail, print, min...). */
static int kw_only(sl_thread *th, const struct sl_args *a, const char *spec, void *out)
{
	struct sl_args k = *a;
	k.npos = 0;
	return sl_unpack(th, &k, spec, out);
}

/* ---- numbers ---- */

static sl_value bi_abs(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	if (sl_kind(x) == SL_KFLOAT)
		return sl_float(fabs(sl_float_get(x)));
	if (sl_kind(x) != SL_KINT)
		return sl_error(th, "got %s, want int or float", sl_type_name(x));
	return sl_int_sign(x) >= 0 ? x : sl_unary(th, SL_OP_NEG, x);
}

static sl_value bi_bool(sl_thread *th, const struct sl_args *a)
{
	sl_value x = SL_FALSE;
	if (sl_unpack_positional(th, a, 0, "x", &x) < 0)
		return NULL;
	return sl_bool(sl_truth(x));
}

/* digit_value: the value of an int-literal digit, or 99. */
static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* parse_int implements int(string, base) as go.starlark.net does: a sign,
 * then a 0x/0o/0b prefix if base is 0 or agrees with it, then digits.
 * With base 0 and no prefix a leading 0 allows only zeros.  NULL if s is
 * not a valid literal (no error raised). */
static sl_value parse_int(sl_thread *th, const char *s, size_t n, int base)
{
	bool neg = false;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++, n--;
	}
	if (n > 1 && s[0] == '0') {
		int prefix = 0;
		if (n > 2) {
			char c = (char)tolower((unsigned char)s[1]);
			prefix = c == 'o' ? 8 : c == 'x' ? 16 : c == 'b' ? 2 : 0;
		}
		if (prefix && (base == 0 || base == prefix)) {
			base = prefix;
			s += 2, n -= 2;
		} else if (!prefix && base == 0) {
			for (size_t i = 1; i < n; i++)
				if (s[i] != '0')
					return NULL; /* int("0755", 0) is refused */
			return sl_int(0);
		}
	}
	if (base == 0)
		base = 10;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (digit_value(s[i]) >= base)
			return NULL;
	sl_value v = sl_int_parse(s, n, base);
	if (v && neg)
		v = sl_unary(th, SL_OP_NEG, v);
	return v;
}

static sl_value bi_int(sl_thread *th, const struct sl_args *a)
{
	sl_value x = NULL, base = NULL;
	if (sl_unpack(th, a, "x base?", &x, &base) < 0)
		return NULL;
	if (sl_kind(x) == SL_KSTRING) {
		int64_t b = 10;
		if (base) {
			if (sl_kind(base) != SL_KINT || !sl_int_to_i64(base, &b))
				return sl_error(th, "int: for base, got %s, want int", sl_type_name(base));
			if (b != 0 && (b < 2 || b > 36))
				return sl_error(th, "int: base must be an integer >= 2 && <= 36");
		}
		sl_value v = parse_int(th, sl_str_data(x), sl_str_len(x), (int)b);
		if (!v)
			return sl_error(th, "int: invalid literal with base %d: %.*s", (int)b,
			                (int)sl_str_len(x), sl_str_data(x));
		return v;
	}
	if (base)
		return sl_error(th, "int: can't convert non-string with explicit base");
	switch (sl_kind(x)) {
	case SL_KBOOL:
		return sl_int(x == SL_TRUE);
	case SL_KINT:
		return x;
	case SL_KFLOAT: {
		double d = sl_float_get(x);
		if (isnan(d))
			return sl_error(th, "int: cannot convert float NaN to integer");
		if (isinf(d))
			return sl_error(th, "int: cannot convert float infinity to integer");
		return sl_int_from_double(th, d);
	}
	default:
		return sl_error(th, "int: cannot convert %s to int", sl_type_name(x));
	}
}

/* float_syntax reports whether s is a decimal float literal as Go's
 * strconv.ParseFloat accepts it (sign, digits with an optional point,
 * optional exponent), or a hexadecimal one with a p exponent. */
static bool float_syntax(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	bool hex = i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
	if (hex)
		i += 2;
	for (; i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++)
			digits++;
	if (digits == 0)
		return false;
	if (i < n && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t exp = 0;
		for (; i < n && isdigit((unsigned char)s[i]); i++)
			exp++;
		if (exp == 0)
			return false;
	} else if (hex)
		return false; /* hex floats need an exponent */
	return i == n;
}

static sl_value float_from_string(sl_thread *th, sl_value x)
{
	const char *s = sl_str_data(x);
	size_t n = sl_str_len(x);
	if (n == 0)
		return sl_error(th, "float: empty string");
	if (strlen(s) != n) /* an embedded NUL */
		return sl_error(th, "invalid float literal: %.*s", (int)n, s);
	const char *t = s + (s[0] == '+' || s[0] == '-');
	bool neg = s[0] == '-';
	if (strcasecmp(t, "inf") == 0 || strcasecmp(t, "infinity") == 0)
		return sl_float(neg ? -INFINITY : INFINITY);
	if (strcasecmp(t, "nan") == 0)
		return sl_float(NAN);
	if (!float_syntax(s, n))
		return sl_error(th, "invalid float literal: %.*s", (int)n, s);
	errno = 0;
	double d = strtod(s, NULL);
	if (isinf(d))
		return sl_error(th, "floating-point number too large");
	return sl_float(d);
}

static sl_value bi_float(sl_thread *th, const struct sl_args *a)
{
	if (no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos == 0)
		return sl_float(0.0);
	if (a->npos != 1)
		return sl_error(th, "float got %zu arguments, wants 1", a->npos);
	sl_value x = a->pos[0];
	switch (sl_kind(x)) {
	case SL_KBOOL:
		return sl_float(x == SL_TRUE ? 1.0 : 0.0);
	case SL_KINT: {
		double d = sl_int_to_double(x);
		if (isinf(d))
			return sl_error(th, "int too large to convert to float");
		return sl_float(d);
	}
	case SL_KFLOAT:
		return x;
	case SL_KSTRING:
		return float_from_string(th, x);
	default:
		return sl_error(th, "float got %s, want number or string", sl_type_name(x));
	}
}

/* java_hash is java.lang.String.hashCode over the code points of s, which
 * is what go.starlark.net's hash() computes for strings. */
static int32_t java_hash(const char *s, size_t n)
{
	uint32_t h = 0;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += slu_decode(s + i, n - i, &r);
		h = 31 * h + r;
	}
	return (int32_t)h;
}

static sl_value bi_hash(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	switch (sl_kind(x)) {
	case SL_KSTRING:
		return sl_int(java_hash(sl_str_data(x), sl_str_len(x)));
	case SL_KBYTES: { /* 32-bit FNV-1a */
		uint32_t h = 2166136261u;
		const char *s = sl_str_data(x);
		size_t n = sl_str_len(x);
		for (size_t i = 0; i < n; i++) {
			h ^= (unsigned char)s[i];
			h *= 16777619u;
		}
		return sl_int(h);
	}
	default:
		return sl_error(th, "hash: got %s, want string or bytes", sl_type_name(x));
	}
}

static sl_value bi_chr(sl_thread *th, const struct sl_args *a)
{
	if (no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "chr: got %zu arguments, want 1", a->npos);
	sl_value x = a->pos[0];
	int64_t i;
	if (sl_kind(x) != SL_KINT)
		return sl_error(th, "chr: got %s, want int", sl_type_name(x));
	if (!sl_int_to_i64(x, &i))
		return sl_error(th, "chr: %s out of range", sl_repr_cstr(x));
	if (i < 0)
		return sl_error(th, "chr: Unicode code point %lld out of range (<0)", (long long)i);
	if (i > SLU_MAX_RUNE)
		return sl_error(th, "chr: Unicode code point U+%llX out of range (>0x10FFFF)", (long long)i);
	char enc[4];
	return sl_string(enc, slu_encode((uint32_t)i, enc));
}

static sl_value bi_ord(sl_thread *th, const struct sl_args *a)
{
	if (no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "ord: got %zu arguments, want 1", a->npos);
	sl_value x = a->pos[0];
	if (sl_kind(x) == SL_KSTRING) {
		const char *s = sl_str_data(x);
		size_t n = sl_str_len(x);
		uint32_t r;
		if (n == 0 || slu_decode(s, n, &r) != n)
			return sl_error(th, "ord: string encodes %zu Unicode code points, want 1", slu_count(s, n));
		return sl_int(r);
	}
	if (sl_kind(x) == SL_KBYTES) {
		if (sl_str_len(x) != 1)
			return sl_error(th, "ord: bytes has length %zu, want 1", (size_t)sl_str_len(x));
		return sl_int((unsigned char)sl_str_data(x)[0]);
	}
	return sl_error(th, "ord: got %s, want string or bytes", sl_type_name(x));
}

static sl_value bi_range(sl_thread *th, const struct sl_args *a)
{
	int64_t start = 0, stop = 0, step = 1;
	if (sl_unpack_positional(th, a, 1, "start:i stop:i step:i", &start, &stop, &step) < 0)
		return NULL;
	if (a->npos == 1) {
		stop = start;
		start = 0;
	}
	if (step == 0)
		return sl_error(th, "%s: step argument must not be zero", a->name);
	return sl_range_new(start, stop, step);
}

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
		sl_value pair[2] = {sl_int(start + (int64_t)i), items[i]};
		sl_list_push(list, sl_tuple_from(pair, 2));
	}
	return list;
}

static sl_value bi_zip(sl_thread *th, const struct sl_args *a)
{
	if (no_kwargs(th, a) < 0)
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

/* min and max: the first extreme element, by key(x) if given. */
static sl_value bi_minmax(sl_thread *th, const struct sl_args *a)
{
	bool is_max = strcmp(a->name, "max") == 0;
	if (a->npos == 0)
		return sl_error(th, "%s requires at least one positional argument", a->name);
	sl_value key = NULL;
	if (kw_only(th, a, "key?:c", &key) < 0)
		return NULL;
	sl_value seq = a->npos == 1 ? a->pos[0] : sl_tuple_from(a->pos, a->npos);
	if (!sl_iterable(seq))
		return sl_error(th, "%s: %s value is not iterable", a->name, sl_type_name(seq));
	size_t n;
	sl_value *items = sl_lib_to_array(th, seq, &n);
	if (!items)
		return NULL;
	if (n == 0)
		return sl_error(th, "%s: argument is an empty sequence", a->name);
	sl_value best = items[0], best_key = best;
	if (key && !(best_key = sl_call(th, key, &best, 1, NULL, 0)))
		return NULL;
	for (size_t i = 1; i < n; i++) {
		sl_value k = items[i];
		if (key && !(k = sl_call(th, key, &items[i], 1, NULL, 0)))
			return NULL;
		int better = sl_compare(th, is_max ? SL_OP_GT : SL_OP_LT, k, best_key);
		if (better < 0)
			return sl_lib_rewrap(th, a->name);
		if (better) {
			best = items[i];
			best_key = k;
		}
	}
	return best;
}

/* ---- sorted: a stable sort that reports comparison errors ---- */

struct sorter {
	sl_thread *th;
	bool reverse;
	const char *error;  /* message of the last failed comparison, or NULL */
};

/* less compares as go.starlark.net's sort does: after a failed comparison
 * it goes on (answering false), and the error reported is the last one. */
static bool less(struct sorter *s, sl_value x, sl_value y)
{
	int lt = s->reverse ? sl_compare(s->th, SL_OP_LT, y, x) : sl_compare(s->th, SL_OP_LT, x, y);
	if (lt < 0) {
		s->error = sl_strdup(sl_error_message(s->th));
		sl_error_clear(s->th);
		return false;
	}
	return lt;
}

/* Elements are sorted as (key, value) pairs so keys move with values. */
struct kv {
	sl_value key, val;
};

/* Blocks of 20 are insertion-sorted first, as Go's sort.Stable does, then
 * merged pairwise; equal keys keep their order. */
static void sort_kv(struct sorter *s, struct kv *v, size_t n)
{
	const size_t block = 20;
	for (size_t lo = 0; lo < n; lo += block) {
		size_t hi = lo + block < n ? lo + block : n;
		for (size_t i = lo + 1; i < hi; i++)
			for (size_t j = i; j > lo && less(s, v[j].key, v[j - 1].key); j--) {
				struct kv t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
	}
	if (n <= block)
		return;
	struct kv *tmp = sl_alloc(n * sizeof *tmp);
	for (size_t width = block; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = less(s, v[j].key, v[i].key) ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof *v);
	}
}

static sl_value bi_sorted(sl_thread *th, const struct sl_args *a)
{
	sl_value x, key = NULL;
	bool reverse = false;
	if (sl_unpack(th, a, "iterable key?:c reverse?:b", &x, &key, &reverse) < 0)
		return NULL;
	if (sl_lib_want_iterable(th, a->name, "iterable", 0, x) < 0)
		return NULL;
	size_t n;
	sl_value *items = sl_lib_to_array(th, x, &n);
	if (!items)
		return NULL;
	struct kv *v = sl_alloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i].val = items[i];
		v[i].key = items[i];
		if (key && !(v[i].key = sl_call(th, key, &items[i], 1, NULL, 0)))
			return NULL;
	}
	struct sorter s = {th, reverse, NULL};
	sort_kv(&s, v, n);
	if (s.error)
		return sl_error(th, "%s", s.error);
	sl_value list = sl_list_new(n);
	for (size_t i = 0; i < n; i++)
		sl_list_push(list, v[i].val);
	return list;
}

/* ---- constructors and conversions ---- */

static sl_value bi_bytes(sl_thread *th, const struct sl_args *a)
{
	if (no_kwargs(th, a) < 0)
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
	if (no_kwargs(th, a) < 0)
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
	if (no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "type: got %zu arguments, want exactly 1", a->npos);
	return sl_cstring(sl_type_name(a->pos[0]));
}

/* ---- attributes ---- */

static sl_value bi_dir(sl_thread *th, const struct sl_args *a)
{
	if (no_kwargs(th, a) < 0)
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
	if (kw_only(th, a, "sep?:s", &sep) < 0)
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
	if (kw_only(th, a, "sep?:s", &sep) < 0)
		return NULL;
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_adds(&b, "fail: ");
	join_args(a, sep, false, &b);
	sl_error(th, "%s", b.data);
	sl_buf_free(&b);
	return NULL;
}

const struct sl_builtin_def sl_universe[] = {
	{"abs", bi_abs},
	{"all", bi_all},
	{"any", bi_any},
	{"bool", bi_bool},
	{"bytes", bi_bytes},
	{"chr", bi_chr},
	{"dict", bi_dict},
	{"dir", bi_dir},
	{"enumerate", bi_enumerate},
	{"fail", bi_fail},
	{"float", bi_float},
	{"getattr", bi_getattr},
	{"hasattr", bi_hasattr},
	{"hash", bi_hash},
	{"int", bi_int},
	{"len", bi_len},
	{"list", bi_list},
	{"max", bi_minmax},
	{"min", bi_minmax},
	{"ord", bi_ord},
	{"print", bi_print},
	{"range", bi_range},
	{"repr", bi_repr},
	{"reversed", bi_reversed},
	{"set", sl_lib_set},
	{"sorted", bi_sorted},
	{"str", bi_str},
	{"tuple", bi_tuple},
	{"type", bi_type},
	{"zip", bi_zip},
	{NULL, NULL},
};
