/* gen/cli/cmd_module.c — `yoe module sync|lock|list`: fetch the project's
 * modules into cache/modules/, record their commits in yoe.lock, and show
 * each module's state. */
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "yoe/eval.h"
#include "yoe/modpins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_module;

/* missing returns the first fetchable module the last load could not find. */
static struct yoe_module *missing(struct yoe_project *p)
{
	for (size_t i = 0; i < p->nmodules; i++) {
		struct yoe_module *m = p->modules[i];
		if (!m->available && !*m->local && m->clone_dir && *m->clone_dir)
			return m;
	}
	return NULL;
}

static int sync_one(struct yoe_project *p, struct yoe_module *m, bool paranoid)
{
	const char *pin = yoe_module_pin(p, m);
	struct module_sync_opts o = {m->url, m->ref, pin, m->clone_dir, paranoid, 0, 0};
	char commit[GIT_HEX_LEN + 1];
	struct ferr e = {{0}};
	printf("module %s: %s%s%s\n", m->basename, m->url, *m->ref ? " @ " : "", m->ref);
	fflush(stdout);
	if (module_sync(&o, commit, &e) != 0) {
		fprintf(stderr, "yoe module sync: error: module \"%s\": %s\n", m->basename, e.msg);
		return -1;
	}
	printf("  -> %s%s\n", commit, pin ? " (pinned)" : "");
	return 0;
}

static int do_sync(const char *root, bool paranoid)
{
	/* Loading stops at the first missing module; fetch it and load again, so
	 * transitive modules (named in MODULE.star files) are found too.  Already
	 * present modules are brought to their pin. */
	for (int round = 0; round < 256; round++) {
		struct yoe_project *p = yoe_load(root, &(struct yoe_load_opts){0});
		struct yoe_module *m = missing(p);
		if (m) {
			int r = sync_one(p, m, paranoid);
			yoe_project_free(p);
			if (r)
				return 1;
			continue;
		}
		int rc = 0;
		for (size_t i = 0; i < p->nmodules && !rc; i++)
			if (!*p->modules[i]->local && yoe_module_pin(p, p->modules[i]))
				rc = sync_one(p, p->modules[i], paranoid) ? 1 : 0;
		if (!rc && p->err) {
			fprintf(stderr, "%s\n", p->err);
			rc = 1;
		}
		yoe_project_free(p);
		return rc;
	}
	fprintf(stderr, "yoe module sync: error: more than 256 modules to fetch (a module cycle?)\n");
	return 1;
}

static int do_list(struct yoe_project *p)
{
	printf("%-16s %-8s %-42s %-12s %s\n", "NAME", "STATE", "COMMIT", "REF", "URL");
	for (size_t i = 0; i < p->nmodules; i++) {
		const struct yoe_module *m = p->modules[i];
		const char *pin = yoe_module_pin(p, m);
		const char *state = "local";
		char head[GIT_HEX_LEN + 1] = "";
		if (!*m->local) {
			struct ferr e = {{0}};
			int st = m->available ? module_check(m->clone_dir, pin, 0, head, &e) : MODULE_MISSING;
			state = module_state_name(st);
		}
		const char *commit = pin ? pin : *head ? head : "-";
		printf("%-16s %-8s %-42s %-12s %s%s\n", m->name, state, commit, *m->ref ? m->ref : "-",
		       *m->local ? m->local : m->url, pin ? "" : *m->local ? "" : " (unpinned)");
	}
	return 0;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(&cmd_module, "which subcommand? (sync, lock or list)");
	const char *sub = argv[1];
	bool paranoid = getenv("CI") && !strcmp(getenv("CI"), "true");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--paranoid"))
			paranoid = true;
		else if (!strcmp(argv[i], "--no-paranoid"))
			paranoid = false;
		else
			return usage_error(&cmd_module, "unexpected argument '%s'", argv[i]);
	}
	char *root = project_find();
	if (!root)
		return 1;
	int rc;
	if (!strcmp(sub, "sync")) {
		rc = do_sync(root, paranoid);
	} else if (!strcmp(sub, "lock") || !strcmp(sub, "list")) {
		struct yoe_project *p = yoe_load(root, &(struct yoe_load_opts){0});
		if (!strcmp(sub, "list")) {
			rc = do_list(p);
		} else if (p->err) {
			fprintf(stderr, "%s\n", p->err);
			rc = 1;
		} else {
			rc = yoe_lock_write(p) ? 1 : 0;
			if (rc)
				fprintf(stderr, "%s\n", p->err);
			else
				printf("yoe module lock: wrote %s/yoe.lock\n", root);
		}
		yoe_project_free(p);
	} else {
		rc = usage_error(&cmd_module, "unknown subcommand '%s' (sync, lock or list)", sub);
	}
	free(root);
	return rc;
}

const struct command cmd_module = {
	"module", "fetch modules, record their commits, show their state",
	"usage: yoe module sync|lock|list [--paranoid|--no-paranoid]\n"
	"\n"
	"  sync   clone missing modules into cache/modules/<name> (and the modules\n"
	"         their MODULE.star files name), and check every pinned module out\n"
	"         at its pin: module(commit=...) or its yoe.lock entry\n"
	"  lock   write yoe.lock: the commit every fetched module is at now\n"
	"  list   name, state (clean, moved, modified, extra-files, missing, local),\n"
	"         commit, ref and URL of every module\n"
	"\n"
	"--paranoid (the default when CI=true) refuses modules without a commit pin.\n"
	"`yoe gen` checks every fetched module against its pin and refuses a checkout\n"
	"at another commit or with modified files.\n",
	run,
};
