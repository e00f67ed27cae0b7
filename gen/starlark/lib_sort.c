/* gen/starlark/lib_sort.c — the universe's ordering builtins: sorted
 * (stable, key=, reverse=) and min/max (key=), comparing as
 * go.starlark.net does, including which comparison error is reported. */
#include "starlark/lib.h"

#include <string.h>

/* min and max: the first extreme element, by key(x) if given. */
sl_value sl_lib_minmax(sl_thread *th, const struct sl_args *a)
{
	bool is_max = strcmp(a->name, "max") == 0;
	if (a->npos == 0)
		return sl_error(th, "%s requires at least one positional argument", a->name);
	sl_value key = NULL;
	if (sl_lib_kw_only(th, a, "key?:c", &key) < 0)
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

sl_value sl_lib_sorted(sl_thread *th, const struct sl_args *a)
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
