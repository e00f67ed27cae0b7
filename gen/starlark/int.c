/* gen/starlark/int.c — ints of any size: small ones live in the value word
 * (62 bits), larger ones in an OpenSSL BIGNUM.  Every result is normalised,
 * so an int that fits a small int is always small.  Division and shifts
 * round toward minus infinity, and bitwise operators act on the infinite
 * two's complement form, as the spec says. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <math.h>
#include <openssl/bn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static BN_CTX *ctx(void)
{
	static BN_CTX *c;
	if (!c)
		c = BN_CTX_new();
	return c;
}

static bool fits_small(int64_t i) { return i >= SL_SMALLINT_MIN && i <= SL_SMALLINT_MAX; }

static void free_big(void *obj) { BN_free(((struct sl_bigint *)obj)->bn); }

static sl_value big_new(BIGNUM *bn)
{
	struct sl_bigint *b = sl_alloc_obj(sizeof *b, SL_KBIGINT);
	b->h.frozen = 1;
	b->bn = bn;
	sl_gc_finalize(b, free_big);
	return (sl_value)b;
}

static sl_value big_from_i64(int64_t i)
{
	BIGNUM *bn = BN_new();
	uint64_t mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
	BN_set_word(bn, mag);
	BN_set_negative(bn, i < 0);
	return big_new(bn);
}

sl_value sl_int(int64_t i)
{
	return fits_small(i) ? sl_smallint(i) : big_from_i64(i);
}

/* bn_to_i64: false if it does not fit an int64. */
static bool bn_to_i64(const BIGNUM *bn, int64_t *out)
{
	if (BN_num_bits(bn) > 64)
		return false;
	BN_ULONG w = BN_get_word(bn);
	if (w == (BN_ULONG)-1 && BN_num_bits(bn) > 64)
		return false;
	uint64_t u = (uint64_t)w;
	if (BN_is_negative(bn)) {
		if (u > (uint64_t)1 << 63)
			return false;
		*out = (int64_t)(0 - u);
	} else {
		if (u > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)u;
	}
	return true;
}

sl_value sl_int_from_bn(BIGNUM *bn)
{
	int64_t i;
	if (bn_to_i64(bn, &i) && fits_small(i)) {
		BN_free(bn);
		return sl_smallint(i);
	}
	if (BN_is_zero(bn))
		BN_set_negative(bn, 0);
	return big_new(bn);
}

BIGNUM *sl_int_to_bn(sl_value x)
{
	if (!sl_is_smallint(x))
		return BN_dup(((struct sl_bigint *)x)->bn);
	int64_t i = sl_smallint_get(x);
	BIGNUM *bn = BN_new();
	BN_set_word(bn, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i);
	BN_set_negative(bn, i < 0);
	return bn;
}

bool sl_int_to_i64(sl_value v, int64_t *out)
{
	if (sl_is_smallint(v)) {
		*out = sl_smallint_get(v);
		return true;
	}
	if (v->kind != SL_KBIGINT)
		return false;
	return bn_to_i64(((struct sl_bigint *)v)->bn, out);
}

double sl_int_to_double(sl_value v)
{
	if (sl_is_smallint(v))
		return (double)sl_smallint_get(v);
	char *s = BN_bn2dec(((struct sl_bigint *)v)->bn);
	double d = strtod(s, NULL);
	OPENSSL_free(s);
	return d;
}

sl_value sl_int_from_double(sl_thread *th, double d)
{
	if (!isfinite(d)) {
		if (th)
			sl_error(th, "cannot convert float %s to integer", isnan(d) ? "nan" : d > 0 ? "+inf" : "-inf");
		return NULL;
	}
	d = trunc(d);
	if (fabs(d) < 9.2e18)
		return sl_int((int64_t)d);
	char buf[400];
	snprintf(buf, sizeof buf, "%.0f", d);
	BIGNUM *bn = NULL;
	BN_dec2bn(&bn, buf[0] == '-' ? buf + 1 : buf);
	BN_set_negative(bn, buf[0] == '-');
	return sl_int_from_bn(bn);
}

int sl_int_sign(sl_value v)
{
	if (sl_is_smallint(v)) {
		int64_t i = sl_smallint_get(v);
		return (i > 0) - (i < 0);
	}
	const BIGNUM *bn = ((struct sl_bigint *)v)->bn;
	return BN_is_zero(bn) ? 0 : BN_is_negative(bn) ? -1 : 1;
}

sl_value sl_int_parse(const char *s, size_t n, int base)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i + 1 < n && s[i] == '0') {
		char k = s[i + 1] | 0x20;
		int pb = k == 'x' ? 16 : k == 'o' ? 8 : k == 'b' ? 2 : 0;
		if (pb && (base == 0 || base == pb)) {
			base = pb;
			i += 2;
		}
	}
	if (base == 0) {
		base = 10;
		/* "0123" is not valid in base 0 */
		if (i + 1 < n && s[i] == '0') {
			for (size_t j = i; j < n; j++)
				if (s[j] != '0')
					return NULL;
		}
	}
	if (i >= n)
		return NULL;
	uint64_t acc = 0;
	bool big = false;
	BIGNUM *bn = NULL;
	for (size_t j = i; j < n; j++) {
		char c = s[j];
		int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
		if (d >= base) {
			BN_free(bn);
			return NULL;
		}
		if (!big) {
			if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
				big = true;
				bn = BN_new();
				BN_set_word(bn, acc);
			} else {
				acc = acc * (uint64_t)base + (uint64_t)d;
				continue;
			}
		}
		BN_mul_word(bn, (BN_ULONG)base);
		BN_add_word(bn, (BN_ULONG)d);
	}
	if (!big) {
		if (acc <= (uint64_t)SL_SMALLINT_MAX)
			return sl_smallint(neg ? -(int64_t)acc : (int64_t)acc);
		bn = BN_new();
		BN_set_word(bn, acc);
	}
	BN_set_negative(bn, neg);
	return sl_int_from_bn(bn);
}

void sl_int_format(sl_value v, int base, struct sl_buf *b)
{
	if (sl_is_smallint(v) && base == 10) {
		sl_buf_printf(b, "%lld", (long long)sl_smallint_get(v));
		return;
	}
	BIGNUM *bn = sl_int_to_bn(v);
	bool neg = BN_is_negative(bn);
	BN_set_negative(bn, 0);
	if (neg)
		sl_buf_addc(b, '-');
	if (base == 10) {
		char *s = BN_bn2dec(bn);
		sl_buf_adds(b, s);
		OPENSSL_free(s);
	} else if (base == 16) {
		char *s = BN_bn2hex(bn);
		const char *p = s;
		while (*p == '0' && p[1])
			p++;
		for (; *p; p++)
			sl_buf_addc(b, (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p));
		OPENSSL_free(s);
	} else {
		/* base 2 or 8: peel digits off the low end */
		int bits = base == 8 ? 3 : 1;
		int nb = BN_num_bits(bn);
		if (nb == 0)
			sl_buf_addc(b, '0');
		int ndig = (nb + bits - 1) / bits;
		for (int d = ndig - 1; d >= 0; d--) {
			int val = 0;
			for (int k = bits - 1; k >= 0; k--)
				val = val * 2 + BN_is_bit_set(bn, d * bits + k);
			sl_buf_addc(b, (char)('0' + val));
		}
	}
	BN_free(bn);
}

int sl_int_cmp(sl_value x, sl_value y)
{
	if (sl_is_smallint(x) && sl_is_smallint(y)) {
		int64_t a = sl_smallint_get(x), b = sl_smallint_get(y);
		return a < b ? -1 : a > b;
	}
	BIGNUM *a = sl_int_to_bn(x), *b = sl_int_to_bn(y);
	int c = BN_cmp(a, b);
	BN_free(a);
	BN_free(b);
	return c;
}

uint32_t sl_int_hash(sl_value x)
{
	if (sl_is_smallint(x)) {
		uint64_t u = (uint64_t)sl_smallint_get(x);
		u ^= u >> 33;
		u *= 0xff51afd7ed558ccdULL;
		u ^= u >> 33;
		return (uint32_t)u;
	}
	const BIGNUM *bn = ((struct sl_bigint *)x)->bn;
	int n = BN_num_bytes(bn);
	unsigned char small[512], *buf = n <= (int)sizeof small ? small : malloc((size_t)n);
	if (!buf)
		abort();
	BN_bn2bin(bn, buf);
	uint32_t h = sl_hash_bytes(buf, (size_t)n) ^ (uint32_t)BN_is_negative(bn);
	if (buf != small)
		free(buf);
	return h;
}

sl_value sl_int_neg(sl_value x)
{
	if (sl_is_smallint(x))
		return sl_int(-sl_smallint_get(x));
	BIGNUM *bn = sl_int_to_bn(x);
	BN_set_negative(bn, !BN_is_negative(bn));
	return sl_int_from_bn(bn);
}

/* ---- bitwise operations on two's complement limbs ---- */
/* to_limbs writes x in two's complement over n 64-bit little-endian limbs. */
static void to_limbs(sl_value x, uint64_t *l, size_t n)
{
	memset(l, 0, n * sizeof *l);
	BIGNUM *bn = sl_int_to_bn(x);
	bool neg = BN_is_negative(bn);
	BN_set_negative(bn, 0);
	unsigned char *buf = malloc(n * 8);
	BN_bn2lebinpad(bn, buf, (int)(n * 8));
	for (size_t i = 0; i < n; i++)
		for (int k = 7; k >= 0; k--)
			l[i] = l[i] << 8 | buf[i * 8 + (size_t)k];
	free(buf);
	BN_free(bn);
	if (neg) {
		uint64_t carry = 1;
		for (size_t i = 0; i < n; i++) {
			l[i] = ~l[i] + carry;
			carry = carry && l[i] == 0;
		}
	}
}

static sl_value from_limbs(uint64_t *l, size_t n)
{
	bool neg = l[n - 1] >> 63;
	if (neg) {
		uint64_t carry = 1;
		for (size_t i = 0; i < n; i++) {
			l[i] = ~l[i] + carry;
			carry = carry && l[i] == 0;
		}
	}
	unsigned char *buf = malloc(n * 8);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			buf[i * 8 + (size_t)k] = (unsigned char)(l[i] >> (8 * k));
	BIGNUM *bn = BN_lebin2bn(buf, (int)(n * 8), NULL);
	free(buf);
	BN_set_negative(bn, neg);
	return sl_int_from_bn(bn);
}

static size_t limbs_for(sl_value x)
{
	if (sl_is_smallint(x))
		return 1;
	return (size_t)BN_num_bits(((struct sl_bigint *)x)->bn) / 64 + 2;
}

static sl_value bitop(enum sl_op op, sl_value x, sl_value y)
{
	size_t n = limbs_for(x) > limbs_for(y) ? limbs_for(x) : limbs_for(y);
	uint64_t *a = malloc(n * 8), *b = malloc(n * 8);
	to_limbs(x, a, n);
	to_limbs(y, b, n);
	for (size_t i = 0; i < n; i++)
		a[i] = op == SL_OP_AND ? a[i] & b[i] : op == SL_OP_OR ? a[i] | b[i] : a[i] ^ b[i];
	sl_value r = from_limbs(a, n);
	free(a);
	free(b);
	return r;
}

sl_value sl_int_invert(sl_value x)
{
	if (sl_is_smallint(x))
		return sl_int(~sl_smallint_get(x));
	/* ~x == -x - 1 */
	BIGNUM *bn = sl_int_to_bn(x);
	BN_set_negative(bn, !BN_is_negative(bn));
	BN_sub_word(bn, 1);
	return sl_int_from_bn(bn);
}

/* as_bn views an int as a BIGNUM: a big int's own, or a temporary from c
 * for a small one (valid until BN_CTX_end). */
static const BIGNUM *as_bn(sl_value x, BN_CTX *c)
{
	if (!sl_is_smallint(x))
		return ((struct sl_bigint *)x)->bn;
	int64_t i = sl_smallint_get(x);
	BIGNUM *t = BN_CTX_get(c);
	BN_set_word(t, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i);
	BN_set_negative(t, i < 0);
	return t;
}

/* floored division and modulo of big ints */
static void bn_divmod(BIGNUM *q, BIGNUM *r, const BIGNUM *a, const BIGNUM *b)
{
	BN_div(q, r, a, b, ctx());
	if (!BN_is_zero(r) && BN_is_negative(r) != BN_is_negative(b)) {
		BN_sub_word(q, 1);
		BN_add(r, r, b);
	}
}

sl_value sl_int_binary(sl_thread *th, enum sl_op op, sl_value x, sl_value y)
{
	if (sl_is_smallint(x) && sl_is_smallint(y)) {
		int64_t a = sl_smallint_get(x), b = sl_smallint_get(y), r;
		switch (op) {
		case SL_OP_ADD: return sl_int(a + b);
		case SL_OP_SUB: return sl_int(a - b);
		case SL_OP_MUL:
			if (!__builtin_mul_overflow(a, b, &r))
				return sl_int(r);
			break;
		case SL_OP_FLOORDIV:
			if (b == 0)
				return sl_error(th, "floored division by zero");
			r = a / b;
			if ((a % b != 0) && ((a < 0) != (b < 0)))
				r--;
			return sl_int(r);
		case SL_OP_MOD:
			if (b == 0)
				return sl_error(th, "integer modulo by zero");
			r = a % b;
			if (r != 0 && ((r < 0) != (b < 0)))
				r += b;
			return sl_int(r);
		case SL_OP_AND: return sl_smallint(a & b);
		case SL_OP_OR: return sl_smallint(a | b);
		case SL_OP_XOR: return sl_smallint(a ^ b);
		case SL_OP_SHL: case SL_OP_SHR:
			if (b < 0)
				return sl_error(th, "negative shift count: %lld", (long long)b);
			if (op == SL_OP_SHR)
				return sl_smallint(b >= 63 ? (a < 0 ? -1 : 0) : a >> b);
			if (b >= 512)
				return sl_error(th, "shift count too large: %lld", (long long)b);
			if (b < 62) {
				__int128 w = (__int128)a * ((__int128)1 << b);
				if (w >= SL_SMALLINT_MIN && w <= SL_SMALLINT_MAX)
					return sl_smallint((int64_t)w);
			}
			break;
		default:
			break;
		}
	}
	/* big operands are used in place; small ones borrow BN_CTX temporaries */
	BN_CTX *c = ctx();
	BN_CTX_start(c);
	const BIGNUM *a = as_bn(x, c), *b = as_bn(y, c);
	BIGNUM *r = BN_new();
	sl_value res = NULL;
	switch (op) {
	case SL_OP_ADD: BN_add(r, a, b); break;
	case SL_OP_SUB: BN_sub(r, a, b); break;
	case SL_OP_MUL: BN_mul(r, a, b, c); break;
	case SL_OP_FLOORDIV: case SL_OP_MOD: {
		if (BN_is_zero(b)) {
			res = sl_error(th, op == SL_OP_MOD ? "integer modulo by zero" : "floored division by zero");
			goto out;
		}
		BIGNUM *q = BN_CTX_get(c), *m = BN_CTX_get(c);
		bn_divmod(q, m, a, b);
		BN_copy(r, op == SL_OP_MOD ? m : q);
		break;
	}
	case SL_OP_AND: case SL_OP_OR: case SL_OP_XOR:
		res = bitop(op, x, y);
		goto out;
	case SL_OP_SHL: case SL_OP_SHR: {
		int64_t n;
		if (!sl_int_to_i64(y, &n) || n < 0) {
			if (sl_int_sign(y) < 0) {
				struct sl_buf t = SL_BUF_INIT;
				sl_int_format(y, 10, &t);
				res = sl_error(th, "negative shift count: %s", t.data);
				sl_buf_free(&t);
				goto out;
			}
			n = INT64_MAX;
		}
		if (op == SL_OP_SHL) {
			if (n >= 512) {
				struct sl_buf t = SL_BUF_INIT;
				sl_int_format(y, 10, &t);
				res = sl_error(th, "shift count too large: %s", t.data);
				sl_buf_free(&t);
				goto out;
			}
			BN_lshift(r, a, (int)n);
		} else {
			int bits = BN_num_bits(a);
			if (n >= bits) {
				res = sl_smallint(BN_is_negative(a) ? -1 : 0);
				goto out;
			}
			if (BN_is_negative(a)) {
				/* floor: -((|a| - 1) >> n) - 1 */
				BIGNUM *t = BN_CTX_get(c);
				BN_copy(t, a);
				BN_set_negative(t, 0);
				BN_sub_word(t, 1);
				BN_rshift(r, t, (int)n);
				BN_add_word(r, 1);
				BN_set_negative(r, 1);
			} else
				BN_rshift(r, a, (int)n);
		}
		break;
	}
	default:
		res = sl_error(th, "unknown binary op: int %s int", sl_op_str(op));
		goto out;
	}
	res = sl_int_from_bn(r);
	r = NULL;
out:
	BN_CTX_end(c);
	BN_free(r);
	return res;
}
