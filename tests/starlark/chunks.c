/* tests/starlark/chunks.c — reading go.starlark.net's chunked test files:
 * splitting, `### "regex"` annotations, Go string unquoting and the
 * translation of Go regexes to POSIX.  Mirrors the behaviour of Go's
 * internal/chunkedfile package (split on "\n---\n", pad each chunk with
 * newlines so its line numbers are the file's). */
#include "chunks.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tiny growable byte buffer for this file. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_addc(struct sbuf *b, char c) { sb_add(b, &c, 1); }
static void sb_adds(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_utf8(struct sbuf *b, unsigned long r)
{
	char u[4];
	if (r < 0x80) {
		sb_addc(b, (char)r);
	} else if (r < 0x800) {
		u[0] = (char)(0xC0 | (r >> 6));
		u[1] = (char)(0x80 | (r & 0x3F));
		sb_add(b, u, 2);
	} else if (r < 0x10000) {
		u[0] = (char)(0xE0 | (r >> 12));
		u[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		u[2] = (char)(0x80 | (r & 0x3F));
		sb_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (r >> 18));
		u[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		u[3] = (char)(0x80 | (r & 0x3F));
		sb_add(b, u, 4);
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *go_unquote(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n < 2 || s[0] != s[n - 1] || (s[0] != '"' && s[0] != '`'))
		return NULL;
	struct sbuf b = {0};
	sb_add(&b, "", 0);
	if (s[0] == '`') {
		if (memchr(s + 1, '`', n - 2))
			goto bad;
		sb_add(&b, s + 1, n - 2);
		return b.p;
	}
	for (size_t i = 1; i < n - 1; i++) {
		char c = s[i];
		if (c == '"' || c == '\n')
			goto bad;
		if (c != '\\') {
			sb_addc(&b, c);
			continue;
		}
		if (++i >= n - 1)
			goto bad;
		c = s[i];
		switch (c) {
		case 'a': sb_addc(&b, '\a'); break;
		case 'b': sb_addc(&b, '\b'); break;
		case 'f': sb_addc(&b, '\f'); break;
		case 'n': sb_addc(&b, '\n'); break;
		case 'r': sb_addc(&b, '\r'); break;
		case 't': sb_addc(&b, '\t'); break;
		case 'v': sb_addc(&b, '\v'); break;
		case '\\': sb_addc(&b, '\\'); break;
		case '"': sb_addc(&b, '"'); break;
		case 'x': case 'u': case 'U': {
			int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
			unsigned long v = 0;
			for (int k = 0; k < digits; k++) {
				if (i + 1 >= n - 1 || hexval(s[i + 1]) < 0)
					goto bad;
				v = v * 16 + (unsigned long)hexval(s[++i]);
			}
			if (c == 'x')
				sb_addc(&b, (char)v);
			else if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
				goto bad;
			else
				sb_utf8(&b, v);
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				unsigned v = 0;
				for (int k = 0; k < 3; k++, i++) {
					if (i >= n - 1 || s[i] < '0' || s[i] > '7')
						goto bad;
					v = v * 8 + (unsigned)(s[i] - '0');
				}
				i--;
				if (v > 255)
					goto bad;
				sb_addc(&b, (char)v);
				break;
			}
			goto bad;
		}
	}
	if (memchr(b.p, '\0', b.len))
		goto bad;
	return b.p;
bad:
	free(b.p);
	return NULL;
}

/* add_want appends an expected error parsed from one annotated line. */
static void add_want(struct chunk *c, int line, const char *text, size_t n, const char *path)
{
	char *pat = go_unquote(text, n);
	if (!pat) {
		if (!c->bad_annotation) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s:%d: not a quoted regexp: %.*s", path, line,
			         (int)(n > 80 ? 80 : n), text);
			c->bad_annotation = strdup(msg);
		}
		return;
	}
	struct want_error *w = realloc(c->wants, (c->nwants + 1) * sizeof *w);
	if (!w)
		abort();
	c->wants = w;
	w = &c->wants[c->nwants++];
	memset(w, 0, sizeof *w);
	w->line = line;
	w->pattern = pat;
	char err[200];
	w->ok = go_regex_compile(&w->re, pat, err, sizeof err) == 0;
	if (!w->ok && !c->bad_annotation) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s:%d: bad regexp %s: %s", path, line, pat, err);
		c->bad_annotation = strdup(msg);
	}
}

/* slurp reads a whole file into b (NUL-terminated).  0 or -1 with errno. */
static int slurp(const char *path, struct sbuf *b)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	char buf[8192];
	size_t n;
	sb_add(b, "", 0);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(b, buf, n);
	int rerr = ferror(fp);
	fclose(fp);
	if (rerr) {
		free(b->p);
		b->p = NULL;
		errno = EIO;
		return -1;
	}
	return 0;
}

int chunked_read_whole(const char *path, struct chunked_file *out)
{
	memset(out, 0, sizeof *out);
	struct sbuf data = {0};
	if (slurp(path, &data) < 0)
		return -1;
	out->path = strdup(path);
	out->chunks = calloc(1, sizeof *out->chunks);
	if (!out->chunks)
		abort();
	out->nchunks = 1;
	out->chunks[0].index = 1;
	out->chunks[0].first_line = 1;
	out->chunks[0].src = data.p;
	out->chunks[0].len = data.len;
	return 0;
}

int chunked_read(const char *path, struct chunked_file *out)
{
	memset(out, 0, sizeof *out);
	struct sbuf data = {0};
	if (slurp(path, &data) < 0)
		return -1;
	out->path = strdup(path);
	int linenum = 1;
	const char *p = data.p, *end = data.p + data.len;
	for (int index = 1;; index++) {
		const char *sep = memmem(p, (size_t)(end - p), "\n---\n", 5);
		const char *cend = sep ? sep : end;
		struct chunk *cs = realloc(out->chunks, (out->nchunks + 1) * sizeof *cs);
		if (!cs)
			abort();
		out->chunks = cs;
		struct chunk *c = &cs[out->nchunks++];
		memset(c, 0, sizeof *c);
		c->index = index;
		c->first_line = linenum;
		struct sbuf src = {0};
		sb_add(&src, "", 0);
		for (int k = 1; k < linenum; k++)
			sb_addc(&src, '\n');
		sb_add(&src, p, (size_t)(cend - p));
		c->src = src.p;
		c->len = src.len;
		/* Scan the chunk's lines for annotations; every line counts, the
		 * last one (possibly empty) included, as strings.Split does. */
		const char *l = p;
		for (;;) {
			const char *nl = memchr(l, '\n', (size_t)(cend - l));
			const char *lend = nl ? nl : cend;
			const char *h = memmem(l, (size_t)(lend - l), "###", 3);
			if (h)
				add_want(c, linenum, h + 3, (size_t)(lend - h - 3), path);
			linenum++;
			if (!nl)
				break;
			l = nl + 1;
		}
		linenum++; /* the "---" line */
		if (!sep)
			break;
		p = sep + 5;
	}
	free(data.p);
	return 0;
}

void chunked_free(struct chunked_file *f)
{
	for (size_t i = 0; i < f->nchunks; i++) {
		struct chunk *c = &f->chunks[i];
		for (size_t k = 0; k < c->nwants; k++) {
			if (c->wants[k].ok)
				regfree(&c->wants[k].re);
			free(c->wants[k].pattern);
		}
		free(c->wants);
		free(c->src);
		free(c->bad_annotation);
	}
	free(f->chunks);
	free(f->path);
	memset(f, 0, sizeof *f);
}

bool chunk_has_option(const struct chunk *c, const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "option:%s", name);
	return memmem(c->src, c->len, key, strlen(key)) != NULL;
}

/* is_interval: whether s (just after a '{') starts "n}", "n,}" or "n,m}". */
static bool is_interval(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == ',') {
		s++;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '}';
}

/* class_for: the POSIX text of a Perl class escape, inside or outside []. */
static const char *class_for(char c, bool in_bracket)
{
	switch (c) {
	case 'd': return in_bracket ? "[:digit:]" : "[[:digit:]]";
	case 's': return in_bracket ? "[:space:]" : "[[:space:]]";
	case 'w': return in_bracket ? "[:alnum:]_" : "[[:alnum:]_]";
	case 'D': return in_bracket ? NULL : "[^[:digit:]]";
	case 'S': return in_bracket ? NULL : "[^[:space:]]";
	case 'W': return in_bracket ? NULL : "[^[:alnum:]_]";
	}
	return NULL;
}

/* go_regex_error reports a pattern Go's regexp package rejects. */
static int go_regex_error(int code, const char *msg, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", msg);
	return code;
}

/* interval_ok: the counts of "{n}", "{n,}" or "{n,m}" (s just after '{')
 * are at most 1000, as Go requires. */
static bool interval_ok(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10), m = n;
	if (*end == ',' && isdigit((unsigned char)end[1]))
		m = strtol(end + 1, &end, 10);
	return n <= 1000 && m <= 1000 && n <= m;
}

int go_regex_compile(regex_t *re, const char *pat, char *errbuf, size_t errlen)
{
	struct sbuf b = {0};
	int flags = REG_EXTENDED | REG_NOSUB;
	sb_add(&b, "", 0);
	if (strncmp(pat, "(?i)", 4) == 0) {
		flags |= REG_ICASE;
		pat += 4;
	}
	/* What the last item was, to reject what Go rejects: a repetition
	 * operator with nothing to repeat or applied to another one ("a**",
	 * "a++": glibc accepts those and can take exponential time on them). */
	enum { NOTHING, ATOM, REPEAT } last = NOTHING;
	bool in_bracket = false;
	int rc = 0;
	for (const char *s = pat; *s && rc == 0; s++) {
		char c = *s;
		if (in_bracket) {
			if (c == ']') {
				in_bracket = false;
				sb_addc(&b, c);
			} else if (c == '\\' && s[1]) {
				const char *cls = class_for(s[1], true);
				s++;
				if (cls)
					sb_adds(&b, cls);
				else if (*s == 'n')
					sb_addc(&b, '\n');
				else if (*s == 't')
					sb_addc(&b, '\t');
				else
					sb_addc(&b, *s);  /* brackets take characters literally */
			} else {
				sb_addc(&b, c);
			}
			continue;
		}
		bool repeat = c == '*' || c == '+' || c == '?' || (c == '{' && is_interval(s + 1));
		if (repeat) {
			if (last != ATOM) {
				rc = go_regex_error(REG_BADRPT, last == REPEAT ? "invalid nested repetition operator"
				                                               : "missing argument to repetition operator",
				                    errbuf, errlen);
				break;
			}
			last = REPEAT;
			if (c == '{') {
				if (!interval_ok(s + 1)) {
					rc = go_regex_error(REG_BADBR, "invalid repeat count", errbuf, errlen);
					break;
				}
				const char *e = strchr(s, '}');
				sb_add(&b, s, (size_t)(e - s + 1));
				s = e;
			} else {
				sb_addc(&b, c);
			}
			if (s[1] == '?')
				s++;  /* lazy quantifier: same match/no-match answer */
			continue;
		}
		last = ATOM;
		switch (c) {
		case '[':
			in_bracket = true;
			sb_addc(&b, c);
			if (s[1] == '^')
				sb_addc(&b, *++s);
			if (s[1] == ']')
				sb_addc(&b, *++s);
			break;
		case '\\':
			if (!s[1]) {
				rc = go_regex_error(REG_EESCAPE, "trailing backslash at end of expression",
				                    errbuf, errlen);
				break;
			}
			s++;
			if (class_for(*s, false)) {
				sb_adds(&b, class_for(*s, false));
			} else if (*s == 'n') {
				sb_addc(&b, '\n');
			} else if (*s == 't') {
				sb_addc(&b, '\t');
			} else if (*s == 'Q') {
				const char *e = strstr(s + 1, "\\E");
				const char *stop = e ? e : s + 1 + strlen(s + 1);
				for (const char *q = s + 1; q < stop; q++) {
					if (strchr("\\^$.|?*+()[]{}", *q))
						sb_addc(&b, '\\');
					sb_addc(&b, *q);
				}
				s = e ? e + 1 : stop - 1;
			} else if (isalnum((unsigned char)*s)) {
				sb_addc(&b, *s);  /* \b, \A etc.: not supported, match literally */
			} else {
				sb_addc(&b, '\\');
				sb_addc(&b, *s);
			}
			break;
		case '(':
			sb_addc(&b, c);
			if (s[1] == '?' && s[2] == ':')
				s += 2;
			last = NOTHING;
			break;
		case '|':
			sb_addc(&b, c);
			last = NOTHING;
			break;
		case '{':
			sb_adds(&b, "\\{");
			break;
		case '}':
			sb_adds(&b, "\\}");
			break;
		default:
			sb_addc(&b, c);
		}
	}
	if (rc == 0) {
		rc = regcomp(re, b.p, flags);
		if (rc != 0 && errbuf)
			regerror(rc, re, errbuf, errlen);
	}
	free(b.p);
	return rc;
}

bool go_regex_search(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}
