/* gen/cli/cmd_audit.c — `yoe audit`: inputs that are not pinned — units whose
 * source has no sha256 (archives) or commit (git), and modules without a
 * commit pin.  --strict makes any finding exit 1 (for CI). */
#include "cli/cli.h"
#include "yoe/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_audit;


static int run(int argc, char **argv)
{
	struct yoe_load_opts o = {0};
	bool strict = false;
	for (int i = 1; i < argc; i++) {
		int r = yoe_model_opt(argc, argv, &i, &o);
		if (r < 0)
			return usage_error(&cmd_audit, "%s needs a value", argv[i]);
		if (r)
			continue;
		if (!strcmp(argv[i], "--strict"))
			strict = true;
		else
			return usage_error(&cmd_audit, "unexpected argument '%s'", argv[i]);
	}
	struct yoe_session s;
	if (open_session(&s, &o))
		return 1;
	size_t n, findings = 0;
	struct yoe_unit **v = yoe_active_units(s.p, &n);
	for (size_t i = 0; i < n; i++) {
		const struct yoe_unit *u = v[i];
		const char *where = yoe_relpath(s.p, u->pos.file ? u->pos.file : u->file);
		if (!*u->source || !strncmp(u->source, "file://", 7))
			continue;
		/* a tag/branch/commit means git even without a .git suffix */
		if (yoe_source_is_git(u->source) || *u->tag || *u->branch || *u->commit) {
			if (!*u->commit) {
				const char *ref = *u->tag ? ar_printf(&s.p->arena, " (tag \"%s\" can move)", u->tag)
				                 : *u->branch ? ar_printf(&s.p->arena, " (branch \"%s\" moves)", u->branch)
				                              : "";
				printf("%s:%d:%d: unit \"%s\": git source %s has no commit pin%s (add commit = \"<40 hex>\")\n",
				       where, u->pos.line, u->pos.col, u->name, u->source, ref);
				findings++;
			}
		} else if (!*u->sha256 && !*u->apk_checksum) {
			printf("%s:%d:%d: unit \"%s\": source %s has no sha256 (add sha256 = \"<64 hex>\")\n", where,
			       u->pos.line, u->pos.col, u->name, u->source);
			findings++;
		}
	}
	free(v);
	for (size_t i = 0; i < s.p->nmodules; i++) {
		const struct yoe_module *m = s.p->modules[i];
		if (*m->local || *m->commit)
			continue;
		printf("module \"%s\" (%s%s%s): no commit pin (add commit = \"<40 hex>\" to its module(...))\n", m->name,
		       m->url, *m->ref ? " @ " : "", m->ref);
		findings++;
	}
	printf("%zu finding%s\n", findings, findings == 1 ? "" : "s");
	yoe_session_close(&s);
	return strict && findings ? 1 : 0;
}

const struct command cmd_audit = {
	"audit", "list unpinned sources and modules (--strict: exit 1 if any)",
	"usage: yoe audit [--strict] [--machine M] [--distro D]\n\n"
	"Reports every unit whose source is not pinned (an archive without sha256,\n"
	"a git source without commit) and every module without a commit pin\n"
	"(local= modules are exempt).  With --strict the exit status is 1 when\n"
	"anything is reported.\n",
	run,
};
