/* gen/starlark/resolve.c — the resolver: binds every identifier to a slot
 * (local, cell, free, global) or a constant (predeclared, universal), and
 * reports the static errors of the spec: undefined names (with a "did you
 * mean"), reassigned globals, control flow at top level, misplaced
 * load/break/continue/return, bad parameters and arguments.
 *
 * It follows go.starlark.net's algorithm: names bound anywhere in a
 * function are local to all of it; uses are resolved when the function
 * (or file) ends, so functions may refer to globals defined later; a local
 * used by a nested function becomes a cell and the nested function gets a
 * free variable for it. */
#include "starlark/syntax.h"
#include "starlark/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct binding {
	sl_value name;     /* interned */
	uint8_t scope;     /* enum scope */
	int index;         /* slot */
	int line, col;     /* first binding occurrence */
	sl_value value;    /* SC_CONST: the value */
	struct binding *outer; /* SC_FREE: the binding in the enclosing function */
};

struct fnres {
	struct funcode *fc;
	struct binding **locals; int nlocals;
	struct binding **free; int nfree;
};

struct use { struct node *id; struct block *env; };

struct block {
	struct block *parent;
	struct fnres *function;       /* set on function body blocks (and the file block) */
	bool isfile;
	struct binding **binds; int nbinds;
	struct use *uses; int nuses, capuses;  /* containers only */
	struct block **children; int nchildren;
};

struct resolver {
	struct sl_cerr *err;
	const char *path;
	unsigned opts;
	sl_value predeclared;
	struct block *env;     /* current block */
	struct block *file;    /* file block */
	struct binding **globals; int nglobals;
	struct binding **consts; int nconsts;    /* predeclared/universal seen */
	int loops, ifs;
	struct node **idents; int nidents;        /* every resolved N_IDENT, fixed up at the end */
};

#define ERR(r, line, col, ...) cerr_add((r)->err, line, col, __VA_ARGS__)

static void push_ptr(void ***v, int *n, void *x) { node_push((struct node ***)v, n, (struct node *)x); }

static struct binding *block_find(struct block *b, sl_value name)
{
	for (int i = 0; i < b->nbinds; i++)
		if (b->binds[i]->name == name)
			return b->binds[i];
	return NULL;
}

static void block_bind(struct block *b, struct binding *bd) { push_ptr((void ***)&b->binds, &b->nbinds, bd); }

static struct binding *binding_new(sl_value name, int scope, int index, struct node *id)
{
	struct binding *b = sl_ast_alloc(sizeof *b);
	b->name = name;
	b->scope = (uint8_t)scope;
	b->index = index;
	if (id) {
		b->line = id->line;
		b->col = id->col;
	}
	return b;
}

static struct block *container(struct resolver *r)
{
	struct block *b = r->env;
	while (!b->function && !b->isfile)
		b = b->parent;
	return b;
}

static void push_block(struct resolver *r, struct block *b)
{
	b->parent = r->env;
	push_ptr((void ***)&r->env->children, &r->env->nchildren, b);
	r->env = b;
}

static struct binding *use_toplevel(struct resolver *r, struct use *u);

static void use(struct resolver *r, struct node *id)
{
	if ((r->opts & SL_OPT_GLOBALREASSIGN) && r->env == r->file) {
		/* legacy semantics: a top-level use must follow the definition */
		struct use u = {id, r->env};
		id->fn = (struct funcode *)use_toplevel(r, &u);
		push_ptr((void ***)&r->idents, &r->nidents, id);
		return;
	}
	struct block *c = container(r);
	if (c->nuses == c->capuses) {
		int cap = c->capuses ? c->capuses * 2 : 8;
		struct use *nu = sl_ast_alloc((size_t)cap * sizeof *nu);
		if (c->nuses)
			memcpy(nu, c->uses, (size_t)c->nuses * sizeof *nu);
		c->uses = nu;
		c->capuses = cap;
	}
	c->uses[c->nuses++] = (struct use){id, r->env};
}

static struct fnres *fn_of(struct resolver *r)
{
	return container(r)->function;
}

static bool bind_local(struct resolver *r, struct node *id)
{
	struct binding *b = block_find(r->env, id->val);
	bool found = b != NULL;
	if (!b) {
		struct fnres *f = fn_of(r);
		b = binding_new(id->val, SC_LOCAL, f->nlocals, id);
		push_ptr((void ***)&f->locals, &f->nlocals, b);
		block_bind(r->env, b);
	}
	use(r, id);
	return found;
}

static bool bind(struct resolver *r, struct node *id)
{
	if (r->env != r->file)
		return bind_local(r, id);
	struct binding *b = block_find(r->file, id->val);
	bool found = b != NULL;
	if (!b) {
		for (int i = 0; i < r->nglobals; i++)
			if (r->globals[i]->name == id->val) {
				b = r->globals[i];
				found = true;
				break;
			}
	}
	if (!b) {
		b = binding_new(id->val, SC_GLOBAL, r->nglobals, id);
		push_ptr((void ***)&r->globals, &r->nglobals, b);
	}
	if (found && !(r->opts & SL_OPT_GLOBALREASSIGN))
		ERR(r, id->line, id->col, "cannot reassign %s %s declared at %s:%d:%d",
		    b->scope == SC_GLOBAL ? "global" : "local", sl_str_data(id->val), r->path, b->line, b->col);
	id->fn = (struct funcode *)b; /* binding, fixed up at the end */
	push_ptr((void ***)&r->idents, &r->nidents, id);
	return found;
}

/* ---- spelling ---- */
static size_t fold(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++)
		if (*s != '_')
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = 0;
	return n;
}

static int lev(const char *x, size_t nx, const char *y, size_t ny, int max)
{
	if (nx > ny) {
		const char *t = x; x = y; y = t;
		size_t tn = nx; nx = ny; ny = tn;
	}
	size_t i = 0;
	while (i < nx && x[i] == y[i])
		i++;
	if (i == nx)
		return (int)(ny - nx);
	x += i, y += i, nx -= i, ny -= i;
	if ((int)(ny - nx) > max)
		return (int)(ny - nx);
	int row[130];
	if (ny >= 128)
		return max + 1;
	for (size_t j = 0; j <= ny; j++)
		row[j] = (int)j;
	for (size_t a = 1; a <= nx; a++) {
		row[0] = (int)a;
		int best = (int)a, prev = (int)a - 1;
		for (size_t j = 1; j <= ny; j++) {
			int s = prev + (x[a - 1] != y[j - 1]);
			int d = 1 + row[j - 1], in = 1 + row[j];
			int k = s < d ? s : d;
			k = k < in ? k : in;
			prev = row[j];
			row[j] = k;
			best = best < k ? best : k;
		}
		if (best > max)
			return best;
	}
	return row[ny];
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *spellcheck(struct resolver *r, struct use *u)
{
	const char *names[512];
	int n = 0;
	for (struct block *b = u->env; b; b = b->parent)
		for (int i = 0; i < b->nbinds && n < 512; i++)
			names[n++] = sl_str_data(b->binds[i]->name);
	for (int i = 0; i < r->nglobals && n < 512; i++)
		names[n++] = sl_str_data(r->globals[i]->name);
	qsort(names, (size_t)n, sizeof names[0], cmpstr);
	char x[128], c[128];
	size_t nx = fold(sl_str_data(u->id->val), x, sizeof x);
	const char *best = NULL;
	int bestd = ((int)nx + 1) / 2;
	for (int i = 0; i < n; i++) {
		size_t nc = fold(names[i], c, sizeof c);
		int d = lev(x, nx, c, nc, bestd);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

static struct binding *use_toplevel(struct resolver *r, struct use *u)
{
	sl_value name = u->id->val;
	struct binding *b = block_find(r->file, name);
	if (b)
		return b;
	for (int i = 0; i < r->nglobals; i++)
		if (r->globals[i]->name == name)
			return r->globals[i];
	for (int i = 0; i < r->nconsts; i++)
		if (r->consts[i]->name == name)
			return r->consts[i];
	sl_value v = NULL;
	if (r->predeclared)
		v = sl_dict_get_str(r->predeclared, sl_str_data(name));
	if (!v) {
		v = sl_universe_lookup(name);
		if (v && !(r->opts & SL_OPT_SET) && strcmp(sl_str_data(name), "set") == 0) {
			ERR(r, u->id->line, u->id->col, "this Starlark dialect does not support sets");
		}
	}
	if (v) {
		b = binding_new(name, SC_CONST, 0, NULL);
		b->value = v;
		push_ptr((void ***)&r->consts, &r->nconsts, b);
		return b;
	}
	const char *hint = spellcheck(r, u);
	if (hint)
		ERR(r, u->id->line, u->id->col, "undefined: %s (did you mean %s?)", sl_str_data(name), hint);
	else
		ERR(r, u->id->line, u->id->col, "undefined: %s", sl_str_data(name));
	b = binding_new(name, SC_CONST, 0, NULL);
	b->value = SL_NONE;
	return b;
}

static struct binding *lookup_lexical(struct resolver *r, struct use *u, struct block *env)
{
	if (env == r->file)
		return use_toplevel(r, u);
	struct binding *b = block_find(env, u->id->val);
	if (!b) {
		b = lookup_lexical(r, u, env->parent);
		if (env->function && (b->scope == SC_LOCAL || b->scope == SC_FREE || b->scope == SC_CELL)) {
			if (b->scope == SC_LOCAL)
				b->scope = SC_CELL;
			struct binding *f = binding_new(b->name, SC_FREE, env->function->nfree, NULL);
			f->line = b->line;
			f->col = b->col;
			f->outer = b;
			push_ptr((void ***)&env->function->free, &env->function->nfree, f);
			b = f;
		}
		block_bind(env, b);
	}
	return b;
}

static struct binding *lookup_local(struct use *u)
{
	for (struct block *env = u->env; env; env = env->parent) {
		struct binding *b = block_find(env, u->id->val);
		if (b)
			return b;
		if (env->function || env->isfile)
			break;
	}
	return NULL;
}

static void resolve_local_uses(struct resolver *r, struct block *b)
{
	int k = 0;
	for (int i = 0; i < b->nuses; i++) {
		struct binding *bd = lookup_local(&b->uses[i]);
		if (bd && (bd->scope == SC_LOCAL || bd->scope == SC_CELL)) {
			b->uses[i].id->fn = (struct funcode *)bd;
			push_ptr((void ***)&r->idents, &r->nidents, b->uses[i].id);
		} else
			b->uses[k++] = b->uses[i];
	}
	b->nuses = k;
}

static void resolve_nonlocal_uses(struct resolver *r, struct block *b)
{
	for (int i = 0; i < b->nchildren; i++)
		resolve_nonlocal_uses(r, b->children[i]);
	for (int i = 0; i < b->nuses; i++) {
		struct binding *bd = lookup_lexical(r, &b->uses[i], b->uses[i].env);
		b->uses[i].id->fn = (struct funcode *)bd;
		push_ptr((void ***)&r->idents, &r->nidents, b->uses[i].id);
	}
}

/* ---- walking ---- */
static void expr(struct resolver *r, struct node *e);
static void stmts(struct resolver *r, struct node **v, int n);
static void function(struct resolver *r, struct funcode *fc);

static const char *assign_kind(struct node *e)
{
	switch (e->kind) {
	case N_CONST: return "literal";
	case N_CALL: return "callexpr";
	case N_BINARY: case N_AND: case N_OR: return "binaryexpr";
	case N_UNARY: return "unaryexpr";
	case N_DICT: return "dictexpr";
	case N_COMP: return "comprehension";
	case N_COND: return "condexpr";
	case N_LAMBDA: return "lambdaexpr";
	case N_SLICE: return "sliceexpr";
	default: return "expression";
	}
}

static void assign(struct resolver *r, struct node *lhs, bool aug)
{
	switch (lhs->kind) {
	case N_IDENT:
		bind(r, lhs);
		break;
	case N_INDEX:
		expr(r, lhs->x);
		expr(r, lhs->y);
		break;
	case N_DOT:
		expr(r, lhs->x);
		break;
	case N_TUPLE: case N_LIST:
		if (aug) {
			ERR(r, lhs->line, lhs->col, "can't use %s expression in augmented assignment",
			    lhs->kind == N_TUPLE ? "tuple" : "list");
			break;
		}
		for (int i = 0; i < lhs->n; i++)
			assign(r, lhs->v[i], aug);
		break;
	case N_PAREN:
		assign(r, lhs->x, aug);
		break;
	default:
		ERR(r, lhs->line, lhs->col, "can't assign to %s", assign_kind(lhs));
	}
}

static void call(struct resolver *r, struct node *e)
{
	expr(r, e->x);
	bool seenvar = false, seenkw = false;
	int p = 0, n = 0;
	for (int i = 0; i < e->n; i++) {
		struct node *a = e->v[i];
		if (a->kind == N_STARSTARARG) {
			if (seenkw)
				ERR(r, a->line, a->col, "multiple **kwargs not allowed");
			seenkw = true;
			expr(r, a->x);
		} else if (a->kind == N_STARARG) {
			if (seenkw)
				ERR(r, a->line, a->col, "*args may not follow **kwargs");
			else if (seenvar)
				ERR(r, a->line, a->col, "multiple *args not allowed");
			seenvar = true;
			expr(r, a->x);
		} else if (a->kind == N_KWARG) {
			n++;
			if (seenkw)
				ERR(r, a->line, a->col, "keyword argument may not follow **kwargs");
			else if (seenvar)
				ERR(r, a->line, a->col, "keyword argument may not follow *args");
			for (int j = 0; j < i; j++)
				if (e->v[j]->kind == N_KWARG && e->v[j]->val == a->val) {
					ERR(r, a->line, a->col, "keyword argument %s repeated", sl_str_data(a->val));
					break;
				}
			expr(r, a->x);
		} else {
			p++;
			if (seenvar)
				ERR(r, a->line, a->col, "positional argument may not follow *args");
			else if (seenkw)
				ERR(r, a->line, a->col, "positional argument may not follow **kwargs");
			else if (n > 0)
				ERR(r, a->line, a->col, "positional argument may not follow named");
			expr(r, a);
		}
	}
	if (p >= 256)
		ERR(r, e->line, e->col, "%d positional arguments in call, limit is 255", p);
	if (n >= 256)
		ERR(r, e->line, e->col, "%d keyword arguments in call, limit is 255", n);
	e->npos = p;
	e->nkw = n;
}

static void expr(struct resolver *r, struct node *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case N_IDENT:
		use(r, e);
		break;
	case N_CONST:
		break;
	case N_LIST: case N_TUPLE: case N_DICT:
		for (int i = 0; i < e->n; i++)
			expr(r, e->v[i]);
		break;
	case N_DICTENTRY: case N_BINARY: case N_AND: case N_OR:
		expr(r, e->x);
		expr(r, e->y);
		break;
	case N_UNARY: case N_PAREN: case N_DOT:
		expr(r, e->x);
		break;
	case N_COND:
		expr(r, e->x);
		expr(r, e->y);
		expr(r, e->z);
		break;
	case N_INDEX:
		expr(r, e->x);
		expr(r, e->y);
		break;
	case N_SLICE:
		expr(r, e->x);
		expr(r, e->y);
		expr(r, e->z);
		expr(r, e->w);
		break;
	case N_CALL:
		call(r, e);
		break;
	case N_LAMBDA:
		function(r, e->fn);
		break;
	case N_COMP: {
		struct node *c0 = e->v[0];
		expr(r, c0->y);
		struct block *b = sl_ast_alloc(sizeof *b);
		push_block(r, b);
		assign(r, c0->x, false);
		for (int i = 1; i < e->n; i++) {
			struct node *c = e->v[i];
			if (c->kind == N_IFCLAUSE)
				expr(r, c->x);
			else {
				assign(r, c->x, false);
				expr(r, c->y);
			}
		}
		expr(r, e->x);
		r->env = b->parent;
		break;
	}
	default:
		break;
	}
}

static bool toplevel_ok(struct resolver *r)
{
	return (r->opts & (SL_OPT_TOPLEVELCONTROL | SL_OPT_GLOBALREASSIGN)) || container(r)->function != r->file->function;
}

static void stmt(struct resolver *r, struct node *s)
{
	switch (s->kind) {
	case S_EXPR:
		expr(r, s->x);
		break;
	case S_BREAK: case S_CONTINUE:
		if (r->loops == 0)
			ERR(r, s->line, s->col, "%s not in a loop", s->kind == S_BREAK ? "break" : "continue");
		break;
	case S_PASS:
		break;
	case S_IF:
		if (!toplevel_ok(r))
			ERR(r, s->line, s->col, "if statement not within a function");
		r->ifs++;
		/* elif chains in a loop, not by recursion */
		for (;;) {
			expr(r, s->x);
			stmts(r, s->v, s->n);
			if (s->n2 == 1 && s->v2[0]->kind == S_IF) {
				s = s->v2[0];
				continue;
			}
			stmts(r, s->v2, s->n2);
			break;
		}
		r->ifs--;
		break;
	case S_ASSIGN: case S_AUGASSIGN:
		expr(r, s->y);
		assign(r, s->x, s->kind == S_AUGASSIGN);
		break;
	case S_DEF:
		bind(r, s->x);
		function(r, s->fn);
		break;
	case S_FOR:
		if (!toplevel_ok(r))
			ERR(r, s->line, s->col, "for loop not within a function");
		expr(r, s->y);
		assign(r, s->x, false);
		r->loops++;
		stmts(r, s->v, s->n);
		r->loops--;
		break;
	case S_WHILE:
		if (!(r->opts & (SL_OPT_WHILE | SL_OPT_RECURSION)))
			ERR(r, s->line, s->col, "this Starlark dialect does not support while loops");
		if (!toplevel_ok(r))
			ERR(r, s->line, s->col, "while loop not within a function");
		expr(r, s->x);
		r->loops++;
		stmts(r, s->v, s->n);
		r->loops--;
		break;
	case S_RETURN:
		if (container(r)->isfile)
			ERR(r, s->line, s->col, "return statement not within a function");
		expr(r, s->x);
		break;
	case S_LOAD:
		if (!container(r)->isfile)
			ERR(r, s->line, s->col, "load statement within a function");
		else if (r->loops > 0)
			ERR(r, s->line, s->col, "load statement within a loop");
		else if (r->ifs > 0)
			ERR(r, s->line, s->col, "load statement within a conditional");
		for (int i = 0; i < s->n; i++) {
			struct node *pair = s->v[i];
			const char *from = sl_str_data(pair->val);
			if (!*from) {
				ERR(r, pair->line, pair->col, "load: empty identifier");
				continue;
			}
			if (from[0] == '_')
				ERR(r, pair->line, pair->col, "load: names with leading underscores are not exported: %s", from);
			if (r->opts & SL_OPT_LOADBINDSGLOBALLY)
				bind(r, pair->x);
			else if (bind_local(r, pair->x) && !(r->opts & SL_OPT_GLOBALREASSIGN))
				ERR(r, pair->x->line, pair->x->col, "cannot reassign top-level %s", sl_str_data(pair->x->val));
		}
		break;
	default:
		break;
	}
}

static void stmts(struct resolver *r, struct node **v, int n)
{
	for (int i = 0; i < n; i++)
		stmt(r, v[i]);
}

static void function(struct resolver *r, struct funcode *fc)
{
	/* defaults are evaluated in the enclosing scope */
	for (int i = 0; i < fc->nparams_syntax; i++)
		if (fc->params[i]->kind == N_PARAM_DEFAULT)
			expr(r, fc->params[i]->y);
	struct block *b = sl_ast_alloc(sizeof *b);
	struct fnres *f = sl_ast_alloc(sizeof *f);
	f->fc = fc;
	b->function = f;
	push_block(r, b);
	int saved_loops = r->loops, saved_ifs = r->ifs;
	r->loops = r->ifs = 0;

	bool seenopt = false;
	struct node *star = NULL, *starstar = NULL;
	int nkwonly = 0, nnamed = 0;
	fc->defaults = sl_ast_alloc((size_t)(fc->nparams_syntax + 1) * sizeof *fc->defaults);
	for (int i = 0; i < fc->nparams_syntax; i++) {
		struct node *p = fc->params[i];
		if (p->kind == N_IDENT) {
			if (starstar)
				ERR(r, p->line, p->col, "required parameter may not follow **%s", sl_str_data(starstar->val));
			else if (star)
				nkwonly++;
			else if (seenopt)
				ERR(r, p->line, p->col, "required parameter may not follow optional");
			if (bind(r, p))
				ERR(r, p->line, p->col, "duplicate parameter: %s", sl_str_data(p->val));
			fc->defaults[nnamed++] = NULL;
		} else if (p->kind == N_PARAM_DEFAULT) {
			if (starstar)
				ERR(r, p->line, p->col, "optional parameter may not follow **%s", sl_str_data(starstar->val));
			else if (star)
				nkwonly++;
			if (bind(r, p->x))
				ERR(r, p->line, p->col, "duplicate parameter: %s", sl_str_data(p->x->val));
			seenopt = true;
			fc->has_defaults = true;
			fc->defaults[nnamed++] = p->y;
		} else if (p->kind == N_PARAM_STAR) {
			if (starstar)
				ERR(r, p->line, p->col, "* parameter may not follow **%s", sl_str_data(starstar->val));
			else if (star)
				ERR(r, p->line, p->col, "multiple * parameters not allowed");
			else
				star = p;
		} else {
			if (starstar)
				ERR(r, p->line, p->col, "multiple ** parameters not allowed");
			starstar = p->x;
		}
	}
	fc->nparams = nnamed;
	fc->nkwonly = nkwonly;
	fc->npositional = nnamed - nkwonly;
	if (star) {
		if (star->x) {
			if (bind(r, star->x))
				ERR(r, star->x->line, star->x->col, "duplicate parameter: %s", sl_str_data(star->x->val));
			fc->varargs = true;
		} else if (nkwonly == 0)
			ERR(r, star->line, star->col, "bare * must be followed by keyword-only parameters");
	}
	if (starstar) {
		if (bind(r, starstar))
			ERR(r, starstar->line, starstar->col, "duplicate parameter: %s", sl_str_data(starstar->val));
		fc->kwargs = true;
	}
	stmts(r, fc->body, fc->nbody);
	resolve_local_uses(r, b);
	r->env = b->parent;
	r->loops = saved_loops;
	r->ifs = saved_ifs;
	/* locals and free variables are final only at the end of the file: see finish_fn */
	fc->localnames = (sl_value *)f;  /* stash fnres; finish_fn replaces it */
}

/* finish_fn copies a function's final slot layout into its funcode. */
static void finish_fn(struct fnres *f)
{
	struct funcode *fc = f->fc;
	fc->nlocals = f->nlocals;
	fc->localnames = sl_ast_alloc((size_t)(f->nlocals + 1) * sizeof *fc->localnames);
	fc->iscell = sl_ast_alloc((size_t)(f->nlocals + 1));
	for (int i = 0; i < f->nlocals; i++) {
		fc->localnames[i] = f->locals[i]->name;
		fc->iscell[i] = f->locals[i]->scope == SC_CELL;
		fc->ncellslots += fc->iscell[i];
	}
	fc->nfree = f->nfree;
	fc->freevars = sl_ast_alloc((size_t)(f->nfree + 1) * sizeof *fc->freevars);
	for (int i = 0; i < f->nfree; i++) {
		struct binding *o = f->free[i]->outer;
		struct node *n = node_new(N_IDENT, 0, 0);
		n->val = o->name;
		n->scope = o->scope;
		n->index = o->index;
		fc->freevars[i] = n;
	}
}

static void finish_blocks(struct block *b)
{
	if (b->function)
		finish_fn(b->function);
	for (int i = 0; i < b->nchildren; i++)
		finish_blocks(b->children[i]);
}

static void fixup(struct resolver *r)
{
	for (int i = 0; i < r->nidents; i++) {
		struct node *id = r->idents[i];
		struct binding *b = (struct binding *)id->fn;
		id->fn = NULL;
		id->scope = b->scope;
		id->index = b->index;
		if (b->scope == SC_CONST)
			id->val = b->value;
	}
}

static void resolver_init(struct resolver *r, sl_value predeclared, unsigned opts, struct sl_cerr *err, const char *path)
{
	memset(r, 0, sizeof *r);
	r->err = err;
	err->path = path;
	r->opts = opts;
	r->predeclared = predeclared;
	r->path = path;
	r->file = sl_ast_alloc(sizeof *r->file);
	r->file->isfile = true;
	r->env = r->file;
}

struct program *sl_resolve(struct funcode *top, sl_value predeclared, unsigned opts, struct sl_cerr *err)
{
	struct resolver r;
	resolver_init(&r, predeclared, opts, err, top->path);
	struct fnres *f = sl_ast_alloc(sizeof *f);
	f->fc = top;
	r.file->function = f;
	stmts(&r, top->body, top->nbody);
	resolve_nonlocal_uses(&r, r.file);
	if (err->set)
		return NULL;
	fixup(&r);
	finish_blocks(r.file);
	struct program *p = sl_ast_alloc(sizeof *p);
	p->path = top->path;
	p->top = top;
	p->nglobals = r.nglobals;
	p->globalnames = sl_alloc((size_t)(r.nglobals + 1) * sizeof *p->globalnames);
	for (int i = 0; i < r.nglobals; i++)
		p->globalnames[i] = r.globals[i]->name;
	return p;
}

bool sl_resolve_expr(struct node *e, sl_value predeclared, unsigned opts, struct sl_cerr *err)
{
	struct resolver r;
	resolver_init(&r, predeclared, opts, err, "<expr>");
	struct fnres *f = sl_ast_alloc(sizeof *f);
	struct funcode *top = sl_ast_alloc(sizeof *top);
	f->fc = top;
	r.file->function = f;
	expr(&r, e);
	resolve_nonlocal_uses(&r, r.file);
	if (err->set)
		return false;
	fixup(&r);
	finish_blocks(r.file);
	/* an expression may use comprehension locals: the caller allocates them */
	e->fn = top;
	return true;
}
