/* runtime/step/spec.c — reads unit.ini (spec.h) into struct unit_spec.
 *
 * The INI dialect — value escapes, `key+ = ...` continuation lines, the
 * refusal of over-long lines and of a raw ` ;` — is runtime/lib/specini.c,
 * shared with apk-sign (which reads the [package] section, ignored here).
 * This file knows the sections and keys container-step reads and checks. */
#include "step/spec.h"
#include "lib/fsutil.h"
#include "lib/specini.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ctx {
	struct unit_spec *u;
	struct errbuf *e;
	int failed;
	int line;  /* line of the key being handled */
};

char *spec_unescape(const char *in, struct errbuf *e)
{
	char msg[sizeof e->msg];
	char *r = specini_unescape(in, msg, sizeof msg);
	if (!r)
		errf(e, "%s", msg);
	return r;
}

char *spec_escape(const char *in)
{
	char *r = specini_escape(in);
	if (!r) {  /* as xrealloc does */
		fputs("container-step: error: out of memory\n", stderr);
		abort();
	}
	return r;
}

/* fail records the first error with its location and stops the handler. */
static int fail(struct ctx *c, const char *fmt, const char *a, const char *b)
{
	if (!c->failed) {
		char msg[1024];
		if (snprintf(msg, sizeof msg, fmt, a, b ? b : "") >= (int)sizeof msg)
			strcpy(msg + sizeof msg - 4, "...");
		errf(c->e, "%s:%d: error: %s", c->u->path, c->line, msg);
	}
	c->failed = 1;
	return 0;
}

#define UF(f) { #f, offsetof(struct unit_spec, f) }
static const struct { const char *name; size_t off; } unit_fields[] = {
	UF(name), UF(version), UF(release), UF(arch), UF(machine), UF(distro),
	UF(console), UF(project), UF(project_version), UF(key), UF(scope),
	UF(shell), UF(container), UF(container_arch), UF(container_rootfs),
	UF(container_image), UF(files_dir), UF(files), UF(source_date_epoch), UF(sandbox), UF(dir),
	UF(project_dir),
};

static int parse_bool(const char *v, int *out)
{
	static const char *t[] = {"1", "true", "True", "yes"}, *f[] = {"0", "false", "False", "no", ""};
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(v, t[i]))
			return *out = 1, 0;
	for (size_t i = 0; i < 5; i++)
		if (!strcmp(v, f[i]))
			return *out = 0, 0;
	return -1;
}

static struct step *new_step(struct task *t, enum step_kind k, int line)
{
	if (t->nsteps == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->steps = xrealloc(t->steps, t->cap * sizeof *t->steps);
	}
	struct step *s = &t->steps[t->nsteps++];
	memset(s, 0, sizeof *s);
	s->kind = k;
	s->line = line;
	return s;
}

/* install_fields splits "MODE SRC DEST" on raw spaces, then unescapes each
 * field (a space inside a path is written \s). */
static int install_fields(struct ctx *c, struct step *s, const char *raw)
{
	char *copy = xstrdup(raw), *save = NULL, *f[4] = {0};
	int n = 0;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (n < 4)
			f[n++] = w;
	int ok = n == 3;
	char *end = NULL;
	long mode = ok ? strtol(f[0], &end, 8) : 0;
	if (!ok || *end || mode < 0 || mode > 07777) {
		free(copy);
		return fail(c, "install/template wants 'MODE SRC DEST' (octal mode, e.g. 0644 src/a.conf $DESTDIR/etc/a.conf), got '%s'%s", raw, NULL);
	}
	s->mode = (int)mode;
	s->src = spec_unescape(f[1], c->e);
	s->dest = s->src ? spec_unescape(f[2], c->e) : NULL;
	free(copy);
	if (!s->dest)
		return fail(c, "%s%s", c->e->msg, NULL);
	return 1;
}

static int task_key(struct ctx *c, struct task *t, const char *name, const char *val, const char *raw)
{
	if (!strcmp(name, "network")) {
		if (parse_bool(val, &t->network))
			return fail(c, "network wants true or false, got '%s'%s", val, NULL);
		return 1;
	}
	char **slot = !strcmp(name, "container") ? &t->container
		: !strcmp(name, "container_rootfs") ? &t->container_rootfs
		: !strcmp(name, "container_image") ? &t->container_image : NULL;
	if (slot) {
		free(*slot);
		*slot = xstrdup(val);
		return 1;
	}
	if (!strcmp(name, "step")) {
		struct step *s = new_step(t, STEP_SHELL, c->line);
		s->text = xstrdup(val);
		return 1;
	}
	if (!strcmp(name, "install") || !strcmp(name, "template")) {
		struct step *s = new_step(t, name[0] == 'i' ? STEP_INSTALL : STEP_TEMPLATE, c->line);
		return install_fields(c, s, raw);
	}
	return fail(c, "unknown key '%s' in [%s] (known: network, container, container_rootfs, container_image, step, install, template)", name, t->name);
}

static int container_key(struct ctx *c, const char *name, const char *val)
{
	struct container_spec *k = &c->u->ctr;
	k->present = 1;
	if (!strcmp(name, "setup")) {
		if (!k->setup.name)
			k->setup.name = xstrdup("setup");
		k->setup.network = 1;  /* installing packages needs it */
		struct step *s = new_step(&k->setup, STEP_SHELL, c->line);
		s->text = xstrdup(val);
		return 1;
	}
	char **slot = !strcmp(name, "rootfs_tarball") ? &k->rootfs_tarball
		: !strcmp(name, "dockerfile") ? &k->dockerfile
		: !strcmp(name, "context") ? &k->context
		: !strcmp(name, "image") ? &k->image : NULL;
	if (!slot)
		return fail(c, "unknown key '%s' in [container] (known: rootfs_tarball, dockerfile, context, image, setup)%s", name, NULL);
	free(*slot);
	*slot = xstrdup(val);
	return 1;
}

static struct task *task_for(struct ctx *c, const char *section)
{
	const char *n = section + 5;
	while (*n == ' ')
		n++;
	char *name = xstrdup(n);
	size_t l = strlen(name);
	if (l >= 2 && name[0] == '"' && name[l - 1] == '"') {
		memmove(name, name + 1, l - 2);
		name[l - 2] = '\0';
	}
	struct unit_spec *u = c->u;
	if (u->ntasks && !strcmp(u->tasks[u->ntasks - 1].name, name)) {
		free(name);
		return &u->tasks[u->ntasks - 1];
	}
	for (size_t i = 0; i < u->ntasks; i++)
		if (!strcmp(u->tasks[i].name, name)) {
			fail(c, "task '%s' appears twice; give each [task NAME] section once%s", name, NULL);
			free(name);
			return NULL;
		}
	u->tasks = xrealloc(u->tasks, (u->ntasks + 1) * sizeof *u->tasks);
	struct task *t = &u->tasks[u->ntasks++];
	memset(t, 0, sizeof *t);
	t->name = name;
	return t;
}

/* handle takes one key of the spec (a specini_fn). */
static int handle(void *user, const struct specini_entry *en)
{
	struct ctx *c = user;
	const char *section = en->section, *name = en->key, *val = en->value;
	c->line = en->line;
	int r = 1;
	struct unit_spec *u = c->u;
	struct kvlist *l = !strcmp(section, "env") ? &u->env : !strcmp(section, "vars") ? &u->vars
		: !strcmp(section, "deps") ? &u->deps : !strcmp(section, "cache") ? &u->cache : NULL;
	if (l) {
		if (kv_get(l, name) && l != &u->env && l != &u->vars)
			r = fail(c, "'%s' appears twice in [%s]", name, section);
		else
			kv_set(l, name, val);
	} else if (!strcmp(section, "unit")) {
		size_t i;
		for (i = 0; i < sizeof unit_fields / sizeof *unit_fields; i++)
			if (!strcmp(unit_fields[i].name, name))
				break;
		if (i == sizeof unit_fields / sizeof *unit_fields) {
			r = fail(c, "unknown key '%s' in [unit] (see docs/step.md for the keys)%s", name, NULL);
		} else {
			char **slot = (char **)((char *)u + unit_fields[i].off);
			free(*slot);
			*slot = xstrdup(val);
		}
	} else if (!strcmp(section, "container")) {
		r = container_key(c, name, val);
	} else if (!strncmp(section, "task ", 5)) {
		struct task *t = task_for(c, section);
		r = t ? task_key(c, t, name, val, en->raw) : 0;
	} else if (strcmp(section, "package")) {  /* [package] is apk-sign's */
		r = fail(c, "unknown section [%s] (known: unit, env, vars, deps, cache, container, task NAME, package)%s", section, NULL);
	}
	return r ? 0 : -1;
}

/* has_dotdot: some path component is "..". */
static int has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return 1;
	return 0;
}

/* absolutize makes *p absolute against base (in place). */
static void absolutize(char **p, const char *base)
{
	if (*p && (*p)[0] != '/' && (*p)[0]) {
		const char *rel = *p;
		while (rel[0] == '.' && rel[1] == '/')
			rel += 2;
		char *a = !strcmp(rel, ".") || !*rel ? xstrdup(base) : path_join(base, rel);
		free(*p);
		*p = a;
	}
}

static void setdef(char **p, const char *v)
{
	if (!*p)
		*p = xstrdup(v);
}

int spec_load(const char *path, struct unit_spec *u, struct errbuf *e)
{
	memset(u, 0, sizeof *u);
	u->path = xstrdup(path);
	struct ctx c = {.u = u, .e = e};
	int r = specini_parse(path, handle, &c, e ? e->msg : NULL, e ? sizeof e->msg : 0);
	if (r == SPECINI_EOPEN)
		return errf(e, "%s: cannot open unit spec: %s (run `yoe gen` to write it)", path, strerror(errno));
	if (r != 0)
		return -1;
	if (!u->name || !u->arch)
		return errf(e, "%s: error: [unit] needs at least name and arch", path);
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		return errf(e, "cannot get the current directory: %m");
	setdef(&u->project_dir, cwd);
	absolutize(&u->project_dir, cwd);
	if (!u->dir)
		u->dir = path_dirname(path);
	absolutize(&u->dir, cwd);
	setdef(&u->version, "");
	setdef(&u->release, "0");
	setdef(&u->machine, "");
	setdef(&u->distro, "");
	setdef(&u->console, "");
	setdef(&u->project, "");
	setdef(&u->project_version, "");
	setdef(&u->key, "");
	setdef(&u->scope, u->arch);
	setdef(&u->shell, "sh");
	setdef(&u->container, "host");
	setdef(&u->container_arch, "target");
	setdef(&u->source_date_epoch, "0");
	if (strcmp(u->shell, "sh") && strcmp(u->shell, "bash"))
		return errf(e, "%s: error: shell must be sh or bash, not '%s'", path, u->shell);
	if (strcmp(u->container_arch, "target") && strcmp(u->container_arch, "host"))
		return errf(e, "%s: error: container_arch must be target or host, not '%s'", path, u->container_arch);
	absolutize(&u->files_dir, u->project_dir);
	absolutize(&u->files, u->project_dir);
	/* decided once here for the bind and $FILESDIR: gen names the
	 * directory when it exists, but it may be gone by the time we run */
	struct stat fst;
	if (u->files && (!*u->files || stat(u->files, &fst) != 0 || !S_ISDIR(fst.st_mode))) {
		free(u->files);
		u->files = NULL;
	}
	absolutize(&u->container_rootfs, u->project_dir);
	for (size_t i = 0; i < u->deps.n; i++)
		absolutize(&u->deps.v[i].val, u->project_dir);
	for (size_t i = 0; i < u->cache.n; i++) {
		const struct kv *c = &u->cache.v[i];
		if (c->key[0] != '/' || !strcmp(c->key, "/") || has_dotdot(c->key))
			return errf(e, "%s: error: [cache] key '%s' must be an absolute path inside the sandbox, not / and without '..'", path, c->key);
		if (has_dotdot(c->val))
			return errf(e, "%s: error: [cache] %s = %s: the cache directory may not contain '..' (it would mount a host directory outside the unit's cache into the sandbox)",
			            path, c->key, c->val);
		absolutize(&u->cache.v[i].val, u->project_dir);
	}
	for (size_t i = 0; i < u->ntasks; i++)
		absolutize(&u->tasks[i].container_rootfs, u->project_dir);
	absolutize(&u->ctr.rootfs_tarball, u->project_dir);
	absolutize(&u->ctr.dockerfile, u->project_dir);
	absolutize(&u->ctr.context, u->project_dir);
	if (u->ctr.present && u->ntasks)
		return errf(e, "%s: error: a container unit ([container]) has no [task] sections; its setup steps are `setup = ...` lines", path);
	return 0;
}

void spec_free(struct unit_spec *u)
{
	for (size_t i = 0; i < sizeof unit_fields / sizeof *unit_fields; i++)
		free(*(char **)((char *)u + unit_fields[i].off));
	free(u->path);
	kv_free(&u->env);
	kv_free(&u->vars);
	kv_free(&u->deps);
	kv_free(&u->cache);
	for (size_t i = 0; i < u->ntasks; i++) {
		struct task *t = &u->tasks[i];
		for (size_t j = 0; j < t->nsteps; j++) {
			free(t->steps[j].text);
			free(t->steps[j].src);
			free(t->steps[j].dest);
		}
		free(t->steps);
		free(t->name);
		free(t->container);
		free(t->container_rootfs);
		free(t->container_image);
	}
	free(u->tasks);
	for (size_t j = 0; j < u->ctr.setup.nsteps; j++)
		free(u->ctr.setup.steps[j].text);
	free(u->ctr.setup.steps);
	free(u->ctr.setup.name);
	free(u->ctr.rootfs_tarball);
	free(u->ctr.dockerfile);
	free(u->ctr.context);
	free(u->ctr.image);
	memset(u, 0, sizeof *u);
}
