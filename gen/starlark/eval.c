/* gen/starlark/eval.c — the evaluator: walks the resolved syntax tree.
 * Expressions return a value or NULL (error raised on the thread);
 * statements return a completion code.  Locals live in slots on the
 * thread's value stack; captured ones hold cells.  Also here: calling
 * functions (argument binding as go.starlark.net does it), comprehensions,
 * assignment and unpacking, and load statements. */
#include "starlark/syntax.h"
#include "starlark/internal.h"

#include <stdlib.h>
#include <string.h>

enum { X_NORMAL, X_BREAK, X_CONTINUE, X_RETURN, X_ERROR };

/* How much C stack nested calls may use before "stack overflow" (the
 * default thread stack is 8 MiB; sanitizer builds use bigger frames). */
#define SL_C_STACK_BUDGET ((uintptr_t)3 << 20)

static inline sl_value eval(struct frame *fr, const struct node *e);
static int exec_stmts(struct frame *fr, struct node **v, int n, sl_value *ret);

#define TH (fr->th)

static inline bool truth(sl_value x)
{
	if (x == SL_TRUE)
		return true;
	if (x == SL_FALSE || x == SL_NONE)
		return false;
	return sl_truth(x);
}

bool sl_step_check(sl_thread *th)
{
	if (th->cancelled) {
		sl_error(th, "Starlark computation cancelled: %s", th->cancel_reason ? th->cancel_reason : "cancelled");
		return false;
	}
	if (th->maxsteps && ++th->steps > th->maxsteps) {
		sl_error(th, "Starlark computation cancelled: too many steps");
		return false;
	}
	return true;
}
#define STEP(th) ((th)->cancelled || (th)->maxsteps ? sl_step_check(th) : true)

sl_value *sl_stack_push(sl_thread *th, size_t n, struct stackmark *mark)
{
	struct stackseg *s = th->seg;
	mark->seg = s;
	mark->sp = s->sp;
	if (s->sp + n > s->cap) {
		struct stackseg *nx = s->next;
		if (!nx || nx->cap < n) {
			size_t cap = n > 65536 ? n : 65536;
			if (nx) {
				/* drop the cached segment chain beyond s */
				for (struct stackseg *q = nx; q;) {
					struct stackseg *t = q->next;
					sl_free_root(q);
					q = t;
				}
			}
			nx = sl_alloc_root(sizeof *nx + cap * sizeof(sl_value));
			nx->cap = cap;
			nx->next = NULL;
			nx->prev = s;
			s->next = nx;
		}
		nx->sp = 0;
		th->seg = s = nx;
	}
	sl_value *p = s->slots + s->sp;
	s->sp += n;
	memset(p, 0, n * sizeof *p);
	return p;
}

static sl_value err_at(struct frame *fr, const struct node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static sl_value err_at(struct frame *fr, const struct node *n, const char *fmt, ...)
{
	fr->pc = n;
	va_list ap;
	va_start(ap, fmt);
	sl_verror(fr->th, fmt, ap);
	va_end(ap);
	return NULL;
}

/* ---- variables ---- */
static sl_value load_ident(struct frame *fr, const struct node *e)
{
	sl_value v;
	switch (e->scope) {
	case SC_LOCAL:
		v = fr->locals[e->index];
		if (!v)
			return err_at(fr, e, "local variable %s referenced before assignment", sl_str_data(fr->code->localnames[e->index]));
		return v;
	case SC_CELL:
		v = ((struct sl_cell *)fr->locals[e->index])->v;
		if (!v)
			return err_at(fr, e, "local variable %s referenced before assignment", sl_str_data(fr->code->localnames[e->index]));
		return v;
	case SC_FREE:
		v = fr->freevars[e->index]->v;
		if (!v)
			return err_at(fr, e, "local variable %s referenced before assignment", sl_str_data(fr->code->freevars[e->index]->val));
		return v;
	case SC_GLOBAL:
		v = fr->module->globals[e->index];
		if (!v)
			return err_at(fr, e, "global variable %s referenced before assignment", sl_str_data(fr->module->names[e->index]));
		return v;
	default:
		return e->val;
	}
}

static inline void store_ident(struct frame *fr, const struct node *e, sl_value v)
{
	switch (e->scope) {
	case SC_LOCAL: fr->locals[e->index] = v; break;
	case SC_CELL: ((struct sl_cell *)fr->locals[e->index])->v = v; break;
	case SC_FREE: fr->freevars[e->index]->v = v; break;
	case SC_GLOBAL: fr->module->globals[e->index] = v; break;
	default: break;
	}
}

static int assign(struct frame *fr, const struct node *lhs, sl_value v);

static int set_field(struct frame *fr, const struct node *lhs, sl_value x, sl_value v)
{
	fr->pc = lhs;
	if (sl_kind(x) == SL_KOPAQUE && SL_OPAQUE(x)->type->setattr)
		return SL_OPAQUE(x)->type->setattr(fr->th, x, sl_str_data(lhs->val), v);
	err_at(fr, lhs, "can't assign to .%s field of %s", sl_str_data(lhs->val), sl_type_name(x));
	return -1;
}

static int unpack(struct frame *fr, const struct node *lhs, sl_value v)
{
	size_t n = (size_t)lhs->n;
	enum sl_kind k = sl_kind(v);
	const sl_value *items;
	size_t len;
	if (k == SL_KTUPLE) {
		items = SL_TUPLE(v)->items;
		len = SL_TUPLE(v)->len;
	} else if (k == SL_KLIST) {
		items = SL_LIST(v)->items;
		len = SL_LIST(v)->len;
	} else if (sl_iterable(v)) {
		items = sl_to_array(fr->th, v, &len);
		if (!items)
			return -1;
	} else {
		err_at(fr, lhs, "got %s in sequence assignment", sl_type_name(v));
		return -1;
	}
	if (len > n) {
		err_at(fr, lhs, "too many values to unpack (got %zu, want %zu)", len, n);
		return -1;
	}
	if (len < n) {
		err_at(fr, lhs, "too few values to unpack (got %zu, want %zu)", len, n);
		return -1;
	}
	if (k == SL_KLIST && n > 0) {
		/* the list could change while assigning (x[0], x[1] = x) */
		sl_value *copy = sl_alloc(n * sizeof *copy);
		memcpy(copy, items, n * sizeof *copy);
		items = copy;
	}
	for (size_t i = 0; i < n; i++)
		if (assign(fr, lhs->v[i], items[i]) < 0)
			return -1;
	return 0;
}

static int assign(struct frame *fr, const struct node *lhs, sl_value v)
{
	switch (lhs->kind) {
	case N_IDENT:
		store_ident(fr, lhs, v);
		return 0;
	case N_PAREN:
		return assign(fr, lhs->x, v);
	case N_TUPLE: case N_LIST:
		return unpack(fr, lhs, v);
	case N_INDEX: {
		sl_value x = eval(fr, lhs->x);
		if (!x)
			return -1;
		sl_value i = eval(fr, lhs->y);
		if (!i)
			return -1;
		fr->pc = lhs;
		return sl_set_index(fr->th, x, i, v);
	}
	case N_DOT: {
		sl_value x = eval(fr, lhs->x);
		if (!x)
			return -1;
		return set_field(fr, lhs, x, v);
	}
	default:
		err_at(fr, lhs, "can't assign");
		return -1;
	}
}

/* ---- functions ---- */
static sl_value make_function(struct frame *fr, struct funcode *fc)
{
	struct sl_function *f = sl_alloc_obj(sizeof *f, SL_KFUNCTION);
	f->code = fc;
	f->module = fr->module;
	if (fc->has_defaults) {
		f->defaults = sl_alloc((size_t)fc->nparams * sizeof *f->defaults);
		for (int i = 0; i < fc->nparams; i++)
			if (fc->defaults[i]) {
				f->defaults[i] = eval(fr, fc->defaults[i]);
				if (!f->defaults[i])
					return NULL;
			}
	}
	if (fc->nfree) {
		f->freevars = sl_alloc((size_t)fc->nfree * sizeof *f->freevars);
		for (int i = 0; i < fc->nfree; i++) {
			struct node *o = fc->freevars[i];
			f->freevars[i] = o->scope == SC_CELL ? (struct sl_cell *)fr->locals[o->index] : fr->freevars[o->index];
		}
	}
	return (sl_value)f;
}

static sl_value bind_error(sl_thread *th, struct sl_function *fn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static sl_value bind_error(sl_thread *th, struct sl_function *fn, const char *fmt, ...)
{
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_printf(&b, "function %s ", sl_str_data(fn->code->name));
	va_list ap;
	va_start(ap, fmt);
	sl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sl_error(th, "%s", b.data);
	sl_buf_free(&b);
	return NULL;
}

/* bind_args fills the parameter slots of locals from the call's arguments. */
static bool bind_args(sl_thread *th, struct sl_function *fn, sl_value *locals, const sl_value *args,
                      size_t nargs, const sl_value *kw, size_t nkw)
{
	struct funcode *fc = fn->code;
	int total = fc->nparams + fc->varargs + fc->kwargs;
	if (total == 0) {
		if (nargs + nkw > 0) {
			bind_error(th, fn, "accepts no arguments (%zu given)", nargs + nkw);
			return false;
		}
		return true;
	}
	int nparams = fc->nparams, npos = fc->npositional;
	sl_value kwdict = NULL;
	if (fc->kwargs) {
		kwdict = sl_dict_new(0);
		locals[nparams + fc->varargs] = kwdict;
	}
	size_t n = nargs;
	if (nargs > (size_t)npos) {
		if (!fc->varargs) {
			bool atmost = false;
			for (int i = 0; i < npos; i++)
				atmost |= fc->defaults[i] != NULL;
			bind_error(th, fn, "accepts %s%d positional argument%s (%zu given)", atmost ? "at most " : "",
			           npos, npos == 1 ? "" : "s", nargs);
			return false;
		}
		n = (size_t)npos;
	}
	for (size_t i = 0; i < n; i++)
		locals[i] = args[i];
	if (fc->varargs)
		locals[nparams] = nargs > n ? sl_tuple_from(args + n, nargs - n) : SL_EMPTY_TUPLE;
	for (size_t k = 0; k < nkw; k++) {
		sl_value name = kw[2 * k], v = kw[2 * k + 1];
		int i;
		for (i = 0; i < nparams; i++) {
			sl_value pn = fc->localnames[i];
			if (pn == name || (SL_STR(pn)->len == SL_STR(name)->len &&
			                   memcmp(SL_STR(pn)->data, SL_STR(name)->data, SL_STR(pn)->len) == 0))
				break;
		}
		if (i < nparams) {
			if (locals[i]) {
				bind_error(th, fn, "got multiple values for parameter %s", sl_repr_cstr(name));
				return false;
			}
			locals[i] = v;
			continue;
		}
		if (!kwdict) {
			bind_error(th, fn, "got an unexpected keyword argument %s", sl_repr_cstr(name));
			return false;
		}
		size_t old = sl_dict_len(kwdict);
		sl_dict_set(th, kwdict, name, v);
		if (sl_dict_len(kwdict) == old) {
			bind_error(th, fn, "got multiple values for parameter %s", sl_repr_cstr(name));
			return false;
		}
	}
	if ((int)n < nparams || fc->nkwonly > 0) {
		struct sl_buf missing = SL_BUF_INIT;
		int nmissing = 0;
		for (int i = (int)n; i < nparams; i++) {
			if (locals[i])
				continue;
			if (fn->defaults && fn->defaults[i]) {
				locals[i] = fn->defaults[i];
				continue;
			}
			if (nmissing++)
				sl_buf_adds(&missing, ", ");
			sl_buf_add(&missing, sl_str_data(fc->localnames[i]), sl_str_len(fc->localnames[i]));
		}
		if (nmissing) {
			bind_error(th, fn, "missing %d argument%s (%s)", nmissing, nmissing > 1 ? "s" : "", missing.data);
			sl_buf_free(&missing);
			return false;
		}
	}
	return true;
}

static bool recursion_check(sl_thread *th, struct sl_function *fn)
{
	if (th->opts & SL_OPT_RECURSION)
		return true;
	for (struct frame *f = th->top; f; f = f->parent)
		if (f->code == fn->code) {
			sl_error(th, "function %s called recursively", sl_str_data(fn->code->name));
			return false;
		}
	return true;
}

static sl_value run_frame(sl_thread *th, struct frame *fr)
{
	struct funcode *fc = fr->code;
	if (fc->ncellslots)
		for (int i = 0; i < fc->nlocals; i++)
			if (fc->iscell[i]) {
				struct sl_cell *c = sl_alloc(sizeof *c);
				c->v = fr->locals[i];
				fr->locals[i] = (sl_value)c;
			}
	fr->parent = th->top;
	th->top = fr;
	th->depth++;
	sl_value ret = SL_NONE;
	int r = exec_stmts(fr, fc->body, fc->nbody, &ret);
	th->depth--;
	th->top = fr->parent;
	return r == X_ERROR ? NULL : ret;
}

sl_value sl_call_function(sl_thread *th, struct sl_function *fn, const sl_value *args, size_t nargs,
                          const sl_value *kw, size_t nkw)
{
	struct funcode *fc = fn->code;
	if (th->depth >= th->maxdepth)
		return sl_error(th, "Starlark stack overflow: call depth exceeds %d", th->maxdepth);
	char probe;
	bool outer = !th->cbase;
	if (outer)
		th->cbase = (uintptr_t)&probe;
	else if (th->cbase > (uintptr_t)&probe && th->cbase - (uintptr_t)&probe > SL_C_STACK_BUDGET)
		return sl_error(th, "Starlark stack overflow: interpreter recursion too deep");
	if (!recursion_check(th, fn) || !STEP(th))
		return NULL;
	struct stackmark mark;
	struct frame fr = {0};
	fr.th = th;
	fr.code = fc;
	fr.module = fn->module;
	fr.freevars = fn->freevars;
	fr.locals = sl_stack_push(th, (size_t)fc->nlocals, &mark);
	sl_value ret = NULL;
	if (bind_args(th, fn, fr.locals, args, nargs, kw, nkw))
		ret = run_frame(th, &fr);
	sl_stack_pop(th, mark);
	if (outer)
		th->cbase = 0;
	return ret;
}

sl_value sl_call(sl_thread *th, sl_value fn, const sl_value *args, size_t nargs, const sl_value *kw, size_t nkw)
{
	if (!th->top && th->err)
		sl_error_clear(th);  /* a call from the embedder starts without a stale error */
	switch (sl_kind(fn)) {
	case SL_KFUNCTION:
		return sl_call_function(th, (struct sl_function *)fn, args, nargs, kw, nkw);
	case SL_KBUILTIN: {
		struct sl_builtin *b = SL_BUILTIN(fn);
		struct sl_args a = {b->name, b->recv, b->data, args, nargs, kw, nkw};
		if (th->depth >= th->maxdepth)
			return sl_error(th, "Starlark stack overflow: call depth exceeds %d", th->maxdepth);
		th->depth++;
		sl_value r = b->fn(th, &a);
		th->depth--;
		if (!r && !th->err)
			sl_error(th, "internal error: %s returned no value", b->name);
		return r;
	}
	case SL_KOPAQUE:
		if (SL_OPAQUE(fn)->type->call) {
			struct sl_args a = {SL_OPAQUE(fn)->type->name, NULL, SL_OPAQUE(fn)->data, args, nargs, kw, nkw};
			return SL_OPAQUE(fn)->type->call(th, fn, &a);
		}
		/* fallthrough */
	default:
		return sl_error(th, "invalid call of non-function (%s)", sl_type_name(fn));
	}
}

/* ---- calls ---- */
#define MAXARGS_INLINE 16

static sl_value eval_call(struct frame *fr, const struct node *e)
{
	sl_thread *th = fr->th;
	sl_value fn = NULL, recv = NULL;
	const struct sl_method *method = NULL;
	/* x.m(...) on a built-in type: call the method without binding it */
	if (e->x->kind == N_DOT) {
		recv = eval(fr, e->x->x);
		if (!recv)
			return NULL;
		const struct sl_method *tab = NULL;
		switch (sl_kind(recv)) {
		case SL_KSTRING: tab = sl_string_methods; break;
		case SL_KLIST: tab = sl_list_methods; break;
		case SL_KDICT: tab = sl_dict_methods; break;
		case SL_KSET: tab = sl_set_methods; break;
		case SL_KBYTES: tab = sl_bytes_methods; break;
		default: break;
		}
		if (tab) {
			/* the call site remembers its last lookup (receivers rarely change type) */
			struct node *dot = (struct node *)e->x;
			if (dot->mtab != tab) {
				dot->mcache = sl_method_lookup(tab, sl_str_data(dot->val));
				dot->mtab = tab;
			}
			method = dot->mcache;
		}
		if (!method) {
			fr->pc = e->x;
			fn = sl_attr(th, recv, sl_str_data(e->x->val));
			if (!fn)
				return NULL;
		}
	} else {
		fn = eval(fr, e->x);
		if (!fn)
			return NULL;
	}
	/* arguments: positional values, then (name, value) pairs */
	struct stackmark mark;
	size_t cap = (size_t)e->npos + 2 * (size_t)e->nkw;
	bool simple = cap == (size_t)e->n + (size_t)e->nkw; /* no *args / **kwargs */
	sl_value *buf = sl_stack_push(th, cap ? cap : 1, &mark);
	sl_value *pos = buf, *kw = buf + e->npos;
	size_t npos = 0, nkw = 0;
	sl_value res = NULL;
	if (simple) {
		for (int i = 0; i < e->n; i++) {
			const struct node *a = e->v[i];
			if (a->kind == N_KWARG) {
				sl_value v = eval(fr, a->x);
				if (!v)
					goto out;
				kw[2 * nkw] = a->val;
				kw[2 * nkw + 1] = v;
				nkw++;
			} else {
				sl_value v = eval(fr, a);
				if (!v)
					goto out;
				pos[npos++] = v;
			}
		}
	} else {
		/* general case: collect into growable arrays */
		sl_value posl = sl_list_new(0), kwl = sl_list_new(0);
		for (int i = 0; i < e->n; i++) {
			const struct node *a = e->v[i];
			sl_value v = eval(fr, a->kind == N_KWARG || a->kind == N_STARARG || a->kind == N_STARSTARARG ? a->x : a);
			if (!v)
				goto out;
			if (a->kind == N_KWARG) {
				sl_list_push(kwl, a->val);
				sl_list_push(kwl, v);
			} else if (a->kind == N_STARARG) {
				if (!sl_iterable(v)) {
					err_at(fr, a, "argument after * must be iterable, not %s", sl_type_name(v));
					goto out;
				}
				size_t n;
				sl_value *items = sl_to_array(th, v, &n);
				for (size_t j = 0; j < n; j++)
					sl_list_push(posl, items[j]);
			} else if (a->kind == N_STARSTARARG) {
				if (sl_kind(v) != SL_KDICT) {
					err_at(fr, a, "argument after ** must be a mapping, not %s", sl_type_name(v));
					goto out;
				}
				sl_value k, x;
				for (size_t j = 0; sl_dict_next(v, &j, &k, &x);) {
					if (sl_kind(k) != SL_KSTRING) {
						err_at(fr, a, "keywords must be strings, not %s", sl_type_name(k));
						goto out;
					}
					sl_list_push(kwl, k);
					sl_list_push(kwl, x);
				}
			} else
				sl_list_push(posl, v);
		}
		pos = SL_LIST(posl)->items;
		npos = SL_LIST(posl)->len;
		kw = SL_LIST(kwl)->items;
		nkw = SL_LIST(kwl)->len / 2;
	}
	fr->pc = e;
	if (method) {
		struct sl_args a = {method->name, recv, NULL, pos, npos, kw, nkw};
		th->depth++;
		res = method->fn(th, &a);
		th->depth--;
		if (!res && !th->err)
			sl_error(th, "internal error: %s returned no value", method->name);
	} else
		res = sl_call(th, fn, pos, npos, kw, nkw);
	if (!res)
		fr->pc = e;
out:
	sl_stack_pop(th, mark);
	return res;
}

/* ---- comprehensions ---- */
static bool comp_clause(struct frame *fr, const struct node *e, int ci, sl_value result)
{
	sl_thread *th = fr->th;
	if (ci == e->n) {
		if (e->op == T_LBRACE) {
			sl_value k = eval(fr, e->x->x);
			if (!k)
				return false;
			sl_value v = eval(fr, e->x->y);
			if (!v)
				return false;
			fr->pc = e->x;
			return sl_dict_set(th, result, k, v) == 0;
		}
		sl_value v = eval(fr, e->x);
		if (!v)
			return false;
		sl_list_push(result, v);
		return true;
	}
	const struct node *c = e->v[ci];
	if (c->kind == N_IFCLAUSE) {
		sl_value cond = eval(fr, c->x);
		if (!cond)
			return false;
		return !truth(cond) || comp_clause(fr, e, ci + 1, result);
	}
	sl_value seq = eval(fr, c->y);
	if (!seq)
		return false;
	struct sl_iter it;
	fr->pc = c;
	if (!sl_iter_start(th, seq, &it))
		return false;
	sl_value x;
	bool ok = true;
	while (sl_iter_next(&it, &x)) {
		if (!STEP(th) || assign(fr, c->x, x) < 0 || !comp_clause(fr, e, ci + 1, result)) {
			ok = false;
			break;
		}
	}
	sl_iter_done(&it);
	return ok;
}

static sl_value eval_comp(struct frame *fr, const struct node *e)
{
	sl_value result = e->op == T_LBRACE ? sl_dict_new(0) : sl_list_new(0);
	return comp_clause(fr, e, 0, result) ? result : NULL;
}

/* ---- expressions ---- */
static sl_value eval_binary(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x)
		return NULL;
	sl_value y = eval(fr, e->y);
	if (!y)
		return NULL;
	if (sl_is_smallint(x) && sl_is_smallint(y)) {
		int64_t a = sl_smallint_get(x), b = sl_smallint_get(y);
		switch (e->op) {
		case SL_OP_ADD: return sl_int(a + b);
		case SL_OP_SUB: return sl_int(a - b);
		case SL_OP_LT: return sl_bool(a < b);
		case SL_OP_LE: return sl_bool(a <= b);
		case SL_OP_GT: return sl_bool(a > b);
		case SL_OP_GE: return sl_bool(a >= b);
		case SL_OP_EQ: return sl_bool(a == b);
		case SL_OP_NE: return sl_bool(a != b);
		case SL_OP_AND: return sl_smallint(a & b);
		case SL_OP_OR: return sl_smallint(a | b);
		case SL_OP_XOR: return sl_smallint(a ^ b);
		case SL_OP_MUL:
			if (a > -(1LL << 30) && a < (1LL << 30) && b > -(1LL << 30) && b < (1LL << 30))
				return sl_smallint(a * b);
			break;
		case SL_OP_MOD:
			if (b > 0 && a >= 0)
				return sl_smallint(a % b);
			break;
		case SL_OP_FLOORDIV:
			if (b > 0 && a >= 0)
				return sl_smallint(a / b);
			break;
		default: break;
		}
	}
	fr->pc = e;
	return sl_binary(fr->th, (enum sl_op)e->op, x, y);
}

/* Each expression kind has its own function, called through a table from
 * every site that evaluates an operand: the indirect branches then sit at
 * many call sites and predict far better than one big switch. */
typedef sl_value (*evalfn)(struct frame *fr, const struct node *e);

static sl_value ev_ident(struct frame *fr, const struct node *e)
{
	if (e->scope == SC_LOCAL && fr->locals[e->index])
		return fr->locals[e->index];
	return load_ident(fr, e);
}

static sl_value ev_const(struct frame *fr, const struct node *e) { return e->val; }
static sl_value ev_paren(struct frame *fr, const struct node *e) { return eval(fr, e->x); }

static sl_value ev_and(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x || !truth(x))
		return x;
	return eval(fr, e->y);
}

static sl_value ev_or(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x || truth(x))
		return x;
	return eval(fr, e->y);
}

static sl_value ev_unary(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x)
		return NULL;
	if (e->op == SL_OP_NOT)
		return sl_bool(!truth(x));
	if (e->op == SL_OP_NEG && sl_is_smallint(x))
		return sl_int(-sl_smallint_get(x));
	fr->pc = e;
	return sl_unary(fr->th, (enum sl_op)e->op, x);
}

static sl_value ev_cond(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x)
		return NULL;
	return eval(fr, truth(x) ? e->y : e->z);
}

static sl_value ev_dot(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x)
		return NULL;
	fr->pc = e;
	return sl_attr(fr->th, x, sl_str_data(e->val));
}

static sl_value ev_index(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x)
		return NULL;
	sl_value y = eval(fr, e->y);
	if (!y)
		return NULL;
	if (sl_kind(x) == SL_KLIST && sl_is_smallint(y)) {
		int64_t i = sl_smallint_get(y), n = (int64_t)SL_LIST(x)->len;
		if (i < 0)
			i += n;
		if (i >= 0 && i < n)
			return SL_LIST(x)->items[i];
	}
	fr->pc = e;
	return sl_index(fr->th, x, y);
}

static sl_value ev_slice(struct frame *fr, const struct node *e)
{
	sl_value x = eval(fr, e->x);
	if (!x)
		return NULL;
	sl_value lo = SL_NONE, hi = SL_NONE, st = SL_NONE;
	if (e->y && !(lo = eval(fr, e->y)))
		return NULL;
	if (e->z && !(hi = eval(fr, e->z)))
		return NULL;
	if (e->w && !(st = eval(fr, e->w)))
		return NULL;
	fr->pc = e;
	return sl_slice(fr->th, x, lo, hi, st);
}

static sl_value ev_list(struct frame *fr, const struct node *e)
{
	sl_value l = sl_list_new((size_t)e->n), x;
	for (int i = 0; i < e->n; i++) {
		if (!(x = eval(fr, e->v[i])))
			return NULL;
		SL_LIST(l)->items[i] = x;
	}
	SL_LIST(l)->len = (size_t)e->n;
	return l;
}

static sl_value ev_tuple(struct frame *fr, const struct node *e)
{
	sl_value t = sl_tuple_new((size_t)e->n), x;
	for (int i = 0; i < e->n; i++) {
		if (!(x = eval(fr, e->v[i])))
			return NULL;
		SL_TUPLE(t)->items[i] = x;
	}
	return t;
}

static sl_value ev_dict(struct frame *fr, const struct node *e)
{
	sl_value d = sl_dict_new((size_t)e->n), x, y;
	for (int i = 0; i < e->n; i++) {
		const struct node *en = e->v[i];
		if (!(x = eval(fr, en->x)) || !(y = eval(fr, en->y)))
			return NULL;
		fr->pc = en;
		int had = sl_dict_get(fr->th, d, x, NULL);
		if (had < 0)
			return NULL;
		if (had)
			return err_at(fr, en, "duplicate key: %s", sl_repr_cstr(x));
		if (sl_dict_set(fr->th, d, x, y) < 0)
			return NULL;
	}
	return d;
}

static sl_value ev_lambda(struct frame *fr, const struct node *e) { return make_function(fr, e->fn); }

static sl_value ev_bad(struct frame *fr, const struct node *e)
{
	return err_at(fr, e, "internal error: unexpected expression");
}

static const evalfn evtab[] = {
	[N_IDENT] = ev_ident, [N_CONST] = ev_const, [N_LIST] = ev_list, [N_TUPLE] = ev_tuple,
	[N_DICT] = ev_dict, [N_DICTENTRY] = ev_bad, [N_UNARY] = ev_unary, [N_BINARY] = eval_binary,
	[N_AND] = ev_and, [N_OR] = ev_or, [N_COND] = ev_cond, [N_CALL] = eval_call, [N_DOT] = ev_dot,
	[N_INDEX] = ev_index, [N_SLICE] = ev_slice, [N_LAMBDA] = ev_lambda, [N_COMP] = eval_comp,
	[N_FORCLAUSE] = ev_bad, [N_IFCLAUSE] = ev_bad, [N_PAREN] = ev_paren,
	[N_KWARG] = ev_bad, [N_STARARG] = ev_bad, [N_STARSTARARG] = ev_bad,
	[N_PARAM_DEFAULT] = ev_bad, [N_PARAM_STAR] = ev_bad, [N_PARAM_STARSTAR] = ev_bad,
	[S_EXPR] = ev_bad, [S_ASSIGN] = ev_bad, [S_AUGASSIGN] = ev_bad, [S_DEF] = ev_bad,
	[S_IF] = ev_bad, [S_FOR] = ev_bad, [S_WHILE] = ev_bad, [S_RETURN] = ev_bad,
	[S_BREAK] = ev_bad, [S_CONTINUE] = ev_bad, [S_PASS] = ev_bad, [S_LOAD] = ev_bad,
};

static inline sl_value eval(struct frame *fr, const struct node *e)
{
	if (e->kind == N_IDENT && e->scope == SC_LOCAL && fr->locals[e->index])
		return fr->locals[e->index];
	return evtab[e->kind](fr, e);
}

/* ---- statements ---- */
static int exec_load(struct frame *fr, const struct node *s)
{
	sl_thread *th = fr->th;
	fr->pc = s;
	if (!th->load) {
		sl_error(th, "load not implemented by this application");
		return X_ERROR;
	}
	const char *name = sl_str_data(s->val);
	struct sl_module *m = th->load(th, name, th->load_ud);
	if (!m) {
		if (!th->err)
			sl_error(th, "cannot load %s", name);
		else if (th->ecpath == NULL && (th->ntb == 0 || (th->tb[0].line == s->line && th->tb[0].col == s->col &&
		                                                 th->tb[0].path == fr->code->path))) {
			/* raised by the loader itself, not inside the loaded module */
			/* prefix a plain loader error with the module name, as Go does */
			struct sl_buf b = SL_BUF_INIT;
			sl_buf_printf(&b, "cannot load %s: %s", name, th->errmsg.data);
			fr->pc = s;
			sl_error(th, "%s", b.data);
			sl_buf_free(&b);
		}
		fr->pc = s;
		return X_ERROR;
	}
	for (int i = 0; i < s->n; i++) {
		const struct node *pair = s->v[i];
		sl_value v = sl_module_get(m, sl_str_data(pair->val));
		if (!v) {
			fr->pc = pair;
			const char *hint = sl_nearest_name(sl_module_globals(m), sl_str_data(pair->val));
			if (hint)
				sl_error(th, "load: name %s not found in module %s (did you mean %s?)", sl_str_data(pair->val), name, hint);
			else
				sl_error(th, "load: name %s not found in module %s", sl_str_data(pair->val), name);
			return X_ERROR;
		}
		store_ident(fr, pair->x, v);
	}
	return X_NORMAL;
}

static int exec_for(struct frame *fr, const struct node *s, sl_value *ret)
{
	sl_thread *th = fr->th;
	sl_value seq = eval(fr, s->y);
	if (!seq)
		return X_ERROR;
	struct sl_iter it;
	fr->pc = s;
	if (!sl_iter_start(th, seq, &it))
		return X_ERROR;
	sl_value x;
	int r = X_NORMAL;
	bool simple = s->x->kind == N_IDENT && s->x->scope == SC_LOCAL;
	while (sl_iter_next(&it, &x)) {
		if (!STEP(th)) {
			r = X_ERROR;
			break;
		}
		if (simple)
			fr->locals[s->x->index] = x;
		else if (assign(fr, s->x, x) < 0) {
			r = X_ERROR;
			break;
		}
		r = exec_stmts(fr, s->v, s->n, ret);
		if (r == X_BREAK) {
			r = X_NORMAL;
			break;
		}
		if (r == X_CONTINUE)
			r = X_NORMAL;
		if (r != X_NORMAL)
			break;
	}
	sl_iter_done(&it);
	return r;
}

static int exec_aug(struct frame *fr, const struct node *s)
{
	sl_thread *th = fr->th;
	const struct node *lhs = s->x;
	while (lhs->kind == N_PAREN)
		lhs = lhs->x;
	sl_value obj = NULL, key = NULL, old;
	if (lhs->kind == N_IDENT) {
		if (!(old = load_ident(fr, lhs)))
			return X_ERROR;
	} else if (lhs->kind == N_INDEX) {
		if (!(obj = eval(fr, lhs->x)) || !(key = eval(fr, lhs->y)))
			return X_ERROR;
		fr->pc = lhs;
		if (!(old = sl_index(th, obj, key)))
			return X_ERROR;
	} else if (lhs->kind == N_DOT) {
		if (!(obj = eval(fr, lhs->x)))
			return X_ERROR;
		fr->pc = lhs;
		if (!(old = sl_attr(th, obj, sl_str_data(lhs->val))))
			return X_ERROR;
	} else {
		err_at(fr, lhs, "can't assign");
		return X_ERROR;
	}
	sl_value y = eval(fr, s->y);
	if (!y)
		return X_ERROR;
	fr->pc = s;
	sl_value nv;
	if (s->op == SL_OP_ADD && sl_kind(old) == SL_KLIST) {
		/* list += iterable extends in place */
		if (!sl_iterable(y)) {
			nv = sl_binary(th, SL_OP_ADD, old, y);
			if (!nv)
				return X_ERROR;
		} else {
			if (sl_check_mutable(th, old, "apply += to") < 0)
				return X_ERROR;
			size_t n;
			sl_value *items = sl_to_array(th, y, &n);
			if (!items)
				return X_ERROR;
			if (y == old) {
				sl_value *copy = sl_alloc((n ? n : 1) * sizeof *copy);
				if (n)
					memcpy(copy, items, n * sizeof *copy);
				items = copy;
			}
			for (size_t i = 0; i < n; i++)
				sl_list_push(old, items[i]);
			nv = old;
		}
	} else if (s->op == SL_OP_OR && sl_kind(old) == SL_KDICT && sl_kind(y) == SL_KDICT) {
		/* dict |= dict updates in place (the names stay aliases) */
		sl_value k, v;
		if (sl_check_mutable(th, old, "insert into") < 0)
			return X_ERROR;
		for (size_t i = 0; sl_dict_next(y, &i, &k, &v);)
			if (sl_dict_set(th, old, k, v) < 0)
				return X_ERROR;
		nv = old;
	} else if (sl_is_smallint(old) && sl_is_smallint(y) && s->op == SL_OP_ADD)
		nv = sl_int(sl_smallint_get(old) + sl_smallint_get(y));
	else if (!(nv = sl_binary(th, (enum sl_op)s->op, old, y)))
		return X_ERROR;
	if (lhs->kind == N_IDENT)
		store_ident(fr, lhs, nv);
	else if (lhs->kind == N_INDEX) {
		fr->pc = lhs;
		if (sl_set_index(th, obj, key, nv) < 0)
			return X_ERROR;
	} else if (set_field(fr, lhs, obj, nv) < 0)
		return X_ERROR;
	return X_NORMAL;
}

static int exec_stmts(struct frame *fr, struct node **v, int n, sl_value *ret)
{
	for (int i = 0; i < n; i++) {
		const struct node *s = v[i];
		sl_value x;
		int r;
		switch (s->kind) {
		case S_EXPR:
			if (!eval(fr, s->x))
				return X_ERROR;
			break;
		case S_ASSIGN:
			if (!(x = eval(fr, s->y)))
				return X_ERROR;
			if (s->x->kind == N_IDENT) {
				store_ident(fr, s->x, x);
				break;
			}
			fr->pc = s;
			if (assign(fr, s->x, x) < 0)
				return X_ERROR;
			break;
		case S_AUGASSIGN:
			if (exec_aug(fr, s) != X_NORMAL)
				return X_ERROR;
			break;
		case S_DEF:
			if (!(x = make_function(fr, s->fn)))
				return X_ERROR;
			store_ident(fr, s->x, x);
			break;
		case S_IF:
			/* elif chains are followed in a loop, not by recursion */
			for (;;) {
				if (!(x = eval(fr, s->x)))
					return X_ERROR;
				if (truth(x)) {
					r = exec_stmts(fr, s->v, s->n, ret);
					break;
				}
				if (s->n2 == 1 && s->v2[0]->kind == S_IF) {
					s = s->v2[0];
					continue;
				}
				r = exec_stmts(fr, s->v2, s->n2, ret);
				break;
			}
			if (r != X_NORMAL)
				return r;
			break;
		case S_FOR:
			r = exec_for(fr, s, ret);
			if (r != X_NORMAL)
				return r;
			break;
		case S_WHILE:
			for (;;) {
				if (!STEP(fr->th))
					return X_ERROR;
				if (!(x = eval(fr, s->x)))
					return X_ERROR;
				if (!truth(x))
					break;
				r = exec_stmts(fr, s->v, s->n, ret);
				if (r == X_BREAK)
					break;
				if (r == X_RETURN || r == X_ERROR)
					return r;
			}
			break;
		case S_RETURN:
			if (s->x) {
				if (!(x = eval(fr, s->x)))
					return X_ERROR;
				*ret = x;
			} else
				*ret = SL_NONE;
			return X_RETURN;
		case S_BREAK:
			return X_BREAK;
		case S_CONTINUE:
			return X_CONTINUE;
		case S_PASS:
			break;
		case S_LOAD:
			if (exec_load(fr, s) != X_NORMAL)
				return X_ERROR;
			break;
		default:
			break;
		}
	}
	return X_NORMAL;
}

/* sl_exec_program runs a module's top-level code. */
sl_value sl_exec_program(sl_thread *th, struct sl_module *m)
{
	struct funcode *top = m->prog->top;
	if (th->depth >= th->maxdepth)
		return sl_error(th, "Starlark stack overflow: call depth exceeds %d", th->maxdepth);
	struct stackmark mark;
	struct frame fr = {0};
	fr.th = th;
	fr.code = top;
	fr.module = m;
	fr.locals = sl_stack_push(th, (size_t)top->nlocals + 1, &mark);
	uintptr_t saved = th->cbase;
	char probe;
	if (!th->cbase)
		th->cbase = (uintptr_t)&probe;
	sl_value r = run_frame(th, &fr);
	th->cbase = saved;
	sl_stack_pop(th, mark);
	return r;
}

/* sl_eval_node evaluates a resolved expression with module m's globals. */
sl_value sl_eval_node(sl_thread *th, struct node *e, struct sl_module *m)
{
	struct stackmark mark;
	struct frame fr = {0};
	fr.th = th;
	fr.code = e->fn;
	fr.module = m;
	fr.locals = sl_stack_push(th, (size_t)e->fn->nlocals + 1, &mark);
	if (e->fn->ncellslots)
		for (int i = 0; i < e->fn->nlocals; i++)
			if (e->fn->iscell[i])
				fr.locals[i] = sl_alloc(sizeof(struct sl_cell));
	fr.parent = th->top;
	th->top = &fr;
	th->depth++;
	sl_value r = eval(&fr, e);
	th->depth--;
	th->top = fr.parent;
	sl_stack_pop(th, mark);
	return r;
}
