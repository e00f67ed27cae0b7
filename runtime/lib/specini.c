/* runtime/lib/specini.c — the spec INI reader (specini.h): value escapes,
 * `key+` continuation lines, and an inih line reader that refuses what inih
 * would silently change (over-long lines, raw ` ;`).
 *
 * The file is read whole first: inih hands us one `key = value` at a time,
 * continuation lines are joined onto the key before them, and the first
 * syntax error stops the reading.  Only then are the keys delivered, so a
 * value reaches the caller once, complete, and errors come in file order. */
#include "lib/specini.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ent is one key read so far. */
struct ent {
	char *section;  /* its section */
	char *key;      /* its name */
	char *value;    /* unescaped, continuations appended */
	char *raw;      /* as written, continuations appended */
	int line;       /* line of the key */
	int last;       /* line of its last continuation (= line if none) */
};

/* parser is the state shared by the line reader and the inih handler. */
struct parser {
	FILE *fp;
	const char *path;
	int line;         /* line inih is handling (read_line runs first) */
	int err_line;     /* line of the first syntax error, 0 while none */
	char err[1024];   /* its message, `path:line: error: …` */
	struct ent *v;    /* keys in file order */
	size_t n, cap;    /* keys read, allocated */
};

static void syntax(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void syntax(struct parser *p, const char *fmt, ...)
{
	if (p->err_line)
		return;
	p->err_line = p->line;
	int n = snprintf(p->err, sizeof p->err, "%s:%d: error: ", p->path, p->line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof p->err)
		vsnprintf(p->err + n, sizeof p->err - (size_t)n, fmt, ap);
	va_end(ap);
}

int specini_errf(char *err, size_t errlen, const struct specini_entry *e, const char *fmt, ...)
{
	if (!errlen)
		return -1;
	int n = snprintf(err, errlen, "%s:%d: error: ", e->path, e->line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* read_line is inih's reader: it counts lines and refuses lines that do not
 * fit inih's buffer (inih would read the rest as a line of its own) and raw
 * ` ;` (inih would drop the rest of the value).  After an error it still
 * returns that line, so the handler can see whether it continued the
 * previous key, and then ends the file. */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	if (p->err_line || !fgets(str, num, p->fp))
		return NULL;
	p->line++;
	size_t n = strlen(str);
	const char *t = str + strspn(str, " \t");
	if (n && str[n - 1] != '\n' && !feof(p->fp)) {
		int c; /* drop the rest; the file is refused anyway */
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		syntax(p, "line longer than %d bytes; split the value with `key+ = rest` lines", num - 2);
	} else if (*t != ';' && *t != '#' && (strstr(t, " ;") || strstr(t, "\t;"))) {
		syntax(p, "unescaped ';' after a space would be cut off as an inline comment; write it as \\;");
	}
	return str;
}

/* append grows *dst by add; -1 when out of memory. */
static int append(char **dst, const char *add)
{
	size_t a = strlen(*dst), b = strlen(add);
	char *s = realloc(*dst, a + b + 1);
	if (!s)
		return -1;
	memcpy(s + a, add, b + 1);
	*dst = s;
	return 0;
}

/* push adds a key; it owns value from then on (freed even on failure). */
static int push(struct parser *p, const char *section, const char *key, char *value, const char *raw)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct ent *v = realloc(p->v, cap * sizeof *v);
		if (!v) {
			free(value);
			return -1;
		}
		p->v = v;
		p->cap = cap;
	}
	struct ent *e = &p->v[p->n];
	*e = (struct ent){strdup(section), strdup(key), value, strdup(raw), p->line, p->line};
	p->n++;
	return e->section && e->key && e->raw ? 0 : -1;
}

static void ent_free(struct ent *e)
{
	free(e->section);
	free(e->key);
	free(e->value);
	free(e->raw);
}

static int handler(void *user, const char *section, const char *name, const char *raw)
{
	struct parser *p = user;
	size_t nl = strlen(name);
	int cont = nl && name[nl - 1] == '+';
	/* the key `name` continues: only the key directly before it */
	struct ent *prev = p->n ? &p->v[p->n - 1] : NULL;
	if (!cont || !prev || strcmp(prev->section, section) || strlen(prev->key) != nl - 1
	    || strncmp(prev->key, name, nl - 1))
		prev = NULL;
	if (p->err_line) {
		/* the reader refused this line: a value it continues is broken */
		if (prev)
			prev->last = p->line;
		return 1;
	}
	char msg[256];
	char *val = specini_unescape(raw, msg, sizeof msg);
	if (!val) {
		if (prev)
			prev->last = p->line;
		syntax(p, "%s: %s", name, msg);
		return 1;
	}
	if (cont && !prev) {
		free(val);
		syntax(p, "'%s' must directly follow a '%.*s' line", name, (int)(nl - 1 < 63 ? nl - 1 : 63), name);
		return 1;
	}
	int r;
	if (prev) {
		prev->last = p->line;
		r = append(&prev->value, val) || append(&prev->raw, raw);
		free(val);
	} else {
		r = push(p, section, name, val, raw);
	}
	if (r)
		syntax(p, "out of memory");
	return 1;
}

int specini_parse(const char *path, specini_fn fn, void *user, char *err, size_t errlen)
{
	struct parser p = {.path = path};
	if (!errlen)
		err = NULL;
	if (!(p.fp = fopen(path, "r"))) {
		int e = errno;
		if (err)
			snprintf(err, errlen, "%s: error: cannot open: %s", path, strerror(e));
		errno = e;
		return SPECINI_EOPEN;
	}
	int r = ini_parse_stream(read_line, &p, handler, &p);
	if (ferror(p.fp)) {
		snprintf(p.err, sizeof p.err, "%s: error: cannot read: %s", path, strerror(errno));
		p.err_line = 1;
	} else if (r < 0 && !p.err_line) {
		syntax(&p, "out of memory");
	} else if (r > 0 && (!p.err_line || r < p.err_line)) {
		p.err_line = 0;
		p.line = r;
		syntax(&p, "not an INI line (want `key = value` or `[section]`)");
	}
	fclose(p.fp);
	int limit = p.err_line ? p.err_line : INT_MAX, rc = 0;
	for (size_t i = 0; i < p.n && p.v[i].last < limit && !rc; i++) {
		const struct ent *v = &p.v[i];
		struct specini_entry e = {path, v->section, v->key, v->value, v->raw, v->line};
		rc = fn(user, &e) ? -1 : 0;
	}
	if (!rc && p.err_line) {
		if (err)
			snprintf(err, errlen, "%s", p.err);
		rc = -1;
	}
	for (size_t i = 0; i < p.n; i++)
		ent_free(&p.v[i]);
	free(p.v);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *specini_unescape(const char *in, char *err, size_t errlen)
{
	char *out = malloc(strlen(in) + 1), *o = out;
	const char *p;
	if (!out) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (p = in; *p; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 's': *o++ = ' '; break;
		case '\\': case ';': case '#': *o++ = *p; break;
		case 'x': {
			int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
			if (l < 0 || (h == 0 && l == 0))
				goto bad;
			*o++ = (char)(h * 16 + l);
			p += 2;
			break;
		}
		default:
			goto bad;
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	if (errlen)
		snprintf(err, errlen, "bad escape '\\%.1s' (use \\n \\t \\r \\s \\\\ \\; \\# or \\xHH, not \\x00)",
		         *p ? p : "");
	return NULL;
}

char *specini_escape(const char *in)
{
	size_t n = strlen(in);
	char *out = malloc(n * 4 + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\\' || c == ';' || c == '#') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			o += sprintf(o, "\\n");
		} else if (c == '\t') {
			o += sprintf(o, "\\t");
		} else if (c == ' ' && (i == 0 || i == n - 1)) {
			o += sprintf(o, "\\s");
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\x%02x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}
