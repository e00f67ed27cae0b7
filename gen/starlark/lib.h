/* gen/starlark/lib.h — helpers shared by the built-in library files
 * (lib_*.c, format.c), built only on the public API in starlark.h.
 * Nothing here is for embedders.
 */
#ifndef SL_LIB_H
#define SL_LIB_H

#include "starlark/starlark.h"

/* sl_lib_rewrap replaces the error raised on th by "name: <message>", the
 * way go.starlark.net prefixes errors of a builtin's helpers with the
 * builtin's name.  Returns NULL. */
sl_value sl_lib_rewrap(sl_thread *th, const char *name);

/* sl_lib_no_kwargs raises "NAME does not accept keyword arguments" if the
 * call had any.  Returns 0 or -1. */
int sl_lib_no_kwargs(sl_thread *th, const struct sl_args *a);

/* sl_lib_kw_only unpacks only the keyword arguments of a (fail, print,
 * min, max take their positional arguments as they come). */
int sl_lib_kw_only(sl_thread *th, const struct sl_args *a, const char *spec, void *out);

/* sl_lib_want_iterable checks that v can be iterated, else raises
 * "fn: for parameter P: got T, want iterable" where P is param if non-NULL,
 * else the 1-based position pos.  Returns 0 or -1. */
int sl_lib_want_iterable(sl_thread *th, const char *fn, const char *param, int pos, sl_value v);

/* sl_lib_indices turns optional start/end arguments (NULL or None = absent,
 * negative = from the end) into a range [*s, *e) clamped to [0, len], as
 * Go's indices() does.  Returns 0, or -1 with "invalid start index: ..."
 * raised (unprefixed; callers add their name). */
int sl_lib_indices(sl_thread *th, sl_value start, sl_value end, size_t len, size_t *s, size_t *e);

/* sl_lib_to_array copies the elements of an iterable into a fresh array
 * (never NULL on success, even when empty; never the list's own storage,
 * so callers may mutate lists or call back into Starlark meanwhile).
 * NULL with an error raised if v is not iterable. */
sl_value *sl_lib_to_array(sl_thread *th, sl_value v, size_t *n);

/* sl_lib_write_str appends v for print/str/%s: strings unquoted,
 * everything else as repr. */
void sl_lib_write_str(sl_value v, struct sl_buf *b);

/* sl_lib_dict_update adds the positional mapping or pairs iterable (at most
 * one) and then the keyword arguments of a to dict, as dict() and
 * dict.update do.  Errors are raised unprefixed.  Returns 0 or -1. */
int sl_lib_dict_update(sl_thread *th, sl_value dict, const struct sl_args *a);

/* Builtins defined outside lib_universe.c and listed in its table. */
sl_value sl_lib_set(sl_thread *th, const struct sl_args *a);     /* lib_set.c */
sl_value sl_lib_abs(sl_thread *th, const struct sl_args *a);     /* lib_convert.c */
sl_value sl_lib_bool(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_chr(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_float(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_hash(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_int(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_ord(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_range(sl_thread *th, const struct sl_args *a);
sl_value sl_lib_minmax(sl_thread *th, const struct sl_args *a);  /* lib_sort.c */
sl_value sl_lib_sorted(sl_thread *th, const struct sl_args *a);

/* sl_lib_utf8_transcode returns s with every invalid UTF-8 sequence
 * replaced by U+FFFD, as a string (bytes=false) or bytes value. */
sl_value sl_lib_utf8_transcode(const char *s, size_t n, bool bytes);

/* sl_lib_elems returns the iterable that s.method() gives for the
 * methods elems, elem_ords, codepoints and codepoint_ords of a string, and
 * elems of bytes (lib_elems.c). */
sl_value sl_lib_elems(sl_value s, const char *method);

/* str.format (format.c). */
sl_value sl_lib_string_format(sl_thread *th, const struct sl_args *a);

#endif
