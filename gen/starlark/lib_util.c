/* gen/starlark/lib_util.c — helpers shared by the built-in library files:
 * error prefixing, argument checks, start/end indices, dict updating,
 * UTF-8 transcoding (see lib.h). */
#include "starlark/lib.h"
#include "starlark/lib_unicode.h"

#include <string.h>

sl_value sl_lib_rewrap(sl_thread *th, const char *name)
{
	const char *msg = sl_error_message(th);
	char *copy = sl_strdup(msg ? msg : "error");
	sl_error_clear(th);
	return sl_error(th, "%s: %s", name, copy);
}

int sl_lib_no_kwargs(sl_thread *th, const struct sl_args *a)
{
	if (a->nkw == 0)
		return 0;
	sl_error(th, "%s does not accept keyword arguments", a->name);
	return -1;
}

int sl_lib_kw_only(sl_thread *th, const struct sl_args *a, const char *spec, void *out)
{
	struct sl_args k = *a;
	k.npos = 0;
	return sl_unpack(th, &k, spec, out);
}

int sl_lib_want_iterable(sl_thread *th, const char *fn, const char *param, int pos, sl_value v)
{
	if (sl_iterable(v))
		return 0;
	if (param)
		sl_error(th, "%s: for parameter %s: got %s, want iterable", fn, param, sl_type_name(v));
	else
		sl_error(th, "%s: for parameter %d: got %s, want iterable", fn, pos, sl_type_name(v));
	return -1;
}

/* as_index reads one optional index argument into *out (len added if
 * negative); absent or None leaves *out alone. */
static int as_index(sl_thread *th, sl_value v, size_t len, int64_t *out, const char *which)
{
	if (!v || v == SL_NONE)
		return 0;
	if (sl_kind(v) != SL_KINT) {
		sl_error(th, "invalid %s index: got %s, want int", which, sl_type_name(v));
		return -1;
	}
	int64_t i;
	if (!sl_int_to_i64(v, &i)) {
		sl_error(th, "invalid %s index: %s out of range", which, sl_repr_cstr(v));
		return -1;
	}
	if (i < 0)
		i += (int64_t)len;
	*out = i;
	return 0;
}

static size_t clamp(int64_t i, size_t len)
{
	if (i < 0)
		return 0;
	return (uint64_t)i > len ? len : (size_t)i;
}

int sl_lib_indices(sl_thread *th, sl_value start, sl_value end, size_t len, size_t *s, size_t *e)
{
	int64_t lo = 0, hi = (int64_t)len;
	if (as_index(th, start, len, &lo, "start") < 0 || as_index(th, end, len, &hi, "end") < 0)
		return -1;
	*s = clamp(lo, len);
	*e = clamp(hi, len);
	return 0;
}

sl_value *sl_lib_to_array(sl_thread *th, sl_value v, size_t *n)
{
	size_t len = 0, cap;
	sl_value *items;
	if (sl_kind(v) == SL_KLIST || sl_kind(v) == SL_KTUPLE) {
		const sl_value *src = sl_kind(v) == SL_KLIST ? SL_LIST(v)->items : SL_TUPLE(v)->items;
		len = sl_kind(v) == SL_KLIST ? SL_LIST(v)->len : SL_TUPLE(v)->len;
		items = sl_alloc((len ? len : 1) * sizeof *items);
		if (len)
			memcpy(items, src, len * sizeof *items);
		*n = len;
		return items;
	}
	/* Other iterables may not know their length: grow as we go. */
	struct sl_iter it;
	if (!sl_iter_start(th, v, &it))
		return NULL;
	int64_t known = sl_len(v);
	cap = known > 0 ? (size_t)known : 8;
	items = sl_alloc(cap * sizeof *items);
	sl_value x;
	while (sl_iter_next(&it, &x)) {
		if (len == cap) {
			sl_value *bigger = sl_alloc(2 * cap * sizeof *items);
			memcpy(bigger, items, len * sizeof *items);
			items = bigger;
			cap *= 2;
		}
		items[len++] = x;
	}
	sl_iter_done(&it);
	if (sl_has_error(th))
		return NULL;
	*n = len;
	return items;
}

void sl_lib_write_str(sl_value v, struct sl_buf *b)
{
	if (sl_kind(v) == SL_KSTRING)
		sl_buf_add(b, sl_str_data(v), sl_str_len(v));
	else
		sl_repr(v, b);
}

/* update_pairs adds the (key, value) pairs of an iterable to dict. */
static int update_pairs(sl_thread *th, sl_value dict, sl_value pairs)
{
	struct sl_iter it;
	if (!sl_iterable(pairs)) {
		sl_error(th, "got %s, want iterable", sl_type_name(pairs));
		return -1;
	}
	if (!sl_iter_start(th, pairs, &it))
		return -1;
	int rc = 0;
	sl_value pair;
	for (size_t i = 0; rc == 0 && sl_iter_next(&it, &pair); i++) {
		if (!sl_iterable(pair)) {
			sl_error(th, "dictionary update sequence element #%zu is not iterable (%s)",
			         i, sl_type_name(pair));
			rc = -1;
			break;
		}
		int64_t n = sl_len(pair);
		if (n < 0) {
			sl_error(th, "dictionary update sequence element #%zu has unknown length (%s)",
			         i, sl_type_name(pair));
			rc = -1;
			break;
		}
		if (n != 2) {
			sl_error(th, "dictionary update sequence element #%zu has length %lld, want 2",
			         i, (long long)n);
			rc = -1;
			break;
		}
		size_t m;
		sl_value *kv = sl_lib_to_array(th, pair, &m);
		if (!kv || m != 2 || sl_dict_set(th, dict, kv[0], kv[1]) < 0)
			rc = -1;
	}
	sl_iter_done(&it);
	return rc;
}

int sl_lib_dict_update(sl_thread *th, sl_value dict, const struct sl_args *a)
{
	if (a->npos == 1) {
		sl_value src = a->pos[0];
		if (sl_kind(src) == SL_KDICT) {
			/* Iterate over the mapping's pairs, not just its keys. */
			sl_value k, v;
			for (size_t i = 0; sl_dict_next(src, &i, &k, &v);)
				if (sl_dict_set(th, dict, k, v) < 0)
					return -1;
		} else if (update_pairs(th, dict, src) < 0)
			return -1;
	}
	/* Keyword arguments come last; a repeated name is an error even though
	 * the parser lets **kwargs repeat a name given explicitly. */
	size_t before = sl_dict_len(dict);
	for (size_t i = 0; i < a->nkw; i++)
		if (sl_dict_set(th, dict, a->kw[2 * i], a->kw[2 * i + 1]) < 0)
			return -1;
	if (sl_dict_len(dict) < before + a->nkw) {
		for (size_t i = 0; i < a->nkw; i++)
			for (size_t j = 0; j < i; j++) {
				sl_value x = a->kw[2 * i], y = a->kw[2 * j];
				if (sl_str_len(x) == sl_str_len(y) &&
				    memcmp(sl_str_data(x), sl_str_data(y), sl_str_len(x)) == 0) {
					sl_error(th, "duplicate keyword arg: %s", sl_repr_cstr(x));
					return -1;
				}
			}
	}
	return 0;
}

sl_value sl_lib_utf8_transcode(const char *s, size_t n, bool bytes)
{
	if (slu_valid(s, n))
		return bytes ? sl_bytes(s, n) : sl_string(s, n);
	struct sl_buf b = SL_BUF_INIT;
	char enc[4];
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t len = slu_decode(s + i, n - i, &r);
		sl_buf_add(&b, enc, slu_encode(r, enc));
		i += len;
	}
	return bytes ? sl_buf_bytes(&b) : sl_buf_string(&b);
}
