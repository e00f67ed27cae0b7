/* gen/starlark/lib_convert.c — the universe's number and character
 * builtins: abs bool int float hash chr ord range, with go.starlark.net's
 * parsing rules (int's bases and prefixes, float's literal syntax) and
 * error messages.  The table is in lib_universe.c. */
#include "starlark/lib.h"
#include "starlark/lib_unicode.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

sl_value sl_lib_abs(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	if (sl_kind(x) == SL_KFLOAT)
		return sl_float(fabs(sl_float_get(x)));
	if (sl_kind(x) != SL_KINT)
		return sl_error(th, "got %s, want int or float", sl_type_name(x));
	return sl_int_sign(x) >= 0 ? x : sl_unary(th, SL_OP_NEG, x);
}

sl_value sl_lib_bool(sl_thread *th, const struct sl_args *a)
{
	sl_value x = SL_FALSE;
	if (sl_unpack_positional(th, a, 0, "x", &x) < 0)
		return NULL;
	return sl_bool(sl_truth(x));
}

/* digit_value: the value of an int-literal digit, or 99. */
static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* parse_int implements int(string, base) as go.starlark.net does: a sign,
 * then a 0x/0o/0b prefix if base is 0 or agrees with it, then digits.
 * With base 0 and no prefix a leading 0 allows only zeros.  NULL if s is
 * not a valid literal (no error raised). */
static sl_value parse_int(sl_thread *th, const char *s, size_t n, int base)
{
	bool neg = false;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++, n--;
	}
	if (n > 1 && s[0] == '0') {
		int prefix = 0;
		if (n > 2) {
			char c = (char)tolower((unsigned char)s[1]);
			prefix = c == 'o' ? 8 : c == 'x' ? 16 : c == 'b' ? 2 : 0;
		}
		if (prefix && (base == 0 || base == prefix)) {
			base = prefix;
			s += 2, n -= 2;
		} else if (!prefix && base == 0) {
			for (size_t i = 1; i < n; i++)
				if (s[i] != '0')
					return NULL; /* int("0755", 0) is refused */
			return sl_int(0);
		}
	}
	if (base == 0)
		base = 10;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (digit_value(s[i]) >= base)
			return NULL;
	sl_value v = sl_int_parse(s, n, base);
	if (v && neg)
		v = sl_unary(th, SL_OP_NEG, v);
	return v;
}

sl_value sl_lib_int(sl_thread *th, const struct sl_args *a)
{
	sl_value x = NULL, base = NULL;
	if (sl_unpack(th, a, "x base?", &x, &base) < 0)
		return NULL;
	if (sl_kind(x) == SL_KSTRING) {
		int64_t b = 10;
		if (base) {
			if (sl_kind(base) != SL_KINT || !sl_int_to_i64(base, &b))
				return sl_error(th, "int: for base, got %s, want int", sl_type_name(base));
			if (b != 0 && (b < 2 || b > 36))
				return sl_error(th, "int: base must be an integer >= 2 && <= 36");
		}
		sl_value v = parse_int(th, sl_str_data(x), sl_str_len(x), (int)b);
		if (!v)
			return sl_error(th, "int: invalid literal with base %d: %.*s", (int)b,
			                (int)sl_str_len(x), sl_str_data(x));
		return v;
	}
	if (base)
		return sl_error(th, "int: can't convert non-string with explicit base");
	switch (sl_kind(x)) {
	case SL_KBOOL:
		return sl_int(x == SL_TRUE);
	case SL_KINT:
		return x;
	case SL_KFLOAT: {
		double d = sl_float_get(x);
		if (isnan(d))
			return sl_error(th, "int: cannot convert float NaN to integer");
		if (isinf(d))
			return sl_error(th, "int: cannot convert float infinity to integer");
		return sl_int_from_double(th, d);
	}
	default:
		return sl_error(th, "int: cannot convert %s to int", sl_type_name(x));
	}
}

/* float_syntax reports whether s is a decimal float literal as Go's
 * strconv.ParseFloat accepts it (sign, digits with an optional point,
 * optional exponent), or a hexadecimal one with a p exponent. */
static bool float_syntax(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	bool hex = i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
	if (hex)
		i += 2;
	for (; i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++)
			digits++;
	if (digits == 0)
		return false;
	if (i < n && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t exp = 0;
		for (; i < n && isdigit((unsigned char)s[i]); i++)
			exp++;
		if (exp == 0)
			return false;
	} else if (hex)
		return false; /* hex floats need an exponent */
	return i == n;
}

static sl_value float_from_string(sl_thread *th, sl_value x)
{
	const char *s = sl_str_data(x);
	size_t n = sl_str_len(x);
	if (n == 0)
		return sl_error(th, "float: empty string");
	if (strlen(s) != n) /* an embedded NUL */
		return sl_error(th, "invalid float literal: %.*s", (int)n, s);
	const char *t = s + (s[0] == '+' || s[0] == '-');
	bool neg = s[0] == '-';
	if (strcasecmp(t, "inf") == 0 || strcasecmp(t, "infinity") == 0)
		return sl_float(neg ? -INFINITY : INFINITY);
	if (strcasecmp(t, "nan") == 0)
		return sl_float(NAN);
	if (!float_syntax(s, n))
		return sl_error(th, "invalid float literal: %.*s", (int)n, s);
	double d = strtod(s, NULL);
	if (isinf(d))
		return sl_error(th, "floating-point number too large");
	return sl_float(d);
}

sl_value sl_lib_float(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos == 0)
		return sl_float(0.0);
	if (a->npos != 1)
		return sl_error(th, "float got %zu arguments, wants 1", a->npos);
	sl_value x = a->pos[0];
	switch (sl_kind(x)) {
	case SL_KBOOL:
		return sl_float(x == SL_TRUE ? 1.0 : 0.0);
	case SL_KINT: {
		double d = sl_int_to_double(x);
		if (isinf(d))
			return sl_error(th, "int too large to convert to float");
		return sl_float(d);
	}
	case SL_KFLOAT:
		return x;
	case SL_KSTRING:
		return float_from_string(th, x);
	default:
		return sl_error(th, "float got %s, want number or string", sl_type_name(x));
	}
}

/* java_hash is java.lang.String.hashCode over the code points of s, which
 * is what go.starlark.net's hash() computes for strings. */
static int32_t java_hash(const char *s, size_t n)
{
	uint32_t h = 0;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += slu_decode(s + i, n - i, &r);
		h = 31 * h + r;
	}
	return (int32_t)h;
}

sl_value sl_lib_hash(sl_thread *th, const struct sl_args *a)
{
	sl_value x;
	if (sl_unpack_positional(th, a, 1, "x", &x) < 0)
		return NULL;
	switch (sl_kind(x)) {
	case SL_KSTRING:
		return sl_int(java_hash(sl_str_data(x), sl_str_len(x)));
	case SL_KBYTES: { /* 32-bit FNV-1a */
		uint32_t h = 2166136261u;
		const char *s = sl_str_data(x);
		size_t n = sl_str_len(x);
		for (size_t i = 0; i < n; i++) {
			h ^= (unsigned char)s[i];
			h *= 16777619u;
		}
		return sl_int(h);
	}
	default:
		return sl_error(th, "hash: got %s, want string or bytes", sl_type_name(x));
	}
}

sl_value sl_lib_chr(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "chr: got %zu arguments, want 1", a->npos);
	sl_value x = a->pos[0];
	int64_t i;
	if (sl_kind(x) != SL_KINT)
		return sl_error(th, "chr: got %s, want int", sl_type_name(x));
	if (!sl_int_to_i64(x, &i))
		return sl_error(th, "chr: %s out of range", sl_repr_cstr(x));
	if (i < 0)
		return sl_error(th, "chr: Unicode code point %lld out of range (<0)", (long long)i);
	if (i > SLU_MAX_RUNE)
		return sl_error(th, "chr: Unicode code point U+%llX out of range (>0x10FFFF)", (long long)i);
	char enc[4];
	return sl_string(enc, slu_encode((uint32_t)i, enc));
}

sl_value sl_lib_ord(sl_thread *th, const struct sl_args *a)
{
	if (sl_lib_no_kwargs(th, a) < 0)
		return NULL;
	if (a->npos != 1)
		return sl_error(th, "ord: got %zu arguments, want 1", a->npos);
	sl_value x = a->pos[0];
	if (sl_kind(x) == SL_KSTRING) {
		const char *s = sl_str_data(x);
		size_t n = sl_str_len(x);
		uint32_t r;
		if (n == 0 || slu_decode(s, n, &r) != n)
			return sl_error(th, "ord: string encodes %zu Unicode code points, want 1", slu_count(s, n));
		return sl_int(r);
	}
	if (sl_kind(x) == SL_KBYTES) {
		if (sl_str_len(x) != 1)
			return sl_error(th, "ord: bytes has length %zu, want 1", (size_t)sl_str_len(x));
		return sl_int((unsigned char)sl_str_data(x)[0]);
	}
	return sl_error(th, "ord: got %s, want string or bytes", sl_type_name(x));
}

sl_value sl_lib_range(sl_thread *th, const struct sl_args *a)
{
	int64_t start = 0, stop = 0, step = 1;
	if (sl_unpack_positional(th, a, 1, "start:i stop:i step:i", &start, &stop, &step) < 0)
		return NULL;
	if (a->npos == 1) {
		stop = start;
		start = 0;
	}
	if (step == 0)
		return sl_error(th, "%s: step argument must not be zero", a->name);
	return sl_range_new(start, stop, step);
}
