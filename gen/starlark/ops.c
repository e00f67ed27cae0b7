/* gen/starlark/ops.c — the operators: unary and binary arithmetic, string
 * and sequence concatenation and repetition, set and dict union, `in`,
 * indexing, slicing, item assignment and iteration over the iterable
 * types. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_REPEAT (1u << 30)

static sl_value unknown_binop(sl_thread *th, sl_value x, enum sl_op op, sl_value y)
{
	return sl_error(th, "unknown binary op: %s %s %s", sl_type_name(x), sl_op_str(op), sl_type_name(y));
}

static bool num_to_double(sl_thread *th, sl_value v, double *out)
{
	if (sl_kind(v) == SL_KFLOAT) {
		*out = sl_float_get(v);
		return true;
	}
	*out = sl_int_to_double(v);
	if (isinf(*out)) {
		sl_error(th, "int too large to convert to float");
		return false;
	}
	return true;
}

static sl_value float_binary(sl_thread *th, enum sl_op op, sl_value x, sl_value y)
{
	double a, b;
	if (!num_to_double(th, x, &a) || !num_to_double(th, y, &b))
		return NULL;
	switch (op) {
	case SL_OP_ADD: return sl_float(a + b);
	case SL_OP_SUB: return sl_float(a - b);
	case SL_OP_MUL: return sl_float(a * b);
	case SL_OP_DIV:
		if (b == 0)
			return sl_error(th, "floating-point division by zero");
		return sl_float(a / b);
	case SL_OP_FLOORDIV:
		if (b == 0)
			return sl_error(th, "floored division by zero");
		return sl_float(floor(a / b));
	case SL_OP_MOD: {
		if (b == 0)
			return sl_error(th, "floating-point modulo by zero");
		double z = fmod(a, b);
		if ((a < 0) != (b < 0) && z != 0)
			z += b;
		return sl_float(z);
	}
	default:
		return unknown_binop(th, x, op, y);
	}
}

static sl_value repeat(sl_thread *th, sl_value seq, sl_value n)
{
	int64_t k;
	enum sl_kind kind = sl_kind(seq);
	size_t len = (size_t)sl_len(seq);
	if (len == 0)
		return kind == SL_KLIST ? sl_list_new(0) : kind == SL_KTUPLE ? SL_EMPTY_TUPLE : kind == SL_KBYTES ? sl_bytes("", 0) : sl_string("", 0);
	if (!sl_int_to_i64(n, &k) || k > INT32_MAX || k < INT32_MIN) {
		struct sl_buf b = SL_BUF_INIT;
		sl_int_format(n, 10, &b);
		sl_value e = sl_error(th, "repeat count %s too large", b.data);
		sl_buf_free(&b);
		return e;
	}
	if (k < 0)
		k = 0;
	if (len && (uint64_t)k * len >= MAX_REPEAT)
		return sl_error(th, "excessive repeat (%zu * %lld elements)", len, (long long)k);
	if (kind == SL_KSTRING || kind == SL_KBYTES) {
		sl_value r = kind == SL_KSTRING ? sl_string_new(len * (size_t)k) : sl_bytes_new(len * (size_t)k);
		for (int64_t i = 0; i < k; i++)
			memcpy(SL_STR(r)->data + (size_t)i * len, SL_STR(seq)->data, len);
		if (kind == SL_KSTRING && len * (size_t)k <= 1)
			return sl_string(SL_STR(r)->data, SL_STR(r)->len);
		return r;
	}
	const sl_value *items = kind == SL_KLIST ? SL_LIST(seq)->items : SL_TUPLE(seq)->items;
	size_t total = len * (size_t)k;
	sl_value r = kind == SL_KLIST ? sl_list_new(total) : sl_tuple_new(total);
	sl_value *dst = kind == SL_KLIST ? SL_LIST(r)->items : SL_TUPLE(r)->items;
	for (int64_t i = 0; i < k; i++)
		memcpy(dst + (size_t)i * len, items, len * sizeof *items);
	if (kind == SL_KLIST)
		SL_LIST(r)->len = total;
	return r;
}

static sl_value concat_str(sl_value x, sl_value y, enum sl_kind kind)
{
	size_t a = SL_STR(x)->len, b = SL_STR(y)->len;
	if (kind == SL_KSTRING && a + b <= 1)
		return a ? x : y;
	sl_value r = kind == SL_KSTRING ? sl_string_new(a + b) : sl_bytes_new(a + b);
	memcpy(SL_STR(r)->data, SL_STR(x)->data, a);
	memcpy(SL_STR(r)->data + a, SL_STR(y)->data, b);
	return r;
}

static sl_value set_op(sl_thread *th, enum sl_op op, sl_value x, sl_value y)
{
	sl_value r = sl_set_new(0), k;
	if (op == SL_OP_OR) {
		for (size_t i = 0; sl_dict_next(x, &i, &k, NULL);)
			sl_set_add(th, r, k);
		for (size_t i = 0; sl_dict_next(y, &i, &k, NULL);)
			sl_set_add(th, r, k);
		return r;
	}
	for (size_t i = 0; sl_dict_next(x, &i, &k, NULL);) {
		int in = sl_set_contains(th, y, k);
		if (in < 0)
			return NULL;
		if ((op == SL_OP_AND && in) || ((op == SL_OP_SUB || op == SL_OP_XOR) && !in))
			sl_set_add(th, r, k);
	}
	if (op == SL_OP_XOR)
		for (size_t i = 0; sl_dict_next(y, &i, &k, NULL);) {
			int in = sl_set_contains(th, x, k);
			if (in < 0)
				return NULL;
			if (!in)
				sl_set_add(th, r, k);
		}
	return r;
}

sl_value sl_binary(sl_thread *th, enum sl_op op, sl_value x, sl_value y)
{
	enum sl_kind kx = sl_kind(x), ky = sl_kind(y);
	switch (op) {
	case SL_OP_IN: case SL_OP_NOT_IN: {
		int r = sl_contains(th, y, x);
		if (r < 0)
			return NULL;
		return sl_bool(op == SL_OP_IN ? r : !r);
	}
	case SL_OP_EQ: case SL_OP_NE: case SL_OP_LT: case SL_OP_LE: case SL_OP_GT: case SL_OP_GE: {
		int r = sl_compare(th, op, x, y);
		return r < 0 ? NULL : sl_bool(r);
	}
	default:
		break;
	}
	if (kx == SL_KINT && ky == SL_KINT) {
		if (op == SL_OP_DIV) {
			double a, b;
			if (sl_int_sign(y) == 0)
				return sl_error(th, "floating-point division by zero");
			if (!num_to_double(th, x, &a) || !num_to_double(th, y, &b))
				return NULL;
			return sl_float(a / b);
		}
		return sl_int_binary(th, op, x, y);
	}
	bool xnum = kx == SL_KINT || kx == SL_KFLOAT, ynum = ky == SL_KINT || ky == SL_KFLOAT;
	if (xnum && ynum) {
		switch (op) {
		case SL_OP_ADD: case SL_OP_SUB: case SL_OP_MUL: case SL_OP_DIV:
		case SL_OP_FLOORDIV: case SL_OP_MOD:
			return float_binary(th, op, x, y);
		default:
			return unknown_binop(th, x, op, y);
		}
	}
	switch (op) {
	case SL_OP_ADD:
		if (kx == ky) {
			switch (kx) {
			case SL_KSTRING: case SL_KBYTES:
				return concat_str(x, y, kx);
			case SL_KLIST: {
				size_t a = SL_LIST(x)->len, b = SL_LIST(y)->len;
				sl_value r = sl_list_new(a + b);
				if (a) /* an empty list may have no items array */
					memcpy(SL_LIST(r)->items, SL_LIST(x)->items, a * sizeof(sl_value));
				if (b)
					memcpy(SL_LIST(r)->items + a, SL_LIST(y)->items, b * sizeof(sl_value));
				SL_LIST(r)->len = a + b;
				return r;
			}
			case SL_KTUPLE: {
				size_t a = SL_TUPLE(x)->len, b = SL_TUPLE(y)->len;
				if (!b)
					return x;
				if (!a)
					return y;
				sl_value r = sl_tuple_new(a + b);
				memcpy(SL_TUPLE(r)->items, SL_TUPLE(x)->items, a * sizeof(sl_value));
				memcpy(SL_TUPLE(r)->items + a, SL_TUPLE(y)->items, b * sizeof(sl_value));
				return r;
			}
			default:
				break;
			}
		}
		break;
	case SL_OP_MUL:
		if (ky == SL_KINT && (kx == SL_KSTRING || kx == SL_KBYTES || kx == SL_KLIST || kx == SL_KTUPLE))
			return repeat(th, x, y);
		if (kx == SL_KINT && (ky == SL_KSTRING || ky == SL_KBYTES || ky == SL_KLIST || ky == SL_KTUPLE))
			return repeat(th, y, x);
		break;
	case SL_OP_MOD:
		if (kx == SL_KSTRING)
			return sl_string_percent(th, x, y);
		break;
	case SL_OP_OR:
		if (kx == SL_KDICT && ky == SL_KDICT) {
			sl_value r = sl_dict_new(sl_dict_len(x) + sl_dict_len(y)), k, v;
			for (size_t i = 0; sl_dict_next(x, &i, &k, &v);)
				sl_dict_set(th, r, k, v);
			for (size_t i = 0; sl_dict_next(y, &i, &k, &v);)
				sl_dict_set(th, r, k, v);
			return r;
		}
		/* fallthrough */
	case SL_OP_AND: case SL_OP_XOR: case SL_OP_SUB:
		if (kx == SL_KSET && ky == SL_KSET)
			return set_op(th, op, x, y);
		break;
	default:
		break;
	}
	if (kx == SL_KSTRUCT && ky == SL_KSTRUCT && op == SL_OP_ADD) {
		/* struct + struct: fields of both, y winning */
		struct sl_struct *a = SL_STRUCT(x), *b = SL_STRUCT(y);
		if (a->ctor != b->ctor) {
			struct sl_buf m = SL_BUF_INIT;
			sl_buf_adds(&m, "cannot add structs of different constructors: ");
			if (a->ctor) sl_str(a->ctor, &m); else sl_buf_adds(&m, "struct");
			sl_buf_adds(&m, " + ");
			if (b->ctor) sl_str(b->ctor, &m); else sl_buf_adds(&m, "struct");
			sl_error(th, "%s", m.data);
			sl_buf_free(&m);
			return NULL;
		}
		sl_value *names = sl_alloc((a->n + b->n + 1) * sizeof *names);
		sl_value *vals = sl_alloc((a->n + b->n + 1) * sizeof *vals);
		size_t n = 0;
		for (size_t i = 0; i < a->n; i++)
			if (!sl_struct_get(y, sl_str_data(a->names[i])))
				names[n] = a->names[i], vals[n++] = a->values[i];
		for (size_t i = 0; i < b->n; i++)
			names[n] = b->names[i], vals[n++] = b->values[i];
		sl_value r = sl_struct_new(th, names, vals, n);
		if (r)
			SL_STRUCT(r)->ctor = a->ctor;
		return r;
	}
	if (kx == SL_KOPAQUE && SL_OPAQUE(x)->type->binary) {
		sl_value r = SL_OPAQUE(x)->type->binary(th, op, x, y, false);
		if (r || sl_has_error(th))
			return r;
	}
	if (ky == SL_KOPAQUE && SL_OPAQUE(y)->type->binary) {
		sl_value r = SL_OPAQUE(y)->type->binary(th, op, x, y, true);
		if (r || sl_has_error(th))
			return r;
	}
	return unknown_binop(th, x, op, y);
}

sl_value sl_unary(sl_thread *th, enum sl_op op, sl_value x)
{
	enum sl_kind k = sl_kind(x);
	switch (op) {
	case SL_OP_NOT:
		return sl_bool(!sl_truth(x));
	case SL_OP_NEG:
		if (k == SL_KINT)
			return sl_int_neg(x);
		if (k == SL_KFLOAT)
			return sl_float(-sl_float_get(x));
		break;
	case SL_OP_POS:
		if (k == SL_KINT || k == SL_KFLOAT)
			return x;
		break;
	case SL_OP_INVERT:
		if (k == SL_KINT)
			return sl_int_invert(x);
		break;
	default:
		break;
	}
	return sl_error(th, "unknown unary op: %s %s", sl_op_str(op), sl_type_name(x));
}

/* ---- membership ---- */
static bool mem_find(const char *h, size_t nh, const char *n, size_t nn)
{
	if (nn == 0)
		return true;
	return nn <= nh && memmem(h, nh, n, nn) != NULL;
}

int sl_contains(sl_thread *th, sl_value hay, sl_value needle)
{
	switch (sl_kind(hay)) {
	case SL_KLIST: case SL_KTUPLE: {
		size_t n = (size_t)sl_len(hay);
		const sl_value *it = sl_kind(hay) == SL_KLIST ? SL_LIST(hay)->items : SL_TUPLE(hay)->items;
		for (size_t i = 0; i < n; i++) {
			int r = sl_equal(th, it[i], needle);
			if (r)
				return r;
		}
		return 0;
	}
	case SL_KDICT: {
		/* like Go, an unhashable key is simply not found */
		int r = sl_dict_get(th, hay, needle, NULL);
		if (r < 0) {
			sl_error_clear(th);
			r = 0;
		}
		return r;
	}
	case SL_KSET:
		return sl_set_contains(th, hay, needle);
	case SL_KSTRING:
		if (sl_kind(needle) != SL_KSTRING) {
			sl_error(th, "'in <string>' requires string as left operand, not %s", sl_type_name(needle));
			return -1;
		}
		return mem_find(SL_STR(hay)->data, SL_STR(hay)->len, SL_STR(needle)->data, SL_STR(needle)->len);
	case SL_KBYTES:
		if (sl_kind(needle) == SL_KBYTES)
			return mem_find(SL_STR(hay)->data, SL_STR(hay)->len, SL_STR(needle)->data, SL_STR(needle)->len);
		if (sl_kind(needle) == SL_KINT) {
			int64_t b;
			if (!sl_int_to_i64(needle, &b) || b < 0 || b > 255) {
				sl_error(th, "int in bytes: %s out of range", sl_repr_cstr(needle));
				return -1;
			}
			return memchr(SL_STR(hay)->data, (int)b, SL_STR(hay)->len) != NULL;
		}
		sl_error(th, "'in bytes' requires bytes or int as left operand, not %s", sl_type_name(needle));
		return -1;
	case SL_KRANGE: {
		struct sl_range *r = SL_RANGE(hay);
		int64_t i;
		if (sl_kind(needle) == SL_KFLOAT) {
			double d = sl_float_get(needle);
			if (d != trunc(d) || fabs(d) > 9e18)
				return 0;
			i = (int64_t)d;
		} else if (sl_kind(needle) != SL_KINT) {
			sl_error(th, "'in <range>' requires integer as left operand, not %s", sl_type_name(needle));
			return -1;
		} else if (!sl_int_to_i64(needle, &i))
			return 0;
		if (r->step > 0 ? (i < r->start || i >= r->stop) : (i > r->start || i <= r->stop))
			return 0;
		return ((__int128)i - r->start) % r->step == 0;
	}
	case SL_KSTRUCT: case SL_KMODULE: case SL_KOPAQUE:
	default:
		sl_error(th, "unknown binary op: %s in %s", sl_type_name(needle), sl_type_name(hay));
		return -1;
	}
}

/* ---- indexing ---- */
/* as_index converts an index value, reporting Go's "got T, want int". */
static bool as_int(sl_thread *th, sl_value v, int64_t *out, const char *prefix)
{
	if (sl_kind(v) != SL_KINT) {
		sl_error(th, "%sgot %s, want int", prefix, sl_type_name(v));
		return false;
	}
	if (!sl_int_to_i64(v, out) || *out > INT32_MAX || *out < INT32_MIN) {
		sl_error(th, "%s%s out of range", prefix, sl_repr_cstr(v));
		return false;
	}
	return true;
}

static bool check_index(sl_thread *th, sl_value x, sl_value y, int64_t n, int64_t *i)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "%s index: ", sl_type_name(x));
	if (!as_int(th, y, i, prefix))
		return false;
	int64_t orig = *i;
	if (*i < 0)
		*i += n;
	if (*i < 0 || *i >= n) {
		if (n == 0)
			sl_error(th, "index %lld out of range: empty %s", (long long)orig, sl_type_name(x));
		else
			sl_error(th, "%s index %lld out of range [%lld:%lld]", sl_type_name(x), (long long)orig,
			         (long long)-n, (long long)n - 1);
		return false;
	}
	return true;
}

sl_value sl_index(sl_thread *th, sl_value x, sl_value y)
{
	int64_t i;
	switch (sl_kind(x)) {
	case SL_KLIST:
		if (sl_is_smallint(y)) {
			i = sl_smallint_get(y);
			if (i < 0)
				i += (int64_t)SL_LIST(x)->len;
			if (i >= 0 && i < (int64_t)SL_LIST(x)->len)
				return SL_LIST(x)->items[i];
		}
		if (!check_index(th, x, y, (int64_t)SL_LIST(x)->len, &i))
			return NULL;
		return SL_LIST(x)->items[i];
	case SL_KTUPLE:
		if (!check_index(th, x, y, (int64_t)SL_TUPLE(x)->len, &i))
			return NULL;
		return SL_TUPLE(x)->items[i];
	case SL_KSTRING:
		if (!check_index(th, x, y, SL_STR(x)->len, &i))
			return NULL;
		return sl_char_string((unsigned char)SL_STR(x)->data[i]);
	case SL_KBYTES:
		if (!check_index(th, x, y, SL_STR(x)->len, &i))
			return NULL;
		return sl_smallint((unsigned char)SL_STR(x)->data[i]);
	case SL_KRANGE: {
		struct sl_range *r = SL_RANGE(x);
		if (!check_index(th, x, y, r->len, &i))
			return NULL;
		return sl_int(r->start + i * r->step);
	}
	case SL_KDICT: {
		sl_value v;
		int r = sl_dict_get(th, x, y, &v);
		if (r < 0)
			return NULL;
		if (!r)
			return sl_error(th, "key %s not in dict", sl_repr_cstr(y));
		return v;
	}
	case SL_KOPAQUE:
		if (SL_OPAQUE(x)->type->index)
			return SL_OPAQUE(x)->type->index(th, x, y);
		/* fallthrough */
	default:
		return sl_error(th, "unhandled index operation %s[%s]", sl_type_name(x), sl_type_name(y));
	}
}

int sl_set_index(sl_thread *th, sl_value x, sl_value i, sl_value v)
{
	switch (sl_kind(x)) {
	case SL_KLIST: {
		if (sl_check_mutable(th, x, "assign to element of") < 0)
			return -1;
		int64_t k;
		if (!check_index(th, x, i, (int64_t)SL_LIST(x)->len, &k))
			return -1;
		SL_LIST(x)->items[k] = v;
		return 0;
	}
	case SL_KDICT:
		return sl_dict_set(th, x, i, v);
	default:
		sl_error(th, "%s value does not support item assignment", sl_type_name(x));
		return -1;
	}
}

/* slice_indices computes Python slice bounds for a sequence of length n. */
static bool slice_bound(sl_thread *th, sl_value v, int64_t n, int64_t step, bool start, int64_t *out)
{
	if (v == SL_NONE) {
		*out = step > 0 ? (start ? 0 : n) : (start ? n - 1 : -1);
		return true;
	}
	int64_t i;
	if (sl_kind(v) != SL_KINT) {
		sl_error(th, "invalid %s index: got %s, want int", start ? "start" : "end", sl_type_name(v));
		return false;
	}
	if (!sl_int_to_i64(v, &i) || i > INT32_MAX || i < INT32_MIN) {
		/* as Go, indices must fit 32 bits */
		sl_error(th, "invalid %s index: %s out of range", start ? "start" : "end", sl_repr_cstr(v));
		return false;
	}
	if (i < 0) {
		i += n;
		if (i < 0)
			i = step < 0 ? -1 : 0;
	} else if (i >= n)
		i = step < 0 ? n - 1 : n;
	*out = i;
	return true;
}

sl_value sl_slice(sl_thread *th, sl_value x, sl_value lo, sl_value hi, sl_value stepv)
{
	enum sl_kind k = sl_kind(x);
	if (k != SL_KLIST && k != SL_KTUPLE && k != SL_KSTRING && k != SL_KBYTES && k != SL_KRANGE)
		return sl_error(th, "invalid slice operand %s", sl_type_name(x));
	int64_t step = 1;
	if (stepv != SL_NONE) {
		if (sl_kind(stepv) != SL_KINT)
			return sl_error(th, "invalid slice step: got %s, want int", sl_type_name(stepv));
		if (!sl_int_to_i64(stepv, &step) || step > INT32_MAX || step < INT32_MIN)
			return sl_error(th, "invalid slice step: %s out of range", sl_repr_cstr(stepv));
		if (step == 0)
			return sl_error(th, "zero is not a valid slice step");
	}
	int64_t n = sl_len(x), start, end;
	if (!slice_bound(th, lo, n, step, true, &start) || !slice_bound(th, hi, n, step, false, &end))
		return NULL;
	int64_t cnt = 0;
	if (step > 0 && end > start)
		cnt = (end - start + step - 1) / step;
	else if (step < 0 && end < start)
		cnt = (start - end + (-step) - 1) / (-step);
	switch (k) {
	case SL_KSTRING: case SL_KBYTES: {
		if (step == 1)
			return k == SL_KSTRING ? sl_string(SL_STR(x)->data + start, (size_t)cnt)
			                       : sl_bytes(SL_STR(x)->data + start, (size_t)cnt);
		sl_value r = k == SL_KSTRING ? sl_string_new((size_t)cnt) : sl_bytes_new((size_t)cnt);
		for (int64_t i = 0; i < cnt; i++)
			SL_STR(r)->data[i] = SL_STR(x)->data[start + i * step];
		if (k == SL_KSTRING && cnt <= 1)
			return sl_string(SL_STR(r)->data, (size_t)cnt);
		return r;
	}
	case SL_KRANGE: {
		struct sl_range *r = SL_RANGE(x);
		/* in 128 bits: the new step may exceed int64 (then one element at most) */
		__int128 s = (__int128)r->start + (__int128)start * r->step;
		__int128 nstep = (__int128)r->step * step;
		__int128 stop = s + (__int128)cnt * nstep;
		if (nstep > INT64_MAX || nstep < INT64_MIN)
			nstep = nstep > 0 ? INT64_MAX : INT64_MIN + 1;
		if (stop > INT64_MAX)
			stop = INT64_MAX;
		if (stop < INT64_MIN)
			stop = INT64_MIN;
		return sl_range_new((int64_t)s, (int64_t)stop, (int64_t)nstep);
	}
	default: {
		const sl_value *items = k == SL_KLIST ? SL_LIST(x)->items : SL_TUPLE(x)->items;
		sl_value res = k == SL_KLIST ? sl_list_new((size_t)cnt) : sl_tuple_new((size_t)cnt);
		sl_value *dst = k == SL_KLIST ? SL_LIST(res)->items : SL_TUPLE(res)->items;
		for (int64_t i = 0; i < cnt; i++)
			dst[i] = items[start + i * step];
		if (k == SL_KLIST)
			SL_LIST(res)->len = (size_t)cnt;
		return res;
	}
	}
}

/* ---- iteration ---- */
bool sl_iterable(sl_value v)
{
	switch (sl_kind(v)) {
	case SL_KLIST: case SL_KTUPLE: case SL_KDICT: case SL_KSET: case SL_KRANGE:
		return true;
	case SL_KOPAQUE:
		return SL_OPAQUE(v)->type->iter_next != NULL;
	default:
		return false;
	}
}

bool sl_iter_start(sl_thread *th, sl_value v, struct sl_iter *it)
{
	it->seq = v;
	it->pos = 0;
	it->counted = false;
	it->th = th;
	switch (sl_kind(v)) {
	case SL_KLIST: case SL_KDICT: case SL_KSET:
		if (!v->frozen) {
			v->itercount++;
			it->counted = true;
		}
		it->len = 0;
		return true;
	case SL_KTUPLE:
		it->len = (int64_t)SL_TUPLE(v)->len;
		return true;
	case SL_KRANGE:
		it->len = SL_RANGE(v)->len;
		return true;
	case SL_KOPAQUE:
		if (SL_OPAQUE(v)->type->iter_next)
			return true;
		/* fallthrough */
	default:
		sl_error(th, "%s value is not iterable", sl_type_name(v));
		return false;
	}
}

bool sl_iter_next(struct sl_iter *it, sl_value *out)
{
	sl_value v = it->seq;
	switch (v->kind) {
	case SL_KLIST:
		if (it->pos >= SL_LIST(v)->len)
			return false;
		*out = SL_LIST(v)->items[it->pos++];
		return true;
	case SL_KTUPLE:
		if ((int64_t)it->pos >= it->len)
			return false;
		*out = SL_TUPLE(v)->items[it->pos++];
		return true;
	case SL_KRANGE:
		if ((int64_t)it->pos >= it->len)
			return false;
		*out = sl_int(SL_RANGE(v)->start + (int64_t)it->pos++ * SL_RANGE(v)->step);
		return true;
	case SL_KOPAQUE:
		*out = SL_OPAQUE(v)->type->iter_next(it->th, v, &it->pos);
		return *out != NULL;
	default:
		return sl_dict_next(v, &it->pos, out, NULL);
	}
}

void sl_iter_done(struct sl_iter *it)
{
	if (it->counted) {
		it->seq->itercount--;
		it->counted = false;
	}
}

sl_value *sl_to_array(sl_thread *th, sl_value v, size_t *n)
{
	/* An empty list may have no item array; NULL means "error" to callers. */
	static sl_value no_items[1];
	switch (sl_kind(v)) {
	case SL_KLIST:
		*n = SL_LIST(v)->len;
		return SL_LIST(v)->items ? SL_LIST(v)->items : no_items;
	case SL_KTUPLE:
		*n = SL_TUPLE(v)->len;
		return SL_TUPLE(v)->len ? SL_TUPLE(v)->items : no_items;
	default:
		break;
	}
	struct sl_iter it;
	if (!sl_iter_start(th, v, &it))
		return NULL;
	int64_t len = sl_len(v);
	sl_value *a = sl_alloc((size_t)(len > 0 ? len : 1) * sizeof *a);
	size_t k = 0;
	sl_value x;
	while (sl_iter_next(&it, &x))
		a[k++] = x;
	sl_iter_done(&it);
	*n = k;
	return a;
}
