/* gen/cli/cmd_run.c — `yoe run [IMAGE]`: boot a built image in QEMU, on the
 * terminal, in the background (--daemon) or as a boot test that watches the
 * serial console for a prompt.  The project says which image and machine
 * (and so which build directory); the image's qemu.ini, written by `yoe
 * gen`, says everything QEMU needs.  The guest boots a grown copy of the
 * image in <build dir>/run/, never the build output.  docs/run.md. */
#include "cli/cli.h"
#include "cli/qemu.h"
#include "emit/specs.h"
#include "yoe/session.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern const struct command cmd_run;

#define DEFAULT_EXPECT "login: *$|[#$] $"

struct run_opts {
	struct yoe_load_opts lo;
	const char *image, *memory, *display;
	struct qemu_port *ports;
	size_t nports;
	uint64_t grow;
	bool keep_disk, daemon, boot_test, dry_run, quiet;
	const char **expect;          /* --expect, in order */
	size_t nexpect;
	double timeout;
	bool timeout_set;
};

/* Where the image is: from the evaluated project. */
struct where {
	char *root;                   /* project directory */
	char *image, *machine;
	char *dir;                    /* build/<distro>/<image>.<machine>, relative */
};

/* opt_value matches `--name VALUE` and `--name=VALUE` at argv[*i]: 1 with
 * *val set, 0 not this option, -1 value missing. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	const struct command *cmd = &cmd_run;
	o->grow = 1ull << 30;
	o->timeout = 120;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		int r = yoe_model_opt(argc, argv, &i, &o->lo);
		if (r < 0)
			return usage_error(cmd, "%s needs a value", a);
		if (r)
			continue;
		static const char *const valued[] = {"--port", "--memory", "--display", "--grow",
		                                     "--expect", "--timeout", NULL};
		int k = 0;
		for (; valued[k] && !(r = opt_value(argc, argv, &i, valued[k], &v)); k++)
			;
		if (r < 0)
			return usage_error(cmd, "%s needs a value", a);
		if (r && k == 0) {
			struct qemu_port p;
			if (qemu_port_parse(v, &p) < 0)
				return usage_error(cmd, "--port %s: expected HOST:GUEST, like 2222:22", v);
			o->ports = realloc(o->ports, (o->nports + 1) * sizeof *o->ports);
			o->ports[o->nports++] = p;
		} else if (r && (k == 1 || k == 3)) {
			uint64_t sz;
			if (qemu_size_parse(v, &sz) < 0 || (k == 1 && !sz))
				return usage_error(cmd, "%s %s: expected a size like 512M or 2G", valued[k], v);
			if (k == 1)
				o->memory = v;
			else
				o->grow = sz;
		} else if (r && k == 2) {
			if (!*v)
				return usage_error(cmd, "--display needs a value (none, gtk, sdl, vnc=:1...)");
			o->display = v;
		} else if (r && k == 4) {
			o->expect = realloc(o->expect, (o->nexpect + 1) * sizeof *o->expect);
			o->expect[o->nexpect++] = v;
		} else if (r && k == 5) {
			char *end;
			o->timeout = strtod(v, &end);
			if (end == v || *end || !(o->timeout > 0) || o->timeout > 1e6)
				return usage_error(cmd, "--timeout %s: expected seconds, like 120", v);
			o->timeout_set = true;
		} else if (!strcmp(a, "--keep-disk")) {
			o->keep_disk = true;
		} else if (!strcmp(a, "--daemon")) {
			o->daemon = true;
		} else if (!strcmp(a, "--boot-test")) {
			o->boot_test = true;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (a[0] == '-') {
			return usage_error(cmd, "unknown option '%s'", a);
		} else if (o->image) {
			return usage_error(cmd, "one IMAGE at a time ('%s' and '%s')", o->image, a);
		} else {
			o->image = a;
		}
	}
	if (!o->boot_test && (o->nexpect || o->timeout_set || o->quiet))
		return usage_error(cmd, "%s only applies to --boot-test",
		                   o->nexpect ? "--expect" : o->timeout_set ? "--timeout" : "-q");
	if (o->boot_test && o->daemon)
		return usage_error(cmd, "--boot-test and --daemon do not mix");
	return 0;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

/* locate evaluates the project and finds the image's build directory.
 * 0 ok; 1 after printing an error. */
static int locate(const struct run_opts *o, struct where *w)
{
	struct yoe_session s;
	if (open_session(&s, &o->lo))
		return 1;
	struct yoe_project *p = s.p;
	const char *image = o->image ? o->image : p->def_image;
	int rc = 1;
	struct yoe_machine *m = yoe_machine_get(p, p->machine);
	struct yoe_dag *dag = NULL;
	int node = -1;
	for (size_t d = 0; d < s.ndags && node < 0; d++)
		if ((node = yoe_dag_find(&s.dags[d], image)) >= 0)
			dag = &s.dags[d];
	if (!*image) {
		fprintf(stderr, "yoe run: error: no image named and the project has no default "
		        "(yoe run IMAGE, or defaults(image = ...) in PROJECT.star)\n");
	} else if (!dag) {
		fprintf(stderr, "yoe run: error: no image named '%s' in the build for machine %s "
		        "(see `yoe query`)\n", image, p->machine);
	} else if (strcmp(dag->nodes[node]->class, "image")) {
		fprintf(stderr, "yoe run: error: '%s' is a %s unit, not an image\n", image,
		        dag->nodes[node]->class);
	} else if (m && !m->qemu.set) {
		fprintf(stderr, "%s:%d:%d: error: machine '%s' has no qemu_config, so yoe run cannot "
		        "boot it (add qemu = qemu_config(...) to the machine)\n",
		        m->pos.file ? yoe_relpath(p, m->pos.file) : "PROJECT.star", m->pos.line,
		        m->pos.col, m->name);
	} else {
		struct lower_paths lp;
		lower_unit_paths(p, dag->nodes[node], dag->distro, &lp);
		w->root = xstrdup(p->root);
		w->image = xstrdup(image);
		w->machine = xstrdup(p->machine);
		w->dir = xstrdup(lp.dir);
		rc = 0;
	}
	yoe_session_close(&s);
	return rc;
}

static const char *rel(const struct where *w, const char *path)
{
	size_t n = strlen(w->root);
	return !strncmp(path, w->root, n) && path[n] == '/' ? path + n + 1 : path;
}

/* need says a build output is missing and how to make it. */
static int need(const struct where *w, const char *path, const char *what)
{
	fprintf(stderr, "yoe run: error: %s%s does not exist: run 'yoe gen && ninja %s-%s' first\n",
	        what, rel(w, path), w->image, w->machine);
	return 1;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* port_busy: can QEMU's user network not bind this host port? */
static bool port_busy(int port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (s < 0)
		return false;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* as QEMU does */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	bool busy = bind(s, (struct sockaddr *)&a, sizeof a) < 0 && errno == EADDRINUSE;
	close(s);
	return busy;
}

static void say_ports(const struct qemu_conf *c)
{
	for (size_t i = 0; i < c->nports; i++)
		if (c->ports[i].guest == 22)
			fprintf(stderr, "yoe run: host port %d -> guest port 22 (ssh -p %d root@localhost)\n",
			        c->ports[i].host, c->ports[i].host);
		else
			fprintf(stderr, "yoe run: host port %d -> guest port %d\n", c->ports[i].host,
			        c->ports[i].guest);
}

/* boot_test watches the console for each expectation in turn. */
static int boot_test(const struct run_opts *o, const struct where *w, struct qemu_plan *pl,
                     struct qargv *a, regex_t *res)
{
	fprintf(stderr, "yoe run: boot test of %s on %s (%s): waiting up to %g s for", w->image,
	        w->machine, !strcmp(pl->accel, "kvm") ? "KVM" : "TCG", o->timeout);
	for (size_t k = 0; k < o->nexpect; k++)
		fprintf(stderr, "%s /%s/", k ? " then" : "", o->expect[k]);
	fputc('\n', stderr);
	struct qemu_con con;
	if (qemu_con_start(&con, pl->bin, a->v, true, o->quiet ? -1 : 1) < 0) {
		fprintf(stderr, "yoe run: error: cannot start %s: %s\n", pl->bin, strerror(errno));
		return 1;
	}
	double deadline = con.t0 + o->timeout;
	int r = CON_MATCH;
	size_t k = 0;
	for (; k < o->nexpect && r == CON_MATCH; k++)
		if ((r = qemu_con_wait(&con, &res[k], deadline)) != CON_MATCH)
			break;
	double took = qemu_now() - con.t0;
	if (!o->quiet && con.len && con.text[con.len - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
	if (r == CON_MATCH) {
		fprintf(stderr, "yoe run: boot test passed: the console showed /%s/ after %.1f s\n",
		        o->expect[o->nexpect - 1], took);
		qemu_con_send(&con, "poweroff\n");
		int e = qemu_con_wait(&con, NULL, qemu_now() + 10);
		if (e != CON_EXIT)
			fprintf(stderr, "yoe run: the guest did not power off within 10 s; stopping QEMU\n");
		qemu_con_free(&con);
		return e == CON_SIGNAL ? 128 + qemu_signalled() : 0;
	}
	if (r == CON_SIGNAL) {
		qemu_con_free(&con);
		fprintf(stderr, "yoe run: interrupted; QEMU stopped\n");
		return 128 + qemu_signalled();
	}
	/* the console as the guest left it, before QEMU's own goodbye */
	fprintf(stderr, "--- last 40 console lines ---\n");
	qemu_con_tail(&con, 40, stderr);
	fprintf(stderr, "---\n");
	qemu_con_stop(&con);
	if (r == CON_TIMEOUT)
		fprintf(stderr, "yoe run: error: boot test failed: the console did not show /%s/ "
		        "within %g s (--timeout S waits longer)\n", o->expect[k], o->timeout);
	else
		fprintf(stderr, "yoe run: error: boot test failed: QEMU ended (%s) after %.1f s, "
		        "before the console showed /%s/\n", qemu_con_describe(con.status), took,
		        o->expect[k]);
	qemu_con_free(&con);
	return 1;
}

/* daemon starts QEMU with -daemonize: it returns once the guest runs. */
static int daemon_run(const struct where *w, const struct qemu_plan *pl, struct qargv *a)
{
	struct qemu_con con;
	if (qemu_con_start(&con, pl->bin, a->v, false, 2) < 0) {
		fprintf(stderr, "yoe run: error: cannot start %s: %s\n", pl->bin, strerror(errno));
		return 1;
	}
	int r = qemu_con_wait(&con, NULL, qemu_now() + 120);
	int ok = r == CON_EXIT && WIFEXITED(con.status) && !WEXITSTATUS(con.status);
	if (!ok)
		fprintf(stderr, "yoe run: error: QEMU did not start (%s)\n",
		        r == CON_EXIT ? qemu_con_describe(con.status) : "no answer within 120 s");
	qemu_con_free(&con);
	if (!ok)
		return 1;
	long pid = qemu_running(pl->pidfile);
	fprintf(stderr, "yoe run: %s runs in the background", w->image);
	if (pid > 0)
		fprintf(stderr, " as pid %ld", pid);
	fprintf(stderr, "\nyoe run: console log: %s\nyoe run: pidfile:     %s\n"
	        "yoe run: stop it with: kill $(cat %s)\n", pl->log, pl->pidfile, pl->pidfile);
	say_ports(pl->c);
	return 0;
}

/* prepare_disk makes (or, with --keep-disk, reuses) the run copy. */
static int prepare_disk(const struct run_opts *o, const struct where *w, const char *src,
                        const char *copy)
{
	struct stat a, b;
	if (o->keep_disk && stat(copy, &b) == 0) {
		fprintf(stderr, "yoe run: reusing %s (--keep-disk)\n", rel(w, copy));
		if (stat(src, &a) == 0 && a.st_mtim.tv_sec > b.st_mtim.tv_sec)
			fprintf(stderr, "yoe run: note: the image was rebuilt after this copy was made; "
			        "drop --keep-disk to boot the new build\n");
		return 0;
	}
	fprintf(stderr, "yoe run: copying the image to %s (+%llu MiB)\n", rel(w, copy),
	        (unsigned long long)(o->grow >> 20));
	return qemu_disk_copy(src, copy, o->grow) ? 1 : 0;
}

static int start(const struct run_opts *o, const struct where *w, struct qemu_conf *c,
                 regex_t *res)
{
	char *bin = qemu_find_binary(qemu_binary_name(c->arch));
	if (!bin && !o->dry_run) {
		fprintf(stderr, "yoe run: error: %s is not installed (not on PATH); on Debian: "
		        "apt-get install %s\n", qemu_binary_name(c->arch), qemu_debian_package(c->arch));
		return 1;
	}
	char *rundir, *copy, *log, *pidfile;
	if (asprintf(&rundir, "%s/%s/run", w->root, w->dir) < 0
	    || asprintf(&copy, "%s/%s.img", rundir, w->image) < 0
	    || asprintf(&log, "%s/console.log", rundir) < 0
	    || asprintf(&pidfile, "%s/qemu.pid", rundir) < 0)
		abort();
	struct qemu_plan pl = {
		.c = c, .bin = bin ? bin : qemu_binary_name(c->arch), .accel = "tcg",
		.disk = *c->image ? copy : NULL,
		.memory = o->memory ? o->memory : *c->memory ? c->memory : "1G",
		.display = o->display ? o->display : *c->display ? c->display : "none",
		.mode = o->boot_test ? QEMU_TEST : o->daemon ? QEMU_DAEMON : QEMU_TERM,
		.log = log, .pidfile = pidfile,
	};
	int rc = 0;
	long pid = o->dry_run ? 0 : qemu_running(pidfile);
	if (pid) {
		fprintf(stderr, "yoe run: error: %s on %s is already running (pid %ld, holding %s): "
		        "stop it first (kill %ld)\n", w->image, w->machine, pid, rel(w, pidfile), pid);
		rc = 1;
	}
	for (size_t i = 0; !rc && !o->dry_run && i < c->nports; i++)
		if (port_busy(c->ports[i].host)) {
			fprintf(stderr, "yoe run: error: host port %d is in use (is an earlier yoe run "
			        "still running?); --port %d:%d forwards another one\n", c->ports[i].host,
			        c->ports[i].host + 1, c->ports[i].guest);
			rc = 1;
		}
	if (!rc && !o->dry_run && pl.disk)
		rc = prepare_disk(o, w, c->image, copy);
	qemu_signals();
	/* the probe boots the copy under -snapshot; a dry run, which makes no
	 * copy, boots the image itself the same way (QEMU writes nothing) */
	const char *probe_disk = !pl.disk ? NULL : o->dry_run && !exists(copy) ? c->image : copy;
	if (!rc && qemu_pick_accel(&pl, probe_disk) < 0)
		rc = qemu_signalled() ? 128 + qemu_signalled() : 1;
	if (!rc && !bin)
		fprintf(stderr, "yoe run: warning: %s is not installed; showing the command anyway\n",
		        pl.bin);
	struct qargv a = {0};
	if (!rc)
		qemu_build_argv(&pl, &a);
	if (rc) {
	} else if (o->dry_run) {
		qa_print(&a, stdout);
	} else if (pl.mode == QEMU_TEST) {
		rc = boot_test(o, w, &pl, &a, res);
	} else if (pl.mode == QEMU_DAEMON) {
		rc = daemon_run(w, &pl, &a);
	} else {
		fprintf(stderr, "yoe run: booting %s on %s (%s)\n", w->image, w->machine,
		        !strcmp(pl.accel, "kvm") ? "KVM" : "TCG");
		say_ports(c);
		fprintf(stderr, "yoe run: the serial console follows; Ctrl-A X quits QEMU\n");
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		fflush(NULL);
		execv(pl.bin, a.v);
		fprintf(stderr, "yoe run: error: cannot run %s: %s\n", pl.bin, strerror(errno));
		rc = 1;
	}
	qa_free(&a);
	free(bin), free(rundir), free(copy), free(log), free(pidfile);
	return rc;
}

static int run(int argc, char **argv)
{
	struct run_opts o = {0};
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	if (o.boot_test && !o.nexpect) {
		static const char *def[] = {DEFAULT_EXPECT};
		o.expect = realloc(o.expect, sizeof *o.expect);
		o.expect[0] = def[0];
		o.nexpect = 1;
	}
	regex_t *res = calloc(o.nexpect + 1, sizeof *res);
	size_t nres = 0;
	for (; nres < o.nexpect; nres++) {
		int e = regcomp(&res[nres], o.expect[nres], REG_EXTENDED | REG_NEWLINE);
		if (e) {
			char msg[200];
			regerror(e, &res[nres], msg, sizeof msg);
			rc = usage_error(&cmd_run, "--expect '%s': %s", o.expect[nres], msg);
			break;
		}
	}
	struct where w = {0};
	struct qemu_conf c = {0};
	char *ini = NULL;
	if (!rc)
		rc = locate(&o, &w);
	if (!rc && asprintf(&ini, "%s/%s/qemu.ini", w.root, w.dir) < 0)
		abort();
	if (rc) {
	} else if (!exists(ini)) {
		rc = need(&w, ini, "");
	} else if (qemu_conf_read(&c, ini, w.root) < 0) {
		rc = 1;
	} else if (*c.image && !exists(c.image)) {
		rc = need(&w, c.image, "the image ");
	} else if (!strcmp(c.boot, "direct") && !exists(c.kernel)) {
		rc = need(&w, c.kernel, "the kernel ");
	} else {
		if (*c.initrd && !exists(c.initrd)) {
			fprintf(stderr, "yoe run: note: no initrd at %s; booting without one\n",
			        rel(&w, c.initrd));
			c.initrd[0] = '\0';
		}
		for (size_t i = 0; i < o.nports; i++)
			qemu_port_set(&c, o.ports[i]);
		rc = start(&o, &w, &c, res);
	}
	for (size_t i = 0; i < nres; i++)
		regfree(&res[i]);
	free(res);
	qemu_conf_free(&c);
	free(ini);
	free(w.root), free(w.image), free(w.machine), free(w.dir);
	free(o.ports);
	free(o.expect);
	return rc;
}

const struct command cmd_run = {
	"run", "boot a built image in QEMU (terminal, --daemon or --boot-test)",
	"usage: yoe run [IMAGE] [--machine M] [--distro D] [--port HOST:GUEST]...\n"
	"               [--memory SIZE] [--display D] [--grow SIZE] [--keep-disk]\n"
	"               [--daemon | --boot-test [--expect REGEX]... [--timeout S] [-q]]\n"
	"               [--dry-run]\n"
	"\n"
	"Boots IMAGE (default: the project's default image) built for machine M\n"
	"(default: local.star, then the project's default machine) in QEMU.  It reads\n"
	"build/<distro>/<IMAGE>.<M>/qemu.ini, which `yoe gen` writes for machines\n"
	"with a qemu_config; build the image first: yoe gen && ninja IMAGE-M.\n"
	"\n"
	"The guest boots a copy of the image, <build dir>/run/IMAGE.img, made afresh\n"
	"on each run (sparse, grown by --grow SIZE, default 1G, so the guest has\n"
	"room); the build output is never written.  Images with boot = direct boot\n"
	"their kernel (and initrd) with -kernel/-initrd/-append.\n"
	"\n"
	"  --port H:G      forward host TCP port H to guest port G (repeatable); one\n"
	"                  for a guest port the machine already forwards replaces it\n"
	"  --memory SIZE   guest memory (default: the machine's, else 1G)\n"
	"  --display D     none (serial console only), default, gtk, sdl, vnc=:1...\n"
	"                  (default: the machine's, else none)\n"
	"  --grow SIZE     grow the disk copy by SIZE (K/M/G/T; 0: not at all)\n"
	"  --keep-disk     reuse the existing copy, so what the guest wrote survives\n"
	"  --daemon        run in the background: console to run/console.log, pid in\n"
	"                  run/qemu.pid (kill $(cat .../run/qemu.pid) stops it)\n"
	"  --boot-test     headless: watch the serial console until it shows each\n"
	"                  --expect REGEX in turn (POSIX extended, matched per line\n"
	"                  against the console with ANSI escapes removed; default\n"
	"                  '" DEFAULT_EXPECT "': a shell or login prompt), then send\n"
	"                  `poweroff` and exit 0.  After --timeout S (default 120)\n"
	"                  or when QEMU ends first, print the last 40 console lines\n"
	"                  and exit 1.  The console is echoed to stdout unless -q.\n"
	"  --dry-run       print the QEMU command line and exit (no copy, no boot)\n"
	"\n"
	"On the terminal the serial console is this terminal: Ctrl-A X quits QEMU.\n"
	"\n"
	"Acceleration: KVM when the guest's arch is the host's, /dev/kvm opens, and a\n"
	"probe boot under KVM works (its verdict is cached per host boot and QEMU\n"
	"binary in $XDG_CACHE_HOME/yoe/kvm-probe); else TCG.  The choice is printed.\n"
	"\n"
	"Environment:\n"
	"  YOE_QEMU_ACCEL=kvm|tcg   use this accelerator, no probe\n"
	"  YOE_KVM_DEVICE=PATH      the KVM device to check (default /dev/kvm)\n"
	"  XDG_CACHE_HOME           where the probe verdict is cached (~/.cache)\n"
	"\n"
	"Needs qemu-system-x86_64, -aarch64 or -riscv64 on PATH (Debian packages\n"
	"qemu-system-x86, qemu-system-arm, qemu-system-misc).  Exit status: 0 ok,\n"
	"1 failure (a failed boot test), 2 usage error.  See docs/run.md.\n",
	run,
};
