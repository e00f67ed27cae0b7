/* gen/starlark/repr.c — the text forms of values: repr (Starlark syntax
 * where there is one) and str (strings unquoted), with cycles in lists and
 * dicts printed as [...] and {...}. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <string.h>

/* Containers being printed carry SL_FLAG_PRINTING, so a cycle is seen in
 * O(1); nesting deeper than MAX_DEPTH prints as "..." to bound the C stack. */
struct seen {
	int depth;
};
#define MAX_DEPTH 2000

static bool enter(sl_value v)
{
	if (v->flags & SL_FLAG_PRINTING)
		return false;
	v->flags |= SL_FLAG_PRINTING;
	return true;
}
static void leave(sl_value v) { v->flags &= (uint16_t)~SL_FLAG_PRINTING; }

/* utf8_len: length of the valid UTF-8 sequence at p, or 0. */
static int utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	int len;
	uint32_t r;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) len = 2, r = c & 0x1F;
	else if (c < 0xF0) len = 3, r = c & 0x0F;
	else if (c < 0xF5) len = 4, r = c & 0x07;
	else return 0;
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		r = r << 6 | (p[i] & 0x3F);
	}
	if ((len == 3 && r < 0x800) || (len == 4 && (r < 0x10000 || r > 0x10FFFF)) || (r >= 0xD800 && r < 0xE000))
		return 0;
	return len;
}

void sl_quote(const char *s, size_t n, bool bytes, struct sl_buf *b)
{
	if (bytes)
		sl_buf_addc(b, 'b');
	sl_buf_addc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			int k = bytes ? 0 : utf8_len(p + i, n - i);
			if (k) {
				sl_buf_add(b, p + i, (size_t)k);
				i += (size_t)k;
			} else {
				sl_buf_printf(b, "\\x%02x", c);
				i++;
			}
			continue;
		}
		switch (c) {
		case '\a': sl_buf_adds(b, "\\a"); break;
		case '\b': sl_buf_adds(b, "\\b"); break;
		case '\f': sl_buf_adds(b, "\\f"); break;
		case '\n': sl_buf_adds(b, "\\n"); break;
		case '\r': sl_buf_adds(b, "\\r"); break;
		case '\t': sl_buf_adds(b, "\\t"); break;
		case '\v': sl_buf_adds(b, "\\v"); break;
		case '\\': sl_buf_adds(b, "\\\\"); break;
		case '"': sl_buf_adds(b, "\\\""); break;
		default:
			if (c < 0x20 || c == 0x7f)
				sl_buf_printf(b, "\\x%02x", c);
			else
				sl_buf_addc(b, (char)c);
		}
		i++;
	}
	sl_buf_addc(b, '"');
}

static void write_value(sl_value v, struct sl_buf *b, bool str, const struct seen *seen);

static void write_seq(const sl_value *items, size_t n, struct sl_buf *b, const struct seen *seen)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sl_buf_adds(b, ", ");
		write_value(items[i], b, false, seen);
	}
}

static void write_value(sl_value v, struct sl_buf *b, bool str, const struct seen *seen)
{
	if (sl_is_smallint(v)) {
		sl_buf_printf(b, "%lld", (long long)sl_smallint_get(v));
		return;
	}
	struct seen here = {seen ? seen->depth + 1 : 1};
	if (here.depth > MAX_DEPTH) {
		sl_buf_adds(b, "...");
		return;
	}
	switch (v->kind) {
	case SL_KNONE: sl_buf_adds(b, "None"); return;
	case SL_KBOOL: sl_buf_adds(b, v == SL_TRUE ? "True" : "False"); return;
	case SL_KBIGINT: sl_int_format(v, 10, b); return;
	case SL_KFLOAT: sl_float_format(sl_float_get(v), 'g', -1, b); return;
	case SL_KSTRING:
		if (str)
			sl_buf_add(b, SL_STR(v)->data, SL_STR(v)->len);
		else
			sl_quote(SL_STR(v)->data, SL_STR(v)->len, false, b);
		return;
	case SL_KBYTES:
		sl_quote(SL_STR(v)->data, SL_STR(v)->len, true, b);
		return;
	case SL_KLIST:
		if (!enter(v)) {
			sl_buf_adds(b, "[...]");
			return;
		}
		sl_buf_addc(b, '[');
		write_seq(SL_LIST(v)->items, SL_LIST(v)->len, b, &here);
		sl_buf_addc(b, ']');
		leave(v);
		return;
	case SL_KTUPLE:
		sl_buf_addc(b, '(');
		write_seq(SL_TUPLE(v)->items, SL_TUPLE(v)->len, b, &here);
		if (SL_TUPLE(v)->len == 1)
			sl_buf_addc(b, ',');
		sl_buf_addc(b, ')');
		return;
	case SL_KDICT: {
		if (!enter(v)) {
			sl_buf_adds(b, "{...}");
			return;
		}
		sl_buf_addc(b, '{');
		sl_value k, x;
		bool first = true;
		for (size_t i = 0; sl_dict_next(v, &i, &k, &x);) {
			if (!first)
				sl_buf_adds(b, ", ");
			first = false;
			write_value(k, b, false, &here);
			sl_buf_adds(b, ": ");
			write_value(x, b, false, &here);
		}
		sl_buf_addc(b, '}');
		leave(v);
		return;
	}
	case SL_KSET: {
		if (!enter(v)) {
			sl_buf_adds(b, "set(...)");
			return;
		}
		sl_buf_adds(b, "set([");
		sl_value k;
		bool first = true;
		for (size_t i = 0; sl_dict_next(v, &i, &k, NULL);) {
			if (!first)
				sl_buf_adds(b, ", ");
			first = false;
			write_value(k, b, false, &here);
		}
		sl_buf_adds(b, "])");
		leave(v);
		return;
	}
	case SL_KRANGE: {
		struct sl_range *r = SL_RANGE(v);
		if (r->step != 1)
			sl_buf_printf(b, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop, (long long)r->step);
		else if (r->start != 0)
			sl_buf_printf(b, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
		else
			sl_buf_printf(b, "range(%lld)", (long long)r->stop);
		return;
	}
	case SL_KFUNCTION:
		sl_buf_printf(b, "<function %s>", sl_func_name(v));
		return;
	case SL_KBUILTIN:
		if (SL_BUILTIN(v)->recv)
			sl_buf_printf(b, "<built-in method %s of %s value>", SL_BUILTIN(v)->name, sl_type_name(SL_BUILTIN(v)->recv));
		else
			sl_buf_printf(b, "<built-in function %s>", SL_BUILTIN(v)->name);
		return;
	case SL_KSTRUCT: {
		struct sl_struct *s = SL_STRUCT(v);
		if (s->ctor && sl_kind(s->ctor) == SL_KSTRING)
			sl_buf_add(b, sl_str_data(s->ctor), sl_str_len(s->ctor));
		else
			sl_buf_adds(b, "struct");
		sl_buf_addc(b, '(');
		for (size_t i = 0; i < s->n; i++) {
			if (i)
				sl_buf_adds(b, ", ");
			sl_buf_add(b, sl_str_data(s->names[i]), sl_str_len(s->names[i]));
			sl_buf_adds(b, " = ");
			write_value(s->values[i], b, false, &here);
		}
		sl_buf_addc(b, ')');
		return;
	}
	case SL_KMODULE:
		sl_buf_printf(b, "<module %s>", ((struct sl_module *)v)->path);
		return;
	case SL_KOPAQUE:
		if (SL_OPAQUE(v)->type->repr)
			SL_OPAQUE(v)->type->repr(v, b);
		else
			sl_buf_printf(b, "<%s>", SL_OPAQUE(v)->type->name);
		return;
	default:
		sl_buf_adds(b, "<?>");
	}
}

void sl_repr(sl_value v, struct sl_buf *b) { write_value(v, b, false, NULL); }
void sl_str(sl_value v, struct sl_buf *b) { write_value(v, b, true, NULL); }

const char *sl_repr_cstr(sl_value v)
{
	struct sl_buf b = SL_BUF_INIT;
	sl_repr(v, &b);
	char *s = sl_strdup(b.data ? b.data : "");
	sl_buf_free(&b);
	return s;
}
