/* gen/starlark/float.c — float values and their text form.  str/repr use
 * the shortest digits that read back to the same double (as Go's
 * strconv 'g' with precision -1), switching to exponent form when the
 * exponent is < -4 or >= 6, and always show a '.' or an 'e'. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sl_value sl_float(double d)
{
	struct sl_float *f = sl_alloc_obj(sizeof *f, SL_KFLOAT);
	f->h.frozen = 1;
	f->d = d;
	return (sl_value)f;
}

bool sl_to_float(sl_value v, double *out)
{
	switch (sl_kind(v)) {
	case SL_KFLOAT: *out = sl_float_get(v); return true;
	case SL_KINT: *out = sl_int_to_double(v); return true;
	default: return false;
	}
}

/* shortest: digits (no dot) and decimal exponent dp such that the value is
 * 0.DIGITS x 10^dp. */
static int shortest(double d, char *digits, int *dp)
{
	char buf[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d || p == 17)
			break;
	}
	/* buf is like "1.2345e+06" */
	int n = 0;
	char *e = strchr(buf, 'e');
	for (char *q = buf; q < e; q++)
		if (*q >= '0' && *q <= '9')
			digits[n++] = *q;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = 0;
	*dp = atoi(e + 1) + 1;
	return n;
}

static void exp_form(struct sl_buf *b, const char *digits, int nd, int exp, char e)
{
	sl_buf_addc(b, digits[0]);
	if (nd > 1) {
		sl_buf_addc(b, '.');
		sl_buf_add(b, digits + 1, (size_t)nd - 1);
	}
	sl_buf_printf(b, "%c%c%02d", e, exp < 0 ? '-' : '+', abs(exp));
}

void sl_float_format(double d, char conv, int prec, struct sl_buf *b)
{
	if (!isfinite(d)) {
		sl_buf_adds(b, isnan(d) ? "nan" : d > 0 ? "+inf" : "-inf");
		return;
	}
	if ((conv == 'g' || conv == 'G') && prec < 0) {
		if (d == 0) {
			sl_buf_adds(b, signbit(d) ? "-0.0" : "0.0");
			return;
		}
		char digits[40];
		int dp, nd;
		if (d < 0) {
			sl_buf_addc(b, '-');
			d = -d;
		}
		nd = shortest(d, digits, &dp);
		int exp = dp - 1;
		if (exp < -4 || exp >= 6) {
			exp_form(b, digits, nd, exp, conv == 'g' ? 'e' : 'E');
			return;
		}
		if (dp <= 0) {
			sl_buf_adds(b, "0.");
			for (int i = 0; i < -dp; i++)
				sl_buf_addc(b, '0');
			sl_buf_add(b, digits, (size_t)nd);
			return;
		}
		for (int i = 0; i < dp; i++)
			sl_buf_addc(b, i < nd ? digits[i] : '0');
		sl_buf_addc(b, '.');
		if (nd > dp)
			sl_buf_add(b, digits + dp, (size_t)(nd - dp));
		else
			sl_buf_addc(b, '0');
		return;
	}
	char fmt[8];
	snprintf(fmt, sizeof fmt, "%%.*%c", conv);
	sl_buf_printf(b, fmt, prec < 0 ? 6 : prec, d);
}
