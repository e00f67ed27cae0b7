/* gen/cli/cmd_gen.c — `yoe gen`: evaluate the project (once per machine),
 * lower it into the build graph and write build.ninja (or a Make fragment,
 * or a file for `subninja`), atomically and only when it changed. */
#include "cli/cli.h"
#include "emit/emit.h"
#include "emit/lower.h"
#include "emit/speccache.h"
#include "emit/specs.h"
#include "yoe/eval.h"
#include "yoe/modpins.h"
#include "yoe/session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const struct command cmd_gen;

struct gen_args {
	struct strlist machines;  /* --machine, in order */
	bool all_machines;        /* --all-machines */
	const char *distro;       /* --distro */
	const char *format;       /* ninja | make */
	const char *output;       /* -o */
	bool subninja;            /* --subninja */
	const char *build_dir;    /* --build-dir */
	const char *prefix;       /* --prefix */
	int paranoid;             /* --paranoid / --no-paranoid; -1: CI=true decides */
};

static int parse(int argc, char **argv, struct gen_args *a)
{
	memset(a, 0, sizeof *a);
	a->format = "ninja";
	a->paranoid = -1;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char **slot = !strcmp(o, "--distro") ? &a->distro
		                    : !strcmp(o, "--format") ? &a->format
		                    : !strcmp(o, "-o") || !strcmp(o, "--output") ? &a->output
		                    : !strcmp(o, "--build-dir") ? &a->build_dir
		                    : !strcmp(o, "--prefix") ? &a->prefix : NULL;
		if (slot || !strcmp(o, "--machine")) {
			if (i + 1 >= argc)
				return usage_error(&cmd_gen, "option %s needs a value", o);
			if (slot)
				*slot = argv[++i];
			else
				sv_push(&a->machines, argv[++i]);
		} else if (!strcmp(o, "--all-machines")) {
			a->all_machines = true;
		} else if (!strcmp(o, "--subninja")) {
			a->subninja = true;
		} else if (!strcmp(o, "--paranoid") || !strcmp(o, "--no-paranoid")) {
			a->paranoid = o[2] == 'p';
		} else {
			return usage_error(&cmd_gen, "unknown argument '%s'", o);
		}
	}
	if (strcmp(a->format, "ninja") && strcmp(a->format, "make"))
		return usage_error(&cmd_gen, "--format takes ninja or make, not '%s'", a->format);
	if (a->subninja && strcmp(a->format, "ninja"))
		return usage_error(&cmd_gen, "--subninja writes ninja; drop --format %s", a->format);
	if (a->all_machines && a->machines.n)
		return usage_error(&cmd_gen, "--all-machines and --machine exclude each other");
	return 0;
}

/* relpath returns the path of `to` relative to directory `from` (both
 * absolute, normalised), with a trailing slash, or "" when equal. */
static char *relpath(const char *from, const char *to)
{
	size_t common = 0, i = 0;
	for (; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i;
	if (!from[i] && (to[i] == '/' || !to[i]))
		common = i;
	else if (!to[i] && from[i] == '/')
		common = i;
	struct buf b = {0};
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			buf_adds(&b, "../");
	const char *rest = to + common;
	if (*rest == '/')
		rest++;
	if (*rest)
		buf_printf(&b, "%s/", rest);
	if (!b.data)
		buf_adds(&b, "");
	return b.data;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* check_sources refuses, under --paranoid, a unit whose source is not
 * pinned by sha256 (archives) or commit (git).  -1 with p->err set. */
static int check_sources(struct yoe_project *p, const struct yoe_session *s)
{
	for (size_t d = 0; d < s->ndags; d++)
		for (size_t i = 0; i < s->dags[d].n; i++) {
			const struct yoe_unit *u = s->dags[d].nodes[i];
			if (!*u->source || *u->sha256 || *u->commit)
				continue;
			return yoe_error(p, &u->pos, "unit \"%s\": source %s is not pinned and --paranoid is "
			                 "on (CI=true): add sha256 = \"...\" (archives) or commit = \"<40 hex>\" "
			                 "(git)", u->name, u->source);
		}
	return 0;
}

/* regen_args rebuilds gen's own arguments for the regen rule (shell- and
 * ninja-quoted), with the output relative to the project root. */
static char *regen_args(const struct gen_args *a, const char *out_rel)
{
	struct buf b = {0};
	for (size_t i = 0; i < a->machines.n; i++) {
		char *q = lower_shq(a->machines.v[i]);
		buf_printf(&b, "--machine %s ", q);
		free(q);
	}
	if (a->all_machines)
		buf_adds(&b, "--all-machines ");
	if (a->distro) {
		char *q = lower_shq(a->distro);
		buf_printf(&b, "--distro %s ", q);
		free(q);
	}
	if (a->paranoid >= 0)
		buf_adds(&b, a->paranoid ? "--paranoid " : "--no-paranoid ");
	char *q = lower_shq(out_rel);
	buf_printf(&b, "-o %s", q);
	free(q);
	return b.data;
}

/* restat tells ninja's log that build.ninja is current, so a manual gen
 * that left it unchanged does not make the next ninja regenerate. */
static void ninja_restat(const char *root, const char *out)
{
	char log[PATH_MAX];
	snprintf(log, sizeof log, "%s/.ninja_log", root);
	if (access(log, F_OK) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		if (chdir(root) == 0) {
			int fd = open("/dev/null", O_WRONLY);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execlp("ninja", "ninja", "-t", "restat", out, (char *)NULL);
		}
		_exit(127);
	}
	int st;
	if (pid > 0)
		waitpid(pid, &st, 0);
}

/* write_output writes the graph to path when its bytes changed (through
 * the spec cache: an unchanged build.ninja costs a hash and a stat, not a
 * 4 MiB compare).  No fsync: build.ninja is regenerated by `yoe gen`.
 * Returns 1 when written, 0 when unchanged, -1 on error (reported). */
static int write_output(const char *path, const struct emit_graph *g, bool make)
{
	char err[512] = "", *text = NULL;
	size_t len = 0;
	int rc;
	if (make) {
		FILE *f = open_memstream(&text, &len);
		rc = f ? emit_make(g, f, err, sizeof err) : -1;
		if (f && fclose(f) != 0 && rc == 0)
			snprintf(err, sizeof err, "out of memory"), rc = -1;
	} else {
		rc = emit_ninja_text(g, &text, &len, err, sizeof err);
	}
	if (rc != 0) {
		free(text);
		fprintf(stderr, "yoe: error: %s: %s\n", path, *err ? err : strerror(errno));
		return -1;
	}
	rc = speccache_write_atomic(path, text, len);
	free(text);
	if (rc < 0)
		fprintf(stderr, "yoe: error: cannot write %s: %s\n", path, strerror(errno));
	return rc;
}

/* machine_list: --machine values, every machine (--all-machines, default
 * first), or just the default (NULL). */
static int machine_list(const char *root, const struct gen_args *a, struct strlist *out)
{
	if (!a->all_machines) {
		if (!a->machines.n)
			sv_push(out, NULL);
		for (size_t i = 0; i < a->machines.n; i++)
			sv_push(out, a->machines.v[i]);
		return 0;
	}
	struct yoe_load_opts o = {.distro = a->distro};
	struct yoe_project *p = yoe_load(root, &o);
	if (p->err) {
		fprintf(stderr, "%s\n", p->err);
		yoe_project_free(p);
		return -1;
	}
	size_t n;
	const char **names = sm_keys(&p->machines, &n);
	sv_push(out, strdup(p->machine));
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], p->machine))
			sv_push(out, strdup(names[i]));
	free(names);
	yoe_project_free(p);
	return 0;
}

static int run(int argc, char **argv)
{
	struct gen_args a;
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc;
	double t0 = now_ms();
	char *root = project_find();
	if (!root)
		return 1;
	bool make = !strcmp(a.format, "make");
	const char *ci = getenv("CI");
	bool paranoid = a.paranoid >= 0 ? a.paranoid : ci && !strcmp(ci, "true");
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		snprintf(cwd, sizeof cwd, "%s", root);
	/* Where the consuming build runs: the project root, or --build-dir
	 * (default: here) for subninja. */
	char *bdir = NULL;
	if (a.build_dir || a.subninja) {
		bdir = realpath(a.build_dir ? a.build_dir : ".", NULL);
		if (!bdir) {
			fprintf(stderr, "yoe: error: --build-dir %s: %s\n", a.build_dir, strerror(errno));
			free(root);
			return 1;
		}
	}
	char *top = bdir ? relpath(bdir, root) : strdup("");
	const char *def_out = make ? "yoe.mk" : a.subninja ? "yoe.ninja" : "build.ninja";
	const char *out_dir = a.output ? (a.output[0] == '/' ? "" : cwd) : a.subninja ? cwd : root;
	char *out_abs = NULL;
	if (asprintf(&out_abs, "%s%s%s", out_dir, *out_dir ? "/" : "", a.output ? a.output : def_out) < 0)
		out_abs = NULL;
	size_t rn = strlen(root);
	const char *out_rel = !strncmp(out_abs, root, rn) && out_abs[rn] == '/' ? out_abs + rn + 1
	                                                                       : out_abs;
	char self[PATH_MAX];
	ssize_t sn = readlink("/proc/self/exe", self, sizeof self - 1);
	self[sn > 0 ? sn : 0] = '\0';
	char *cd = *top ? strndup(top, strlen(top) - 1) : NULL;
	char *rargs = regen_args(&a, out_rel);
	struct lower_opts lo = {
		.helpers = libexec_dir(),
		.yoe = self,
		.regen_args = rargs,
		.top = top,
		.cd = cd,
		.prefix = a.prefix ? a.prefix : a.subninja ? "yoe-" : "",
		.output = out_rel,
		.subninja = a.subninja || make,
		.make = make,
	};
	struct emit_graph *g = emit_graph_new();
	struct lower l;
	lower_init(&l, g, &lo);
	struct strlist machines = {0};
	rc = machine_list(root, &a, &machines) ? 1 : 0;
	struct yoe_session *sess = calloc(machines.n + 1, sizeof *sess);
	char *sc = NULL;
	if (asprintf(&sc, "%s/build/.yoe-gen-cache", root) >= 0)
		speccache_open(sc);
	free(sc);
	/* The projects live until the graph is written: lowering keeps pointers
	 * into their arenas. */
	for (size_t i = 0; i < machines.n && !rc; i++) {
		struct yoe_load_opts o = {.machine = machines.v[i], .distro = a.distro};
		if (yoe_session_open(&sess[i], root, &o) < 0) {
			rc = 1;
			break;
		}
		struct yoe_project *p = sess[i].p;
		if (yoe_modules_verify(p, paranoid) < 0 || (paranoid && check_sources(p, &sess[i]) < 0)) {
			fprintf(stderr, "%s\n", p->err);
			rc = 1;
			break;
		}
		if (lower_machine(&l, p, sess[i].dags, sess[i].ndags, i == 0) != 0) {
			fprintf(stderr, "%s\n", l.err);
			rc = 1;
			break;
		}
		lower_collect_inputs(&l, p);
	}
	char err[1024];
	if (!rc && lower_finish(&l) != 0) {
		fprintf(stderr, "%s\n", l.err);
		rc = 1;
	}
	if (!rc && emit_check(g, err, sizeof err) != 0) {
		fprintf(stderr, "yoe: error: %s\n", err);
		rc = 1;
	}
	int written = rc ? -1 : write_output(out_abs, g, make);
	if (!rc && written < 0)
		rc = 1;
	speccache_close();
	/* gen once listed the regeneration inputs in build.ninja.d; a stale
	 * one would only mislead. */
	if (!rc && !lo.subninja) {
		char *dep = NULL;
		if (asprintf(&dep, "%s.d", out_abs) >= 0)
			unlink(dep);
		free(dep);
	}
	/* Only a rewritten build.ninja needs ninja's log told it is current
	 * (an unchanged one kept its mtime and log entry), and only after a
	 * manual gen: when ninja runs the regen edge (YOE_REGEN), it records
	 * the new build.ninja itself, and a restat would rewrite the log it is
	 * using (~30-200 ms for a 16,000-entry log). */
	const char *regen = getenv("YOE_REGEN");
	if (written > 0 && !make && !a.subninja && !(regen && *regen))
		ninja_restat(root, out_rel);
	if (!rc)
		printf("yoe gen: %d units, %zu edges, %d machine%s, %.0f ms -> %s\n", l.units, g->nedges,
		       l.machines, l.machines == 1 ? "" : "s", now_ms() - t0, out_rel);
	/* lower keeps pointers into the projects' arenas: free it first */
	lower_free(&l);
	for (size_t i = 0; i < machines.n; i++)
		yoe_session_close(&sess[i]);
	free(sess);
	if (a.all_machines)
		for (size_t i = 0; i < machines.n; i++)
			free((char *)machines.v[i]);
	free(machines.v);
	free(a.machines.v);
	emit_graph_free(g);
	free(rargs);
	free(cd);
	free(top);
	free(out_abs);
	free(bdir);
	free(root);
	return rc;
}

const struct command cmd_gen = {
	"gen", "write build.ninja (or a Make fragment) for the project",
	"usage: yoe gen [--machine M]... [--all-machines] [--distro D]\n"
	"               [--format ninja|make] [-o FILE] [--subninja [--build-dir DIR] [--prefix P]]\n"
	"\n"
	"Evaluates the project and writes the build graph, then `ninja TARGET` builds:\n"
	"every unit by name, every image by name, image-<machine> (and image-<alias>),\n"
	"<image>-<machine>, all (the default images) and world (every unit).\n"
	"\n"
	"  --machine M      build for machine M (repeat for several; default: local.star,\n"
	"                   then defaults(machine=)); arch-scoped units are shared\n"
	"  --all-machines   every machine the project defines\n"
	"  --distro D       override the default distro\n"
	"  --paranoid       refuse unpinned sources and modules (default when CI=true;\n"
	"                   --no-paranoid turns it off)\n"
	"  --format make    write a GNU Make fragment (default yoe.mk) for `include`\n"
	"  -o FILE          output file (default build.ninja in the project root)\n"
	"  --subninja       write a file for `subninja` from another build: paths relative\n"
	"                   to --build-dir (default: the current directory), no regen\n"
	"                   edge, phony names prefixed with --prefix (default yoe-)\n"
	"\n"
	"build.ninja regenerates itself when any .star file, unit files directory or\n"
	"listed directory changes.  The file is rewritten only when its content changes.\n",
	run,
};
