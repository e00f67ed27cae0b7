/* gen/starlark/lib_elems.c — the iterables returned by a string's elems(),
 * elem_ords(), codepoints() and codepoint_ords() and by a bytes value's
 * elems().
 *
 * As in go.starlark.net they are values of their own, of type "elems",
 * "codepoints" (the names of the go.starlark.net release whose tests we
 * run; later releases say "string.elems" and "string.codepoints") and
 * "bytes.elems"; they are only iterable (the interpreter's opaque iter_next
 * hook), not indexable and without len, as in that release.  An invalid UTF-8 byte is its own one-byte code point
 * substring (and U+FFFD as an ord), again as in that release.
 */
#include "starlark/lib.h"
#include "starlark/lib_unicode.h"

#include <string.h>

/* What one iterable yields. */
struct elems {
	sl_value s;          /* the string or bytes */
	const char *method;  /* "elems", "elem_ords", "codepoints", "codepoint_ords" */
	bool ords;           /* ints rather than substrings */
	bool codepoints;     /* code points rather than bytes */
	bool bytes;          /* s is bytes: elements are ints */
};

/* elems_at yields the element at byte offset *pos and advances it. */
static bool elems_at(const struct elems *e, size_t *pos, sl_value *out)
{
	size_t n = sl_str_len(e->s);
	const char *p = sl_str_data(e->s);
	if (*pos >= n)
		return false;
	if (!e->codepoints) {
		unsigned char c = (unsigned char)p[*pos];
		*out = e->ords || e->bytes ? sl_int(c) : sl_string(p + *pos, 1);
		(*pos)++;
		return true;
	}
	uint32_t r;
	size_t len = slu_decode(p + *pos, n - *pos, &r);
	*out = e->ords ? sl_int(r) : sl_string(p + *pos, len);
	*pos += len;
	return true;
}

static void elems_repr(sl_value self, struct sl_buf *b)
{
	const struct elems *e = SL_OPAQUE(self)->data;
	sl_repr(e->s, b);
	sl_buf_printf(b, ".%s()", e->method);
}

static sl_value elems_next(sl_thread *th, sl_value self, size_t *pos)
{
	sl_value out;
	return elems_at(SL_OPAQUE(self)->data, pos, &out) ? out : NULL;
}

static const struct sl_opaque_type string_elems_type = {
	.name = "elems", .repr = elems_repr, .iter_next = elems_next,
};
static const struct sl_opaque_type string_codepoints_type = {
	.name = "codepoints", .repr = elems_repr, .iter_next = elems_next,
};
static const struct sl_opaque_type bytes_elems_type = {
	.name = "bytes.elems", .repr = elems_repr, .iter_next = elems_next,
};

sl_value sl_lib_elems(sl_value s, const char *method)
{
	struct elems *e = sl_alloc(sizeof *e);
	e->s = s;
	e->method = method;
	e->bytes = sl_kind(s) == SL_KBYTES;
	e->codepoints = method[0] == 'c';
	e->ords = strstr(method, "ords") != NULL;
	const struct sl_opaque_type *type = e->bytes ? &bytes_elems_type
	                                  : e->codepoints ? &string_codepoints_type
	                                                  : &string_elems_type;
	return sl_opaque_new(type, e);
}
