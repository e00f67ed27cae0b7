/* gen/starlark/format.c — string formatting: the `%` operator
 * (sl_string_percent: %s %r %d %i %o %x %X %e %f %g %E %F %G %c %%, with
 * %(name)s keys into a dict) and str.format ({} {0} {name} {!r} {!s},
 * {{ and }}), with go.starlark.net's semantics and error messages.
 * Neither supports Python's flags, widths or precisions.
 */
#include "starlark/lib.h"
#include "starlark/lib_unicode.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* ---- the % operator ---- */

/* percent_int formats an int conversion (d i o x X) of arg. */
static int percent_int(sl_thread *th, char c, sl_value arg, struct sl_buf *b)
{
	sl_value i = arg;
	if (sl_kind(arg) == SL_KFLOAT) {
		double d = sl_float_get(arg);
		if (isnan(d) || isinf(d)) {
			sl_error(th, "%%%c format requires integer: cannot convert float %s to integer",
			         c, isnan(d) ? "NaN" : "infinity");
			return -1;
		}
		if (!(i = sl_int_from_double(th, d)))
			return -1;
	} else if (sl_kind(arg) != SL_KINT) {
		sl_error(th, "%%%c format requires integer: cannot convert %s to int", c, sl_type_name(arg));
		return -1;
	}
	size_t from = b->len;
	sl_int_format(i, c == 'o' ? 8 : (c == 'x' || c == 'X') ? 16 : 10, b);
	if (c == 'X')
		for (size_t k = from; k < b->len; k++)
			b->data[k] = (char)toupper((unsigned char)b->data[k]);
	return 0;
}

/* percent_char formats %c: an int code point or a one-code-point string. */
static int percent_char(sl_thread *th, sl_value arg, struct sl_buf *b)
{
	char enc[4];
	if (sl_kind(arg) == SL_KINT) {
		int64_t r;
		if (!sl_int_to_i64(arg, &r) || r < 0 || r > SLU_MAX_RUNE) {
			sl_error(th, "%%c format requires a valid Unicode code point, got %s", sl_repr_cstr(arg));
			return -1;
		}
		sl_buf_add(b, enc, slu_encode((uint32_t)r, enc));
		return 0;
	}
	if (sl_kind(arg) == SL_KSTRING) {
		const char *s = sl_str_data(arg);
		size_t n = sl_str_len(arg);
		uint32_t r;
		if (n == 0 || slu_decode(s, n, &r) != n) {
			sl_error(th, "%%c format requires a single-character string");
			return -1;
		}
		sl_buf_add(b, enc, slu_encode(r, enc));
		return 0;
	}
	sl_error(th, "%%c format requires int or single-character string, not %s", sl_type_name(arg));
	return -1;
}

/* percent_conv appends one conversion c of arg. */
static int percent_conv(sl_thread *th, char c, sl_value arg, struct sl_buf *b)
{
	double d;
	switch (c) {
	case 's':
		sl_lib_write_str(arg, b);
		return 0;
	case 'r':
		sl_repr(arg, b);
		return 0;
	case 'd': case 'i': case 'o': case 'x': case 'X':
		return percent_int(th, c, arg, b);
	case 'e': case 'f': case 'g': case 'E': case 'F': case 'G':
		if (sl_kind(arg) == SL_KBOOL || !sl_to_float(arg, &d)) {
			sl_error(th, "%%%c format requires float, not %s", c, sl_type_name(arg));
			return -1;
		}
		sl_float_format(d, c, -1, b);
		return 0;
	case 'c':
		return percent_char(th, arg, b);
	case '%':
		sl_buf_addc(b, '%');
		return 0;
	}
	char enc[4];
	size_t n = slu_encode((unsigned char)c, enc); /* Go prints the byte as a rune */
	sl_error(th, "unknown conversion %%%.*s", (int)n, enc);
	return -1;
}

sl_value sl_string_percent(sl_thread *th, sl_value format, sl_value x)
{
	const char *f = sl_str_data(format), *end = f + sl_str_len(format);
	bool is_tuple = sl_kind(x) == SL_KTUPLE, is_dict = sl_kind(x) == SL_KDICT;
	size_t nargs = is_tuple ? SL_TUPLE(x)->len : 1, index = 0;
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_add(&b, "", 0);
	while (f < end) {
		const char *pct = memchr(f, '%', (size_t)(end - f));
		if (!pct) {
			sl_buf_add(&b, f, (size_t)(end - f));
			break;
		}
		sl_buf_add(&b, f, (size_t)(pct - f));
		f = pct + 1;
		if (f < end && *f == '%') {
			sl_buf_addc(&b, '%');
			f++;
			continue;
		}
		sl_value arg;
		if (f < end && *f == '(') {
			const char *close = memchr(f + 1, ')', (size_t)(end - f - 1));
			if (!close)
				goto fail_msg_key;
			if (!is_dict) {
				sl_error(th, "format requires a mapping");
				goto fail;
			}
			sl_value key = sl_string(f + 1, (size_t)(close - f - 1));
			if (sl_dict_get(th, x, key, &arg) != 1) {
				sl_error_clear(th);
				sl_error(th, "key not found: %.*s", (int)sl_str_len(key), sl_str_data(key));
				goto fail;
			}
			f = close + 1;
		} else {
			if (index >= nargs) {
				sl_error(th, "not enough arguments for format string");
				goto fail;
			}
			arg = is_tuple ? SL_TUPLE(x)->items[index] : x;
		}
		if (f >= end) {
			sl_error(th, "incomplete format");
			goto fail;
		}
		if (percent_conv(th, *f, arg, &b) < 0)
			goto fail;
		f++;
		index++;
	}
	if (index < nargs && !is_dict) {
		sl_error(th, "too many arguments for format string");
		goto fail;
	}
	return sl_buf_string(&b);
fail_msg_key:
	sl_error(th, "incomplete format key");
fail:
	sl_buf_free(&b);
	return NULL;
}

/* ---- str.format ---- */

/* field_index parses an all-decimal field name into *out. */
static bool field_index(const char *s, size_t n, size_t *out)
{
	size_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || x > (SIZE_MAX - 9) / 10)
			return false;
		x = x * 10 + (size_t)(s[i] - '0');
	}
	*out = x;
	return true;
}

/* literal appends format text outside a field, turning "}}" into "}"
 * and refusing a lone "}". */
static int literal(sl_thread *th, const char *s, size_t n, struct sl_buf *b)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '}') {
			if (i + 1 >= n || s[i + 1] != '}') {
				sl_error(th, "format: single '}' in format");
				return -1;
			}
			i++;
		}
		sl_buf_addc(b, s[i]);
	}
	return 0;
}

/* keyword_arg finds the keyword argument called name[0..n). */
static sl_value keyword_arg(const struct sl_args *a, const char *name, size_t n)
{
	for (size_t i = 0; i < a->nkw; i++) {
		sl_value k = a->kw[2 * i];
		if (sl_str_len(k) == n && memcmp(sl_str_data(k), name, n) == 0)
			return a->kw[2 * i + 1];
	}
	return NULL;
}

/* field_arg resolves a field name: "" (automatic), digits (manual) or a
 * keyword. *mode remembers which of automatic ('a') / manual ('m') was used. */
static sl_value field_arg(sl_thread *th, const struct sl_args *a, const char *name, size_t n,
                          char *mode, size_t *next)
{
	size_t num;
	if (n == 0) {
		if (*mode == 'm')
			return sl_error(th, "format: cannot switch from manual field specification to automatic field numbering");
		*mode = 'a';
		if (*next >= a->npos)
			return sl_error(th, "format: tuple index out of range");
		return a->pos[(*next)++];
	}
	if (field_index(name, n, &num)) {
		if (*mode == 'a')
			return sl_error(th, "format: cannot switch from automatic field numbering to manual field specification");
		*mode = 'm';
		if (num >= a->npos)
			return sl_error(th, "format: tuple index out of range");
		return a->pos[num];
	}
	sl_value v = keyword_arg(a, name, n);
	if (v)
		return v;
	/* Python's x.y, a[i] and nested {} are not part of Starlark. */
	if (memchr(name, '.', n))
		return sl_error(th, "format: attribute syntax x.y is not supported in replacement fields: %.*s", (int)n, name);
	if (memchr(name, '[', n))
		return sl_error(th, "format: element syntax a[i] is not supported in replacement fields: %.*s", (int)n, name);
	if (memchr(name, '{', n))
		return sl_error(th, "format: nested replacement fields not supported");
	return sl_error(th, "format: keyword %.*s not found", (int)n, name);
}

/* replacement handles one field "name[!conv][:spec]" (without braces). */
static int replacement(sl_thread *th, const struct sl_args *a, const char *field, size_t n,
                       char *mode, size_t *next, struct sl_buf *b)
{
	const char *bang = memchr(field, '!', n), *conv = "s", *spec = NULL;
	size_t name_len, conv_len = 1, spec_len = 0;
	if (!bang) {
		const char *colon = memchr(field, ':', n);
		name_len = colon ? (size_t)(colon - field) : n;
		if (colon) {
			spec = colon + 1;
			spec_len = n - name_len - 1;
		}
	} else {
		name_len = (size_t)(bang - field);
		conv = bang + 1;
		conv_len = n - name_len - 1;
		const char *colon = memchr(conv, ':', conv_len);
		if (colon) {
			spec = colon + 1;
			spec_len = (size_t)(field + n - spec);
			conv_len = (size_t)(colon - conv);
		}
	}
	sl_value arg = field_arg(th, a, field, name_len, mode, next);
	if (!arg)
		return -1;
	if (spec_len > 0) {
		sl_error(th, "format spec features not supported in replacement fields: %.*s", (int)spec_len, spec);
		return -1;
	}
	if (conv_len == 1 && *conv == 's')
		sl_lib_write_str(arg, b);
	else if (conv_len == 1 && *conv == 'r')
		sl_repr(arg, b);
	else {
		struct sl_buf q = SL_BUF_INIT;
		sl_quote(conv, conv_len, false, &q);
		sl_error(th, "format: unknown conversion %s", q.data);
		sl_buf_free(&q);
		return -1;
	}
	return 0;
}

sl_value sl_lib_string_format(sl_thread *th, const struct sl_args *a)
{
	const char *f = sl_str_data(a->recv), *end = f + sl_str_len(a->recv);
	char mode = 0;
	size_t next = 0;
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_add(&b, "", 0);
	for (;;) {
		const char *open = memchr(f, '{', (size_t)(end - f));
		if (literal(th, f, (size_t)((open ? open : end) - f), &b) < 0)
			goto fail;
		if (!open)
			break;
		if (open + 1 < end && open[1] == '{') { /* "{{" is a literal '{' */
			sl_buf_addc(&b, '{');
			f = open + 2;
			continue;
		}
		const char *close = memchr(open + 1, '}', (size_t)(end - open - 1));
		if (!close) {
			sl_error(th, "format: unmatched '{' in format");
			goto fail;
		}
		if (replacement(th, a, open + 1, (size_t)(close - open - 1), &mode, &next, &b) < 0)
			goto fail;
		f = close + 1;
	}
	return sl_buf_string(&b);
fail:
	sl_buf_free(&b);
	return NULL;
}
