/* gen/yoe/json.c — JSON text for model values: strings escaped the way Go's
 * encoding/json does (so `extra` serializes as the original's), compact
 * output, dict keys sorted. */
#include "yoe/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void yoe_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_addc(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '<': case '>': case '&':
			buf_printf(b, "\\u00%c%c", hex[*c >> 4], hex[*c & 15]);
			break;
		default:
			if (*c < 0x20)
				buf_printf(b, "\\u00%c%c", hex[*c >> 4], hex[*c & 15]);
			else if (c[0] == 0xe2 && c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9)) {
				buf_printf(b, "\\u202%c", c[2] == 0xa8 ? '8' : '9');
				c += 2;
			} else
				buf_addc(b, (char)*c);
		}
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
