/* runtime/step/template.c — `{{.key}}` rendering (template.h). */
#include "step/template.h"

#include <ctype.h>
#include <string.h>
#include <stdlib.h>

void template_data(const struct unit_spec *u, struct kvlist *d)
{
	kv_set(d, "name", u->name);
	kv_set(d, "version", u->version);
	kv_set(d, "release", u->release);
	kv_set(d, "arch", u->arch);
	kv_set(d, "machine", u->machine);
	kv_set(d, "console", u->console);
	kv_set(d, "project", u->project);
	kv_set(d, "project_version", u->project_version);
	for (size_t i = 0; i < u->vars.n; i++)
		kv_set(d, u->vars.v[i].key, u->vars.v[i].val);
}

/* out is a growable buffer. */
struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

char *template_render(const char *text, const char *fname, const struct kvlist *data, struct errbuf *e)
{
	struct buf b = {0};
	put(&b, "", 0);
	int line = 1;
	const char *p = text;
	for (;;) {
		const char *open = strstr(p, "{{");
		size_t plain = open ? (size_t)(open - p) : strlen(p);
		for (size_t i = 0; i < plain; i++)
			line += p[i] == '\n';
		put(&b, p, plain);
		if (!open)
			break;
		const char *close = strstr(open + 2, "}}");
		if (!close) {
			errf(e, "%s:%d: error: '{{' without a closing '}}'", fname, line);
			goto fail;
		}
		const char *k = open + 2, *ke = close;
		while (k < ke && isspace((unsigned char)*k)) k++;
		while (ke > k && isspace((unsigned char)ke[-1])) ke--;
		int ok = k < ke && *k == '.' && ke - k > 1;
		for (const char *c = k + 1; ok && c < ke; c++)
			ok = isalnum((unsigned char)*c) || *c == '_';
		if (!ok) {
			errf(e, "%s:%d: error: unsupported template action '{{%.*s}}'; only {{.key}} fields are supported",
			     fname, line, (int)(close - open - 2), open + 2);
			goto fail;
		}
		char *key = strndup(k + 1, (size_t)(ke - k - 1));
		const char *v = kv_get(data, key);
		if (!v) {
			char known[1024] = "";
			for (size_t i = 0; i < data->n && strlen(known) < 900; i++) {
				strcat(known, i ? ", " : "");
				strncat(known, data->v[i].key, 64);
			}
			errf(e, "%s:%d: error: unknown template key '%s' (known: %s); add it to the unit as a keyword or fix the template",
			     fname, line, key, known);
			free(key);
			goto fail;
		}
		free(key);
		put(&b, v, strlen(v));
		p = close + 2;
	}
	return b.p;
fail:
	free(b.p);
	return NULL;
}
