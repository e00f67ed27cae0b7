/* gen/yoe/kwargs.c — reading builtin keyword arguments into model fields.
 * The original silently turned a wrong type into an empty value; here a
 * wrong type or an unknown keyword is an error raised at the call, naming
 * the function, the keyword, what was expected and what was given. */
#include "yoe/builtins.h"

#include <stdlib.h>
#include <string.h>

static const char *want_text(char t, const char *ctor)
{
	switch (t) {
	case 's': return "a string";
	case 'L': return "a list of strings";
	case 'M': return "a dict of string to string";
	case 'D': return "a dict of string to list of strings";
	case 'b': return "a bool";
	case 'i': return "an int";
	case 'c': return "a function";
	case 'l': return "a list";
	case 'd': return "a dict";
	case 'S': return ctor;
	default: return "a value";
	}
}

const char *yoe_ctor(sl_value v)
{
	if (sl_kind(v) != SL_KSTRUCT || !SL_STRUCT(v)->ctor || sl_kind(SL_STRUCT(v)->ctor) != SL_KSTRING)
		return "";
	return sl_str_data(SL_STRUCT(v)->ctor);
}

static sl_value bad(sl_thread *th, const char *fn, const char *key, char t, const char *ctor, sl_value v)
{
	if (t == 'S')
		return sl_error(th, "%s(): %s must be a %s(...) value, got %s", fn, key, ctor,
		                *yoe_ctor(v) ? yoe_ctor(v) : sl_type_name(v));
	return sl_error(th, "%s(): %s must be %s, got %s", fn, key, want_text(t, ctor), sl_type_name(v));
}

static bool is_seq(sl_value v)
{
	enum sl_kind k = sl_kind(v);
	return k == SL_KLIST || k == SL_KTUPLE;
}

static size_t seq_len(sl_value v)
{
	return sl_kind(v) == SL_KLIST ? SL_LIST(v)->len : SL_TUPLE(v)->len;
}

static sl_value seq_at(sl_value v, size_t i)
{
	return sl_kind(v) == SL_KLIST ? SL_LIST(v)->items[i] : SL_TUPLE(v)->items[i];
}

static int to_strlist(sl_thread *th, const char *fn, const char *key, sl_value v, struct strlist *out)
{
	struct yoe_project *p = EV(th)->p;
	if (!is_seq(v)) {
		if (sl_kind(v) == SL_KSTRING)
			sl_error(th, "%s(): %s must be a list of strings, got string (write [%s])", fn, key,
			         sl_repr_cstr(v));
		else
			bad(th, fn, key, 'L', NULL, v);
		return -1;
	}
	size_t n = seq_len(v);
	for (size_t i = 0; i < n; i++) {
		sl_value e = seq_at(v, i);
		if (sl_kind(e) != SL_KSTRING) {
			sl_error(th, "%s(): %s[%zu] must be a string, got %s", fn, key, i, sl_type_name(e));
			return -1;
		}
		sv_push(out, ar_strndup(&p->arena, sl_str_data(e), sl_str_len(e)));
	}
	return 0;
}

/* sorted_order returns a permutation sorting keys (insertion sort: dicts
 * given to builtins are small). */
static size_t *sorted_order(const char **keys, size_t n)
{
	size_t *ix = malloc((n + 1) * sizeof *ix);
	for (size_t i = 0; i < n; i++) {
		size_t at = i;
		while (at && strcmp(keys[ix[at - 1]], keys[i]) > 0) {
			ix[at] = ix[at - 1];
			at--;
		}
		ix[at] = i;
	}
	return ix;
}

static int to_map(sl_thread *th, const char *fn, const char *key, sl_value v, char t, void *out)
{
	struct yoe_project *p = EV(th)->p;
	if (sl_kind(v) != SL_KDICT)
		return bad(th, fn, key, t, NULL, v), -1;
	size_t n = sl_dict_len(v), k = 0;
	const char **keys = ar_alloc(&p->arena, (n + 1) * sizeof *keys);
	const char **vals = t == 'M' ? ar_alloc(&p->arena, (n + 1) * sizeof *vals) : NULL;
	struct strlist *lists = t == 'D' ? ar_alloc(&p->arena, (n + 1) * sizeof *lists) : NULL;
	sl_value dk, dv;
	for (size_t pos = 0; sl_dict_next(v, &pos, &dk, &dv); k++) {
		if (sl_kind(dk) != SL_KSTRING) {
			sl_error(th, "%s(): %s keys must be strings, got %s", fn, key, sl_type_name(dk));
			return -1;
		}
		keys[k] = ar_strndup(&p->arena, sl_str_data(dk), sl_str_len(dk));
		const char *sub = ar_printf(&p->arena, "%s[\"%s\"]", key, keys[k]);
		if (t == 'M') {
			if (sl_kind(dv) != SL_KSTRING) {
				sl_error(th, "%s(): %s must be a string, got %s", fn, sub, sl_type_name(dv));
				return -1;
			}
			vals[k] = ar_strndup(&p->arena, sl_str_data(dv), sl_str_len(dv));
		} else if (to_strlist(th, fn, sub, dv, &lists[k]) < 0) {
			return -1;
		}
	}
	size_t *ix = sorted_order(keys, k);
	if (t == 'M') {
		struct yoe_smap *m = out;
		m->n = k;
		m->keys = ar_alloc(&p->arena, (k + 1) * sizeof *m->keys);
		m->vals = ar_alloc(&p->arena, (k + 1) * sizeof *m->vals);
		for (size_t i = 0; i < k; i++)
			m->keys[i] = keys[ix[i]], m->vals[i] = vals[ix[i]];
	} else {
		struct yoe_lmap *m = out;
		m->n = k;
		m->keys = ar_alloc(&p->arena, (k + 1) * sizeof *m->keys);
		m->vals = ar_alloc(&p->arena, (k + 1) * sizeof *m->vals);
		for (size_t i = 0; i < k; i++)
			m->keys[i] = keys[ix[i]], m->vals[i] = lists[ix[i]];
	}
	free(ix);
	return 0;
}

int yoe_conv(sl_thread *th, const char *fn, const char *key, sl_value v, char type, void *out,
             const char *ctor)
{
	struct yoe_project *p = EV(th)->p;
	switch (type) {
	case 's':
		if (sl_kind(v) != SL_KSTRING)
			return bad(th, fn, key, type, ctor, v), -1;
		*(const char **)out = ar_strndup(&p->arena, sl_str_data(v), sl_str_len(v));
		return 0;
	case 'L':
		((struct strlist *)out)->n = 0;
		return to_strlist(th, fn, key, v, out);
	case 'M':
	case 'D':
		return to_map(th, fn, key, v, type, out);
	case 'b':
		if (sl_kind(v) != SL_KBOOL)
			return bad(th, fn, key, type, ctor, v), -1;
		*(bool *)out = v == SL_TRUE;
		return 0;
	case 'i':
		if (sl_kind(v) != SL_KINT || !sl_int_to_i64(v, out))
			return bad(th, fn, key, type, ctor, v), -1;
		return 0;
	case 'c':
		if (!sl_callable(v))
			return bad(th, fn, key, type, ctor, v), -1;
		*(sl_value *)out = v;
		return 0;
	case 'l':
		if (!is_seq(v))
			return bad(th, fn, key, type, ctor, v), -1;
		*(sl_value *)out = v;
		return 0;
	case 'd':
		if (sl_kind(v) != SL_KDICT)
			return bad(th, fn, key, type, ctor, v), -1;
		*(sl_value *)out = v;
		return 0;
	case 'S':
		if (strcmp(yoe_ctor(v), ctor))
			return bad(th, fn, key, type, ctor, v), -1;
		*(sl_value *)out = v;
		return 0;
	default:
		*(sl_value *)out = v;
		return 0;
	}
}

int yoe_kwargs(sl_thread *th, const struct sl_args *a, const char *fn, struct yoe_kw *kw,
               struct yoe_extra *extra)
{
	for (size_t i = 0; i < a->nkw; i++) {
		sl_value kn = a->kw[2 * i], kv = a->kw[2 * i + 1];
		const char *name = sl_str_data(kn);
		size_t nl = strlen(name);
		struct yoe_kw *k = kw;
		/* length and first byte before comparing: unit() has 40 keywords */
		while (k->name && (k->len != nl || k->name[0] != name[0] || memcmp(k->name, name, nl)))
			k++;
		if (!k->name) {
			if (extra) {
				if (extra->n == extra->cap) {
					extra->cap = extra->cap ? extra->cap * 2 : 8;
					extra->names = realloc(extra->names, extra->cap * sizeof *extra->names);
					extra->vals = realloc(extra->vals, extra->cap * sizeof *extra->vals);
				}
				extra->names[extra->n] = kn;
				extra->vals[extra->n++] = kv;
				continue;
			}
			const char *cands[96];
			size_t nc = 0;
			for (struct yoe_kw *c = kw; c->name && nc < 96; c++)
				cands[nc++] = c->name;
			const char *s = suggest(name, cands, nc);
			if (s)
				sl_error(th, "%s(): unknown keyword \"%s\" (did you mean \"%s\"?)", fn, name, s);
			else
				sl_error(th, "%s(): unknown keyword \"%s\"", fn, name);
			return -1;
		}
		if (kv == SL_NONE)
			continue;
		if (yoe_conv(th, fn, name, kv, k->type, k->out, k->ctor) < 0)
			return -1;
		k->set = true;
	}
	return 0;
}

sl_value yoe_make_struct(sl_thread *th, const char *ctor, const char **names, const sl_value *vals,
                         size_t n)
{
	sl_value nv[64];
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		nv[i] = sl_intern(names[i], strlen(names[i]));
	sl_value s = sl_struct_new(th, nv, vals, n);
	if (s)
		SL_STRUCT(s)->ctor = sl_intern(ctor, strlen(ctor));
	return s;
}

sl_value yoe_strlist_value(const struct strlist *l)
{
	sl_value v = sl_list_new(l->n);
	for (size_t i = 0; i < l->n; i++)
		sl_list_push(v, sl_cstring(l->v[i]));
	return v;
}

const char *yoe_display_path(struct yoe_project *p, const char *abs)
{
	size_t n = strlen(p->root);
	if (!strncmp(abs, p->root, n) && abs[n] == '/')
		return abs + n + 1;
	return abs;
}

const char *yoe_abs_path(struct yoe_project *p, const char *display)
{
	if (display[0] == '/')
		return display;
	return ar_join(&p->arena, p->root, display);
}

struct yoe_pos yoe_here(struct yoe_eval *ev)
{
	struct sl_frame_info fi;
	struct yoe_pos pos = {0};
	if (sl_stack_frame(ev->th, 0, &fi)) {
		pos.file = yoe_abs_path(ev->p, fi.path);
		pos.line = fi.line;
		pos.col = fi.col;
	}
	return pos;
}

struct yoe_pos yoe_here_top(struct yoe_eval *ev)
{
	struct sl_frame_info fi;
	const char *top = ev->p->cur_file;
	/* frames carry display paths: compare with the top file's (no copies,
	 * this runs for every unit) */
	const char *disp = yoe_display_path(ev->p, top);
	for (int d = 0; *top && sl_stack_frame(ev->th, d, &fi); d++)
		if (!strcmp(fi.path, disp))
			return (struct yoe_pos){top, fi.line, fi.col};
	return yoe_here(ev);
}

/* yoe_data_struct: a keyword-only data constructor (kernel(), defaults(), …):
 * check the keywords against kw, then a struct of the given ones. */
sl_value yoe_data_struct(sl_thread *th, const struct sl_args *a, const char *fn, struct yoe_kw *kw)
{
	if (a->npos)
		return sl_error(th, "%s(): takes keyword arguments only, got %zu positional", fn, a->npos);
	if (yoe_kwargs(th, a, fn, kw, NULL) < 0)
		return NULL;
	const char *names[32];
	sl_value vals[32];
	size_t n = 0;
	for (size_t i = 0; i < a->nkw && n < 32; i++) {
		if (a->kw[2 * i + 1] == SL_NONE)
			continue;
		names[n] = sl_str_data(a->kw[2 * i]);
		vals[n++] = a->kw[2 * i + 1];
	}
	return yoe_make_struct(th, fn, names, vals, n);
}
