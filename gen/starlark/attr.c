/* gen/starlark/attr.c — attribute access (x.name): methods of the built-in
 * types from the library's sorted tables, struct fields, opaque values'
 * hooks; dir(); and struct values themselves. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct sl_method *table_for(sl_value v)
{
	switch (sl_kind(v)) {
	case SL_KSTRING: return sl_string_methods;
	case SL_KBYTES: return sl_bytes_methods;
	case SL_KLIST: return sl_list_methods;
	case SL_KDICT: return sl_dict_methods;
	case SL_KSET: return sl_set_methods;
	default: return NULL;
	}
}

static size_t table_len(const struct sl_method *tab)
{
	size_t n = 0;
	while (tab[n].name)
		n++;
	return n;
}

const struct sl_method *sl_method_lookup(const struct sl_method *tab, const char *name)
{
	static const struct sl_method *cached_tab[8];
	static size_t cached_len[8];
	size_t n = (size_t)-1;
	for (int i = 0; i < 8; i++) {
		if (cached_tab[i] == tab) {
			n = cached_len[i];
			break;
		}
		if (!cached_tab[i]) {
			cached_tab[i] = tab;
			n = cached_len[i] = table_len(tab);
			break;
		}
	}
	if (n == (size_t)-1)
		n = table_len(tab);
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(tab[mid].name, name);
		if (c == 0)
			return &tab[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* tables should be sorted; fall back to a scan if one is not */
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

static sl_value struct_field(sl_value st, const char *name)
{
	struct sl_struct *s = SL_STRUCT(st);
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(sl_str_data(s->names[mid]), name);
		if (c == 0)
			return s->values[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

sl_value sl_struct_get(sl_value st, const char *name) { return struct_field(st, name); }

/* attr_lookup: the attribute or NULL (no error) if absent; NULL with an
 * error raised if a hook failed. */
static sl_value attr_lookup(sl_thread *th, sl_value v, const char *name)
{
	const struct sl_method *tab = table_for(v);
	if (tab) {
		const struct sl_method *m = sl_method_lookup(tab, name);
		return m ? sl_builtin_bind(m->name, m->fn, v) : NULL;
	}
	switch (sl_kind(v)) {
	case SL_KSTRUCT:
		return struct_field(v, name);
	case SL_KMODULE: {
		struct sl_module *m = (struct sl_module *)v;
		return sl_module_get(m, name);
	}
	case SL_KOPAQUE:
		if (SL_OPAQUE(v)->type->attr)
			return SL_OPAQUE(v)->type->attr(th, v, name);
		return NULL;
	default:
		return NULL;
	}
}

const char *sl_nearest_name(sl_value names, const char *x)
{
	if (sl_kind(names) == SL_KDICT) {
		sl_value l = sl_list_new(0), k;
		for (size_t i = 0; sl_dict_next(names, &i, &k, NULL);)
			if (sl_kind(k) == SL_KSTRING)
				sl_list_push(l, k);
		names = l;
	}
	const char *best = NULL;
	size_t nx = strlen(x);
	size_t bestd = (nx + 1) / 2;
	for (size_t i = 0; i < SL_LIST(names)->len; i++) {
		const char *c = sl_str_data(SL_LIST(names)->items[i]);
		size_t nc = strlen(c);
		/* small edit distance (case-insensitive, underscores ignored is close enough) */
		size_t row[64];
		if (nc >= 63 || nx >= 63)
			continue;
		for (size_t j = 0; j <= nc; j++)
			row[j] = j;
		for (size_t a = 1; a <= nx; a++) {
			size_t prev = row[0];
			row[0] = a;
			for (size_t j = 1; j <= nc; j++) {
				size_t cur = row[j];
				size_t s = prev + (tolower((unsigned char)x[a - 1]) != tolower((unsigned char)c[j - 1]));
				size_t d = row[j - 1] + 1, in = row[j] + 1;
				row[j] = s < d ? (s < in ? s : in) : (d < in ? d : in);
				prev = cur;
			}
		}
		if (row[nc] < bestd) {
			bestd = row[nc];
			best = c;
		}
	}
	return best;
}

sl_value sl_attr(sl_thread *th, sl_value v, const char *name)
{
	sl_value r = attr_lookup(th, v, name);
	if (r || sl_has_error(th))
		return r;
	const char *hint = sl_nearest_name(sl_dir(v), name);
	const char *what = sl_type_name(v);
	if (sl_kind(v) == SL_KSTRUCT) {
		/* a branded struct names its constructor, as starlarkstruct does */
		struct sl_buf b = SL_BUF_INIT;
		if (SL_STRUCT(v)->ctor) {
			sl_str(SL_STRUCT(v)->ctor, &b);
			sl_buf_addc(&b, ' ');
		}
		sl_buf_printf(&b, "struct has no .%s attribute", name);
		if (hint)
			sl_buf_printf(&b, " (did you mean .%s?)", hint);
		sl_error(th, "%s", b.data);
		sl_buf_free(&b);
		return NULL;
	}
	if (sl_kind(v) == SL_KMODULE)
		return sl_error(th, "module has no .%s field or method", name);
	if (hint)
		return sl_error(th, "%s has no .%s field or method (did you mean .%s?)", what, name, hint);
	return sl_error(th, "%s has no .%s field or method", what, name);
}

bool sl_hasattr(sl_thread *th, sl_value v, const char *name)
{
	sl_value r = attr_lookup(th, v, name);
	if (!r && sl_has_error(th))
		sl_error_clear(th);
	return r != NULL;
}

sl_value sl_dir(sl_value v)
{
	sl_value l = sl_list_new(0);
	const struct sl_method *tab = table_for(v);
	if (tab) {
		for (size_t i = 0; tab[i].name; i++)
			sl_list_push(l, sl_cstring(tab[i].name));
		return l;
	}
	switch (sl_kind(v)) {
	case SL_KSTRUCT:
		for (size_t i = 0; i < SL_STRUCT(v)->n; i++)
			sl_list_push(l, SL_STRUCT(v)->names[i]);
		break;
	case SL_KMODULE: {
		sl_value g = sl_module_globals((struct sl_module *)v);
		sl_value k;
		for (size_t i = 0; sl_dict_next(g, &i, &k, NULL);)
			sl_list_push(l, k);
		break;
	}
	case SL_KOPAQUE:
		if (SL_OPAQUE(v)->type->dir)
			SL_OPAQUE(v)->type->dir(v, l);
		break;
	default:
		break;
	}
	/* sorted, as Go's dir() */
	struct sl_list *L = SL_LIST(l);
	for (size_t i = 1; i < L->len; i++) {
		sl_value x = L->items[i];
		size_t j = i;
		while (j > 0 && strcmp(sl_str_data(L->items[j - 1]), sl_str_data(x)) > 0) {
			L->items[j] = L->items[j - 1];
			j--;
		}
		L->items[j] = x;
	}
	return l;
}

/* ---- struct ---- */
sl_value sl_struct_new(sl_thread *th, const sl_value *names, const sl_value *values, size_t n)
{
	struct sl_struct *s = sl_alloc_obj(sizeof *s, SL_KSTRUCT);
	s->n = n;
	s->names = sl_alloc((n + 1) * sizeof *s->names);
	s->values = sl_alloc((n + 1) * sizeof *s->values);
	for (size_t i = 0; i < n; i++) {
		/* insertion sort by name */
		size_t j = i;
		while (j > 0 && strcmp(sl_str_data(s->names[j - 1]), sl_str_data(names[i])) > 0) {
			s->names[j] = s->names[j - 1];
			s->values[j] = s->values[j - 1];
			j--;
		}
		if (j > 0 && strcmp(sl_str_data(s->names[j - 1]), sl_str_data(names[i])) == 0)
			return sl_error(th, "duplicate field %s", sl_str_data(names[i]));
		s->names[j] = names[i];
		s->values[j] = values[i];
	}
	return (sl_value)s;
}

sl_value sl_struct_builtin(sl_thread *th, const struct sl_args *a)
{
	if (a->npos)
		return sl_error(th, "struct: unexpected positional arguments");
	sl_value *names = sl_alloc((a->nkw + 1) * sizeof *names);
	sl_value *vals = sl_alloc((a->nkw + 1) * sizeof *vals);
	for (size_t i = 0; i < a->nkw; i++) {
		names[i] = a->kw[2 * i];
		vals[i] = a->kw[2 * i + 1];
	}
	return sl_struct_new(th, names, vals, a->nkw);
}
