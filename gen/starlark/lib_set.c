/* gen/starlark/lib_set.c — the `set` builtin and the methods of set: add
 * clear difference discard intersection issubset issuperset pop remove
 * symmetric_difference union update.  Sets share the dict hash table, so
 * frozen and iterated sets are refused by value.h's table functions. */
#include "starlark/lib.h"

/* set_insert_all adds every element of iterable to set. */
static int set_insert_all(sl_thread *th, sl_value set, sl_value iterable)
{
	size_t n;
	sl_value *items = sl_lib_to_array(th, iterable, &n);
	if (!items)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sl_set_add(th, set, items[i]) < 0)
			return -1;
	return 0;
}

static sl_value set_clone(sl_thread *th, sl_value s)
{
	sl_value copy = sl_set_new(sl_dict_len(s)), x;
	for (size_t i = 0; sl_set_next(s, &i, &x);)
		if (sl_set_add(th, copy, x) < 0)
			return NULL;
	return copy;
}

sl_value sl_lib_set(sl_thread *th, const struct sl_args *a)
{
	sl_value iterable = NULL;
	if (sl_unpack_positional(th, a, 0, "iterable", &iterable) < 0)
		return NULL;
	sl_value set = sl_set_new(0);
	if (!iterable)
		return set;
	if (sl_lib_want_iterable(th, "set", NULL, 1, iterable) < 0)
		return NULL;
	if (set_insert_all(th, set, iterable) < 0)
		return sl_lib_rewrap(th, "set");
	return set;
}

/* other_arg unpacks the one optional iterable argument of the binary set
 * methods into *items (NULL/0 when absent). */
static int other_arg(sl_thread *th, const struct sl_args *a, sl_value **items, size_t *n)
{
	sl_value other = NULL;
	*items = NULL;
	*n = 0;
	if (sl_unpack_positional(th, a, 0, "other", &other) < 0)
		return -1;
	if (!other)
		return 0;
	if (sl_lib_want_iterable(th, a->name, NULL, 1, other) < 0)
		return -1;
	*items = sl_lib_to_array(th, other, n);
	return *items ? 0 : -1;
}

static sl_value set_add(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	/* Even adding a present element to a frozen set is an error. */
	if (sl_check_mutable(th, a->recv, "insert into") < 0 || sl_set_add(th, a->recv, x) < 0)
		return sl_lib_rewrap(th, a->name);
	return SL_NONE;
}

static sl_value set_clear(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	if (sl_dict_len(a->recv) > 0 && sl_dict_clear(th, a->recv) < 0)
		return sl_lib_rewrap(th, a->name);
	return SL_NONE;
}

static sl_value set_difference(sl_thread *th, const struct sl_args *a)
{
	sl_value *items;
	size_t n;
	if (other_arg(th, a, &items, &n) < 0)
		return NULL;
	sl_value diff = set_clone(th, a->recv);
	for (size_t i = 0; diff && i < n; i++)
		if (sl_set_remove(th, diff, items[i]) < 0)
			diff = NULL;
	return diff ? diff : sl_lib_rewrap(th, a->name);
}

static sl_value set_discard(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	if (sl_check_mutable(th, a->recv, "delete from") < 0)
		return sl_lib_rewrap(th, a->name);
	int found = sl_set_contains(th, a->recv, x);
	if (found > 0)
		found = sl_set_remove(th, a->recv, x);
	return found < 0 ? sl_lib_rewrap(th, a->name) : SL_NONE;
}

static sl_value set_intersection(sl_thread *th, const struct sl_args *a)
{
	sl_value *items;
	size_t n;
	if (other_arg(th, a, &items, &n) < 0)
		return NULL;
	sl_value out = sl_set_new(0);
	for (size_t i = 0; i < n; i++) {
		int found = sl_set_contains(th, a->recv, items[i]);
		if (found < 0 || (found && sl_set_add(th, out, items[i]) < 0))
			return sl_lib_rewrap(th, a->name);
	}
	return out;
}

static sl_value set_issubset(sl_thread *th, const struct sl_args *a)
{
	sl_value *items;
	size_t n;
	if (other_arg(th, a, &items, &n) < 0)
		return NULL;
	/* A subset iff every element is among other's distinct elements. */
	sl_value seen = sl_set_new(0);
	for (size_t i = 0; i < n; i++) {
		int found = sl_set_contains(th, a->recv, items[i]);
		if (found < 0 || (found && sl_set_add(th, seen, items[i]) < 0))
			return sl_lib_rewrap(th, a->name);
	}
	return sl_bool(sl_dict_len(seen) == sl_dict_len(a->recv));
}

static sl_value set_issuperset(sl_thread *th, const struct sl_args *a)
{
	sl_value *items;
	size_t n;
	if (other_arg(th, a, &items, &n) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int found = sl_set_contains(th, a->recv, items[i]);
		if (found < 0)
			return sl_lib_rewrap(th, a->name);
		if (!found)
			return SL_FALSE;
	}
	return SL_TRUE;
}

static sl_value set_pop(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	sl_value x;
	size_t pos = 0;
	if (!sl_set_next(a->recv, &pos, &x))
		return sl_error(th, "%s: empty set", a->name);
	if (sl_set_remove(th, a->recv, x) < 0)
		return sl_lib_rewrap(th, a->name);
	return x;
}

static sl_value set_remove(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	int found = sl_set_remove(th, a->recv, x);
	if (found < 0)
		return sl_lib_rewrap(th, a->name);
	if (!found)
		return sl_error(th, "%s: missing key", a->name);
	return SL_NONE;
}

static sl_value set_symmetric_difference(sl_thread *th, const struct sl_args *a)
{
	sl_value *items;
	size_t n;
	if (other_arg(th, a, &items, &n) < 0)
		return NULL;
	sl_value diff = set_clone(th, a->recv);
	for (size_t i = 0; diff && i < n; i++) {
		int found = sl_set_remove(th, diff, items[i]);
		if (found < 0 || (!found && sl_set_add(th, diff, items[i]) < 0))
			diff = NULL;
	}
	return diff ? diff : sl_lib_rewrap(th, a->name);
}

/* set_update_args adds every positional iterable of a to set, as union
 * and update do (errors unprefixed). */
static int set_update_args(sl_thread *th, sl_value set, const struct sl_args *a)
{
	if (a->nkw > 0) {
		sl_error(th, "does not accept keyword arguments");
		return -1;
	}
	for (size_t i = 0; i < a->npos; i++) {
		if (!sl_iterable(a->pos[i])) {
			sl_error(th, "argument #%zu is not iterable: %s", i + 1, sl_type_name(a->pos[i]));
			return -1;
		}
		if (set_insert_all(th, set, a->pos[i]) < 0)
			return -1;
	}
	return 0;
}

static sl_value set_union(sl_thread *th, const struct sl_args *a)
{
	sl_value out = set_clone(th, a->recv);
	if (!out || set_update_args(th, out, a) < 0)
		return sl_lib_rewrap(th, a->name);
	return out;
}

static sl_value set_update(sl_thread *th, const struct sl_args *a)
{
	if (set_update_args(th, a->recv, a) < 0)
		return sl_lib_rewrap(th, a->name);
	return SL_NONE;
}

const struct sl_method sl_set_methods[] = {
	{"add", set_add},
	{"clear", set_clear},
	{"difference", set_difference},
	{"discard", set_discard},
	{"intersection", set_intersection},
	{"issubset", set_issubset},
	{"issuperset", set_issuperset},
	{"pop", set_pop},
	{"remove", set_remove},
	{"symmetric_difference", set_symmetric_difference},
	{"union", set_union},
	{"update", set_update},
	{NULL, NULL},
};
