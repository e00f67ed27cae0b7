/* gen/starlark/starlark.h — the public embedding API of the Starlark
 * interpreter: threads, executing files into modules, predeclared C
 * builtins and their argument parser, the load callback, errors with
 * tracebacks, the call stack, step limits and dialect options.
 *
 * The library knows nothing of yoe.  Typical use:
 *
 *	sl_thread *th = sl_thread_new();
 *	sl_value pre = sl_dict_new(0);
 *	sl_dict_set(th, pre, sl_cstring("unit"), sl_builtin_new("unit", unit_fn, NULL));
 *	struct sl_module *m = sl_exec_file(th, "units/x.star", NULL, 0, pre);
 *	if (!m) { struct sl_buf b = SL_BUF_INIT; sl_error_format(th, &b); fputs(b.data, stderr); }
 *
 * Values and their operations are in value.h.
 *
 * The library is not thread-safe: use it from one OS thread at a time (an
 * sl_thread is an interpreter thread, not an OS thread).
 */
#ifndef SL_STARLARK_H
#define SL_STARLARK_H

#include "starlark/value.h"

/* ---- builtins ---- */

/* The arguments of one call of a C builtin. */
struct sl_args {
	const char *name;      /* the builtin's name (for error messages) */
	sl_value recv;         /* receiver of a bound method, else NULL */
	void *data;            /* data given to sl_builtin_new, else NULL */
	const sl_value *pos;   /* positional arguments */
	size_t npos;           /* number of positional arguments */
	const sl_value *kw;    /* keyword arguments: nkw (name string, value) pairs */
	size_t nkw;            /* number of keyword arguments */
};

/* sl_unpack parses a builtin's arguments the way go.starlark.net's
 * UnpackArgs does.  spec lists the parameters, separated by spaces:
 *
 *	name[?][:type]
 *
 * "?" marks the first optional parameter (all after it are optional too);
 * "??" also treats an explicit None as absent.  Each parameter takes one
 * pointer from the varargs, by type:
 *
 *	(none) / v   sl_value *            any value
 *	s            sl_value *            a string
 *	S            const char **         a string's bytes (NUL-terminated)
 *	y            sl_value *            bytes
 *	i            int64_t *             an int that fits int64
 *	I            sl_value *            an int (any size)
 *	f            double *              a float or int
 *	b            bool *                a bool
 *	B            bool *                any value, converted by truth
 *	l            sl_value *            a list
 *	t            sl_value *            a tuple
 *	d            sl_value *            a dict
 *	c            sl_value *            a callable
 *	n            int64_t *             an int or None (None leaves *out alone)
 *
 * Optional parameters that are absent leave their variable untouched, so
 * initialise defaults first.  Returns 0, or -1 with an error raised:
 * "f: missing argument for x", "f: unexpected keyword argument \"y\"",
 * "f: got 3 arguments, want at most 2", "f: for parameter x: got int, want string",
 * "f: got multiple values for keyword argument \"x\"" (keyword names are
 * quoted, as Go prints them). */
int sl_unpack(sl_thread *th, const struct sl_args *a, const char *spec, ...);
/* sl_unpack_positional: like sl_unpack but rejects keyword arguments
 * ("f: unexpected keyword arguments") — as Go's UnpackPositionalArgs, with
 * min required positional arguments. */
int sl_unpack_positional(sl_thread *th, const struct sl_args *a, size_t min, const char *spec, ...);
/* sl_no_args: -1 with an error unless the call had no arguments. */
int sl_no_args(sl_thread *th, const struct sl_args *a);

/* A named builtin in a static table (the universe, predeclared sets). */
struct sl_builtin_def {
	const char *name;   /* Starlark name */
	sl_builtin_fn fn;   /* the implementation */
};
/* A method of a built-in type; tables are sorted by name and end with {NULL}. */
struct sl_method {
	const char *name;   /* method name, e.g. "split" */
	sl_builtin_fn fn;   /* called with sl_args.recv set to the receiver */
};

/* Tables the built-in library (lib_*.c) provides, each sorted by name and
 * terminated by an entry with name NULL.  Attribute lookup and dir() use them. */
extern const struct sl_method sl_string_methods[];
extern const struct sl_method sl_bytes_methods[];
extern const struct sl_method sl_list_methods[];
extern const struct sl_method sl_dict_methods[];
extern const struct sl_method sl_set_methods[];
/* The universe: every builtin function (None/True/False are not here). */
extern const struct sl_builtin_def sl_universe[];
/* format.c: the `%` operator on strings: format % arg.  NULL + error on failure. */
sl_value sl_string_percent(sl_thread *th, sl_value format, sl_value arg);

/* ---- errors ---- */
/* sl_error raises an error on the thread, recording the call stack, and
 * returns NULL so builtins can `return sl_error(th, "...")`.  The message
 * follows go.starlark.net's wording (no "error:" prefix, no position). */
sl_value sl_error(sl_thread *th, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
sl_value sl_verror(sl_thread *th, const char *fmt, va_list ap);
bool sl_has_error(sl_thread *th);
const char *sl_error_message(sl_thread *th);   /* NULL if none */
void sl_error_clear(sl_thread *th);
/* sl_error_format appends the error with its traceback:
 *	path:line:col: error: message
 *	  at path:line:col in fn          (one line per frame, innermost first)
 * Compile errors have no "at" lines.  Ends with a newline. */
void sl_error_format(sl_thread *th, struct sl_buf *b);

/* ---- the call stack ---- */
struct sl_frame_info {
	const char *path;   /* file of the frame ("<stdin>" etc.) */
	int line, col;      /* current position in that frame, 1-based */
	const char *name;   /* function name, "<toplevel>" for module code */
};
/* sl_stack_depth: number of Starlark frames active (module code counts). */
int sl_stack_depth(sl_thread *th);
/* sl_stack_frame: depth 0 is the innermost Starlark frame — for a builtin,
 * the frame that called it.  false if depth is out of range. */
bool sl_stack_frame(sl_thread *th, int depth, struct sl_frame_info *out);

/* ---- dialect options (all off by default, as in yoe) ---- */
enum {
	SL_OPT_SET              = 1 << 0,  /* the set() builtin and set values */
	SL_OPT_WHILE            = 1 << 1,  /* while loops */
	SL_OPT_RECURSION        = 1 << 2,  /* recursive calls (else a dynamic error) */
	SL_OPT_GLOBALREASSIGN   = 1 << 3,  /* a global may be assigned more than once */
	SL_OPT_TOPLEVELCONTROL  = 1 << 4,  /* if/for/while at top level */
	SL_OPT_LOADBINDSGLOBALLY = 1 << 5, /* load binds globals, not file-locals */
};
/* sl_option_parse: the flag for an option name ("set", "while", ...), 0 if unknown. */
unsigned sl_option_parse(const char *name);

/* ---- threads ---- */
struct sl_module;

/* A load callback returns the module for a `load("name", ...)`, or NULL with
 * an error raised (sl_error).  It may run sl_exec_file on the same thread. */
typedef struct sl_module *(*sl_load_fn)(sl_thread *th, const char *module, void *ud);
/* A print callback receives the text of one print() call (no newline). */
typedef void (*sl_print_fn)(sl_thread *th, const char *msg, size_t len, void *ud);

sl_thread *sl_thread_new(void);
void sl_thread_free(sl_thread *th);
void sl_thread_set_name(sl_thread *th, const char *name);  /* for diagnostics */
void sl_thread_set_options(sl_thread *th, unsigned opts);  /* SL_OPT_* bits */
unsigned sl_thread_options(sl_thread *th);
void sl_thread_set_data(sl_thread *th, void *data);        /* embedder data */
void *sl_thread_data(sl_thread *th);
void sl_thread_set_print(sl_thread *th, sl_print_fn fn, void *ud); /* default: stdout + newline */
void sl_thread_set_load(sl_thread *th, sl_load_fn fn, void *ud);
/* sl_print sends text to the thread's print callback. */
void sl_print(sl_thread *th, const char *msg, size_t len);
/* Limits: execution stops with "Starlark computation cancelled: too many
 * steps" after max steps (0 = unlimited); sl_thread_cancel makes the thread
 * stop at the next step with "Starlark computation cancelled: <reason>"
 * (safe to call from a signal handler or another OS thread). */
void sl_thread_set_max_steps(sl_thread *th, uint64_t max);
uint64_t sl_thread_steps(sl_thread *th);
void sl_thread_cancel(sl_thread *th, const char *reason);
/* Maximum call depth (default 1000, hard limit); exceeding it is an error. */
void sl_thread_set_max_depth(sl_thread *th, int depth);

/* ---- modules ---- */
/* sl_exec_file compiles and runs a file.  src/len give its text; src NULL
 * reads path from disk ("-" = stdin).  predeclared is a dict of
 * name -> value visible to the file (may be NULL); universe names are
 * always visible.  Returns the module (its globals frozen) or NULL with an
 * error raised (compile errors included). */
struct sl_module *sl_exec_file(sl_thread *th, const char *path, const char *src, size_t len,
                               sl_value predeclared);
/* sl_parse_only checks a file's syntax without resolving or running it
 * (as go.starlark.net's syntax.Parse): 0, or -1 with a compile error raised. */
int sl_parse_only(sl_thread *th, const char *path, const char *src, size_t len);
/* sl_module_get: a global of the module by name, NULL if absent/unbound. */
sl_value sl_module_get(struct sl_module *m, const char *name);
/* sl_module_globals: a new dict of the module's bound globals, in definition order. */
sl_value sl_module_globals(struct sl_module *m);
const char *sl_module_path(struct sl_module *m);
/* sl_module_new: a module made by the embedder from a dict of members
 * (for load callbacks that provide native modules). */
struct sl_module *sl_module_new(const char *path, sl_value members);

/* sl_eval_expr evaluates one expression in the context of predeclared
 * names (may be NULL). */
sl_value sl_eval_expr(sl_thread *th, const char *path, const char *src, size_t len,
                      sl_value predeclared);

#endif
