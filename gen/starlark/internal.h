/* gen/starlark/internal.h — internal: the thread, call frames, function
 * and module objects, and helpers shared by the interpreter's files.
 * Not part of the public API. */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include "starlark/starlark.h"

#include <signal.h>

struct funcode;
struct program;
struct node;

/* object header flags */
#define SL_FLAG_INTERNED 1   /* string: from sl_intern */
#define SL_FLAG_PRINTING 2   /* container: being printed by repr (cycle check) */

/* A Starlark function value: compiled code plus what it closed over. */
struct sl_function {
	struct sl_obj h;
	struct funcode *code;      /* shared compiled code */
	struct sl_module *module;  /* globals it sees */
	sl_value *defaults;        /* per named parameter: default value or NULL (required) */
	struct sl_cell **freevars; /* captured cells, code->nfree of them */
};

/* A captured variable (local of an enclosing function). */
struct sl_cell {
	sl_value v;                /* current value, NULL = unbound */
};

struct sl_module {
	struct sl_obj h;
	const char *path;          /* file the module came from */
	struct program *prog;      /* compiled code (NULL for embedder modules, and once
	                            * a file without functions has run: region.c) */
	sl_value *globals;         /* value per global slot, NULL = unbound */
	sl_value *names;           /* name per global slot */
	int nglobals;              /* slots */
	sl_value members;          /* embedder modules: dict of members */
};

/* One active call of a Starlark function (or module code). */
struct frame {
	struct frame *parent;      /* caller */
	sl_thread *th;             /* the thread running it */
	struct funcode *code;      /* what runs */
	struct sl_module *module;  /* its globals */
	sl_value *locals;          /* slots (cells for captured ones) */
	struct sl_cell **freevars; /* closure cells */
	const struct node *pc;     /* node being evaluated (for positions) */
};

struct sl_thread {
	struct frame *top;         /* innermost frame */
	int depth;                 /* frames active */
	int maxdepth;              /* call depth limit */
	unsigned opts;             /* SL_OPT_* */
	const char *name;          /* for diagnostics */
	void *data;                /* embedder data */
	sl_print_fn print;         /* print callback (NULL = stdout) */
	void *print_ud;
	sl_load_fn load;           /* load callback */
	void *load_ud;
	uint64_t steps, maxsteps;  /* step counter and limit (0 = none) */
	volatile sig_atomic_t cancelled; /* set by sl_thread_cancel */
	const char *cancel_reason;
	/* the raised error */
	bool err;                  /* an error is pending */
	struct sl_buf errmsg;      /* its message */
	struct sl_frame_info *tb;  /* traceback, innermost first */
	int ntb;                   /* frames in tb */
	int ecline, eccol;         /* compile error position (ntb == 0) */
	const char *ecpath;
	struct sl_buf ecall;       /* all compile errors, formatted (may be empty) */
	/* value stack for locals and arguments of active frames, in segments
	 * that never move (pointers into them stay valid) */
	struct stackseg *seg;
	uintptr_t cbase;           /* C stack address at the outermost call (0 = none active) */
};

struct stackseg {
	struct stackseg *prev, *next; /* older / cached newer segment */
	size_t cap, sp;               /* slots, slots used */
	sl_value slots[];
};
struct stackmark { struct stackseg *seg; size_t sp; };
sl_value *sl_stack_push(sl_thread *th, size_t n, struct stackmark *mark);
static inline void sl_stack_pop(sl_thread *th, struct stackmark mark)
{
	th->seg = mark.seg;
	if (mark.seg)
		mark.seg->sp = mark.sp;
}

/* alloc.c */
void *sl_alloc_root(size_t n);   /* zeroed memory the collector scans but never frees */
void sl_free_root(void *p);
/* sl_gc_finalize runs fn(obj) when the collector frees obj (no-op while
 * collection is off); used to free the BIGNUMs of big ints. */
void sl_gc_finalize(void *obj, void (*fn)(void *obj));
sl_value sl_char_string(int c);  /* one-byte string (c < 0: "") */
uint32_t sl_hash_bytes(const void *p, size_t n);

/* region.c: syntax-tree memory, one region per compiled file.  Between
 * begin and end, sl_ast_alloc takes zeroed memory from the region (outside
 * any region it is sl_alloc).  Afterwards the owner either releases the
 * region (nothing may point into it any more) or keeps it for good. */
struct sl_rchunk;
struct sl_region {
	struct sl_region *prev;    /* the region current before this one */
	struct sl_rchunk *chunks;  /* newest first */
	char *bump, *end;          /* free space in the newest chunk */
};
void sl_region_begin(struct sl_region *r);
void sl_region_end(struct sl_region *r);
void sl_region_release(struct sl_region *r);
void sl_region_keep(struct sl_region *r);
void *sl_ast_alloc(size_t n);

/* int.c: arithmetic on ints of any size */
sl_value sl_int_binary(sl_thread *th, enum sl_op op, sl_value x, sl_value y);
int sl_int_cmp(sl_value x, sl_value y);
uint32_t sl_int_hash(sl_value x);
sl_value sl_int_neg(sl_value x);
sl_value sl_int_invert(sl_value x);
sl_value sl_int_from_bn(struct bignum_st *bn);  /* takes ownership, normalises */
struct bignum_st *sl_int_to_bn(sl_value x);     /* a new BIGNUM copy */

/* value.c */
sl_value sl_tuple_slice(sl_value t, size_t lo, size_t hi);
int sl_hashtab_lookup(sl_thread *th, struct sl_hashtab *t, sl_value key, uint32_t *hashout); /* index or -1 absent, -2 error */

/* eval.c */
sl_value sl_call_function(sl_thread *th, struct sl_function *fn, const sl_value *args, size_t nargs,
                          const sl_value *kw, size_t nkw);
sl_value sl_exec_program(sl_thread *th, struct sl_module *m);
bool sl_step_check(sl_thread *th);

/* thread.c */
void sl_error_compile(sl_thread *th, const char *path, int line, int col, const char *msg);
struct sl_cerr;
void sl_error_compile_all(sl_thread *th, struct sl_cerr *err);
sl_value sl_universe_lookup(sl_value name);  /* builtin value or NULL */

/* attr.c: the closest name (dict keys or list of strings) to x, or NULL */
const char *sl_nearest_name(sl_value names, const char *x);

/* dict-like iteration helpers */
const struct sl_method *sl_method_lookup(const struct sl_method *tab, const char *name);

#endif
