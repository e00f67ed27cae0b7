/* runtime/step/spec.c — reads unit.ini (spec.h) with inih.
 *
 * inih hands us one key = value at a time.  Three things make the format
 * safe for arbitrary shell text: values are unescaped here (so `;`, `#`,
 * newlines and edge spaces survive inih's comment and whitespace rules),
 * `key+ = ...` continues the previous value, and our reader refuses lines
 * that do not fit inih's fixed buffer instead of letting inih silently split
 * them into two lines. */
#include "step/spec.h"
#include "lib/fsutil.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reader state: inih calls read_line before the handler of each line, so
 * `line` is the number of the line being handled. */
struct reader {
	FILE *fp;
	int line;
	int long_line;  /* first line that overflowed inih's buffer, or 0 */
	int semicolon;  /* first line with a raw ` ;` (an inih inline comment) */
	int maxlen;     /* longest line inih can take, newline included */
};

struct ctx {
	struct unit_spec *u;
	struct reader rd;
	struct errbuf *e;
	int failed;
	char section[128];  /* section of the previous key, for `key+` */
	char prev[64];      /* previous key name, for `key+` */
	char **last;        /* the value `key+` appends to */
};

static char *read_line(char *str, int num, void *stream)
{
	struct reader *rd = stream;
	if (!fgets(str, num, rd->fp))
		return NULL;
	rd->line++;
	rd->maxlen = num - 1;
	size_t n = strlen(str);
	const char *t = str + strspn(str, " \t");
	if (!rd->semicolon && *t != ';' && *t != '#' && (strstr(t, " ;") || strstr(t, "\t;")))
		rd->semicolon = rd->line;
	if (n && str[n - 1] != '\n' && !feof(rd->fp)) {
		if (!rd->long_line)
			rd->long_line = rd->line;
		int c; /* drop the rest; the whole file is refused anyway */
		while ((c = fgetc(rd->fp)) != EOF && c != '\n')
			;
	}
	return str;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *spec_unescape(const char *in, struct errbuf *e)
{
	char *out = xrealloc(NULL, strlen(in) + 1), *o = out;
	const char *p;
	for (p = in; *p; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 's': *o++ = ' '; break;
		case '\\': case ';': case '#': *o++ = *p; break;
		case 'x': {
			int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
			if (l < 0 || (h == 0 && l == 0))
				goto bad;
			*o++ = (char)(h * 16 + l);
			p += 2;
			break;
		}
		default:
			goto bad;
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	errf(e, "bad escape '\\%.1s' (use \\n \\t \\r \\s \\\\ \\; \\# or \\xHH, not \\x00)", *p ? p : "");
	return NULL;
}

char *spec_escape(const char *in)
{
	size_t n = strlen(in);
	char *out = xrealloc(NULL, n * 4 + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\\' || c == ';' || c == '#') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			o += sprintf(o, "\\n");
		} else if (c == '\t') {
			o += sprintf(o, "\\t");
		} else if (c == ' ' && (i == 0 || i == n - 1)) {
			o += sprintf(o, "\\s");
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\x%02x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

/* fail records the first error with its location and stops the handler. */
static int fail(struct ctx *c, const char *fmt, const char *a, const char *b)
{
	if (!c->failed) {
		char msg[1024];
		if (snprintf(msg, sizeof msg, fmt, a, b ? b : "") >= (int)sizeof msg)
			strcpy(msg + sizeof msg - 4, "...");
		errf(c->e, "%s:%d: error: %s", c->u->path, c->rd.line, msg);
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

static int task_key(struct ctx *c, struct task *t, const char *name, char *val, const char *raw)
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
		c->last = slot;
		return 1;
	}
	if (!strcmp(name, "step")) {
		struct step *s = new_step(t, STEP_SHELL, c->rd.line);
		s->text = xstrdup(val);
		c->last = &s->text;
		return 1;
	}
	if (!strcmp(name, "install") || !strcmp(name, "template")) {
		struct step *s = new_step(t, name[0] == 'i' ? STEP_INSTALL : STEP_TEMPLATE, c->rd.line);
		c->last = NULL;
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
		struct step *s = new_step(&k->setup, STEP_SHELL, c->rd.line);
		s->text = xstrdup(val);
		c->last = &s->text;
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
	c->last = slot;
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

static int handle(void *user, const char *section, const char *name, const char *raw)
{
	struct ctx *c = user;
	if (c->failed)
		return 0;
	size_t nl = strlen(name);
	struct errbuf ue = {{0}};
	char *val = spec_unescape(raw, &ue);
	if (!val)
		return fail(c, "%s: %s", name, ue.msg);
	int r = 1;
	if (nl && name[nl - 1] == '+') {
		/* continuation: only directly after the key it continues */
		if (!c->last || strcmp(c->section, section) || strlen(c->prev) != nl - 1 || strncmp(c->prev, name, nl - 1)) {
			char base[64];
			snprintf(base, sizeof base, "%.*s", (int)(nl - 1 < 63 ? nl - 1 : 63), name);
			r = fail(c, "'%s' must directly follow a '%s' line", name, base);
		}
		else {
			char *joined = xasprintf("%s%s", *c->last, val);
			free(*c->last);
			*c->last = joined;
		}
		free(val);
		return r;
	}
	snprintf(c->section, sizeof c->section, "%s", section);
	snprintf(c->prev, sizeof c->prev, "%s", name);
	c->last = NULL;
	struct unit_spec *u = c->u;
	struct kvlist *l = !strcmp(section, "env") ? &u->env : !strcmp(section, "vars") ? &u->vars
		: !strcmp(section, "deps") ? &u->deps : !strcmp(section, "cache") ? &u->cache : NULL;
	if (l) {
		if (kv_get(l, name) && l != &u->env && l != &u->vars)
			r = fail(c, "'%s' appears twice in [%s]", name, section);
		else
			c->last = &kv_set(l, name, val)->val;
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
			c->last = slot;
		}
	} else if (!strcmp(section, "container")) {
		r = container_key(c, name, val);
	} else if (!strncmp(section, "task ", 5)) {
		struct task *t = task_for(c, section);
		r = t ? task_key(c, t, name, val, raw) : 0;
	} else {
		r = fail(c, "unknown section [%s] (known: unit, env, vars, deps, cache, container, task NAME)%s", section, NULL);
	}
	free(val);
	return r;
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
	c.rd.fp = fopen(path, "r");
	if (!c.rd.fp)
		return errf(e, "%s: cannot open unit spec: %m (run `yoe gen` to write it)", path);
	int r = ini_parse_stream(read_line, &c.rd, handle, &c);
	fclose(c.rd.fp);
	if (c.rd.long_line && !c.failed)
		return errf(e, "%s:%d: error: line longer than %d bytes; split the value with `key+ = rest` lines", path, c.rd.long_line, c.rd.maxlen - 1);
	if (c.failed)
		return -1;
	if (c.rd.semicolon)
		return errf(e, "%s:%d: error: unescaped ';' after a space would be cut off as an inline comment; write it as \\;", path, c.rd.semicolon);
	if (r != 0)
		return errf(e, "%s:%d: error: not an INI line (want `key = value` or `[section]`)", path, r);
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
