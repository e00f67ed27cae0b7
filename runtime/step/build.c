/* runtime/step/build.c — runs a unit build (build.h).
 *
 * Order: resolve the sandbox (runtime, root, image, arch), record
 * `building`, truncate build.log, recreate destdir, assemble the sysroot,
 * run the steps (stopping at the first failure), then give the owner rwx on
 * every directory (recording destdir's original modes), stage destdir and
 * record the outcome.  Every failure ends in the same report: what failed,
 * the last 50 log lines, and where the whole log is. */
#include "step/build.h"
#include "step/container.h"
#include "step/env.h"
#include "step/install.h"
#include "step/proc.h"
#include "step/record.h"
#include "step/sandbox.h"
#include "step/tree.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The state of one build, so the steps share one set of paths. */
struct run {
	const struct unit_spec *u;
	const struct build_opts *o;
	char *src, *destdir, *sysroot, *stage, *log, *json;
	enum runtime rt;
	const char *rt_why;        /* how the runtime was chosen */
	char *exe;                 /* runtime executable */
	int disable_userns;        /* bwrap supports --disable-userns */
	struct kvlist env;         /* step environment */
	char *hide[4];             /* host paths hidden from host-root steps */
	char *qemu_interp;         /* qemu-user interpreter to bind, or NULL */
	char *dep_container;       /* rootfs dir / image id from a container dep */
	int logfd;
	struct build_record rec;
};

/* binfmt_for checks a qemu-user handler for arch is registered; *interp
 * gets the interpreter to bind when the handler needs it visible. */
static int binfmt_for(const char *arch, char **interp)
{
	char p[128];
	snprintf(p, sizeof p, "/proc/sys/fs/binfmt_misc/qemu-%s", !strcmp(arch, "arm64") ? "aarch64" : arch);
	char *s = read_file(p, NULL);
	int ok = binfmt_parse(s, interp);
	free(s);
	return ok;
}

/* container_from_deps finds the one build dep that is a container unit
 * (container.id beside its stage path) and returns its rootfs dir (kind
 * "rootfs") or image id (kind "image"), malloc'd; NULL if none or several. */
static char *container_from_deps(const struct unit_spec *u, const char *kind)
{
	char *found = NULL;
	int n = 0;
	for (size_t i = 0; i < u->deps.n; i++) {
		char *id = dep_container_id(u->deps.v[i].val);
		size_t kl = strlen(kind);
		if (id && !strncmp(id, kind, kl) && id[kl] == ' ') {
			free(found);
			char *dir = path_dirname(u->deps.v[i].val);
			found = !strcmp(kind, "rootfs") ? path_join(dir, "rootfs") : xstrdup(id + kl + 1);
			free(dir);
			n++;
		}
		free(id);
	}
	if (n != 1) {
		free(found);
		return NULL;
	}
	return found;
}

/* task_sandbox fills sb for task t: container root or image, arch. */
static int task_sandbox(struct run *r, const struct task *t, struct sandbox *sb, struct errbuf *e)
{
	const struct unit_spec *u = r->u;
	const char *c = t->container ? t->container : u->container;
	int host = !strcmp(c, "host");
	free(r->dep_container);
	r->dep_container = NULL;
	memset(sb, 0, sizeof *sb);
	sb->rt = r->rt;
	sb->exe = r->exe;
	sb->u = u;
	sb->t = t;
	sb->src = r->src;
	sb->destdir = r->destdir;
	sb->sysroot = r->sysroot;
	sb->files = u->files;   /* NULL unless the directory exists (spec.c) */
	sb->env = &r->env;
	sb->network = t->network;
	sb->uid = (unsigned)getuid();
	sb->gid = (unsigned)getgid();
	sb->disable_userns = r->disable_userns;
	sb->hide = (const char *const *)r->hide;
	/* a container unit's own arch is the arch its setup steps run as */
	sb->platform_arch = (host && !u->ctr.present) || !strcmp(u->container_arch, "host") ? host_arch() : u->arch;
	if (r->rt == RT_BWRAP) {
		sb->rootfs = host ? "/" : t->container_rootfs ? t->container_rootfs : u->container_rootfs;
		if (!sb->rootfs && (r->dep_container = container_from_deps(u, "rootfs")))
			sb->rootfs = r->dep_container;
		if (!sb->rootfs)
			return errf(e, "unit '%s' task '%s': container '%s' has no unpacked rootfs for bwrap; "
			            "make it a container unit with a rootfs tarball (container_rootfs in %s), or use --runtime=podman/docker",
			            u->name, t->name, c, u->path);
		free(r->qemu_interp);
		r->qemu_interp = NULL;
		if (strcmp(sb->platform_arch, host_arch()) && !binfmt_for(sb->platform_arch, &r->qemu_interp))
			return errf(e, "unit '%s' runs in a %s container but this host is %s and no qemu-user binfmt handler is registered; "
			            "install qemu-user-static and binfmt-support (apt-get install qemu-user-static binfmt-support)",
			            u->name, sb->platform_arch, host_arch());
		sb->qemu_interp = r->qemu_interp;
	} else {
		if (host && !u->ctr.present)  /* a container unit builds an image instead */
			return errf(e, "unit '%s': container = host runs on the host's root file system, which only the bwrap runtime provides; use --runtime=bwrap",
			            u->name);
		sb->image = t->container_image ? t->container_image : u->container_image;
		if (!sb->image && (strchr(c, ':') || strchr(c, '/')))
			sb->image = c;  /* an external image reference */
		if (!sb->image && (r->dep_container = container_from_deps(u, "image")))
			sb->image = r->dep_container;  /* the exact image id it built */
	}
	return 0;
}

static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\n");
	int more = s[n] != '\0';
	if (n > 100)
		n = 100, more = 1;
	return xasprintf("%.*s%s", (int)n, s, more ? " …" : "");
}

static void add_hide(struct run *r, size_t *n, const char *p)
{
	char rp[PATH_MAX];
	if (p && *p && realpath(p, rp) && strcmp(rp, "/"))
		r->hide[(*n)++] = xstrdup(rp);
}

static int setup(struct run *r, struct errbuf *e)
{
	const struct unit_spec *u = r->u;
	r->src = path_join(u->dir, "src");
	r->destdir = path_join(u->dir, "destdir");
	r->sysroot = path_join(u->dir, "sysroot");
	r->stage = path_join(u->dir, "stage");
	r->log = path_join(u->dir, "build.log");
	r->json = path_join(u->dir, "build.json");
	r->logfd = -1;
	if (runtime_select(r->o->runtime, &r->rt, &r->rt_why, e) != 0)
		return -1;
	r->exe = find_in_path(runtime_name(r->rt));
	if (!r->exe)
		return errf(e, "runtime %s: '%s' not found on PATH; install it (bwrap: apt-get install bubblewrap) or choose another with --runtime",
		            r->rt_why, runtime_name(r->rt));
	if (r->rt == RT_BWRAP)
		r->disable_userns = bwrap_has_disable_userns(r->exe);
	step_env(u, host_nproc(), &r->env);
	size_t n = 0;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	add_hide(r, &n, home);
	add_hide(r, &n, u->project_dir);
	add_hide(r, &n, xdg);
	r->hide[n] = NULL;
	return 0;
}

static void cleanup(struct run *r)
{
	free(r->src);
	free(r->destdir);
	free(r->sysroot);
	free(r->stage);
	free(r->log);
	free(r->json);
	free(r->exe);
	free(r->qemu_interp);
	free(r->dep_container);
	kv_free(&r->env);
	for (size_t i = 0; r->hide[i]; i++)
		free(r->hide[i]);
	if (r->logfd >= 0)
		close(r->logfd);
}

static void print_argv(FILE *f, char **v)
{
	for (; *v; v++) {
		char *x = spec_escape(*v);
		fprintf(f, "%s\n", x);
		free(x);
	}
}

/* run_container builds a container unit's container (container.h). */
static int run_container(struct run *r, FILE *print, struct errbuf *e, int *code)
{
	const struct unit_spec *u = r->u;
	struct task setup = u->ctr.setup;
	if (!setup.name)
		setup.name = "setup";
	struct sandbox sb;
	if (task_sandbox(r, &setup, &sb, e) != 0)
		return -1;
	int rc = container_build(u, &sb, r->logfd, print, e);
	if (rc != 0 && proc_cancelled())
		*code = 128 + proc_cancelled();
	return rc;
}

static int do_print_argv(struct run *r, struct errbuf *e)
{
	const struct unit_spec *u = r->u;
	int code = 0;
	if (u->ctr.present)
		return run_container(r, r->o->out, e, &code);
	for (size_t i = 0; i < u->ntasks; i++) {
		const struct task *t = &u->tasks[i];
		struct sandbox sb;
		if (task_sandbox(r, t, &sb, e) != 0)
			return -1;
		for (size_t j = 0; j < t->nsteps; j++) {
			const struct step *s = &t->steps[j];
			fprintf(r->o->out, "# task %s step %zu/%zu\n", t->name, j + 1, t->nsteps);
			if (s->kind != STEP_SHELL) {
				fprintf(r->o->out, "# %s %s -> %s (mode %04o, on the host)\n",
				        s->kind == STEP_INSTALL ? "install_file" : "install_template", s->src, s->dest, s->mode);
				continue;
			}
			struct strvec argv = {0};
			sb.step_no = j + 1;
			if (sandbox_argv(&sb, s->text, &argv, e) != 0) {
				sv_free(&argv);
				return -1;
			}
			print_argv(r->o->out, argv.v);
			sv_free(&argv);
		}
	}
	return 0;
}

/* finish records the outcome; on failure it prints the report. */
static int finish(struct run *r, const char *status, const char *msg, int code)
{
	struct errbuf e = {{0}};
	clock_gettime(CLOCK_REALTIME, &r->rec.finished);
	r->rec.status = status;
	r->rec.error = msg;
	/* whatever modes the steps left, the owner can delete the trees (a
	 * successful build did destdir before staging, recording its modes) */
	if (strcmp(status, "complete"))
		tree_unlock(r->destdir, NULL, &e);
	tree_unlock(r->src, NULL, &e);
	/* sysroot/ and stage/ are hard links to files counted elsewhere */
	static const char *const links[] = {"sysroot", "stage", "stage.tmp", NULL};
	r->rec.installed_bytes = tree_size(r->destdir, NULL);
	r->rec.disk_bytes = tree_size(r->u->dir, links);
	if (r->logfd >= 0 && msg)
		blog_printf(r->logfd, "==> %s: %s\n", status, msg);
	if (record_write(r->json, &r->rec, &e) != 0 && !msg) {
		fprintf(stderr, "container-step: error: %s\n", e.msg);
		return 1;
	}
	if (msg) {
		fprintf(stderr, "container-step: error: unit '%s': %s\n", r->u->name, msg);
		if (r->logfd >= 0) {
			fprintf(stderr, "--- last 50 lines of %s ---\n", r->log);
			blog_tail(r->log, 50, stderr);
			fprintf(stderr, "--- full log: %s\n", r->log);
		}
	}
	return code;
}

/* bwrap_failed tells a failure of bwrap itself (its messages start with
 * "bwrap: ") from a failing step, so the report can say what to fix. */
static int bwrap_failed(const char *log)
{
	char *text = read_file(log, NULL);
	int hit = text && (!strncmp(text, "bwrap: ", 7) || strstr(text, "\nbwrap: "));
	free(text);
	return hit;
}

static int install_step(struct run *r, const struct task *t, size_t j, struct errbuf *e)
{
	const struct step *s = &t->steps[j];
	const char *what = s->kind == STEP_INSTALL ? "install_file" : "install_template";
	blog_printf(r->logfd, "==> [%s %zu/%zu] %s %s -> %s\n", t->name, j + 1, t->nsteps, what, s->src, s->dest);
	if (install_run(r->u, s, &r->env, r->destdir, e) == 0)
		return 0;
	blog_printf(r->logfd, "%s: error: %s\n", what, e->msg);
	char *m = xasprintf("task '%s' step %zu/%zu (%s %s, %s:%d) failed: %s", t->name, j + 1, t->nsteps,
	                    what, s->src, r->u->path, s->line, e->msg);
	errf(e, "%s", m);
	free(m);
	return -1;
}

static int shell_step(struct run *r, struct sandbox *sb, const struct task *t, size_t j, struct errbuf *e, int *code)
{
	const struct step *s = &t->steps[j];
	char *head = first_line(s->text);
	blog_printf(r->logfd, "==> [%s %zu/%zu] %s\n", t->name, j + 1, t->nsteps, head);
	struct strvec argv = {0};
	sb->step_no = j + 1;
	int st = sandbox_argv(sb, s->text, &argv, e);
	if (st == 0)
		st = proc_run(argv.v, r->logfd, r->rt != RT_BWRAP, e);
	sv_free(&argv);
	if (st > 0 && proc_cancelled()) {
		*code = 128 + proc_cancelled();
		errf(e, "cancelled by signal %d during task '%s' step %zu/%zu: %s", proc_cancelled(), t->name, j + 1, t->nsteps, head);
	} else if (st > 0) {
		int bw = r->rt == RT_BWRAP && st == 1 && bwrap_failed(r->log);
		errf(e, "task '%s' step %zu/%zu (%s:%d) failed with exit code %d: %s%s", t->name, j + 1, t->nsteps,
		     r->u->path, s->line, st, head,
		     bw ? " — bwrap itself failed (its message is in the log); if it cannot create namespaces, unprivileged user "
		          "namespaces are disabled here: sysctl kernel.unprivileged_userns_clone=1 (Debian) or "
		          "kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu), or use --runtime=podman" : "");
	}
	free(head);
	return st == 0 ? 0 : -1;
}

static int run_steps(struct run *r, struct errbuf *e, int *code)
{
	const struct unit_spec *u = r->u;
	for (size_t i = 0; i < u->ntasks; i++) {
		const struct task *t = &u->tasks[i];
		struct sandbox sb;
		if (task_sandbox(r, t, &sb, e) != 0)
			return -1;
		blog_printf(r->logfd, "==> task %s (%zu steps)%s\n", t->name, t->nsteps, t->network ? " [network]" : "");
		for (size_t j = 0; j < t->nsteps; j++) {
			if (proc_cancelled()) {
				*code = 128 + proc_cancelled();
				return errf(e, "cancelled by signal %d before task '%s' step %zu", proc_cancelled(), t->name, j + 1);
			}
			int rc = t->steps[j].kind == STEP_SHELL ? shell_step(r, &sb, t, j, e, code) : install_step(r, t, j, e);
			if (rc != 0)
				return -1;
		}
	}
	return 0;
}

static int unlock_destdir(struct run *r, struct errbuf *e)
{
	char *modes = path_join(r->u->dir, "destdir.modes");
	int rc = tree_unlock(r->destdir, modes, e);
	free(modes);
	return rc;
}

static int assemble(struct run *r, struct errbuf *e)
{
	int reused = 0;
	if (sysroot_assemble(&r->u->deps, r->sysroot, e, &reused) != 0)
		return -1;
	blog_printf(r->logfd, "==> sysroot: %zu build deps%s\n", r->u->deps.n, reused ? " (unchanged, reused)" : "");
	return 0;
}

int build_unit(const struct unit_spec *u, const struct build_opts *o)
{
	struct run r = {.u = u, .o = o, .rec = {.disk_bytes = -1, .installed_bytes = -1}};
	struct errbuf e = {{0}};
	int code = 1;
	if (setup(&r, &e) != 0) {
		fprintf(stderr, "container-step: error: %s\n", e.msg);
		cleanup(&r);
		return 1;
	}
	if (o->print_argv) {
		code = do_print_argv(&r, &e) != 0 ? (fprintf(stderr, "container-step: error: %s\n", e.msg), 1) : 0;
		cleanup(&r);
		return code;
	}
	r.rec.unit = u->name;
	r.rec.key = u->key;
	r.rec.runtime = runtime_name(r.rt);
	r.rec.status = "building";
	clock_gettime(CLOCK_REALTIME, &r.rec.started);
	if (mkdir_p(u->dir, 0755) != 0 || record_write(r.json, &r.rec, &e) != 0 ||
	    (r.logfd = blog_open(r.log, &e)) < 0) {
		fprintf(stderr, "container-step: error: %s%s\n", e.msg[0] ? "" : u->dir, e.msg[0] ? e.msg : ": cannot create the unit directory");
		cleanup(&r);
		return 1;
	}
	blog_printf(r.logfd, "==> unit %s %s-r%s (%s), key %s, runtime %s\n", u->name, u->version, u->release, u->scope,
	            u->key[0] ? u->key : "-", r.rt_why);
	int cache_ok = 1;  /* per-unit cache dirs persist between builds */
	for (size_t i = 0; i < u->cache.n; i++)
		cache_ok &= mkdir_p(u->cache.v[i].val, 0755) == 0;
	if (!cache_ok) {
		code = finish(&r, "failed", "cannot create the unit's [cache] directories (check the paths in the spec)", 1);
	} else if (mkdir_p(r.src, 0755) != 0 || tree_remove(r.destdir) != 0 || mkdir_p(r.destdir, 0755) != 0) {
		code = finish(&r, "failed", "cannot create src/ and destdir/ in the unit directory (check its permissions)", 1);
	} else if (assemble(&r, &e) != 0) {
		code = finish(&r, "failed", e.msg, 1);
	} else if ((u->ctr.present ? run_container(&r, NULL, &e, &code) : run_steps(&r, &e, &code)) != 0) {
		code = finish(&r, code > 128 ? "cancelled" : "failed", e.msg, code);
	} else if (u->ctr.present) {
		blog_printf(r.logfd, "==> complete\n");  /* a container has no stage */
		code = finish(&r, "complete", NULL, 0);
	} else if (blog_printf(r.logfd, "==> stage\n"), unlock_destdir(&r, &e) != 0 || tree_link(r.destdir, r.stage, &e) != 0) {
		code = finish(&r, "failed", e.msg, 1);
	} else {
		blog_printf(r.logfd, "==> complete\n");
		code = finish(&r, "complete", NULL, 0);
	}
	cleanup(&r);
	return code;
}
