/* gen/starlark/lib_list.c — the methods of list: append clear extend index
 * insert pop remove.  Every mutation goes through sl_check_mutable, which
 * refuses frozen lists and lists being iterated. */
#include "starlark/lib.h"

#include <string.h>

static sl_value list_append(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	if (sl_check_mutable(th, a->recv, "append to") < 0)
		return sl_lib_rewrap(th, a->name);
	sl_list_push(a->recv, x);
	return SL_NONE;
}

static sl_value list_clear(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	if (sl_check_mutable(th, a->recv, "clear") < 0)
		return sl_lib_rewrap(th, a->name);
	SL_LIST(a->recv)->len = 0;
	return SL_NONE;
}

static sl_value list_extend(sl_thread *th, const struct sl_args *a)
{
	sl_value iterable;
	if (sl_unpack_positional(th, a, 1, "iterable", &iterable) < 0)
		return NULL;
	if (sl_lib_want_iterable(th, a->name, NULL, 1, iterable) < 0)
		return NULL;
	if (sl_check_mutable(th, a->recv, "extend") < 0)
		return sl_lib_rewrap(th, a->name);
	/* Snapshot first: l.extend(l) must not see its own growth. */
	size_t n;
	sl_value *items = sl_lib_to_array(th, iterable, &n);
	if (!items)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sl_list_push(a->recv, items[i]);
	return SL_NONE;
}

static sl_value list_index(sl_thread *th, const struct sl_args *a)
{
	sl_value x, start = NULL, end = NULL;
	if (sl_unpack_positional(th, a, 1, "x start end", &x, &start, &end) < 0)
		return NULL;
	struct sl_list *l = SL_LIST(a->recv);
	size_t lo, hi;
	if (sl_lib_indices(th, start, end, l->len, &lo, &hi) < 0)
		return sl_lib_rewrap(th, a->name);
	for (size_t i = lo; i < hi && i < l->len; i++) {
		int eq = sl_equal(th, l->items[i], x);
		if (eq < 0)
			return sl_lib_rewrap(th, a->name);
		if (eq)
			return sl_int((int64_t)i);
	}
	return sl_error(th, "%s: value not in list", a->name);
}

static sl_value list_insert(sl_thread *th, const struct sl_args *a)
{
	int64_t index;
	sl_value x;
	if (sl_unpack_positional(th, a, 2, "index:i x", &index, &x) < 0)
		return NULL;
	if (sl_check_mutable(th, a->recv, "insert into") < 0)
		return sl_lib_rewrap(th, a->name);
	struct sl_list *l = SL_LIST(a->recv);
	int64_t n = (int64_t)l->len;
	if (index < 0)
		index += n;
	if (index < 0)
		index = 0;
	sl_list_push(a->recv, x); /* grows the list; then slide into place */
	if (index < n) {
		memmove(l->items + index + 1, l->items + index, (size_t)(n - index) * sizeof *l->items);
		l->items[index] = x;
	}
	return SL_NONE;
}

static sl_value list_pop(sl_thread *th, const struct sl_args *a)
{
	struct sl_list *l = SL_LIST(a->recv);
	int64_t n = (int64_t)l->len, i = n - 1;
	if (sl_unpack_positional(th, a, 0, "i:i", &i) < 0)
		return NULL;
	int64_t orig = i;
	if (i < 0)
		i += n;
	if (i < 0 || i >= n) {
		if (n == 0)
			return sl_error(th, "%s: index %lld out of range: empty list", a->name, (long long)orig);
		return sl_error(th, "%s: list index %lld out of range [%lld:%lld]", a->name,
		                (long long)orig, (long long)-n, (long long)(n - 1));
	}
	if (sl_check_mutable(th, a->recv, "pop from") < 0)
		return sl_lib_rewrap(th, a->name);
	sl_value x = l->items[i];
	memmove(l->items + i, l->items + i + 1, (size_t)(n - i - 1) * sizeof *l->items);
	l->len--;
	return x;
}

static sl_value list_remove(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	if (sl_check_mutable(th, a->recv, "remove from") < 0)
		return sl_lib_rewrap(th, a->name);
	struct sl_list *l = SL_LIST(a->recv);
	for (size_t i = 0; i < l->len; i++) {
		int eq = sl_equal(th, l->items[i], x);
		if (eq < 0)
			return sl_lib_rewrap(th, a->name);
		if (eq) {
			memmove(l->items + i, l->items + i + 1, (l->len - i - 1) * sizeof *l->items);
			l->len--;
			return SL_NONE;
		}
	}
	return sl_error(th, "%s: element not found", a->name);
}

const struct sl_method sl_list_methods[] = {
	{"append", list_append},
	{"clear", list_clear},
	{"extend", list_extend},
	{"index", list_index},
	{"insert", list_insert},
	{"pop", list_pop},
	{"remove", list_remove},
	{NULL, NULL},
};
