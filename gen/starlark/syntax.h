/* gen/starlark/syntax.h — internal: tokens, the scanner, the syntax tree
 * and the compiled form of functions shared by parser, resolver and
 * evaluator.  Not part of the public API. */
#ifndef SL_SYNTAX_H
#define SL_SYNTAX_H

#include "starlark/starlark.h"

enum tok {
	T_ILLEGAL, T_EOF, T_NEWLINE, T_INDENT, T_OUTDENT,
	T_IDENT, T_INT, T_FLOAT, T_STRING, T_BYTES,
	/* punctuation: T_PLUS..T_STARSTAR are quoted in messages */
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_SLASHSLASH, T_PERCENT, T_AMP, T_PIPE,
	T_CIRCUMFLEX, T_LTLT, T_GTGT, T_TILDE, T_DOT, T_COMMA, T_EQ, T_SEMI,
	T_COLON, T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_LBRACE, T_RBRACE,
	T_LT, T_GT, T_GE, T_LE, T_EQL, T_NEQ,
	T_PLUS_EQ, T_MINUS_EQ, T_STAR_EQ, T_SLASH_EQ, T_SLASHSLASH_EQ,
	T_PERCENT_EQ, T_AMP_EQ, T_PIPE_EQ, T_CIRCUMFLEX_EQ, T_LTLT_EQ, T_GTGT_EQ,
	T_STARSTAR,
	/* keywords */
	T_AND, T_BREAK, T_CONTINUE, T_DEF, T_ELIF, T_ELSE, T_FOR, T_IF, T_IN,
	T_LAMBDA, T_LOAD, T_NOT, T_NOT_IN, T_OR, T_PASS, T_RETURN, T_WHILE,
	T_MAX
};
extern const char *const sl_tok_names[T_MAX];

/* A compile error: position and message (the first one wins). */
struct sl_cerr {
	int line, col;        /* where */
	char msg[256];        /* what, without position */
	bool set;             /* an error was recorded */
	const char *path;     /* file, for `all` */
	struct sl_buf all;    /* every error as "path:line:col: error: msg\n" lines (resolver) */
	int count;            /* errors in all */
};

struct scanner {
	const char *path;      /* file name for diagnostics */
	const char *src, *p, *end; /* the text (NUL-terminated), cursor, end */
	const char *linestart; /* start of the current line (for columns) */
	int line;              /* current line, 1-based */
	int depth;             /* bracket nesting: newlines are ignored inside */
	int dents;             /* pending INDENT (>0) or OUTDENT (<0) tokens */
	bool atline;           /* at the start of a logical line */
	int indent[128];       /* indentation stack */
	int nindent;           /* entries used in indent */
	struct sl_cerr *err;   /* where errors go */
	/* the current token */
	enum tok tok;          /* its kind */
	int tline, tcol;       /* its position */
	int eline, ecol;       /* position just after it (Go reports parse errors there) */
	sl_value val;          /* INT/STRING/BYTES/IDENT value (idents interned) */
	double fval;           /* FLOAT value */
};

void scan_init(struct scanner *s, const char *path, const char *src, size_t len, struct sl_cerr *err);
/* scan_next advances to the next token (T_EOF at end or after an error). */
void scan_next(struct scanner *s);
void cerr_set(struct sl_cerr *e, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* cerr_add records one more error (the resolver reports them all). */
void cerr_add(struct sl_cerr *e, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- syntax tree ---- */
enum nkind {
	/* expressions */
	N_IDENT, N_CONST, N_LIST, N_TUPLE, N_DICT, N_DICTENTRY, N_UNARY, N_BINARY,
	N_AND, N_OR, N_COND, N_CALL, N_DOT, N_INDEX, N_SLICE, N_LAMBDA, N_COMP,
	N_FORCLAUSE, N_IFCLAUSE, N_PAREN,
	/* call arguments and parameters */
	N_KWARG, N_STARARG, N_STARSTARARG, N_PARAM_DEFAULT, N_PARAM_STAR, N_PARAM_STARSTAR,
	/* statements */
	S_EXPR, S_ASSIGN, S_AUGASSIGN, S_DEF, S_IF, S_FOR, S_WHILE, S_RETURN,
	S_BREAK, S_CONTINUE, S_PASS, S_LOAD,
};

/* Where a resolved identifier lives. */
enum scope {
	SC_UNRESOLVED, SC_LOCAL, SC_CELL, SC_FREE, SC_GLOBAL, SC_CONST /* predeclared/universal: value in node->val */
};

struct funcode;

struct node {
	uint8_t kind;        /* enum nkind */
	uint8_t op;          /* N_UNARY/N_BINARY/S_AUGASSIGN: enum sl_op; N_COMP: T_LBRACK or T_LBRACE */
	uint8_t scope;       /* N_IDENT: enum scope */
	uint16_t height;     /* expressions: 1 + height of the tallest operand (bounds recursion) */
	int line, col;       /* position of the node (operator position for binary ops) */
	int n;               /* entries in v */
	struct node *x, *y;  /* operands (meaning per kind) */
	struct node **v;     /* list of items / statements / arguments / clauses */
	union {              /* fields no kind uses together (keeps nodes at 80 bytes) */
		struct {
			struct node *z, *w; /* N_COND: else; N_SLICE: hi, step */
		};
		struct {
			struct node **v2;   /* S_IF: else statements */
			int n2;             /* entries in v2 */
		};
		struct {
			int npos, nkw;      /* N_CALL: positional and keyword arguments (resolver) */
		};
		int index;              /* N_IDENT: slot index in its scope */
		struct {
			/* N_DOT called as a method: the method found in table mtab
			 * last time (an inline cache filled by the evaluator) */
			const struct sl_method *mtab, *mcache;
		};
	};
	sl_value val;        /* N_CONST: the value; N_IDENT/N_DOT/N_KWARG: interned name; S_LOAD: module string */
	struct funcode *fn;  /* S_DEF / N_LAMBDA; N_IDENT: its binding while resolving */
};

/* A function's compiled form (shared by all closures made from it). */
struct funcode {
	sl_value name;          /* interned name ("lambda" for lambdas, "<toplevel>" for module code) */
	const char *path;       /* file */
	int line, col;          /* position of def/lambda */
	struct node **params;   /* parameter syntax: N_IDENT, N_PARAM_DEFAULT, N_PARAM_STAR, N_PARAM_STARSTAR */
	int nparams_syntax;     /* entries in params */
	struct node **body;     /* statements */
	int nbody;
	/* filled by the resolver */
	int nparams;            /* named parameters (positional + keyword-only) */
	int npositional;        /* parameters that may be given positionally */
	int nkwonly;            /* keyword-only parameters */
	int ndefaults;          /* trailing parameters with defaults (in params order among named ones) */
	bool varargs, kwargs;   /* has *args / **kwargs (slots nparams, nparams+varargs) */
	int nlocals;            /* slots */
	sl_value *localnames;   /* name per slot */
	uint8_t *iscell;        /* per slot: captured by a nested function */
	int ncellslots;         /* number of slots with iscell set */
	int nfree;              /* free variables (cells of enclosing functions) */
	struct node **freevars; /* per free var: an N_IDENT node resolving in the enclosing function */
	bool is_lambda;
	bool has_defaults;      /* some parameter has a default */
	struct node **defaults; /* per named parameter: default expression or NULL */
	int nfuncs;             /* <toplevel>: def and lambda in the file (none: nothing
	                         * points into its tree once it has run) */
};

/* A compiled file: its top-level code and globals. */
struct program {
	const char *path;
	struct funcode *top;    /* module code as a function */
	int nglobals;           /* global slots */
	sl_value *globalnames;  /* name per global slot */
	struct node **loads;    /* load statements (for embedders) */
	int nloads;
};

/* parse.c: the whole file into top-level statements (funcode of <toplevel>). */
struct funcode *sl_parse_file(const char *path, const char *src, size_t len, struct sl_cerr *err);
struct node *sl_parse_expr(const char *path, const char *src, size_t len, struct sl_cerr *err);
/* resolve.c */
struct program *sl_resolve(struct funcode *top, sl_value predeclared, unsigned opts, struct sl_cerr *err);
bool sl_resolve_expr(struct node *e, sl_value predeclared, unsigned opts, struct sl_cerr *err);

/* node allocation */
struct node *node_new(int kind, int line, int col);
void node_push(struct node ***v, int *n, struct node *x);

#endif
