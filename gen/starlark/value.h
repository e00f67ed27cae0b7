/* gen/starlark/value.h — Starlark values: their representation and the
 * operations library code (builtins, methods, embedders) needs.
 *
 * A value is a pointer-sized word, `sl_value`.  Small ints (62 bits) live in
 * the word itself (low bit 1); everything else points to an object whose
 * first member is `struct sl_obj`, which carries the type tag.  NULL is not a
 * value: functions returning sl_value use NULL to mean "an error was raised
 * on the thread" (see sl_error in starlark.h).
 *
 * Memory: every object comes from sl_alloc (the interpreter's allocator).
 * Library code never frees values.  Objects are laid out here in the open so
 * that builtins can read them directly (fast paths); mutate them only through
 * the functions below, which check freezing and iteration.
 */
#ifndef SL_VALUE_H
#define SL_VALUE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sl_obj *sl_value;
typedef struct sl_thread sl_thread;
struct sl_buf;
struct sl_args;

/* ---- type tags ---- */
enum sl_kind {
	SL_KNONE,      /* None */
	SL_KBOOL,      /* True / False */
	SL_KINT,       /* int: small (inline) or big (struct sl_bigint) */
	SL_KFLOAT,     /* float */
	SL_KSTRING,    /* string */
	SL_KBYTES,     /* bytes */
	SL_KLIST,      /* list */
	SL_KTUPLE,     /* tuple */
	SL_KDICT,      /* dict */
	SL_KSET,       /* set */
	SL_KRANGE,     /* range */
	SL_KFUNCTION,  /* a Starlark function (def or lambda) */
	SL_KBUILTIN,   /* a C builtin function or bound method */
	SL_KSTRUCT,    /* struct(a=1): immutable named fields, for embedders */
	SL_KMODULE,    /* a loaded module as a value (rarely seen) */
	SL_KOPAQUE,    /* an embedder's own type, see struct sl_opaque_type */
	SL_KBIGINT,    /* internal: the object kind of a big int (sl_kind says SL_KINT) */
};

/* Every heap object starts with this header. */
struct sl_obj {
	uint8_t kind;       /* enum sl_kind */
	uint8_t frozen;     /* 1 once frozen: mutation is an error */
	uint16_t flags;     /* per-type bits (internal) */
	uint32_t itercount; /* active iterations over a list/dict/set; mutation is an error while > 0 */
};

/* ---- the small-int encoding ---- */
#define SL_SMALLINT_MIN (-((int64_t)1 << 61))
#define SL_SMALLINT_MAX (((int64_t)1 << 61) - 1)
static inline bool sl_is_smallint(sl_value v) { return ((uintptr_t)v & 1) != 0; }
static inline int64_t sl_smallint_get(sl_value v) { return (int64_t)(intptr_t)v >> 1; }
static inline sl_value sl_smallint(int64_t i) { return (sl_value)(uintptr_t)(((uint64_t)i << 1) | 1); }

/* ---- object layouts ---- */
struct sl_bigint {
	struct sl_obj h;
	struct bignum_st *bn;  /* OpenSSL BIGNUM, never fits a small int */
};

struct sl_float {
	struct sl_obj h;
	double d;
};

/* Strings and bytes share a layout: len bytes at data, plus a NUL after them
 * (so data can be used as a C string when it holds no NUL). */
struct sl_string {
	struct sl_obj h;
	uint32_t len;    /* length in bytes */
	uint32_t hash;   /* cached hash, 0 = not computed yet */
	char data[];     /* len bytes + NUL */
};

struct sl_list {
	struct sl_obj h;
	size_t len;        /* number of elements */
	size_t cap;        /* allocated slots in items */
	sl_value *items;   /* the elements */
};

struct sl_tuple {
	struct sl_obj h;
	size_t len;          /* number of elements */
	sl_value items[];    /* the elements */
};

/* The hash table behind dict and set: entries in insertion order (deleted
 * ones have key NULL until the next rehash) and an open-addressing index. */
struct sl_hentry {
	sl_value key;     /* NULL = deleted */
	sl_value value;   /* dict value; unused for sets */
	uint32_t hash;    /* sl_hash of key */
};
struct sl_hashtab {
	struct sl_hentry *entries; /* insertion-ordered entries */
	uint32_t len;              /* live entries */
	uint32_t used;             /* entries used, live + deleted */
	uint32_t cap;              /* allocated entries */
	uint32_t mask;             /* index size - 1 (index size is a power of 2), 0 = no index */
	int32_t *index;            /* slot -> entry number, -1 empty; NULL while small (linear scan) */
};

struct sl_dict {      /* kind SL_KDICT or SL_KSET */
	struct sl_obj h;
	struct sl_hashtab t;
};

struct sl_range {
	struct sl_obj h;
	int64_t start, stop, step;  /* as range(start, stop, step); step != 0 */
	int64_t len;                /* number of elements */
};

/* A C function callable from Starlark, possibly bound to a receiver. */
struct sl_args;
typedef sl_value (*sl_builtin_fn)(sl_thread *th, const struct sl_args *a);

struct sl_builtin {
	struct sl_obj h;
	const char *name;   /* shown in errors and repr */
	sl_builtin_fn fn;   /* the implementation */
	sl_value recv;      /* receiver of a bound method ("abc".upper), else NULL */
	void *data;         /* embedder data, passed in sl_args.data */
};

/* struct(a=1, b=2): fields sorted by name. */
struct sl_struct {
	struct sl_obj h;
	sl_value ctor;      /* constructor shown in repr: a string name, or NULL for "struct";
	                       compared by identity (structs from different ctors differ) */
	size_t n;           /* number of fields */
	sl_value *names;    /* field names (strings), sorted */
	sl_value *values;   /* field values */
};

/* An embedder-defined type: a vtable of optional hooks (NULL = default). */
struct sl_opaque_type {
	const char *name;                                  /* type(x) */
	/* attr returns the attribute, or NULL: with an error raised, or with no
	 * error to mean "no such attribute". */
	sl_value (*attr)(sl_thread *th, sl_value self, const char *name);
	void (*repr)(sl_value self, struct sl_buf *b);     /* default <name> */
	bool (*truth)(sl_value self);                      /* default true */
	void (*freeze)(sl_value self);                     /* freeze what it holds */
	/* hash: 0 ok, -1 error raised; NULL = unhashable */
	int (*hash)(sl_thread *th, sl_value self, uint32_t *out);
	/* equal: 1/0, or -1 error; NULL = identity */
	int (*equal)(sl_thread *th, sl_value x, sl_value y);
	/* dir: fill names (strings) into list; NULL = none */
	void (*dir)(sl_value self, sl_value list);
	/* call: makes the value callable; NULL = not callable */
	sl_value (*call)(sl_thread *th, sl_value self, const struct sl_args *a);
	/* setattr: x.name = v; 0 ok, -1 error raised; NULL = fields are read-only */
	int (*setattr)(sl_thread *th, sl_value self, const char *name, sl_value v);
	/* binary: x op y where self is x (right false) or y (right true); returns
	 * the result, or NULL with no error raised for "not supported" */
	sl_value (*binary)(sl_thread *th, int op, sl_value x, sl_value y, bool right);
	/* iter_next: makes the value iterable; returns element number *pos and
	 * advances it, or NULL at the end (NULL with an error raised on failure) */
	sl_value (*iter_next)(sl_thread *th, sl_value self, size_t *pos);
	/* index: self[i]; NULL with an error raised; NULL hook = not indexable */
	sl_value (*index)(sl_thread *th, sl_value self, sl_value i);
	/* len: len(self), or -1 for "no length"; NULL hook = no length */
	int64_t (*len)(sl_value self);
};
struct sl_opaque {
	struct sl_obj h;
	const struct sl_opaque_type *type;  /* the vtable */
	void *data;                          /* the embedder's payload */
};

/* ---- singletons ---- */
extern struct sl_obj sl_none_obj, sl_true_obj, sl_false_obj;
#define SL_NONE  (&sl_none_obj)
#define SL_TRUE  (&sl_true_obj)
#define SL_FALSE (&sl_false_obj)
static inline sl_value sl_bool(bool b) { return b ? SL_TRUE : SL_FALSE; }

/* sl_kind returns the type tag of any value (big ints say SL_KINT). */
static inline enum sl_kind sl_kind(sl_value v)
{
	if (sl_is_smallint(v))
		return SL_KINT;
	return v->kind == SL_KBIGINT ? SL_KINT : (enum sl_kind)v->kind;
}
#define SL_STR(v)   ((struct sl_string *)(v))
#define SL_LIST(v)  ((struct sl_list *)(v))
#define SL_TUPLE(v) ((struct sl_tuple *)(v))
#define SL_DICT(v)  ((struct sl_dict *)(v))
#define SL_RANGE(v) ((struct sl_range *)(v))
#define SL_BUILTIN(v) ((struct sl_builtin *)(v))
#define SL_STRUCT(v) ((struct sl_struct *)(v))
#define SL_OPAQUE(v) ((struct sl_opaque *)(v))

/* ---- allocation ---- */
/* sl_alloc returns zeroed memory from the interpreter's heap (the Boehm
 * collector, or an arena in sanitizer builds); library code never frees it.
 * It stays valid while reachable (always, unless sl_gc_enable(true)).
 * Aborts on out-of-memory. */
void *sl_alloc(size_t n);
/* sl_alloc_obj allocates an object of size n with its header set. */
void *sl_alloc_obj(size_t n, enum sl_kind kind);
char *sl_strdup(const char *s);
/* sl_gc_enable turns garbage collection of values on or off (default off).
 * With it on, values must be reachable from the C stack, static storage,
 * interpreter threads/modules or sl_alloc'd memory — the collector does
 * not look inside malloc'd memory.  No effect in sanitizer builds. */
void sl_gc_enable(bool on);

/* ---- growable string buffer (malloc-backed; sl_buf_free or sl_buf_string releases it) ---- */
struct sl_buf {
	char *data;   /* bytes, always NUL-terminated when data != NULL */
	size_t len;   /* bytes used */
	size_t cap;   /* bytes allocated */
};
#define SL_BUF_INIT {NULL, 0, 0}
void sl_buf_add(struct sl_buf *b, const void *p, size_t n);
void sl_buf_addc(struct sl_buf *b, char c);
void sl_buf_adds(struct sl_buf *b, const char *s);
void sl_buf_printf(struct sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_buf_vprintf(struct sl_buf *b, const char *fmt, va_list ap);
void sl_buf_free(struct sl_buf *b);
/* sl_buf_string turns the contents into a string value and frees the buffer. */
sl_value sl_buf_string(struct sl_buf *b);
sl_value sl_buf_bytes(struct sl_buf *b);

/* ---- constructors and accessors ---- */
/* int */
sl_value sl_int(int64_t i);
/* sl_int_parse parses digits (with optional sign, optional 0x/0o/0b prefix
 * when base is 0 or matches, underscores not allowed) in base 0 or 2..36.
 * Returns NULL (no error raised) if the text is not a valid int. */
sl_value sl_int_parse(const char *s, size_t n, int base);
/* sl_int_to_i64: false if v is not an int or does not fit. */
bool sl_int_to_i64(sl_value v, int64_t *out);
double sl_int_to_double(sl_value v);     /* may be ±inf for huge ints */
/* sl_int_from_double: truncates toward zero; NULL + error if not finite. */
sl_value sl_int_from_double(sl_thread *th, double d);
int sl_int_sign(sl_value v);             /* -1, 0, 1 */
void sl_int_format(sl_value v, int base, struct sl_buf *b); /* digits, '-' if negative, no prefix */

/* float */
sl_value sl_float(double d);
static inline double sl_float_get(sl_value v) { return ((struct sl_float *)v)->d; }
/* sl_float_format appends d the way go.starlark.net prints it:
 * conv 'g' (str/repr: shortest, always a '.' or 'e'), or 'e','f','E','F','G'
 * with prec digits (prec < 0 means 6). */
void sl_float_format(double d, char conv, int prec, struct sl_buf *b);
/* sl_to_float: int or float to double; false if neither (no error). */
bool sl_to_float(sl_value v, double *out);

/* string / bytes */
sl_value sl_string(const char *s, size_t n);
sl_value sl_cstring(const char *s);
sl_value sl_bytes(const char *s, size_t n);
/* sl_string_new allocates an uninitialised string of n bytes to fill in (NUL added). */
sl_value sl_string_new(size_t n);
sl_value sl_bytes_new(size_t n);
/* sl_intern returns the unique string value with these bytes (for names). */
sl_value sl_intern(const char *s, size_t n);
static inline const char *sl_str_data(sl_value v) { return SL_STR(v)->data; }
static inline size_t sl_str_len(sl_value v) { return SL_STR(v)->len; }

/* list */
sl_value sl_list_new(size_t cap);
sl_value sl_list_from(const sl_value *items, size_t n);
/* sl_list_append: -1 (error raised) if frozen or being iterated. */
int sl_list_append(sl_thread *th, sl_value list, sl_value x);
/* sl_list_push appends without checks (for lists the caller just made). */
void sl_list_push(sl_value list, sl_value x);

/* tuple */
sl_value sl_tuple_new(size_t n);   /* items to be filled by the caller */
sl_value sl_tuple_from(const sl_value *items, size_t n);
extern struct sl_tuple sl_empty_tuple;
#define SL_EMPTY_TUPLE ((sl_value)&sl_empty_tuple)

/* dict: get returns the value or NULL if absent (no error); -1/NULL with an
 * error raised when the key is unhashable or the dict is frozen/iterated. */
sl_value sl_dict_new(size_t cap);
int sl_dict_get(sl_thread *th, sl_value dict, sl_value key, sl_value *out); /* 1 found, 0 absent, -1 error */
int sl_dict_set(sl_thread *th, sl_value dict, sl_value key, sl_value val);  /* 0 ok, -1 error */
int sl_dict_delete(sl_thread *th, sl_value dict, sl_value key, sl_value *old); /* 1 deleted, 0 absent, -1 error */
int sl_dict_clear(sl_thread *th, sl_value dict);
size_t sl_dict_len(sl_value dict);
/* Iterate in insertion order: for (size_t i = 0; sl_dict_next(d, &i, &k, &v);) */
bool sl_dict_next(sl_value dict, size_t *pos, sl_value *key, sl_value *val);
/* sl_dict_get_str: lookup by C string key (no error possible). */
sl_value sl_dict_get_str(sl_value dict, const char *key);

/* set (same hash table; value unused) */
sl_value sl_set_new(size_t cap);
int sl_set_add(sl_thread *th, sl_value set, sl_value x);           /* 0 ok, -1 error */
int sl_set_contains(sl_thread *th, sl_value set, sl_value x);      /* 1/0/-1 */
int sl_set_remove(sl_thread *th, sl_value set, sl_value x);        /* 1 removed, 0 absent, -1 error */
/* sl_set_next iterates like sl_dict_next (val may be NULL). */
#define sl_set_next(s, pos, key) sl_dict_next((s), (pos), (key), NULL)

/* range */
sl_value sl_range_new(int64_t start, int64_t stop, int64_t step);

/* builtin function / bound method */
sl_value sl_builtin_new(const char *name, sl_builtin_fn fn, void *data);
sl_value sl_builtin_bind(const char *name, sl_builtin_fn fn, sl_value recv);

/* struct: names need not be sorted; duplicates are an error (NULL raised). */
sl_value sl_struct_new(sl_thread *th, const sl_value *names, const sl_value *values, size_t n);
sl_value sl_struct_get(sl_value st, const char *name);  /* NULL if absent */
/* The `struct` builtin (struct(**kwargs)), for embedders to predeclare. */
sl_value sl_struct_builtin(sl_thread *th, const struct sl_args *a);

/* opaque */
sl_value sl_opaque_new(const struct sl_opaque_type *type, void *data);

/* ---- core operations ---- */
const char *sl_type_name(sl_value v);
bool sl_truth(sl_value v);
/* sl_len: length of a string/bytes/list/tuple/dict/set/range, -1 if none. */
int64_t sl_len(sl_value v);
/* sl_equal: 1 equal, 0 not, -1 error raised (e.g. too deep). */
int sl_equal(sl_thread *th, sl_value x, sl_value y);
/* Comparison operators for sl_compare / sl_binary / sl_unary. */
enum sl_op {
	SL_OP_ADD, SL_OP_SUB, SL_OP_MUL, SL_OP_DIV, SL_OP_FLOORDIV, SL_OP_MOD,
	SL_OP_AND, SL_OP_OR, SL_OP_XOR, SL_OP_SHL, SL_OP_SHR,  /* & | ^ << >> */
	SL_OP_IN, SL_OP_NOT_IN,
	SL_OP_EQ, SL_OP_NE, SL_OP_LT, SL_OP_LE, SL_OP_GT, SL_OP_GE,
	SL_OP_NEG, SL_OP_POS, SL_OP_INVERT, SL_OP_NOT,  /* unary - + ~ not */
};
const char *sl_op_str(enum sl_op op);   /* "+", "not in", ... */
/* sl_compare: 1 true, 0 false, -1 error ("int < string not implemented"). */
int sl_compare(sl_thread *th, enum sl_op op, sl_value x, sl_value y);
/* sl_cmp: three-way ordering into *out (<0, 0, >0); -1 on error. */
int sl_cmp(sl_thread *th, sl_value x, sl_value y, int *out);
/* sl_hash: 0 ok, -1 error ("unhashable type: list"). */
int sl_hash(sl_thread *th, sl_value v, uint32_t *out);
sl_value sl_binary(sl_thread *th, enum sl_op op, sl_value x, sl_value y);
sl_value sl_unary(sl_thread *th, enum sl_op op, sl_value x);
/* x[i], x[lo:hi:step] (lo/hi/step may be SL_NONE) */
sl_value sl_index(sl_thread *th, sl_value x, sl_value i);
sl_value sl_slice(sl_thread *th, sl_value x, sl_value lo, sl_value hi, sl_value step);
int sl_set_index(sl_thread *th, sl_value x, sl_value i, sl_value v);
/* sl_contains: `needle in hay`: 1/0/-1 */
int sl_contains(sl_thread *th, sl_value hay, sl_value needle);

/* repr/str append to a buffer; repr of recursive containers prints "[...]".
 * They cannot fail. */
void sl_repr(sl_value v, struct sl_buf *b);
void sl_str(sl_value v, struct sl_buf *b);   /* strings unquoted */
/* sl_repr_cstr: repr as an sl_alloc'd C string (for error messages). */
const char *sl_repr_cstr(sl_value v);
/* sl_quote appends a Starlark-quoted string literal of s ("abc", escapes). */
void sl_quote(const char *s, size_t n, bool bytes, struct sl_buf *b);

/* ---- attributes ---- */
/* sl_attr returns v.name, including bound methods from the method tables;
 * NULL with an error ("string has no .foo field or method") otherwise. */
sl_value sl_attr(sl_thread *th, sl_value v, const char *name);
/* sl_hasattr: true if sl_attr would succeed (ignores errors). */
bool sl_hasattr(sl_thread *th, sl_value v, const char *name);
/* sl_dir: sorted list of attribute names of v. */
sl_value sl_dir(sl_value v);

/* ---- iteration ---- */
struct sl_iter {
	sl_value seq;    /* what is being iterated (list, tuple, dict, set, range, string-chars list...) */
	size_t pos;      /* next position */
	int64_t len;     /* for ranges/tuples: total */
	bool counted;    /* seq->itercount was incremented (undo in sl_iter_done) */
	sl_thread *th;   /* for opaque iterables (errors) */
};
/* sl_iter_start: false with an error ("int value is not iterable", as Go
 * says) if v is not iterable.  Lists, dicts and sets are marked as being
 * iterated until sl_iter_done (mutating them meanwhile is an error). */
bool sl_iter_start(sl_thread *th, sl_value v, struct sl_iter *it);
bool sl_iter_next(struct sl_iter *it, sl_value *out);
void sl_iter_done(struct sl_iter *it);
/* sl_iterable: true if sl_iter_start would succeed. */
bool sl_iterable(sl_value v);
/* sl_to_array: all elements of an iterable as an array, or NULL + error if
 * not iterable.  For a tuple or list it is the value's own item array
 * (read it, do not modify it); otherwise a new sl_alloc'd array. */
sl_value *sl_to_array(sl_thread *th, sl_value v, size_t *n);

/* ---- freezing and mutation checks ---- */
void sl_freeze(sl_value v);          /* v and everything reachable from it */
static inline bool sl_is_frozen(sl_value v) { return sl_is_smallint(v) || v->frozen; }
/* sl_check_mutable: 0 if v may be mutated, else -1 with Go's error text,
 * e.g. verb "append to" -> "cannot append to frozen list",
 * "cannot append to list during iteration". */
int sl_check_mutable(sl_thread *th, sl_value v, const char *verb);

/* ---- calls ---- */
/* sl_call calls any callable: kw holds nkw (name string, value) pairs,
 * i.e. 2*nkw values.  Returns NULL with an error raised on failure. */
sl_value sl_call(sl_thread *th, sl_value fn, const sl_value *args, size_t nargs,
                 const sl_value *kw, size_t nkw);
bool sl_callable(sl_value v);
/* sl_func_name: name of a function/builtin ("lambda" for lambdas). */
const char *sl_func_name(sl_value fn);

#endif
