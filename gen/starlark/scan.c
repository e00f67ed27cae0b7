/* gen/starlark/scan.c — the scanner: Starlark source text to tokens, with
 * indentation (INDENT/OUTDENT; a tab advances to the next multiple of 8),
 * line joining inside brackets and after a backslash, comments, every
 * string and bytes literal form with its escapes, and int/float literals
 * (ints of any size). */
#include "starlark/syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const sl_tok_names[T_MAX] = {
	[T_ILLEGAL] = "illegal token", [T_EOF] = "end of file", [T_NEWLINE] = "newline",
	[T_INDENT] = "indent", [T_OUTDENT] = "outdent", [T_IDENT] = "identifier",
	[T_INT] = "int literal", [T_FLOAT] = "float literal", [T_STRING] = "string literal",
	[T_BYTES] = "bytes literal",
	[T_PLUS] = "+", [T_MINUS] = "-", [T_STAR] = "*", [T_SLASH] = "/", [T_SLASHSLASH] = "//",
	[T_PERCENT] = "%", [T_AMP] = "&", [T_PIPE] = "|", [T_CIRCUMFLEX] = "^", [T_LTLT] = "<<",
	[T_GTGT] = ">>", [T_TILDE] = "~", [T_DOT] = ".", [T_COMMA] = ",", [T_EQ] = "=",
	[T_SEMI] = ";", [T_COLON] = ":", [T_LPAREN] = "(", [T_RPAREN] = ")", [T_LBRACK] = "[",
	[T_RBRACK] = "]", [T_LBRACE] = "{", [T_RBRACE] = "}", [T_LT] = "<", [T_GT] = ">",
	[T_GE] = ">=", [T_LE] = "<=", [T_EQL] = "==", [T_NEQ] = "!=", [T_PLUS_EQ] = "+=",
	[T_MINUS_EQ] = "-=", [T_STAR_EQ] = "*=", [T_SLASH_EQ] = "/=", [T_SLASHSLASH_EQ] = "//=",
	[T_PERCENT_EQ] = "%=", [T_AMP_EQ] = "&=", [T_PIPE_EQ] = "|=", [T_CIRCUMFLEX_EQ] = "^=",
	[T_LTLT_EQ] = "<<=", [T_GTGT_EQ] = ">>=", [T_STARSTAR] = "**",
	[T_AND] = "and", [T_BREAK] = "break", [T_CONTINUE] = "continue", [T_DEF] = "def",
	[T_ELIF] = "elif", [T_ELSE] = "else", [T_FOR] = "for", [T_IF] = "if", [T_IN] = "in",
	[T_LAMBDA] = "lambda", [T_LOAD] = "load", [T_NOT] = "not", [T_NOT_IN] = "not in",
	[T_OR] = "or", [T_PASS] = "pass", [T_RETURN] = "return", [T_WHILE] = "while",
};

static void cclass_init(void);

void cerr_set(struct sl_cerr *e, int line, int col, const char *fmt, ...)
{
	if (e->set)
		return;
	e->set = true;
	e->line = line;
	e->col = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

void cerr_add(struct sl_cerr *e, int line, int col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!e->set) {
		e->set = true;
		e->line = line;
		e->col = col;
		memcpy(e->msg, msg, sizeof msg);
	}
	if (e->count++ < 100)
		sl_buf_printf(&e->all, "%s:%d:%d: error: %s\n", e->path ? e->path : "<unknown>", line, col, msg);
}

void scan_init(struct scanner *s, const char *path, const char *src, size_t len, struct sl_cerr *err)
{
	memset(s, 0, sizeof *s);
	cclass_init();
	s->path = path;
	s->src = s->p = s->linestart = src;
	s->end = src + len;
	s->line = 1;
	s->atline = true;
	s->nindent = 1;
	s->err = err;
}

static int col_of(struct scanner *s, const char *p) { return (int)(p - s->linestart) + 1; }

static void serr(struct scanner *s, const char *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void serr(struct scanner *s, const char *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cerr_set(s->err, s->line, col_of(s, p), "%s", msg);
	s->tok = T_EOF;
	s->p = s->end;
}

static void newline(struct scanner *s, const char *after)
{
	s->line++;
	s->linestart = after;
}

/* character classes, by table (filled once): identifier start and part;
 * bytes >= 0x80 (UTF-8) count as identifier characters */
enum { C_ID0 = 1, C_ID = 2 };
static uint8_t cclass[256];

static void cclass_init(void)
{
	if (cclass['_'])
		return;
	for (int c = 0; c < 256; c++) {
		bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
		bool digit = c >= '0' && c <= '9';
		cclass[c] = (uint8_t)((letter ? C_ID0 | C_ID : 0) | (digit ? C_ID : 0));
	}
}
static bool isident0(unsigned char c) { return cclass[c] & C_ID0; }
static bool isdigit_(unsigned char c) { return (unsigned)(c - '0') < 10u; }
static bool isident(unsigned char c) { return cclass[c] & C_ID; }
static int hexval(unsigned char c)
{
	if (isdigit_(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static enum tok keyword(const char *p, size_t n)
{
	static const struct { const char *s; enum tok t; } kw[] = {
		{"and", T_AND}, {"break", T_BREAK}, {"continue", T_CONTINUE}, {"def", T_DEF},
		{"elif", T_ELIF}, {"else", T_ELSE}, {"for", T_FOR}, {"if", T_IF}, {"in", T_IN},
		{"lambda", T_LAMBDA}, {"load", T_LOAD}, {"not", T_NOT}, {"or", T_OR},
		{"pass", T_PASS}, {"return", T_RETURN}, {"while", T_WHILE},
	};
	if (n < 2 || n > 8 || p[0] < 'a' || p[0] > 'w')
		return T_IDENT;
	/* keywords start with one of a b c d e f i l n o p r w */
	static const uint32_t starts = 1u << ('a' - 'a') | 1u << ('b' - 'a') | 1u << ('c' - 'a') |
		1u << ('d' - 'a') | 1u << ('e' - 'a') | 1u << ('f' - 'a') | 1u << ('i' - 'a') |
		1u << ('l' - 'a') | 1u << ('n' - 'a') | 1u << ('o' - 'a') | 1u << ('p' - 'a') |
		1u << ('r' - 'a') | 1u << ('w' - 'a');
	if (!(starts >> (p[0] - 'a') & 1))
		return T_IDENT;
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (kw[i].s[0] == p[0] && strncmp(kw[i].s, p, n) == 0 && kw[i].s[n] == 0)
			return kw[i].t;
	return T_IDENT;
}

static void put_utf8(struct sl_buf *b, unsigned long r)
{
	char t[4];
	int n;
	if (r < 0x80) { t[0] = (char)r; n = 1; }
	else if (r < 0x800) { t[0] = (char)(0xC0 | r >> 6); t[1] = (char)(0x80 | (r & 0x3F)); n = 2; }
	else if (r < 0x10000) { t[0] = (char)(0xE0 | r >> 12); t[1] = (char)(0x80 | ((r >> 6) & 0x3F)); t[2] = (char)(0x80 | (r & 0x3F)); n = 3; }
	else { t[0] = (char)(0xF0 | r >> 18); t[1] = (char)(0x80 | ((r >> 12) & 0x3F)); t[2] = (char)(0x80 | ((r >> 6) & 0x3F)); t[3] = (char)(0x80 | (r & 0x3F)); n = 4; }
	sl_buf_add(b, t, n);
}

/* skip_plain returns the first byte at or after p (before end) that is the
 * quote q, a backslash, CR or LF — eight bytes per step while it can
 * (string literals are most of a unit file's bytes). */
static const char *skip_plain(const char *p, const char *end, char q)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const uint64_t mq = ones * (unsigned char)q, mb = ones * '\\', mn = ones * '\n', mr = ones * '\r';
	/* nonzero iff some byte of v is zero (the classic test): w ^ mX has a
	 * zero byte where w has byte X */
#define HASZERO(v) (((v) - ones) & ~(v) & highs)
	while (end - p >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		if (HASZERO(w ^ mq) | HASZERO(w ^ mb) | HASZERO(w ^ mn) | HASZERO(w ^ mr))
			break;
		p += 8;
	}
#undef HASZERO
	while (p < end && *p != q && *p != '\\' && *p != '\n' && *p != '\r')
		p++;
	return p;
}

/* scan_string reads a string or bytes literal whose opening quote is at p. */
static void scan_string(struct scanner *s, const char *start, const char *p, bool raw, bool bytes)
{
	char q = *p;
	bool triple = p + 2 < s->end && p[1] == q && p[2] == q;
	p += triple ? 3 : 1;
	if (!triple) {
		/* fast path: a one-line literal without escapes */
		const char *e = skip_plain(p, s->end, q);
		if (e < s->end && *e == q) {
			s->p = e + 1;
			s->tok = bytes ? T_BYTES : T_STRING;
			s->val = bytes ? sl_bytes(p, (size_t)(e - p)) : sl_string(p, (size_t)(e - p));
			return;
		}
	}
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_add(&b, "", 0);
	for (;;) {
		if (p >= s->end) {
			serr(s, start, "unexpected EOF in string");
			goto fail;
		}
		char c = *p;
		if (c == q) {
			if (!triple) { p++; break; }
			if (p + 2 < s->end && p[1] == q && p[2] == q) { p += 3; break; }
			sl_buf_addc(&b, c);
			p++;
			continue;
		}
		if (c == '\n') {
			if (!triple) {
				serr(s, start, "unexpected newline in string");
				goto fail;
			}
			sl_buf_addc(&b, c);
			newline(s, ++p);
			continue;
		}
		if (c == '\r' && !triple && p + 1 < s->end && p[1] == '\n') {
			serr(s, start, "unexpected newline in string");
			goto fail;
		}
		if (c != '\\') {
			sl_buf_addc(&b, c);
			p++;
			continue;
		}
		/* backslash */
		if (p + 1 >= s->end) {
			serr(s, start, "unexpected EOF in string");
			goto fail;
		}
		char e = p[1];
		if (raw) {
			/* a backslash escapes a quote or newline but both stay */
			sl_buf_addc(&b, '\\');
			if (e == '\n') {
				sl_buf_addc(&b, '\n');
				p += 2;
				newline(s, p);
			} else if (e == q || e == '\\') {
				sl_buf_addc(&b, e);
				p += 2;
			} else
				p++;
			continue;
		}
		const char *esc = p;
		p += 2;
		switch (e) {
		case '\n': newline(s, p); break;
		case 'a': sl_buf_addc(&b, '\a'); break;
		case 'b': sl_buf_addc(&b, '\b'); break;
		case 'f': sl_buf_addc(&b, '\f'); break;
		case 'n': sl_buf_addc(&b, '\n'); break;
		case 'r': sl_buf_addc(&b, '\r'); break;
		case 't': sl_buf_addc(&b, '\t'); break;
		case 'v': sl_buf_addc(&b, '\v'); break;
		case '\\': case '\'': case '"': sl_buf_addc(&b, e); break;
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			int v = e - '0', k = 1;
			while (k < 3 && p < s->end && *p >= '0' && *p <= '7') {
				v = v * 8 + (*p++ - '0');
				k++;
			}
			if (v > 255) {
				serr(s, start, "invalid escape sequence \\%03o", v);
				goto fail;
			}
			sl_buf_addc(&b, (char)v);
			break;
		}
		case 'x': {
			if (p + 2 > s->end) {
				serr(s, start, "truncated escape sequence %.*s", (int)(s->end - esc), esc);
				goto fail;
			}
			int h1 = hexval(p[0]), h2 = hexval(p[1]);
			if (h1 < 0 || h2 < 0) {
				serr(s, start, "invalid escape sequence %.4s", esc);
				goto fail;
			}
			int v = h1 * 16 + h2;
			sl_buf_addc(&b, (char)v);
			p += 2;
			break;
		}
		case 'u': case 'U': {
			int nd = e == 'u' ? 4 : 8;
			unsigned long v = 0;
			if (p + nd > s->end) {
				serr(s, start, "truncated escape sequence %.*s", (int)(s->end - esc), esc);
				goto fail;
			}
			for (int i = 0; i < nd; i++) {
				int h = hexval(p[i]);
				if (h < 0) {
					serr(s, start, "invalid escape sequence %.*s", 2 + nd, esc);
					goto fail;
				}
				v = v * 16 + (unsigned)h;
			}
			p += nd;
			if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
				serr(s, start, "invalid Unicode code point U+%04lX", v);
				goto fail;
			}
			put_utf8(&b, v);
			break;
		}
		default:
			serr(s, start, "invalid escape sequence \\%c", e);
			goto fail;
		}
	}
	s->p = p;
	s->tok = bytes ? T_BYTES : T_STRING;
	s->val = bytes ? sl_buf_bytes(&b) : sl_buf_string(&b);
	return;
fail:
	sl_buf_free(&b);
}

static void scan_number(struct scanner *s, const char *start)
{
	const char *p = start;
	bool isfloat = false;
	if (p[0] == '0' && p + 1 < s->end && ((p[1] | 0x20) == 'x' || (p[1] | 0x20) == 'o' || (p[1] | 0x20) == 'b')) {
		char k = p[1] | 0x20;
		int base = k == 'x' ? 16 : k == 'o' ? 8 : 2;
		p += 2;
		const char *d = p;
		while (p < s->end && (hexval(*p) >= 0 && hexval(*p) < base))
			p++;
		if (p == d || (p < s->end && isident(*p))) {
			serr(s, p < s->end && isident(*p) ? p : start, "invalid %s literal", base == 16 ? "hex" : base == 8 ? "octal" : "binary");
			return;
		}
		s->val = sl_int_parse(d, (size_t)(p - d), base);
		s->tok = T_INT;
		s->p = p;
		return;
	}
	while (p < s->end && isdigit_(*p))
		p++;
	if (p < s->end && *p == '.') {
		isfloat = true;
		p++;
		while (p < s->end && isdigit_(*p))
			p++;
	}
	if (p < s->end && (*p | 0x20) == 'e') {
		const char *q = p + 1;
		if (q < s->end && (*q == '+' || *q == '-'))
			q++;
		if (q < s->end && isdigit_(*q)) {
			isfloat = true;
			p = q;
			while (p < s->end && isdigit_(*p))
				p++;
		} else {
			serr(s, p, "invalid float literal");
			return;
		}
	}
	if (p < s->end && isident(*p)) {
		serr(s, start, isfloat ? "invalid float literal" : "invalid int literal");
		return;
	}
	s->p = p;
	if (isfloat) {
		char tmp[512];
		size_t n = (size_t)(p - start);
		if (n >= sizeof tmp) {
			serr(s, start, "invalid float literal");
			return;
		}
		memcpy(tmp, start, n);
		tmp[n] = 0;
		s->fval = strtod(tmp, NULL);
		s->tok = T_FLOAT;
		return;
	}
	if (start[0] == '0' && p - start > 1) {
		bool allzero = true;
		for (const char *q = start; q < p; q++)
			allzero &= *q == '0';
		if (!allzero) {
			serr(s, start, "obsolete form of octal literal; use 0o%.*s", (int)(p - start - 1), start + 1);
			return;
		}
	}
	s->val = sl_int_parse(start, (size_t)(p - start), 10);
	s->tok = T_INT;
}

static void scan_token(struct scanner *s);

void scan_next(struct scanner *s)
{
	scan_token(s);
	s->eline = s->line;
	s->ecol = col_of(s, s->p);
}

static void scan_token(struct scanner *s)
{
	const char *p;
	if (s->err->set) {
		s->tok = T_EOF;
		return;
	}
start:
	p = s->p;
	bool blankline = false;
	if (s->atline) {
		/* measure indentation of a new logical line */
		s->atline = false;
		int col = 0;
		for (; p < s->end; p++) {
			if (*p == ' ')
				col++;
			else if (*p == '\t')
				col += 8 - col % 8;
			else if (*p == '\f')
				col = 0;
			else
				break;
		}
		bool blank = p >= s->end || *p == '#' || *p == '\n' || (*p == '\r' && p + 1 < s->end && p[1] == '\n');
		if (p >= s->end)
			col = 0, blank = false; /* EOF: close all blocks */
		blankline = blank;
		if (!blank && s->depth == 0) {
			int cur = s->indent[s->nindent - 1];
			if (col > cur) {
				if (s->nindent == (int)(sizeof s->indent / sizeof s->indent[0])) {
					serr(s, p, "too many indentation levels");
					return;
				}
				s->dents++;
				s->indent[s->nindent++] = col;
			} else if (col < cur) {
				while (s->nindent > 1 && col < s->indent[s->nindent - 1]) {
					s->dents--;
					s->nindent--;
				}
				if (col != s->indent[s->nindent - 1]) {
					serr(s, p, "unindent does not match any outer indentation level");
					return;
				}
			}
		}
		s->p = p;
	}
	if (s->dents) {
		s->tline = s->line;
		s->tcol = col_of(s, p);
		if (s->dents < 0) {
			s->dents++;
			s->tok = T_OUTDENT;
		} else {
			s->dents--;
			s->tok = T_INDENT;
		}
		return;
	}
	while (p < s->end && (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\r'))
		p++;
	if (p < s->end && *p == '#') {
		const char *nl = memchr(p, '\n', (size_t)(s->end - p));
		p = nl ? nl : s->end;
	}
	s->tline = s->line;
	s->tcol = col_of(s, p);
	if (p >= s->end) {
		s->p = p;
		/* end the last logical line, then close open blocks */
		if (s->depth == 0 && s->tok != T_NEWLINE && s->tok != T_OUTDENT && s->tok != T_ILLEGAL && s->tok != T_EOF) {
			s->atline = true;
			s->tok = T_NEWLINE;
			return;
		}
		if (s->nindent > 1 && s->depth == 0) {
			s->atline = true;
			goto start;
		}
		s->tok = T_EOF;
		return;
	}
	char c = *p;
	if (c == '\n') {
		p++;
		newline(s, p);
		s->p = p;
		if (s->depth > 0 || blankline) {
			s->atline = s->depth == 0;
			goto start;
		}
		s->atline = true;
		s->tok = T_NEWLINE;
		return;
	}
	if (c == '\\') {
		if (p + 1 < s->end && p[1] == '\n') {
			s->p = p + 2;
			newline(s, s->p);
			goto start;
		}
		if (p + 2 < s->end && p[1] == '\r' && p[2] == '\n') {
			s->p = p + 3;
			newline(s, s->p);
			goto start;
		}
		serr(s, p, "stray backslash in program");
		return;
	}
	/* identifiers, keywords, string prefixes */
	if (isident0((unsigned char)c)) {
		if (c == 'r' || c == 'R' || c == 'b' || c == 'B') {
			const char *q = p;
			bool raw = false, bytes = false;
			for (int i = 0; i < 2 && q < s->end; i++) {
				if ((*q | 0x20) == 'r' && !raw)
					raw = true, q++;
				else if ((*q | 0x20) == 'b' && !bytes)
					bytes = true, q++;
				else
					break;
			}
			if (q < s->end && (*q == '"' || *q == '\'')) {
				scan_string(s, p, q, raw, bytes);
				return;
			}
		}
		const char *q = p;
		while (q < s->end && isident((unsigned char)*q))
			q++;
		s->p = q;
		s->tok = keyword(p, (size_t)(q - p));
		if (s->tok == T_IDENT)
			s->val = sl_intern(p, (size_t)(q - p));
		return;
	}
	if (c == '"' || c == '\'') {
		scan_string(s, p, p, false, false);
		return;
	}
	if (isdigit_((unsigned char)c) || (c == '.' && p + 1 < s->end && isdigit_((unsigned char)p[1]))) {
		scan_number(s, p);
		return;
	}
	/* punctuation */
	char c1 = p + 1 < s->end ? p[1] : 0, c2 = p + 2 < s->end ? p[2] : 0;
	enum tok t;
	int n = 1;
	switch (c) {
	case '(': t = T_LPAREN; s->depth++; break;
	case '[': t = T_LBRACK; s->depth++; break;
	case '{': t = T_LBRACE; s->depth++; break;
	case ')':
		if (s->depth == 0) {
			serr(s, p, "unexpected ')'");
			return;
		}
		t = T_RPAREN;
		s->depth--;
		break;
	case ']':
		if (s->depth == 0) {
			serr(s, p, "unexpected ']'");
			return;
		}
		t = T_RBRACK;
		s->depth--;
		break;
	case '}':
		if (s->depth == 0) {
			serr(s, p, "unexpected '}'");
			return;
		}
		t = T_RBRACE;
		s->depth--;
		break;
	case ',': t = T_COMMA; break;
	case ';': t = T_SEMI; break;
	case ':': t = T_COLON; break;
	case '.': t = T_DOT; break;
	case '~': t = T_TILDE; break;
	case '+': t = c1 == '=' ? (n = 2, T_PLUS_EQ) : T_PLUS; break;
	case '-': t = c1 == '=' ? (n = 2, T_MINUS_EQ) : T_MINUS; break;
	case '%': t = c1 == '=' ? (n = 2, T_PERCENT_EQ) : T_PERCENT; break;
	case '&': t = c1 == '=' ? (n = 2, T_AMP_EQ) : T_AMP; break;
	case '|': t = c1 == '=' ? (n = 2, T_PIPE_EQ) : T_PIPE; break;
	case '^': t = c1 == '=' ? (n = 2, T_CIRCUMFLEX_EQ) : T_CIRCUMFLEX; break;
	case '=': t = c1 == '=' ? (n = 2, T_EQL) : T_EQ; break;
	case '!':
		if (c1 != '=') {
			serr(s, p, "unexpected input character '!'");
			return;
		}
		t = T_NEQ, n = 2;
		break;
	case '*':
		if (c1 == '*')
			t = T_STARSTAR, n = 2;
		else
			t = c1 == '=' ? (n = 2, T_STAR_EQ) : T_STAR;
		break;
	case '/':
		if (c1 == '/')
			t = c2 == '=' ? (n = 3, T_SLASHSLASH_EQ) : (n = 2, T_SLASHSLASH);
		else
			t = c1 == '=' ? (n = 2, T_SLASH_EQ) : T_SLASH;
		break;
	case '<':
		if (c1 == '<')
			t = c2 == '=' ? (n = 3, T_LTLT_EQ) : (n = 2, T_LTLT);
		else
			t = c1 == '=' ? (n = 2, T_LE) : T_LT;
		break;
	case '>':
		if (c1 == '>')
			t = c2 == '=' ? (n = 3, T_GTGT_EQ) : (n = 2, T_GTGT);
		else
			t = c1 == '=' ? (n = 2, T_GE) : T_GT;
		break;
	default:
		if ((unsigned char)c < 0x20 || (unsigned char)c == 0x7f)
			serr(s, p, "unexpected input character %#x", (unsigned char)c);
		else
			serr(s, p, "unexpected input character '%c'", c);
		return;
	}
	s->p = p + n;
	s->tok = t;
}
