/* gen/starlark/parse.c — the parser: tokens to a syntax tree, by recursive
 * descent with precedence climbing for binary operators, following the
 * grammar (and error wording) of go.starlark.net's syntax package.  On the
 * first error the scanner reports EOF, so parsing unwinds quickly; the
 * error itself is in struct sl_cerr. */
#include "starlark/syntax.h"
#include "starlark/internal.h"

#include <stdio.h>
#include <string.h>

struct parser {
	struct scanner s;
	struct sl_cerr *err;
	int depth;         /* expression nesting, bounded to protect the C stack */
	int nfuncs;        /* def and lambda seen */
};
#define MAX_NESTING 400
#define MAX_HEIGHT 1500    /* tallest expression tree the resolver/evaluator recurse over */

struct node *node_new(int kind, int line, int col)
{
	struct node *n = sl_ast_alloc(sizeof *n);
	n->kind = (uint8_t)kind;
	n->line = line;
	n->col = col;
	return n;
}

void node_push(struct node ***v, int *n, struct node *x)
{
	/* capacities 4, 8, 16...: grow at 0 and at each power of two >= 4 (the
	 * old array stays in the region) */
	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		int cap = *n ? *n * 2 : 4;
		struct node **nv = sl_ast_alloc((size_t)cap * sizeof *nv);
		if (*n)
			memcpy(nv, *v, (size_t)*n * sizeof *nv);
		*v = nv;
	}
	(*v)[(*n)++] = x;
}

#define TOK (p->s.tok)
static bool failed(struct parser *p) { return p->err->set; }
static void perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* grow records that child hangs below n: long operator or suffix chains
 * (a + a + ... or x.f().g()...) make deep trees without any brackets. */
static struct node *grow(struct parser *p, struct node *n, struct node *child)
{
	if (child && child->height >= n->height) {
		n->height = (uint16_t)(child->height + 1);
		if (n->height > MAX_HEIGHT && !failed(p))
			perr(p, "expression nested too deeply");
	}
	return child;
}

/* perr reports at the scanner's position (after the lookahead), like Go. */
static void perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cerr_set(p->err, p->s.eline, p->s.ecol, "%s", msg);
	p->s.tok = T_EOF;
}

/* tokstr is Go's %#v of a token: punctuation quoted. */
static const char *tokstr(enum tok t, char *buf)
{
	if (t >= T_PLUS && t <= T_STARSTAR) {
		snprintf(buf, 16, "'%s'", sl_tok_names[t]);
		return buf;
	}
	return sl_tok_names[t];
}

static void next(struct parser *p) { scan_next(&p->s); }

static bool consume(struct parser *p, enum tok t)
{
	if (TOK != t) {
		if (!failed(p)) {
			char a[16], b[16];
			perr(p, "got %s, want %s", tokstr(TOK, a), tokstr(t, b));
		}
		return false;
	}
	next(p);
	return true;
}

static struct node *parse_test(struct parser *p);
static struct node *parse_expr(struct parser *p, bool inparens);
static struct node *parse_primary_suffix(struct parser *p);
static void parse_stmt(struct parser *p, struct node ***v, int *n);
static struct node *parse_test_prec(struct parser *p, int prec);

static struct node *bad(struct parser *p)
{
	/* a placeholder after an error, so callers need no NULL checks */
	return node_new(N_CONST, p->s.tline, p->s.tcol);
}

static struct node *parse_ident(struct parser *p)
{
	if (TOK != T_IDENT) {
		if (!failed(p))
			perr(p, "not an identifier");
		return bad(p);
	}
	struct node *n = node_new(N_IDENT, p->s.tline, p->s.tcol);
	n->val = p->s.val;
	next(p);
	return n;
}

static bool terminates_list(enum tok t)
{
	return t == T_EOF || t == T_NEWLINE || t == T_EQ || t == T_RBRACE || t == T_RBRACK ||
	       t == T_RPAREN || t == T_SEMI;
}

/* parse_exprs continues a comma-separated list after its first element. */
static void parse_exprs(struct parser *p, struct node *tup, bool trailing_ok)
{
	while (TOK == T_COMMA) {
		int line = p->s.tline, col = p->s.tcol;
		next(p);
		if (terminates_list(TOK)) {
			if (!trailing_ok)
				cerr_set(p->err, line, col, "unparenthesized tuple with trailing comma"), p->s.tok = T_EOF;
			break;
		}
		node_push(&tup->v, &tup->n, grow(p, tup, parse_test(p)));
	}
}

static struct node *parse_expr(struct parser *p, bool inparens)
{
	struct node *x = parse_test(p);
	if (TOK != T_COMMA)
		return x;
	struct node *t = node_new(N_TUPLE, x->line, x->col);
	node_push(&t->v, &t->n, grow(p, t, x));
	parse_exprs(p, t, inparens);
	return t;
}

static void parse_params(struct parser *p, struct funcode *fc)
{
	while (TOK != T_RPAREN && TOK != T_COLON && TOK != T_EOF) {
		if (fc->nparams_syntax > 0 && !consume(p, T_COMMA))
			return;
		if (TOK == T_RPAREN)
			break;
		if (TOK == T_STAR || TOK == T_STARSTAR) {
			bool two = TOK == T_STARSTAR;
			struct node *n = node_new(two ? N_PARAM_STARSTAR : N_PARAM_STAR, p->s.tline, p->s.tcol);
			next(p);
			if (two || TOK == T_IDENT)
				n->x = parse_ident(p);
			node_push(&fc->params, &fc->nparams_syntax, n);
			continue;
		}
		struct node *id = parse_ident(p);
		if (TOK == T_EQ) {
			struct node *n = node_new(N_PARAM_DEFAULT, p->s.tline, p->s.tcol);
			next(p);
			n->x = id;
			n->y = parse_test(p);
			node_push(&fc->params, &fc->nparams_syntax, n);
			continue;
		}
		node_push(&fc->params, &fc->nparams_syntax, id);
	}
}

static struct funcode *funcode_new(struct parser *p, sl_value name, int line, int col)
{
	struct funcode *fc = sl_ast_alloc(sizeof *fc);
	p->nfuncs++;
	fc->name = name;
	fc->path = p->s.path;
	fc->line = line;
	fc->col = col;
	return fc;
}

static struct node *parse_lambda(struct parser *p, bool allowcond)
{
	struct node *n = node_new(N_LAMBDA, p->s.tline, p->s.tcol);
	next(p);
	struct funcode *fc = funcode_new(p, sl_intern("lambda", 6), n->line, n->col);
	fc->is_lambda = true;
	if (TOK != T_COLON)
		parse_params(p, fc);
	consume(p, T_COLON);
	struct node *body = allowcond ? parse_test(p) : parse_test_prec(p, 0);
	struct node *ret = node_new(S_RETURN, body->line, body->col);
	ret->x = body;
	node_push(&fc->body, &fc->nbody, ret);
	n->fn = fc;
	return n;
}

static struct node *parse_test(struct parser *p)
{
	if (++p->depth > MAX_NESTING) {
		if (!failed(p))
			perr(p, "expression nested too deeply");
		p->depth--;
		return bad(p);
	}
	if (TOK == T_LAMBDA) {
		struct node *l = parse_lambda(p, true);
		p->depth--;
		return l;
	}
	struct node *x = parse_test_prec(p, 0);
	if (TOK == T_IF) {
		int line = p->s.tline, col = p->s.tcol;
		next(p);
		struct node *c = node_new(N_COND, line, col);
		c->x = grow(p, c, parse_test_prec(p, 0));
		if (TOK != T_ELSE) {
			if (!failed(p))
				cerr_set(p->err, line, col, "conditional expression without else clause"), p->s.tok = T_EOF;
			p->depth--;
			return x;
		}
		next(p);
		c->y = grow(p, c, x);
		c->z = grow(p, c, parse_test(p));
		x = c;
	}
	p->depth--;
	return x;
}

static struct node *parse_test_nocond(struct parser *p)
{
	if (TOK == T_LAMBDA) {
		if (++p->depth > MAX_NESTING) {
			if (!failed(p))
				perr(p, "expression nested too deeply");
			p->depth--;
			return bad(p);
		}
		struct node *l = parse_lambda(p, false);
		p->depth--;
		return l;
	}
	return parse_test_prec(p, 0);
}

/* precedence levels as in Go: or, and, not, comparisons, |, ^, &, shifts, + -, * / // % */
static int precedence(enum tok t)
{
	switch (t) {
	case T_OR: return 0;
	case T_AND: return 1;
	case T_NOT: return 2;
	case T_EQL: case T_NEQ: case T_LT: case T_GT: case T_LE: case T_GE: case T_IN: case T_NOT_IN: return 3;
	case T_PIPE: return 4;
	case T_CIRCUMFLEX: return 5;
	case T_AMP: return 6;
	case T_LTLT: case T_GTGT: return 7;
	case T_MINUS: case T_PLUS: return 8;
	case T_STAR: case T_PERCENT: case T_SLASH: case T_SLASHSLASH: return 9;
	default: return -1;
	}
}
#define NLEVELS 10

static enum sl_op tok_op(enum tok t)
{
	switch (t) {
	case T_PLUS: return SL_OP_ADD;
	case T_MINUS: return SL_OP_SUB;
	case T_STAR: return SL_OP_MUL;
	case T_SLASH: return SL_OP_DIV;
	case T_SLASHSLASH: return SL_OP_FLOORDIV;
	case T_PERCENT: return SL_OP_MOD;
	case T_AMP: return SL_OP_AND;
	case T_PIPE: return SL_OP_OR;
	case T_CIRCUMFLEX: return SL_OP_XOR;
	case T_LTLT: return SL_OP_SHL;
	case T_GTGT: return SL_OP_SHR;
	case T_IN: return SL_OP_IN;
	case T_NOT_IN: return SL_OP_NOT_IN;
	case T_EQL: return SL_OP_EQ;
	case T_NEQ: return SL_OP_NE;
	case T_LT: return SL_OP_LT;
	case T_LE: return SL_OP_LE;
	case T_GT: return SL_OP_GT;
	case T_GE: return SL_OP_GE;
	default: return SL_OP_ADD;
	}
}

/* parse_test_prec parses operators of precedence >= prec by precedence
 * climbing: a unary `not` (level 2) or a primary, then binary operators
 * while they bind at least as tightly as prec. */
static struct node *parse_test_prec(struct parser *p, int prec)
{
	struct node *x;
	if (TOK == T_NOT && prec <= 2) {
		struct node *n = node_new(N_UNARY, p->s.tline, p->s.tcol);
		next(p);
		n->op = SL_OP_NOT;
		if (++p->depth > MAX_NESTING) {
			if (!failed(p))
				perr(p, "expression nested too deeply");
			n->x = bad(p);
		} else
			n->x = grow(p, n, parse_test_prec(p, 2));
		p->depth--;
		x = n;
	} else
		x = parse_primary_suffix(p);
	int lastprec = -1;
	enum tok prevop = T_ILLEGAL;
	for (;;) {
		if (TOK == T_NOT) {
			if (prec > 3)
				return x; /* `not in` binds at level 3 */
			next(p);
			if (TOK != T_IN) {
				if (!failed(p)) {
					char a[16];
					perr(p, "got %s, want in", tokstr(TOK, a));
				}
				return x;
			}
			p->s.tok = T_NOT_IN;
		}
		int opprec = precedence(TOK);
		if (opprec < prec || opprec == 2)
			return x;
		if (opprec == 3 && lastprec == 3) {
			perr(p, "%s does not associate with %s (use parens)", sl_tok_names[prevop], sl_tok_names[TOK]);
			return x;
		}
		enum tok op = TOK;
		int kind = op == T_OR ? N_OR : op == T_AND ? N_AND : N_BINARY;
		struct node *b = node_new(kind, p->s.tline, p->s.tcol);
		next(p);
		b->op = (uint8_t)tok_op(op);
		b->x = grow(p, b, x);
		b->y = grow(p, b, parse_test_prec(p, opprec + 1));
		x = b;
		prevop = op;
		lastprec = opprec;
	}
}

static struct node *parse_comp_suffix(struct parser *p, struct node *comp, enum tok end)
{
	while (TOK != end) {
		if (TOK == T_FOR) {
			struct node *c = node_new(N_FORCLAUSE, p->s.tline, p->s.tcol);
			next(p);
			/* loop variables */
			struct node *v = parse_primary_suffix(p);
			if (TOK == T_COMMA) {
				struct node *t = node_new(N_TUPLE, v->line, v->col);
				node_push(&t->v, &t->n, v);
				while (TOK == T_COMMA) {
					next(p);
					if (terminates_list(TOK))
						break;
					node_push(&t->v, &t->n, parse_primary_suffix(p));
				}
				v = t;
			}
			c->x = v;
			if (!consume(p, T_IN))
				return comp;
			c->y = grow(p, c, parse_test_prec(p, 0));
			grow(p, c, c->x);
			node_push(&comp->v, &comp->n, grow(p, comp, c));
		} else if (TOK == T_IF) {
			struct node *c = node_new(N_IFCLAUSE, p->s.tline, p->s.tcol);
			next(p);
			c->x = grow(p, c, parse_test_nocond(p));
			node_push(&comp->v, &comp->n, grow(p, comp, c));
		} else {
			if (!failed(p)) {
				char a[16];
				perr(p, "got %s, want '%s', for, or if", tokstr(TOK, a), sl_tok_names[end]);
			}
			return comp;
		}
		if (comp->n > 200 && !failed(p)) {
			perr(p, "too many clauses in comprehension");
			return comp;
		}
	}
	next(p);
	return comp;
}

static struct node *parse_list(struct parser *p)
{
	struct node *n = node_new(N_LIST, p->s.tline, p->s.tcol);
	next(p);
	if (TOK == T_RBRACK) {
		next(p);
		return n;
	}
	struct node *x = parse_test(p);
	if (TOK == T_FOR) {
		n->kind = N_COMP;
		n->op = T_LBRACK;
		n->x = grow(p, n, x);
		return parse_comp_suffix(p, n, T_RBRACK);
	}
	node_push(&n->v, &n->n, grow(p, n, x));
	if (TOK == T_COMMA)
		parse_exprs(p, n, true);
	consume(p, T_RBRACK);
	return n;
}

static struct node *parse_dict_entry(struct parser *p)
{
	struct node *k = parse_test(p);
	struct node *e = node_new(N_DICTENTRY, p->s.tline, p->s.tcol);
	consume(p, T_COLON);
	e->x = grow(p, e, k);
	e->y = grow(p, e, parse_test(p));
	return e;
}

static struct node *parse_dict(struct parser *p)
{
	struct node *n = node_new(N_DICT, p->s.tline, p->s.tcol);
	next(p);
	if (TOK == T_RBRACE) {
		next(p);
		return n;
	}
	struct node *e = parse_dict_entry(p);
	if (TOK == T_FOR) {
		n->kind = N_COMP;
		n->op = T_LBRACE;
		n->x = grow(p, n, e);
		return parse_comp_suffix(p, n, T_RBRACE);
	}
	node_push(&n->v, &n->n, grow(p, n, e));
	while (TOK == T_COMMA) {
		next(p);
		if (TOK == T_RBRACE)
			break;
		node_push(&n->v, &n->n, grow(p, n, parse_dict_entry(p)));
	}
	consume(p, T_RBRACE);
	return n;
}

static struct node *parse_primary(struct parser *p)
{
	struct node *n;
	switch (TOK) {
	case T_IDENT:
		return parse_ident(p);
	case T_INT: case T_STRING: case T_BYTES:
		n = node_new(N_CONST, p->s.tline, p->s.tcol);
		n->val = p->s.val;
		next(p);
		return n;
	case T_FLOAT:
		n = node_new(N_CONST, p->s.tline, p->s.tcol);
		n->val = sl_float(p->s.fval);
		next(p);
		return n;
	case T_LBRACK:
		return parse_list(p);
	case T_LBRACE:
		return parse_dict(p);
	case T_LPAREN: {
		int line = p->s.tline, col = p->s.tcol;
		next(p);
		if (TOK == T_RPAREN) {
			next(p);
			return node_new(N_TUPLE, line, col);
		}
		struct node *e = parse_expr(p, true);
		consume(p, T_RPAREN);
		n = node_new(N_PAREN, line, col);
		n->x = grow(p, n, e);
		return n;
	}
	case T_MINUS: case T_PLUS: case T_TILDE: {
		n = node_new(N_UNARY, p->s.tline, p->s.tcol);
		n->op = TOK == T_MINUS ? SL_OP_NEG : TOK == T_PLUS ? SL_OP_POS : SL_OP_INVERT;
		next(p);
		if (++p->depth > MAX_NESTING) {
			if (!failed(p))
				perr(p, "expression nested too deeply");
			n->x = bad(p);
		} else
			n->x = grow(p, n, parse_primary_suffix(p));
		p->depth--;
		return n;
	}
	default:
		if (!failed(p)) {
			char a[16];
			perr(p, "got %s, want primary expression", tokstr(TOK, a));
		}
		return bad(p);
	}
}

static struct node *parse_call(struct parser *p, struct node *fn)
{
	struct node *c = node_new(N_CALL, p->s.tline, p->s.tcol);
	c->x = grow(p, c, fn);
	next(p);
	while (TOK != T_RPAREN && TOK != T_EOF) {
		if (c->n > 0 && !consume(p, T_COMMA))
			return c;
		if (TOK == T_RPAREN)
			break;
		if (TOK == T_STAR || TOK == T_STARSTAR) {
			struct node *a = node_new(TOK == T_STAR ? N_STARARG : N_STARSTARARG, p->s.tline, p->s.tcol);
			next(p);
			a->x = grow(p, a, parse_test(p));
			node_push(&c->v, &c->n, grow(p, c, a));
			continue;
		}
		struct node *x = parse_test(p);
		if (TOK == T_EQ) {
			if (x->kind != N_IDENT) {
				perr(p, "keyword argument must have form name=expr");
				return c;
			}
			struct node *k = node_new(N_KWARG, x->line, x->col);
			next(p);
			k->val = x->val;
			k->x = grow(p, k, parse_test(p));
			x = k;
		}
		node_push(&c->v, &c->n, grow(p, c, x));
	}
	consume(p, T_RPAREN);
	return c;
}

static struct node *parse_slice(struct parser *p, struct node *x)
{
	int line = p->s.tline, col = p->s.tcol;
	next(p);
	struct node *lo = NULL, *hi = NULL, *step = NULL;
	if (TOK != T_COLON) {
		struct node *y = parse_expr(p, false);
		if (TOK == T_RBRACK) {
			next(p);
			struct node *n = node_new(N_INDEX, line, col);
			n->x = grow(p, n, x);
			n->y = grow(p, n, y);
			return n;
		}
		lo = y;
	}
	if (TOK == T_COLON) {
		next(p);
		if (TOK != T_COLON && TOK != T_RBRACK)
			hi = parse_test(p);
	}
	if (TOK == T_COLON) {
		next(p);
		if (TOK != T_RBRACK)
			step = parse_test(p);
	}
	consume(p, T_RBRACK);
	struct node *n = node_new(N_SLICE, line, col);
	n->x = grow(p, n, x);
	n->y = grow(p, n, lo);
	n->z = grow(p, n, hi);
	n->w = grow(p, n, step);
	return n;
}

static struct node *parse_primary_suffix(struct parser *p)
{
	struct node *x = parse_primary(p);
	for (;;) {
		switch (TOK) {
		case T_DOT: {
			struct node *d = node_new(N_DOT, p->s.tline, p->s.tcol);
			next(p);
			struct node *id = parse_ident(p);
			d->x = grow(p, d, x);
			d->val = id->val;
			x = d;
			break;
		}
		case T_LBRACK:
			x = parse_slice(p, x);
			break;
		case T_LPAREN:
			x = parse_call(p, x);
			break;
		default:
			return x;
		}
	}
}

static struct node *parse_load(struct parser *p)
{
	struct node *n = node_new(S_LOAD, p->s.tline, p->s.tcol);
	next(p);
	int lline = p->s.tline, lcol = p->s.tcol;
	if (!consume(p, T_LPAREN))
		return n;
	if (TOK != T_STRING) {
		perr(p, "first operand of load statement must be a string literal");
		return n;
	}
	n->val = p->s.val;
	next(p);
	/* v: pairs of (local N_IDENT, original-name N_IDENT) stored as x/y of N_KWARG nodes */
	while (TOK != T_RPAREN && TOK != T_EOF) {
		if (!consume(p, T_COMMA))
			return n;
		if (TOK == T_RPAREN)
			break;
		struct node *pair = node_new(N_KWARG, p->s.tline, p->s.tcol);
		if (TOK == T_STRING) {
			struct node *id = node_new(N_IDENT, p->s.tline, p->s.tcol + 1);
			id->val = sl_intern(sl_str_data(p->s.val), sl_str_len(p->s.val));
			pair->x = id;
			pair->val = id->val;
			next(p);
		} else if (TOK == T_IDENT) {
			struct node *id = parse_ident(p);
			if (TOK != T_EQ) {
				const char *nm = sl_str_data(id->val);
				perr(p, "load operand must be \"%s\" or %s=\"originalname\" (want '=' after %s)", nm, nm, nm);
				return n;
			}
			next(p);
			if (TOK != T_STRING) {
				perr(p, "original name of loaded symbol must be quoted: %s=\"originalname\"", sl_str_data(id->val));
				return n;
			}
			pair->x = id;
			pair->val = sl_intern(sl_str_data(p->s.val), sl_str_len(p->s.val));
			next(p);
		} else {
			char a[16];
			perr(p, "load operand must be \"name\" or localname=\"name\" (got %s)", tokstr(TOK, a));
			return n;
		}
		node_push(&n->v, &n->n, pair);
	}
	if (!consume(p, T_RPAREN))
		return n;
	if (n->n == 0)
		cerr_set(p->err, lline, lcol, "load statement must import at least 1 symbol"), p->s.tok = T_EOF;
	return n;
}

static enum sl_op augop(enum tok t)
{
	return tok_op((enum tok)(t - T_PLUS_EQ + T_PLUS));
}

static struct node *parse_small_stmt(struct parser *p)
{
	struct node *n;
	switch (TOK) {
	case T_RETURN:
		n = node_new(S_RETURN, p->s.tline, p->s.tcol);
		next(p);
		if (TOK != T_EOF && TOK != T_NEWLINE && TOK != T_SEMI)
			n->x = parse_expr(p, false);
		return n;
	case T_BREAK: case T_CONTINUE: case T_PASS:
		n = node_new(TOK == T_BREAK ? S_BREAK : TOK == T_CONTINUE ? S_CONTINUE : S_PASS, p->s.tline, p->s.tcol);
		next(p);
		return n;
	case T_LOAD:
		return parse_load(p);
	default:
		break;
	}
	struct node *x = parse_expr(p, false);
	if (TOK == T_EQ || (TOK >= T_PLUS_EQ && TOK <= T_GTGT_EQ)) {
		bool aug = TOK != T_EQ;
		n = node_new(aug ? S_AUGASSIGN : S_ASSIGN, p->s.tline, p->s.tcol);
		if (aug)
			n->op = (uint8_t)augop(TOK);
		next(p);
		n->x = x;
		n->y = parse_expr(p, false);
		return n;
	}
	n = node_new(S_EXPR, x->line, x->col);
	n->x = x;
	return n;
}

static void parse_simple_stmt(struct parser *p, struct node ***v, int *n, bool consume_nl)
{
	for (;;) {
		node_push(v, n, parse_small_stmt(p));
		if (TOK != T_SEMI)
			break;
		next(p);
		if (TOK == T_NEWLINE || TOK == T_EOF)
			break;
	}
	if (TOK != T_EOF && consume_nl)
		consume(p, T_NEWLINE);
}

static void parse_suite(struct parser *p, struct node ***v, int *n)
{
	if (TOK == T_NEWLINE) {
		next(p);
		if (!consume(p, T_INDENT))
			return;
		while (TOK != T_OUTDENT && TOK != T_EOF)
			parse_stmt(p, v, n);
		consume(p, T_OUTDENT);
		return;
	}
	parse_simple_stmt(p, v, n, true);
}

static void parse_stmt(struct parser *p, struct node ***v, int *n)
{
	struct node *s;
	switch (TOK) {
	case T_DEF: {
		s = node_new(S_DEF, p->s.tline, p->s.tcol);
		next(p);
		struct node *id = parse_ident(p);
		struct funcode *fc = funcode_new(p, id->val, s->line, s->col);
		s->x = id;
		s->fn = fc;
		if (!consume(p, T_LPAREN))
			return;
		parse_params(p, fc);
		if (!consume(p, T_RPAREN) || !consume(p, T_COLON))
			return;
		parse_suite(p, &fc->body, &fc->nbody);
		break;
	}
	case T_IF: {
		s = node_new(S_IF, p->s.tline, p->s.tcol);
		next(p);
		s->x = parse_test(p);
		consume(p, T_COLON);
		parse_suite(p, &s->v, &s->n);
		struct node *tail = s;
		while (TOK == T_ELIF) {
			struct node *e = node_new(S_IF, p->s.tline, p->s.tcol);
			next(p);
			e->x = parse_test(p);
			consume(p, T_COLON);
			parse_suite(p, &e->v, &e->n);
			node_push(&tail->v2, &tail->n2, e);
			tail = e;
		}
		if (TOK == T_ELSE) {
			next(p);
			consume(p, T_COLON);
			parse_suite(p, &tail->v2, &tail->n2);
		}
		break;
	}
	case T_FOR: {
		s = node_new(S_FOR, p->s.tline, p->s.tcol);
		next(p);
		struct node *v0 = parse_primary_suffix(p);
		if (TOK == T_COMMA) {
			struct node *t = node_new(N_TUPLE, v0->line, v0->col);
			node_push(&t->v, &t->n, v0);
			while (TOK == T_COMMA) {
				next(p);
				if (terminates_list(TOK))
					break;
				node_push(&t->v, &t->n, parse_primary_suffix(p));
			}
			v0 = t;
		}
		s->x = v0;
		consume(p, T_IN);
		s->y = parse_expr(p, false);
		consume(p, T_COLON);
		parse_suite(p, &s->v, &s->n);
		break;
	}
	case T_WHILE:
		s = node_new(S_WHILE, p->s.tline, p->s.tcol);
		next(p);
		s->x = parse_test(p);
		consume(p, T_COLON);
		parse_suite(p, &s->v, &s->n);
		break;
	default:
		parse_simple_stmt(p, v, n, true);
		return;
	}
	node_push(v, n, s);
}

struct funcode *sl_parse_file(const char *path, const char *src, size_t len, struct sl_cerr *err)
{
	struct parser p;
	p.err = err;
	p.depth = 0;
	p.nfuncs = 0;
	scan_init(&p.s, path, src, len, err);
	struct funcode *top = sl_ast_alloc(sizeof *top);
	top->name = sl_intern("<toplevel>", 10);
	top->path = path;
	top->line = top->col = 1;
	next(&p);
	while (p.s.tok != T_EOF) {
		if (p.s.tok == T_NEWLINE) {
			next(&p);
			continue;
		}
		parse_stmt(&p, &top->body, &top->nbody);
	}
	top->nfuncs = p.nfuncs;
	return err->set ? NULL : top;
}

struct node *sl_parse_expr(const char *path, const char *src, size_t len, struct sl_cerr *err)
{
	struct parser p;
	p.err = err;
	p.depth = 0;
	p.nfuncs = 0;
	scan_init(&p.s, path, src, len, err);
	next(&p);
	struct node *e = parse_expr(&p, false);
	if (p.s.tok == T_NEWLINE)
		next(&p);
	if (p.s.tok != T_EOF && !err->set) {
		char a[16];
		perr(&p, "got %s after expression, want EOF", tokstr(p.s.tok, a));
	}
	return err->set ? NULL : e;
}
