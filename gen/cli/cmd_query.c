/* gen/cli/cmd_query.c — `yoe query`: list the resolved units, as text or as
 * the stable JSON documented in docs/query-json.md. */
#include "cli/cli.h"
#include "yoe/session.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_query;

static void json_list(struct buf *b, const struct strlist *l)
{
	buf_addc(b, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_addc(b, ',');
		yoe_json_str(b, l->v[i]);
	}
	buf_addc(b, ']');
}

static void json_unit(struct buf *b, struct yoe_project *p, const struct yoe_unit *u)
{
	buf_adds(b, "{\"name\":");
	yoe_json_str(b, u->name);
	buf_adds(b, ",\"class\":");
	yoe_json_str(b, u->class);
	buf_adds(b, ",\"module\":");
	yoe_json_str(b, u->module);
	buf_adds(b, ",\"version\":");
	yoe_json_str(b, u->version);
	char rel[32];
	snprintf(rel, sizeof rel, ",\"release\":%lld", (long long)u->release);
	buf_adds(b, rel);
	buf_adds(b, ",\"scope\":");
	yoe_json_str(b, u->scope);
	buf_adds(b, ",\"distro\":");
	yoe_json_str(b, u->distro);
	buf_adds(b, ",\"source\":");
	yoe_json_str(b, u->source);
	buf_adds(b, ",\"deps\":");
	json_list(b, &u->deps);
	buf_adds(b, ",\"runtime_deps\":");
	json_list(b, &u->runtime_deps);
	buf_adds(b, ",\"provides\":");
	json_list(b, &u->provides);
	buf_adds(b, ",\"container\":");
	yoe_json_str(b, u->container);
	buf_adds(b, ",\"defined_in\":");
	yoe_json_str(b, yoe_relpath(p, u->defined_in));
	buf_adds(b, ",\"key\":");
	yoe_json_str(b, u->key);
	buf_addc(b, '}');
}

static const char *dash(const char *s)
{
	return *s ? s : "-";
}

static int run(int argc, char **argv)
{
	struct yoe_load_opts o = {0};
	bool json = false;
	const char *pattern = NULL;
	for (int i = 1; i < argc; i++) {
		int r = yoe_model_opt(argc, argv, &i, &o);
		if (r < 0)
			return usage_error(&cmd_query, "%s needs a value", argv[i]);
		if (r)
			continue;
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-')
			return usage_error(&cmd_query, "unknown option '%s'", argv[i]);
		else if (pattern)
			return usage_error(&cmd_query, "one PATTERN at most (got '%s' and '%s')", pattern, argv[i]);
		else
			pattern = argv[i];
	}
	struct yoe_session s;
	if (open_session(&s, &o))
		return 1;
	size_t n;
	struct yoe_unit **v = yoe_active_units(s.p, &n);
	struct buf b = {0};
	if (json)
		buf_adds(&b, "[");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct yoe_unit *u = v[i];
		if (pattern && fnmatch(pattern, u->name, 0))
			continue;
		if (json) {
			buf_adds(&b, shown ? ",\n" : "\n");
			json_unit(&b, s.p, u);
		} else {
			buf_printf(&b, "%s %s %s %s %s\n", u->name, dash(u->version), u->class,
			           *u->module ? u->module : "(project)", dash(u->scope));
		}
		shown++;
	}
	if (json)
		buf_adds(&b, shown ? "\n]\n" : "]\n");
	if (b.len)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	free(v);
	yoe_session_close(&s);
	return 0;
}

const struct command cmd_query = {
	"query", "list the project's resolved units",
	"usage: yoe query [--json] [--machine M] [--distro D] [PATTERN]\n\n"
	"Evaluates the project and prints one line per unit that won its name:\n"
	"  name version class module scope\n"
	"(\"-\" for an empty field, \"(project)\" for units of the project itself).\n"
	"PATTERN is a shell glob on the unit name.\n\n"
	"  --json        an array, sorted by name, of objects with the keys name,\n"
	"                class, module, version, release, scope, distro, source, deps,\n"
	"                runtime_deps, provides, container, defined_in, key\n"
	"                (a stable interface: see docs/query-json.md)\n"
	"  --machine M   evaluate for machine M instead of the default\n"
	"  --distro D    override the project's default distro\n"
	"  --show-shadows  print a notice for every unit a higher-priority module shadows\n",
	run,
};
