/* runtime/step/main.c — `container-step`: the command line.  Everything
 * else lives in the other files of runtime/step/ so tests can link it. */
#include "step/build.h"
#include "step/proc.h"
#include "step/sandbox.h"
#include "lib/log.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"usage: container-step [options] UNIT.INI\n"
	"\n"
	"Builds one unit as `yoe gen` described it in UNIT.INI (see docs/step.md):\n"
	"assembles build/.../sysroot/ from the build deps' staged trees, runs every\n"
	"step of every task in a fresh unprivileged sandbox, stages destdir/ into\n"
	"stage/, and writes build.log and build.json in the unit dir (by default\n"
	"the directory of UNIT.INI).  A spec with [container] builds a container\n"
	"unit instead (a rootfs for bwrap, an image for podman/docker).\n"
	"\n"
	"options:\n"
	"  --runtime=NAME  sandbox: bwrap, podman, docker or auto (default: $YOE_RUNTIME,\n"
	"                  then `runtime` in ~/.config/yoe/config.ini, then auto:\n"
	"                  the first of bwrap, podman, docker on PATH)\n"
	"  --print-argv    print the exact sandbox command of every step (one\n"
	"                  argument per line, escaped as in the spec) and run nothing\n"
	"  --check         parse UNIT.INI and report errors, run nothing\n"
	"  -h, --help      this text\n"
	"\n"
	"exit status: 0 built, 1 failed (the failing step, its exit code and the\n"
	"last 50 log lines are printed), 2 usage error, 128+N cancelled by signal N.\n";

int main(int argc, char **argv)
{
	log_init(argv[0]);
	struct build_opts o = {.out = stdout};
	const char *spec = NULL;
	int check = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strncmp(a, "--runtime=", 10)) {
			o.runtime = a + 10;
		} else if (!strcmp(a, "--runtime") && i + 1 < argc) {
			o.runtime = argv[++i];
		} else if (!strcmp(a, "--print-argv") || !strcmp(a, "--dry-run")) {
			o.print_argv = 1;
		} else if (!strcmp(a, "--check")) {
			check = 1;
		} else if (a[0] == '-' || spec) {
			log_error("unexpected argument '%s' (see 'container-step --help')", a);
			return 2;
		} else {
			spec = a;
		}
	}
	if (!spec) {
		log_error("no unit spec given (usage: container-step [options] UNIT.INI; see --help)");
		return 2;
	}
	struct unit_spec u;
	struct errbuf e = {{0}};
	if (spec_load(spec, &u, &e) != 0) {
		fprintf(stderr, "%s: %s\n", log_progname(), e.msg);
		spec_free(&u);
		return 1;
	}
	int rc = 0;
	if (!check) {
		umask(022);  /* file modes in destdir must not depend on the caller */
		proc_signals();
		rc = build_unit(&u, &o);
	}
	spec_free(&u);
	return rc;
}
