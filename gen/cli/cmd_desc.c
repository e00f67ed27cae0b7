/* gen/cli/cmd_desc.c — `yoe desc UNIT`: every field of a unit, its resolved
 * dependencies, its key and the inputs that feed the key. */
#include "cli/cli.h"
#include "yoe/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_desc;

static void line(const char *k, const char *v)
{
	if (*v)
		printf("%-20s %s\n", k, v);
}

static void list(struct yoe_project *p, const char *k, const struct strlist *l)
{
	if (l->n)
		printf("%-20s %s\n", k, sv_join(&p->arena, l, " "));
}

static void lmap(struct yoe_project *p, const char *k, const struct yoe_lmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		printf("%-20s %s: %s\n", k, m->keys[i], sv_join(&p->arena, &m->vals[i], " "));
}

static void smap(const char *k, const struct yoe_smap *m)
{
	for (size_t i = 0; i < m->n; i++)
		printf("%-20s %s=%s\n", k, m->keys[i], m->vals[i]);
}

static void describe(struct yoe_session *s, struct yoe_unit *u)
{
	struct yoe_project *p = s->p;
	printf("%-20s %s\n", "name", u->name);
	line("class", u->class);
	line("version", u->version);
	printf("%-20s %lld\n", "release", (long long)u->release);
	line("description", u->description);
	line("license", u->license);
	line("scope", u->scope);
	line("distro", u->distro);
	printf("%-20s %s\n", "module", *u->module ? u->module : "(project)");
	printf("%-20s %d\n", "priority", u->module_index);
	printf("%-20s %s:%d:%d\n", "defined at", yoe_relpath(p, u->pos.file ? u->pos.file : u->file), u->pos.line,
	       u->pos.col);
	line("source", u->source);
	line("sha256", u->sha256);
	line("tag", u->tag);
	line("branch", u->branch);
	line("commit", u->commit);
	list(p, "mirrors", &u->mirrors);
	list(p, "patches", &u->patches);
	list(p, "deps", &u->deps);
	lmap(p, "distro_deps", &u->distro_deps);
	list(p, "runtime_deps", &u->runtime_deps);
	lmap(p, "distro_runtime_deps", &u->distro_runtime_deps);
	list(p, "provides", &u->provides);
	list(p, "replaces", &u->replaces);
	list(p, "services", &u->services);
	list(p, "conffiles", &u->conffiles);
	line("container", u->container);
	line("container_arch", u->container_arch);
	printf("%-20s %s\n", "sandbox", u->sandbox ? "true" : "false");
	line("shell", u->shell);
	smap("environment", &u->environment);
	smap("cache_dirs", &u->cache_dirs);
	list(p, "artifacts", &u->artifacts);
	list(p, "exclude", &u->exclude);
	line("hostname", u->hostname);
	line("timezone", u->timezone);
	line("locale", u->locale);
	for (size_t i = 0; i < u->npartitions; i++)
		printf("%-20s %s %s %s%s\n", "partition", u->partitions[i].label, u->partitions[i].type,
		       u->partitions[i].size, u->partitions[i].root ? " (root)" : "");
	line("unbuildable_machine", u->unbuildable_machine);
	list(p, "kernel_distros", &u->machine_kernel_distros);
	for (size_t i = 0; i < u->nextra; i++) {
		struct buf b = {0};
		yoe_json_value(&b, u->extra_vals[i]);
		printf("%-20s %s=%s\n", "extra", u->extra_keys[i], b.data);
		buf_free(&b);
	}
	for (size_t t = 0; t < u->ntasks; t++) {
		printf("task %s%s%s%s\n", u->tasks[t].name, *u->tasks[t].container ? " (container " : "",
		       u->tasks[t].container, *u->tasks[t].container ? ")" : "");
		for (size_t k = 0; k < u->tasks[t].nsteps; k++) {
			const struct yoe_step *st = &u->tasks[t].steps[k];
			if (st->kind == YS_CMD)
				printf("  $ %s\n", st->text);
			else if (st->kind == YS_FN)
				printf("  fn %s()\n", st->text);
			else
				printf("  %s %s/%s -> %s (0%o)\n", st->kind == YS_INSTALL_FILE ? "install_file" : "install_template",
				       yoe_relpath(p, st->base_dir), st->src, st->dest, (unsigned)st->mode);
		}
	}
	int node;
	struct yoe_dag *dag = yoe_session_dag(s, u, &node);
	if (!dag) {
		printf("(not in any build graph: no distro it is visible in is in use)\n");
		return;
	}
	printf("%-20s %s\n", "build distro", *dag->distro ? dag->distro : "(none)");
	for (size_t k = 0; k < dag->nedges[node]; k++)
		printf("%-20s %s\n", k ? "" : "resolved deps", dag->nodes[dag->edges[node][k]]->name);
	for (size_t k = 0; k < dag->nruntime[node]; k++)
		printf("%-20s %s\n", k ? "" : "resolved runtime", dag->nodes[dag->runtime[node][k]]->name);
	printf("%-20s %s\n", "key", dag->keys[node]);
	printf("key inputs (docs/unit-keys.md):\n");
	char *t = yoe_key_text(p, dag, (size_t)node);
	for (char *l = t, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl)
			nl = l + strlen(l) - 1;
		printf("  %.*s\n", (int)(nl - l), l);
	}
	free(t);
}

static int run(int argc, char **argv)
{
	struct yoe_load_opts o = {0};
	const char *name;
	int urc = unit_args(&cmd_desc, argc, argv, &o, &name);
	if (urc)
		return urc;
	struct yoe_session s;
	int rc = open_session(&s, &o);
	if (rc == 0) {
		size_t n;
		struct yoe_unit **v = yoe_find_units(s.p, name, &n);
		if (!n) {
			const char *prov = yoe_provider(s.p, name, yoe_project_distro(s.p));
			if (prov)
				fprintf(stderr, "yoe: error: \"%s\" is a virtual name provided by \"%s\" (try yoe desc %s)\n", name,
				        prov, prov);
			else
				fprintf(stderr, "yoe: error: no unit named \"%s\" (see yoe query)\n", name);
			rc = 1;
		}
		for (size_t i = 0; i < n; i++) {
			if (i)
				printf("\n");
			describe(&s, v[i]);
		}
		free(v);
	}
	yoe_session_close(&s);
	return rc ? 1 : 0;
}

const struct command cmd_desc = {
	"desc", "show a unit: fields, resolved deps, key and its inputs",
	"usage: yoe desc [--machine M] [--distro D] UNIT\n\n"
	"Prints every field of UNIT (each distro variant when there are several),\n"
	"where it was defined, the dependencies as resolved through provides, its\n"
	"unit key and the canonical text the key hashes (docs/unit-keys.md).\n",
	run,
};
