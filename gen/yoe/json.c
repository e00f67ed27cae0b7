/* gen/yoe/json.c — JSON text for model values: strings escaped the way Go's
 * encoding/json does (so `extra` serializes as the original's), compact
 * output, dict keys sorted. */
#include "yoe/model.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* plain[c]: byte c goes out as itself (runs of these are copied whole) */
static const bool plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),                                  /* controls */
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* " and & */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,  /* < and > */
	R16(1), 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* backslash */
	R16(1), R16(1),
	R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xe2: maybe U+2028/9 */
	R16(1),
#undef R16
};

void yoe_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_addc(b, '"');
	const unsigned char *c = (const unsigned char *)s;
	for (;;) {
		const unsigned char *run = c;
		while (plain[*c])
			c++;
		if (c > run)
			buf_add(b, run, (size_t)(c - run));
		if (!*c)
			break;
		switch (*c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case 0xe2:
			if (c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9)) {
				buf_add(b, c[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
				c += 2;
			} else {
				buf_addc(b, (char)*c);
			}
			break;
		default: { /* < > & and the other controls */
			char u[6] = {'\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 15]};
			buf_add(b, u, 6);
		}
		}
		c++;
	}
	buf_addc(b, '"');
}

void yoe_json_value(struct buf *b, const struct yoe_jval *v)
{
	switch (v->kind) {
	case YJ_NULL: buf_adds(b, "null"); break;
	case YJ_BOOL: buf_adds(b, v->b ? "true" : "false"); break;
	case YJ_INT: buf_printf(b, "%lld", (long long)v->i); break;
	case YJ_FLOAT:
		if (!isfinite(v->f))
			buf_adds(b, "null");
		else if (v->f == floor(v->f) && fabs(v->f) < 1e21)
			buf_printf(b, "%.0f", v->f);
		else {
			/* shortest text that reads back as the same double */
			char t[40];
			for (int prec = 1; prec <= 17; prec++) {
				snprintf(t, sizeof t, "%.*g", prec, v->f);
				if (strtod(t, NULL) == v->f)
					break;
			}
			buf_adds(b, t);
		}
		break;
	case YJ_STR: yoe_json_str(b, v->s); break;
	case YJ_LIST:
		buf_addc(b, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				buf_addc(b, ',');
			yoe_json_value(b, v->items[i]);
		}
		buf_addc(b, ']');
		break;
	case YJ_DICT:
		buf_addc(b, '{');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				buf_addc(b, ',');
			yoe_json_str(b, v->keys[i]);
			buf_addc(b, ':');
			yoe_json_value(b, v->items[i]);
		}
		buf_addc(b, '}');
		break;
	}
}
