/* gen/starlark/value.c — the value types' common behaviour: singletons,
 * constructors of the containers, type names, truth, length, equality,
 * ordering, hashing, freezing and mutation checks. */
#include "starlark/syntax.h"
#include "starlark/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sl_obj sl_none_obj = {SL_KNONE, 1, 0, 0};
struct sl_obj sl_true_obj = {SL_KBOOL, 1, 0, 0};
struct sl_obj sl_false_obj = {SL_KBOOL, 1, 0, 0};
struct sl_tuple sl_empty_tuple = {{SL_KTUPLE, 1, 0, 0}, 0};

#define MAX_CMP_DEPTH 1000

/* ---- lists and tuples ---- */
sl_value sl_list_new(size_t cap)
{
	struct sl_list *l = sl_alloc_obj(sizeof *l, SL_KLIST);
	if (cap) {
		l->items = sl_alloc(cap * sizeof *l->items);
		l->cap = cap;
	}
	return (sl_value)l;
}

sl_value sl_list_from(const sl_value *items, size_t n)
{
	sl_value l = sl_list_new(n);
	if (n)
		memcpy(SL_LIST(l)->items, items, n * sizeof *items);
	SL_LIST(l)->len = n;
	return l;
}

void sl_list_push(sl_value list, sl_value x)
{
	struct sl_list *l = SL_LIST(list);
	if (l->len == l->cap) {
		size_t cap = l->cap < 4 ? 4 : l->cap * 2;
		sl_value *ni = sl_alloc(cap * sizeof *ni);
		if (l->len)
			memcpy(ni, l->items, l->len * sizeof *ni);
		l->items = ni;
		l->cap = cap;
	}
	l->items[l->len++] = x;
}

int sl_list_append(sl_thread *th, sl_value list, sl_value x)
{
	if (sl_check_mutable(th, list, "append to") < 0)
		return -1;
	sl_list_push(list, x);
	return 0;
}

sl_value sl_tuple_new(size_t n)
{
	if (n == 0)
		return SL_EMPTY_TUPLE;
	struct sl_tuple *t = sl_alloc(sizeof *t + n * sizeof(sl_value));
	t->h.kind = SL_KTUPLE;
	t->len = n;
	return (sl_value)t;
}

sl_value sl_tuple_from(const sl_value *items, size_t n)
{
	sl_value t = sl_tuple_new(n);
	if (n)
		memcpy(SL_TUPLE(t)->items, items, n * sizeof *items);
	return t;
}

sl_value sl_tuple_slice(sl_value t, size_t lo, size_t hi)
{
	return sl_tuple_from(SL_TUPLE(t)->items + lo, hi - lo);
}

sl_value sl_range_new(int64_t start, int64_t stop, int64_t step)
{
	struct sl_range *r = sl_alloc_obj(sizeof *r, SL_KRANGE);
	r->h.frozen = 1;
	r->start = start;
	r->stop = stop;
	r->step = step;
	__int128 n = 0;
	if (step > 0 && stop > start)
		n = ((__int128)stop - start - 1) / step + 1;
	else if (step < 0 && stop < start)
		n = ((__int128)start - stop - 1) / -(__int128)step + 1;
	r->len = n > INT64_MAX ? INT64_MAX : (int64_t)n;  /* the range builtin rejects such ranges */
	return (sl_value)r;
}

sl_value sl_builtin_new(const char *name, sl_builtin_fn fn, void *data)
{
	struct sl_builtin *b = sl_alloc_obj(sizeof *b, SL_KBUILTIN);
	b->h.frozen = 1;
	b->name = name;
	b->fn = fn;
	b->data = data;
	return (sl_value)b;
}

sl_value sl_builtin_bind(const char *name, sl_builtin_fn fn, sl_value recv)
{
	struct sl_builtin *b = sl_alloc_obj(sizeof *b, SL_KBUILTIN);
	b->name = name;
	b->fn = fn;
	b->recv = recv;
	b->h.frozen = sl_is_frozen(recv);
	return (sl_value)b;
}

sl_value sl_opaque_new(const struct sl_opaque_type *type, void *data)
{
	struct sl_opaque *o = sl_alloc_obj(sizeof *o, SL_KOPAQUE);
	o->type = type;
	o->data = data;
	return (sl_value)o;
}

/* ---- type names, truth, length ---- */
const char *sl_type_name(sl_value v)
{
	switch (sl_kind(v)) {
	case SL_KNONE: return "NoneType";
	case SL_KBOOL: return "bool";
	case SL_KINT: return "int";
	case SL_KFLOAT: return "float";
	case SL_KSTRING: return "string";
	case SL_KBYTES: return "bytes";
	case SL_KLIST: return "list";
	case SL_KTUPLE: return "tuple";
	case SL_KDICT: return "dict";
	case SL_KSET: return "set";
	case SL_KRANGE: return "range";
	case SL_KFUNCTION: return "function";
	case SL_KBUILTIN: return "builtin_function_or_method";
	case SL_KSTRUCT: return "struct";
	case SL_KMODULE: return "module";
	case SL_KOPAQUE: return SL_OPAQUE(v)->type->name;
	default: return "?";
	}
}

bool sl_truth(sl_value v)
{
	if (sl_is_smallint(v))
		return sl_smallint_get(v) != 0;
	switch (v->kind) {
	case SL_KNONE: return false;
	case SL_KBOOL: return v == SL_TRUE;
	case SL_KBIGINT: return true;
	case SL_KFLOAT: return sl_float_get(v) != 0.0;
	case SL_KSTRING: case SL_KBYTES: return SL_STR(v)->len != 0;
	case SL_KLIST: return SL_LIST(v)->len != 0;
	case SL_KTUPLE: return SL_TUPLE(v)->len != 0;
	case SL_KDICT: case SL_KSET: return SL_DICT(v)->t.len != 0;
	case SL_KRANGE: return SL_RANGE(v)->len != 0;
	case SL_KOPAQUE: return SL_OPAQUE(v)->type->truth ? SL_OPAQUE(v)->type->truth(v) : true;
	default: return true;
	}
}

int64_t sl_len(sl_value v)
{
	if (sl_is_smallint(v))
		return -1;
	switch (v->kind) {
	case SL_KSTRING: case SL_KBYTES: return SL_STR(v)->len;
	case SL_KLIST: return (int64_t)SL_LIST(v)->len;
	case SL_KTUPLE: return (int64_t)SL_TUPLE(v)->len;
	case SL_KDICT: case SL_KSET: return SL_DICT(v)->t.len;
	case SL_KRANGE: return SL_RANGE(v)->len;
	case SL_KOPAQUE: return SL_OPAQUE(v)->type->len ? SL_OPAQUE(v)->type->len(v) : -1;
	default: return -1;
	}
}

bool sl_callable(sl_value v)
{
	enum sl_kind k = sl_kind(v);
	return k == SL_KFUNCTION || k == SL_KBUILTIN || (k == SL_KOPAQUE && SL_OPAQUE(v)->type->call);
}

const char *sl_func_name(sl_value fn)
{
	switch (sl_kind(fn)) {
	case SL_KFUNCTION: return sl_str_data(((struct sl_function *)fn)->code->name);
	case SL_KBUILTIN: return SL_BUILTIN(fn)->name;
	default: return sl_type_name(fn);
	}
}

/* ---- freezing ---- */
/* Freezing walks the object graph with an explicit work list, so deeply
 * nested data cannot exhaust the C stack. */
struct work {
	sl_value *v;
	size_t n, cap;
};

static void push(struct work *w, sl_value v)
{
	if (!v || sl_is_smallint(v) || v->frozen)
		return;
	v->frozen = 1;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		sl_value *nv = realloc(w->v, w->cap * sizeof *nv);
		if (!nv)
			abort();
		w->v = nv;
	}
	w->v[w->n++] = v;
}

void sl_freeze(sl_value v0)
{
	if (sl_is_smallint(v0) || v0->frozen)
		return;
	struct work w = {0};
	push(&w, v0);
	while (w.n) {
		sl_value v = w.v[--w.n];
		switch (v->kind) {
		case SL_KLIST:
			for (size_t i = 0; i < SL_LIST(v)->len; i++)
				push(&w, SL_LIST(v)->items[i]);
			break;
		case SL_KTUPLE:
			for (size_t i = 0; i < SL_TUPLE(v)->len; i++)
				push(&w, SL_TUPLE(v)->items[i]);
			break;
		case SL_KDICT: case SL_KSET: {
			struct sl_hashtab *t = &SL_DICT(v)->t;
			for (uint32_t i = 0; i < t->used; i++)
				if (t->entries[i].key) {
					push(&w, t->entries[i].key);
					if (v->kind == SL_KDICT)
						push(&w, t->entries[i].value);
				}
			break;
		}
		case SL_KFUNCTION: {
			struct sl_function *f = (struct sl_function *)v;
			for (int i = 0; i < f->code->nparams; i++)
				if (f->defaults)
					push(&w, f->defaults[i]);
			for (int i = 0; i < f->code->nfree; i++)
				push(&w, f->freevars[i]->v);
			break;
		}
		case SL_KBUILTIN:
			push(&w, SL_BUILTIN(v)->recv);
			break;
		case SL_KSTRUCT:
			for (size_t i = 0; i < SL_STRUCT(v)->n; i++)
				push(&w, SL_STRUCT(v)->values[i]);
			break;
		case SL_KMODULE: {
			struct sl_module *m = (struct sl_module *)v;
			for (int i = 0; i < m->nglobals; i++)
				push(&w, m->globals[i]);
			push(&w, m->members);
			break;
		}
		case SL_KOPAQUE:
			if (SL_OPAQUE(v)->type->freeze)
				SL_OPAQUE(v)->type->freeze(v);
			break;
		default:
			break;
		}
	}
	free(w.v);
}

int sl_check_mutable(sl_thread *th, sl_value v, const char *verb)
{
	if (sl_is_smallint(v))
		return 0;
	const char *what = v->kind == SL_KLIST ? "list" : "hash table";
	if (v->frozen) {
		sl_error(th, "cannot %s frozen %s", verb, what);
		return -1;
	}
	if (v->itercount) {
		sl_error(th, "cannot %s %s during iteration", verb, what);
		return -1;
	}
	return 0;
}

/* ---- hashing ---- */
static uint32_t mix(uint32_t h, uint32_t x) { return (h ^ x) * 16777619u; }

static int hash_depth(sl_thread *th, sl_value v, uint32_t *out, int depth);

int sl_hash(sl_thread *th, sl_value v, uint32_t *out)
{
	return hash_depth(th, v, out, 0);
}

static int hash_depth(sl_thread *th, sl_value v, uint32_t *out, int depth)
{
	if (depth > MAX_CMP_DEPTH) {
		sl_error(th, "hash exceeded maximum recursion depth");
		return -1;
	}
	if (sl_is_smallint(v)) {
		*out = sl_int_hash(v);
		return 0;
	}
	switch (v->kind) {
	case SL_KNONE: *out = 0; return 0;
	case SL_KBOOL: *out = v == SL_TRUE; return 0;
	case SL_KBIGINT: *out = sl_int_hash(v); return 0;
	case SL_KFLOAT: {
		double d = sl_float_get(v);
		if (!isfinite(d)) {
			*out = 1618033;
			return 0;
		}
		if (d == trunc(d) && fabs(d) < 9.2e18) {
			*out = sl_int_hash(sl_int((int64_t)d));
			return 0;
		}
		if (d == trunc(d)) {
			sl_value i = sl_int_from_double(th, d);
			*out = sl_int_hash(i);
			return 0;
		}
		*out = sl_hash_bytes(&d, sizeof d);
		return 0;
	}
	case SL_KSTRING: case SL_KBYTES: {
		struct sl_string *s = SL_STR(v);
		if (!s->hash)
			s->hash = sl_hash_bytes(s->data, s->len);
		*out = s->hash + (v->kind == SL_KBYTES);
		return 0;
	}
	case SL_KTUPLE: {
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < SL_TUPLE(v)->len; i++) {
			uint32_t x;
			if (hash_depth(th, SL_TUPLE(v)->items[i], &x, depth + 1) < 0)
				return -1;
			h = mix(h, x);
		}
		*out = h;
		return 0;
	}
	case SL_KFUNCTION: case SL_KBUILTIN: case SL_KMODULE:
		*out = (uint32_t)((uintptr_t)v >> 4);
		return 0;
	case SL_KRANGE:
		sl_error(th, "unhashable: range");
		return -1;
	case SL_KSTRUCT: {
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < SL_STRUCT(v)->n; i++) {
			uint32_t x;
			if (hash_depth(th, SL_STRUCT(v)->values[i], &x, depth + 1) < 0)
				return -1;
			h = mix(mix(h, SL_STR(SL_STRUCT(v)->names[i])->hash), x);
		}
		*out = h;
		return 0;
	}
	case SL_KOPAQUE:
		if (SL_OPAQUE(v)->type->hash)
			return SL_OPAQUE(v)->type->hash(th, v, out);
		break;
	default:
		break;
	}
	sl_error(th, "unhashable type: %s", sl_type_name(v));
	return -1;
}

/* ---- equality and ordering ---- */
static int cmp_depth(sl_thread *th, sl_value x, sl_value y, int *out, int depth, bool eqonly);
static bool identity_equal(sl_value x);

static int str_cmp(sl_value x, sl_value y)
{
	struct sl_string *a = SL_STR(x), *b = SL_STR(y);
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->data, b->data, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int float_cmp(double x, double y)
{
	if (x > y) return 1;
	if (x < y) return -1;
	if (x == y) return 0;
	if (x == x) return -1;
	if (y == y) return 1;
	return 0;
}

/* num_cmp compares an int and a float (either order) exactly: NaN is
 * greater than everything, as in go.starlark.net's total order. */
static int num_cmp(sl_value x, sl_value y)
{
	if (sl_kind(x) == SL_KFLOAT)
		return -num_cmp(y, x);
	double b = sl_float_get(y);
	if (b != b)
		return -1;
	if (isinf(b))
		return b > 0 ? -1 : 1;
	if (sl_is_smallint(x)) {
		int64_t i = sl_smallint_get(x);
		if (i > -(1LL << 53) && i < (1LL << 53))
			return float_cmp((double)i, b);
	}
	double fl = floor(b);
	int c = sl_int_cmp(x, sl_int_from_double(NULL, fl));
	if (c)
		return c;
	return b > fl ? -1 : 0;
}

static int seq_cmp(sl_thread *th, const sl_value *a, size_t na, const sl_value *b, size_t nb,
                   int *out, int depth, bool eqonly)
{
	if (eqonly && na != nb) {
		*out = 1;
		return 0;
	}
	size_t n = na < nb ? na : nb;
	for (size_t i = 0; i < n; i++) {
		if (a[i] == b[i] && identity_equal(a[i]))
			continue;
		int c;
		if (cmp_depth(th, a[i], b[i], &c, depth + 1, true) < 0)
			return -1;
		if (c != 0) {
			if (eqonly) {
				*out = c;
				return 0;
			}
			return cmp_depth(th, a[i], b[i], out, depth + 1, false);
		}
	}
	*out = na < nb ? -1 : na > nb;
	return 0;
}

static int dict_eq(sl_thread *th, sl_value x, sl_value y, int *out, int depth)
{
	struct sl_hashtab *a = &SL_DICT(x)->t, *b = &SL_DICT(y)->t;
	if (a->len != b->len) {
		*out = 1;
		return 0;
	}
	for (uint32_t i = 0; i < a->used; i++) {
		struct sl_hentry *e = &a->entries[i];
		if (!e->key)
			continue;
		int k = sl_hashtab_lookup(th, b, e->key, NULL);
		if (k == -2)
			return -1;
		if (k < 0) {
			*out = 1;
			return 0;
		}
		if (x->kind == SL_KDICT) {
			int c;
			if (cmp_depth(th, e->value, b->entries[k].value, &c, depth + 1, true) < 0)
				return -1;
			if (c) {
				*out = 1;
				return 0;
			}
		}
	}
	*out = 0;
	return 0;
}

static int not_impl(sl_thread *th, sl_value x, const char *op, sl_value y)
{
	sl_error(th, "%s %s %s not implemented", sl_type_name(x), op, sl_type_name(y));
	return -1;
}

/* cmp_depth: *out gets <0/0/>0; for eqonly, nonzero means "not equal". */
static int cmp_depth(sl_thread *th, sl_value x, sl_value y, int *out, int depth, bool eqonly)
{
	if (depth > MAX_CMP_DEPTH) {
		sl_error(th, "comparison exceeded maximum recursion depth");
		return -1;
	}
	enum sl_kind kx = sl_kind(x), ky = sl_kind(y);
	if (kx != ky) {
		if ((kx == SL_KINT && ky == SL_KFLOAT) || (kx == SL_KFLOAT && ky == SL_KINT)) {
			*out = num_cmp(x, y);
			return 0;
		}
		if (eqonly) {
			*out = 1;
			return 0;
		}
		return not_impl(th, x, "<", y);
	}
	switch (kx) {
	case SL_KNONE:
		if (!eqonly)
			return not_impl(th, x, "<", y);
		*out = 0;
		return 0;
	case SL_KBOOL:
		*out = (x == SL_TRUE) - (y == SL_TRUE);
		return 0;
	case SL_KINT:
		if (sl_is_smallint(x) && sl_is_smallint(y)) {
			int64_t a = sl_smallint_get(x), b = sl_smallint_get(y);
			*out = a < b ? -1 : a > b;
		} else
			*out = sl_int_cmp(x, y);
		return 0;
	case SL_KFLOAT:
		*out = float_cmp(sl_float_get(x), sl_float_get(y));
		return 0;
	case SL_KSTRING: case SL_KBYTES:
		if (eqonly && SL_STR(x)->len != SL_STR(y)->len) {
			*out = 1;
			return 0;
		}
		*out = str_cmp(x, y);
		return 0;
	case SL_KLIST:
		return seq_cmp(th, SL_LIST(x)->items, SL_LIST(x)->len, SL_LIST(y)->items, SL_LIST(y)->len, out, depth, eqonly);
	case SL_KTUPLE:
		return seq_cmp(th, SL_TUPLE(x)->items, SL_TUPLE(x)->len, SL_TUPLE(y)->items, SL_TUPLE(y)->len, out, depth, eqonly);
	case SL_KDICT: case SL_KSET:
		if (!eqonly)
			return not_impl(th, x, "<", y);
		return dict_eq(th, x, y, out, depth);
	case SL_KRANGE: {
		if (!eqonly)
			return not_impl(th, x, "<", y);
		struct sl_range *a = SL_RANGE(x), *b = SL_RANGE(y);
		if (a->len != b->len)
			*out = 1;
		else if (a->len == 0)
			*out = 0;
		else
			*out = !(a->start == b->start && (a->len == 1 || a->step == b->step));
		return 0;
	}
	case SL_KSTRUCT: {
		if (!eqonly)
			return not_impl(th, x, "<", y);
		struct sl_struct *a = SL_STRUCT(x), *b = SL_STRUCT(y);
		if (a->n != b->n || a->ctor != b->ctor) {
			*out = 1;
			return 0;
		}
		for (size_t i = 0; i < a->n; i++)
			if (str_cmp(a->names[i], b->names[i]) != 0) {
				*out = 1;
				return 0;
			}
		return seq_cmp(th, a->values, a->n, b->values, b->n, out, depth, true);
	}
	case SL_KOPAQUE:
		if (!eqonly)
			return not_impl(th, x, "<", y);
		if (SL_OPAQUE(x)->type != SL_OPAQUE(y)->type) {
			*out = 1;
			return 0;
		}
		if (SL_OPAQUE(x)->type->equal) {
			int r = SL_OPAQUE(x)->type->equal(th, x, y);
			if (r < 0)
				return -1;
			*out = !r;
			return 0;
		}
		*out = x != y;
		return 0;
	default:
		if (!eqonly)
			return not_impl(th, x, "<", y);
		*out = x != y;
		return 0;
	}
}

/* identity implies equality except for floats (NaN) and containers,
 * which Go compares element-wise even with themselves (a cyclic list
 * compared with itself reports the recursion depth error) */
static bool identity_equal(sl_value x)
{
	if (sl_is_smallint(x))
		return true;
	switch (x->kind) {
	case SL_KFLOAT: case SL_KLIST: case SL_KTUPLE: case SL_KDICT: case SL_KSET: case SL_KSTRUCT:
		return false;
	default:
		return true;
	}
}

int sl_equal(sl_thread *th, sl_value x, sl_value y)
{
	if (x == y && identity_equal(x))
		return 1;
	if (sl_is_smallint(x) && sl_is_smallint(y))
		return 0;
	int c;
	if (cmp_depth(th, x, y, &c, 0, true) < 0)
		return -1;
	return c == 0;
}

int sl_cmp(sl_thread *th, sl_value x, sl_value y, int *out)
{
	return cmp_depth(th, x, y, out, 0, false);
}

int sl_compare(sl_thread *th, enum sl_op op, sl_value x, sl_value y)
{
	if (op == SL_OP_EQ || op == SL_OP_NE) {
		int r = sl_equal(th, x, y);
		if (r < 0)
			return -1;
		return op == SL_OP_EQ ? r : !r;
	}
	if (sl_is_smallint(x) && sl_is_smallint(y)) {
		int64_t a = sl_smallint_get(x), b = sl_smallint_get(y);
		switch (op) {
		case SL_OP_LT: return a < b;
		case SL_OP_LE: return a <= b;
		case SL_OP_GT: return a > b;
		default: return a >= b;
		}
	}
	int c;
	enum sl_kind kx = sl_kind(x), ky = sl_kind(y);
	bool ordered = kx == ky || ((kx == SL_KINT || kx == SL_KFLOAT) && (ky == SL_KINT || ky == SL_KFLOAT));
	if (!ordered)
		return not_impl(th, x, sl_op_str(op), y);
	switch (kx) {
	case SL_KNONE: case SL_KDICT: case SL_KSET: case SL_KRANGE: case SL_KFUNCTION:
	case SL_KBUILTIN: case SL_KSTRUCT: case SL_KMODULE: case SL_KOPAQUE:
		return not_impl(th, x, sl_op_str(op), y);
	default:
		break;
	}
	if (cmp_depth(th, x, y, &c, 0, false) < 0) {
		/* reword a nested failure with the operator actually used */
		return -1;
	}
	switch (op) {
	case SL_OP_LT: return c < 0;
	case SL_OP_LE: return c <= 0;
	case SL_OP_GT: return c > 0;
	default: return c >= 0;
	}
}

const char *sl_op_str(enum sl_op op)
{
	static const char *const s[] = {
		[SL_OP_ADD] = "+", [SL_OP_SUB] = "-", [SL_OP_MUL] = "*", [SL_OP_DIV] = "/",
		[SL_OP_FLOORDIV] = "//", [SL_OP_MOD] = "%", [SL_OP_AND] = "&", [SL_OP_OR] = "|",
		[SL_OP_XOR] = "^", [SL_OP_SHL] = "<<", [SL_OP_SHR] = ">>", [SL_OP_IN] = "in",
		[SL_OP_NOT_IN] = "not in", [SL_OP_EQ] = "==", [SL_OP_NE] = "!=", [SL_OP_LT] = "<",
		[SL_OP_LE] = "<=", [SL_OP_GT] = ">", [SL_OP_GE] = ">=", [SL_OP_NEG] = "-",
		[SL_OP_POS] = "+", [SL_OP_INVERT] = "~", [SL_OP_NOT] = "not",
	};
	return s[op];
}
