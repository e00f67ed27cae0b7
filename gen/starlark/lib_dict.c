/* gen/starlark/lib_dict.c — the methods of dict: clear get items keys pop
 * popitem setdefault update values.  The hash table functions of value.h
 * refuse mutation of frozen dicts and of dicts being iterated. */
#include "starlark/lib.h"

static sl_value dict_clear(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	if (sl_dict_clear(th, a->recv) < 0)
		return sl_lib_rewrap(th, a->name);
	return SL_NONE;
}

static sl_value dict_get(sl_thread *th, const struct sl_args *a)
{
	sl_value key, dflt = SL_NONE, v;
	if (sl_unpack_positional(th, a, 1, "key default", &key, &dflt) < 0)
		return NULL;
	int found = sl_dict_get(th, a->recv, key, &v);
	if (found < 0)
		return sl_lib_rewrap(th, a->name);
	return found ? v : dflt;
}

/* dict_list makes the list of keys (what 'k'), values ('v') or (key, value)
 * tuples ('i') of dict, in insertion order. */
static sl_value dict_list(sl_value dict, char what)
{
	sl_value list = sl_list_new(sl_dict_len(dict)), k, v;
	for (size_t i = 0; sl_dict_next(dict, &i, &k, &v);) {
		if (what == 'k')
			sl_list_push(list, k);
		else if (what == 'v')
			sl_list_push(list, v);
		else {
			sl_value kv[2] = {k, v};
			sl_list_push(list, sl_tuple_from(kv, 2));
		}
	}
	return list;
}

static sl_value dict_items(sl_thread *th, const struct sl_args *a)
{
	return sl_no_args(th, a) < 0 ? NULL : dict_list(a->recv, 'i');
}

static sl_value dict_keys(sl_thread *th, const struct sl_args *a)
{
	return sl_no_args(th, a) < 0 ? NULL : dict_list(a->recv, 'k');
}

static sl_value dict_values(sl_thread *th, const struct sl_args *a)
{
	return sl_no_args(th, a) < 0 ? NULL : dict_list(a->recv, 'v');
}

static sl_value dict_pop(sl_thread *th, const struct sl_args *a)
{
	sl_value key, dflt = NULL, old;
	if (sl_unpack_positional(th, a, 1, "key default", &key, &dflt) < 0)
		return NULL;
	int found = sl_dict_delete(th, a->recv, key, &old);
	if (found < 0)
		return sl_lib_rewrap(th, a->name);
	if (found)
		return old;
	if (dflt)
		return dflt;
	return sl_error(th, "%s: missing key", a->name);
}

static sl_value dict_popitem(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	sl_value k, v;
	size_t pos = 0;
	if (!sl_dict_next(a->recv, &pos, &k, &v))
		return sl_error(th, "%s: empty dict", a->name);
	if (sl_dict_delete(th, a->recv, k, &v) < 0)
		return sl_lib_rewrap(th, a->name);
	sl_value kv[2] = {k, v};
	return sl_tuple_from(kv, 2);
}

static sl_value dict_setdefault(sl_thread *th, const struct sl_args *a)
{
	sl_value key, dflt = SL_NONE, v;
	if (sl_unpack_positional(th, a, 1, "key default", &key, &dflt) < 0)
		return NULL;
	int found = sl_dict_get(th, a->recv, key, &v);
	if (found < 0)
		return sl_lib_rewrap(th, a->name);
	if (found)
		return v;
	if (sl_dict_set(th, a->recv, key, dflt) < 0)
		return sl_lib_rewrap(th, a->name);
	return dflt;
}

static sl_value dict_update(sl_thread *th, const struct sl_args *a)
{
	if (a->npos > 1)
		return sl_error(th, "update: got %zu arguments, want at most 1", a->npos);
	if (sl_lib_dict_update(th, a->recv, a) < 0)
		return sl_lib_rewrap(th, "update");
	return SL_NONE;
}

const struct sl_method sl_dict_methods[] = {
	{"clear", dict_clear},
	{"get", dict_get},
	{"items", dict_items},
	{"keys", dict_keys},
	{"pop", dict_pop},
	{"popitem", dict_popitem},
	{"setdefault", dict_setdefault},
	{"update", dict_update},
	{"values", dict_values},
	{NULL, NULL},
};
