/* gen/yoe/builtins.h — internal to gen/yoe: the evaluation state the
 * builtins and the loader share, and the keyword-argument reader that makes
 * wrong types and unknown keywords loud errors at the call site. */
#ifndef YOE_BUILTINS_H
#define YOE_BUILTINS_H

#include "starlark/starlark.h"
#include "yoe/eval.h"

/* The evaluation: one per yoe_load, reachable from the thread's data. */
struct yoe_eval {
	struct yoe_project *p;
	sl_thread *th;
	const struct yoe_load_opts *opts;
	sl_value pre;             /* predeclared names for the current phase */
	sl_value pre_base;        /* every builtin, no ctx */
	sl_value ctx;             /* the ctx struct (NULL before the machines phase ends) */
	sl_value ctx_provides;    /* its live provides dict */
	struct strlist stack;     /* canonical paths of files executing, outermost first */
	/* module peeking (MODULE.star read for name and deps only) */
	bool peeking;
	const char *peek_name;    /* module_info(name=) seen while peeking */
	struct strlist peek_deps; /* deps as "url\x1fref\x1fpath\x1flocal\x1fcommit" */
	struct strmap modpos;     /* "%p" of a module() struct → its struct yoe_pos* */
};

static inline struct yoe_eval *EV(sl_thread *th) { return sl_thread_data(th); }

/* Install the builtins into a predeclared dict. */
void yoe_builtins_install(struct yoe_eval *ev, sl_value pre);
sl_value yoe_local_builtin(void);

/* Where the builtin was called from (innermost Starlark frame). */
struct yoe_pos yoe_here(struct yoe_eval *ev);
/* The call inside the top-level file being executed, if any, else yoe_here. */
struct yoe_pos yoe_here_top(struct yoe_eval *ev);
const char *yoe_display_path(struct yoe_project *p, const char *abs);
const char *yoe_abs_path(struct yoe_project *p, const char *display);

/* ---- keyword arguments ----
 * A table of what a builtin accepts; yoe_kwargs fills the outputs and
 * raises an error (returns -1) on an unknown keyword (with a "did you mean")
 * or a value of the wrong type.  None counts as absent.  Types:
 *	's' const char **          string
 *	'L' struct strlist *       list (or tuple) of strings
 *	'M' struct yoe_smap *      dict str → str
 *	'D' struct yoe_lmap *      dict str → list of str
 *	'b' bool *                 bool
 *	'i' int64_t *              int
 *	'v' sl_value *             anything (checked by the caller)
 *	'c' sl_value *             callable
 *	'l' sl_value *             list (elements checked by the caller)
 *	'S' sl_value *             a struct made by the builtin named in `ctor`
 *	'd' sl_value *             dict (checked by the caller)
 */
struct yoe_kw {
	const char *name;  /* keyword */
	char type;         /* see above */
	void *out;         /* where the value goes */
	const char *ctor;  /* 'S': expected constructor name */
	bool set;          /* out: the keyword was given (and not None) */
	size_t len;        /* strlen(name), from the literal (matching checks it first) */
};
#define KW(n, t, o) {n, t, o, NULL, false, sizeof(n) - 1}
#define KWS(n, o, c) {n, 'S', o, c, false, sizeof(n) - 1}
#define KW_END {NULL, 0, NULL, NULL, false, 0}
/* extra: when non-NULL, unknown keywords are appended to it as (name, value)
 * pairs instead of being errors (unit()). */
struct yoe_extra {
	size_t n, cap;
	sl_value *names, *vals;
};
int yoe_kwargs(sl_thread *th, const struct sl_args *a, const char *fn, struct yoe_kw *kw,
               struct yoe_extra *extra);
/* yoe_data_struct: a keyword-only data constructor (kernel(), partition(),
 * defaults(), …): keywords checked against kw, then a struct named fn of the
 * keywords given (None ones dropped). */
sl_value yoe_data_struct(sl_thread *th, const struct sl_args *a, const char *fn, struct yoe_kw *kw);
/* Convert a single value with a type letter (used for struct fields). */
int yoe_conv(sl_thread *th, const char *fn, const char *key, sl_value v, char type, void *out,
             const char *ctor);
/* The ctor name of a struct value ("" when plain or not a struct). */
const char *yoe_ctor(sl_value v);
/* A struct with a constructor name, from C arrays. */
sl_value yoe_make_struct(sl_thread *th, const char *ctor, const char **names, const sl_value *vals,
                         size_t n);
sl_value yoe_strlist_value(const struct strlist *l);

/* builtins_unit.c */
sl_value yoe_bi_unit(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_image(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_task(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_install_file(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_install_template(sl_thread *th, const struct sl_args *a);
/* builtins_machine.c */
sl_value yoe_bi_machine(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_kernel(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_qemu_config(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_partition(sl_thread *th, const struct sl_args *a);
int yoe_partitions_from(sl_thread *th, const char *fn, sl_value list, struct yoe_partition **out,
                        size_t *n);
/* builtins_project.c */
sl_value yoe_bi_project(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_defaults(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_cache(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_module(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_module_info(sl_thread *th, const struct sl_args *a);
sl_value yoe_bi_local(sl_thread *th, const struct sl_args *a);
/* ctx.c */
sl_value yoe_make_ctx(struct yoe_eval *ev);
void yoe_ctx_sync_provides(struct yoe_eval *ev);
void yoe_ctx_mirror_back(struct yoe_eval *ev);

#endif
