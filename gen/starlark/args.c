/* gen/starlark/args.c — the argument parser of C builtins (sl_unpack),
 * modelled on go.starlark.net's UnpackArgs, with its error wording. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct param {
	const char *name;   /* not NUL-terminated */
	int len;
	char type;          /* conversion letter, 'v' = any */
	bool optional;      /* "?" seen at or before it */
	bool noneabsent;    /* "??": None counts as absent */
};

#define MAXPARAMS 32

static int parse_spec(const char *spec, struct param *p)
{
	int n = 0;
	bool opt = false;
	for (const char *s = spec; *s && n < MAXPARAMS;) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		struct param *q = &p[n++];
		q->name = s;
		while (*s && *s != '?' && *s != ':' && *s != ' ' && *s != ',')
			s++;
		q->len = (int)(s - q->name);
		q->noneabsent = false;
		if (*s == '?') {
			opt = true;
			s++;
			if (*s == '?') {
				q->noneabsent = true;
				s++;
			}
		}
		q->optional = opt;
		q->type = 'v';
		if (*s == ':') {
			s++;
			if (*s && *s != ' ')
				q->type = *s++;
		}
	}
	return n;
}

static const char *want_name(char t)
{
	switch (t) {
	case 's': case 'S': return "string";
	case 'y': return "bytes";
	case 'i': case 'I': case 'n': return "int";
	case 'f': return "float";
	case 'b': return "bool";
	case 'l': return "list";
	case 't': return "tuple";
	case 'd': return "dict";
	case 'c': return "callable";
	default: return "value";
	}
}

/* convert stores v into ptr per type; on failure writes the reason into msg. */
static bool convert(sl_value v, char t, void *ptr, char *msg, size_t cap)
{
	enum sl_kind k = sl_kind(v);
	bool ok;
	switch (t) {
	case 'v': *(sl_value *)ptr = v; return true;
	case 's': ok = k == SL_KSTRING; if (ok) *(sl_value *)ptr = v; break;
	case 'S': ok = k == SL_KSTRING; if (ok) *(const char **)ptr = sl_str_data(v); break;
	case 'y': ok = k == SL_KBYTES; if (ok) *(sl_value *)ptr = v; break;
	case 'I': ok = k == SL_KINT; if (ok) *(sl_value *)ptr = v; break;
	case 'l': ok = k == SL_KLIST; if (ok) *(sl_value *)ptr = v; break;
	case 't': ok = k == SL_KTUPLE; if (ok) *(sl_value *)ptr = v; break;
	case 'd': ok = k == SL_KDICT; if (ok) *(sl_value *)ptr = v; break;
	case 'c': ok = sl_callable(v); if (ok) *(sl_value *)ptr = v; break;
	case 'b': ok = k == SL_KBOOL; if (ok) *(bool *)ptr = v == SL_TRUE; break;
	case 'B': *(bool *)ptr = sl_truth(v); return true;
	case 'f': ok = k == SL_KFLOAT || k == SL_KINT; if (ok) sl_to_float(v, (double *)ptr); break;
	case 'n':
		if (v == SL_NONE)
			return true;
		/* fallthrough */
	case 'i': {
		ok = k == SL_KINT;
		if (ok) {
			int64_t i;
			if (!sl_int_to_i64(v, &i)) {
				struct sl_buf b = SL_BUF_INIT;
				sl_int_format(v, 10, &b);
				snprintf(msg, cap, "%s out of range", b.data);
				sl_buf_free(&b);
				return false;
			}
			*(int64_t *)ptr = i;
		}
		break;
	}
	default:
		*(sl_value *)ptr = v;
		return true;
	}
	if (!ok)
		snprintf(msg, cap, "got %s, want %s", sl_type_name(v), want_name(t));
	return ok;
}

static int vunpack(sl_thread *th, const struct sl_args *a, const char *spec, va_list ap)
{
	struct param p[MAXPARAMS];
	void *ptrs[MAXPARAMS];
	int n = parse_spec(spec, p);
	for (int i = 0; i < n; i++)
		ptrs[i] = va_arg(ap, void *);
	bool defined[MAXPARAMS] = {0};
	char msg[200];
	if (a->npos > (size_t)n) {
		sl_error(th, "%s: got %zu arguments, want at most %d", a->name, a->npos, n);
		return -1;
	}
	for (size_t i = 0; i < a->npos; i++) {
		defined[i] = true;
		if (p[i].noneabsent && a->pos[i] == SL_NONE)
			continue;
		if (!convert(a->pos[i], p[i].type, ptrs[i], msg, sizeof msg)) {
			sl_error(th, "%s: for parameter %.*s: %s", a->name, p[i].len, p[i].name, msg);
			return -1;
		}
	}
	for (size_t k = 0; k < a->nkw; k++) {
		sl_value name = a->kw[2 * k], v = a->kw[2 * k + 1];
		int i;
		for (i = 0; i < n; i++)
			if ((size_t)p[i].len == sl_str_len(name) && memcmp(p[i].name, sl_str_data(name), (size_t)p[i].len) == 0)
				break;
		if (i == n) {
			/* suggest the closest parameter name, as current go.starlark.net does */
			sl_value names = sl_list_new((size_t)n);
			for (int j = 0; j < n; j++)
				sl_list_push(names, sl_string(p[j].name, (size_t)p[j].len));
			const char *hint = sl_nearest_name(names, sl_str_data(name));
			if (hint)
				sl_error(th, "%s: unexpected keyword argument %s (did you mean %s?)", a->name, sl_repr_cstr(name), hint);
			else
				sl_error(th, "%s: unexpected keyword argument %s", a->name, sl_repr_cstr(name));
			return -1;
		}
		if (defined[i]) {
			sl_error(th, "%s: got multiple values for keyword argument %s", a->name, sl_repr_cstr(name));
			return -1;
		}
		defined[i] = true;
		if (p[i].noneabsent && v == SL_NONE)
			continue;
		if (!convert(v, p[i].type, ptrs[i], msg, sizeof msg)) {
			sl_error(th, "%s: for parameter %s: %s", a->name, sl_repr_cstr(name), msg);
			return -1;
		}
	}
	for (int i = (int)a->npos; i < n; i++) {
		if (p[i].optional)
			break;
		if (!defined[i]) {
			sl_error(th, "%s: missing argument for %.*s", a->name, p[i].len, p[i].name);
			return -1;
		}
	}
	return 0;
}

int sl_unpack(sl_thread *th, const struct sl_args *a, const char *spec, ...)
{
	va_list ap;
	va_start(ap, spec);
	int r = vunpack(th, a, spec, ap);
	va_end(ap);
	return r;
}

int sl_unpack_positional(sl_thread *th, const struct sl_args *a, size_t min, const char *spec, ...)
{
	if (a->nkw) {
		sl_error(th, "%s: unexpected keyword arguments", a->name);
		return -1;
	}
	struct param p[MAXPARAMS];
	int n = parse_spec(spec, p);
	if (a->npos < min) {
		sl_error(th, "%s: got %zu arguments, want %s%zu", a->name, a->npos, min < (size_t)n ? "at least " : "", min);
		return -1;
	}
	if (a->npos > (size_t)n) {
		sl_error(th, "%s: got %zu arguments, want %s%d", a->name, a->npos, min < (size_t)n ? "at most " : "", n);
		return -1;
	}
	va_list ap;
	va_start(ap, spec);
	char msg[200];
	for (int i = 0; i < n; i++) {
		void *ptr = va_arg(ap, void *);
		if ((size_t)i >= a->npos)
			continue;
		if (!convert(a->pos[i], p[i].type, ptr, msg, sizeof msg)) {
			va_end(ap);
			sl_error(th, "%s: for parameter %d: %s", a->name, i + 1, msg);
			return -1;
		}
	}
	va_end(ap);
	return 0;
}

int sl_no_args(sl_thread *th, const struct sl_args *a)
{
	if (a->npos || a->nkw) {
		if (a->nkw)
			sl_error(th, "%s: unexpected keyword arguments", a->name);
		else
			sl_error(th, "%s: got %zu arguments, want 0", a->name, a->npos);
		return -1;
	}
	return 0;
}
