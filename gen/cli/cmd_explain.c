/* gen/cli/cmd_explain.c — `yoe explain UNIT`: why ninja would rebuild a
 * unit, in terms of its key inputs.  The build and image edges keep the key
 * text they built from as <unit dir>/key.built; this command evaluates the
 * project now and compares the unit's current key text with it, record by
 * record (docs/unit-keys.md describes the records). */
#include "cli/cli.h"
#include "emit/specs.h"
#include "lib/fsutil.h"
#include "yoe/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_explain;

/* One record of a key text, labelled by the list it is in. */
struct rec {
	char *label;  /* "<list header>/<tag>#<n>" or "<tag>" */
	char *value;  /* the record's bytes */
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

static void push(struct recs *r, char *label, char *value)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = (struct rec){label, value};
}

/* parse splits a key text into records: `tag=<len>:<bytes>[ rest]\n` or
 * `tag#<count>\n` (a list header, which labels the records after it). */
static void parse(const char *t, struct recs *out)
{
	char header[128] = "";
	int occ = 0;
	while (*t) {
		size_t tl = strcspn(t, "=#\n");
		if (t[tl] == '#') {
			snprintf(header, sizeof header, "%.*s", (int)tl, t);
			occ = 0;
			t += tl;
			t += strcspn(t, "\n");
			t += *t == '\n';
			continue;
		}
		if (t[tl] != '=') { /* not a record: skip the line */
			t += tl + (t[tl] == '\n');
			continue;
		}
		char *end;
		unsigned long len = strtoul(t + tl + 1, &end, 10);
		if (*end != ':' || strlen(end + 1) < len)
			break;
		const char *body = end + 1;
		size_t extra = strcspn(body + len, "\n");
		char *label, *value;
		if (*header && asprintf(&label, "%s/%.*s#%d", header, (int)tl, t, ++occ) < 0)
			label = NULL;
		else if (!*header && asprintf(&label, "%.*s", (int)tl, t) < 0)
			label = NULL;
		if (asprintf(&value, "%.*s%.*s", (int)len, body, (int)extra, body + len) < 0)
			value = NULL;
		push(out, label, value);
		t = body + len + extra;
		t += *t == '\n';
	}
}

static const char *find(const struct recs *r, const char *label)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].label && !strcmp(r->v[i].label, label))
			return r->v[i].value;
	return NULL;
}

static void show(const char *v)
{
	int n = (int)strcspn(v, "\n");
	printf("\"%.*s%s\"", n > 70 ? 70 : n, v, n > 70 || v[n] ? "…" : "");
}

static int run(int argc, char **argv)
{
	struct yoe_load_opts o = {0};
	const char *name;
	int rc = unit_args(&cmd_explain, argc, argv, &o, &name);
	if (rc)
		return rc;
	char *root = project_find();
	if (!root)
		return 1;
	struct yoe_session s;
	rc = yoe_session_open(&s, root, &o) < 0 ? -1 : 1;
	free(root);
	struct yoe_project *p = s.p;
	struct yoe_dag *dags = s.dags;
	size_t ndags = rc < 0 ? 0 : s.ndags;
	for (size_t d = 0; d < ndags && rc == 1; d++) {
		int i = yoe_dag_find(&dags[d], name);
		if (i < 0)
			continue;
		rc = 0;
		struct lower_paths lp;
		lower_unit_paths(p, dags[d].nodes[i], dags[d].distro, &lp);
		char *now = yoe_key_text(p, &dags[d], (size_t)i);
		now[yoe_key_own_len(now)] = '\0'; /* key.built holds the unit's own part */
		char *built_path = NULL;
		if (asprintf(&built_path, "%s/%s/key.built", p->root, lp.dir) < 0)
			built_path = NULL;
		char *then = built_path ? read_file(built_path, NULL) : NULL;
		printf("%s (%s, key %.12s)\n", name, lp.dir, dags[d].keys[i]);
		if (!then) {
			printf("  never built here: no %s/key.built, so ninja builds it\n", lp.dir);
		} else if (!strcmp(then, now)) {
			printf("  its key inputs are unchanged since the last build; if ninja still\n"
			       "  rebuilds it, a file changed: `ninja -d explain %s` names it\n", name);
		} else {
			struct recs a = {0}, b = {0};
			parse(then, &a);
			parse(now, &b);
			printf("  would rebuild: its key inputs changed since the last build:\n");
			for (size_t k = 0; k < b.n; k++) {
				if (!b.v[k].label || !b.v[k].value)
					continue;
				const char *old = find(&a, b.v[k].label);
				if (old && !strcmp(old, b.v[k].value))
					continue;
				printf("    %s: ", b.v[k].label);
				if (old) {
					show(old);
					printf(" -> ");
				} else {
					printf("new ");
				}
				show(b.v[k].value);
				putchar('\n');
			}
			for (size_t k = 0; k < a.n; k++)
				if (a.v[k].label && !find(&b, a.v[k].label)) {
					printf("    %s: removed (was ", a.v[k].label);
					show(a.v[k].value);
					printf(")\n");
				}
			for (size_t k = 0; k < a.n; k++)
				free(a.v[k].label), free(a.v[k].value);
			for (size_t k = 0; k < b.n; k++)
				free(b.v[k].label), free(b.v[k].value);
			free(a.v);
			free(b.v);
		}
		free(then);
		free(now);
		free(built_path);
	}
	if (rc == 1)
		fprintf(stderr, "yoe: error: no unit named '%s' in the build (see `yoe query`)\n", name);
	yoe_session_close(&s);
	return rc < 0 ? 1 : rc;
}

const struct command cmd_explain = {
	"explain", "say why a unit would rebuild (which key input changed)",
	"usage: yoe explain UNIT [--machine M] [--distro D]\n"
	"\n"
	"Compares the unit's key inputs now (fields, steps, files, patches, .star\n"
	"files, dependency keys: see docs/unit-keys.md) with those of its last build,\n"
	"recorded by the build edge as <unit dir>/key.built, and lists each record that\n"
	"changed.  For file-level reasons ninja itself knows, use `ninja -d explain`.\n",
	run,
};
