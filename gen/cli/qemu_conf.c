/* gen/cli/qemu_conf.c — reads build/<distro>/<image>.<machine>/qemu.ini,
 * the file `yoe gen` writes for `yoe run` (docs/run.md), with inih; and the
 * small value parsers run's options share with it (ports, sizes).
 *
 * Unknown sections and keys are errors with the line number: yoe writes and
 * reads this file itself, so a surprise means a stale or hand-edited file,
 * and `yoe gen` fixes both. */
#include "cli/qemu.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	struct qemu_conf *c;
	const char *root;
	char err[256];          /* the first error (ini_parse gives its line) */
};

static char *abs_path(const char *root, const char *v)
{
	char *s;
	if (!*v || v[0] == '/' || !root)
		return strdup(v);
	if (asprintf(&s, "%s/%s", root, v) < 0)
		abort();
	return s;
}

int qemu_port_parse(const char *s, struct qemu_port *p)
{
	char *end;
	long h = strtol(s, &end, 10);
	if (end == s || *end != ':' || h < 1 || h > 65535)
		return -1;
	const char *g = end + 1;
	long gu = strtol(g, &end, 10);
	if (end == g || *end || gu < 1 || gu > 65535)
		return -1;
	p->host = (int)h;
	p->guest = (int)gu;
	return 0;
}

void qemu_port_set(struct qemu_conf *c, struct qemu_port p)
{
	for (size_t i = 0; i < c->nports; i++)
		if (c->ports[i].guest == p.guest) {
			c->ports[i] = p;
			return;
		}
	c->ports = realloc(c->ports, (c->nports + 1) * sizeof *c->ports);
	if (!c->ports)
		abort();
	c->ports[c->nports++] = p;
}

int qemu_size_parse(const char *s, uint64_t *bytes)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long long n = strtoull(s, &end, 10);
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	case '\0': break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	if (shift && n > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)n << shift;
	return 0;
}

/* the string field a key fills, or NULL when the key is not known */
static char **field(struct qemu_conf *c, const char *sec, const char *key)
{
	static const char *const run_keys[] = {"image", "machine", "arch", "boot", "kernel",
	                                       "initrd", "cmdline", NULL};
	static const char *const qemu_keys[] = {"machine", "cpu", "memory", "firmware", "display",
	                                        NULL};
	char **run_f[] = {&c->image, &c->machine, &c->arch, &c->boot, &c->kernel, &c->initrd,
	                  &c->cmdline};
	char **qemu_f[] = {&c->qmachine, &c->cpu, &c->memory, &c->firmware, &c->display};
	bool run = !strcmp(sec, "run");
	const char *const *keys = run ? run_keys : qemu_keys;
	for (int i = 0; keys[i]; i++)
		if (!strcmp(keys[i], key))
			return run ? run_f[i] : qemu_f[i];
	return NULL;
}

static int on_value(void *user, const char *sec, const char *key, const char *val)
{
	struct parse *ps = user;
	struct qemu_conf *c = ps->c;
	char *err = ps->err;
	size_t el = sizeof ps->err;
	bool first = !*err;
	if (strcmp(sec, "run") && strcmp(sec, "qemu")) {
		if (first)
			snprintf(err, el, "unknown section [%s] (expected [run] and [qemu])", sec);
		return 0;
	}
	if (!strcmp(sec, "qemu") && !strcmp(key, "port")) {
		struct qemu_port p;
		if (qemu_port_parse(val, &p) == 0) {
			qemu_port_set(c, p);
			return 1;
		}
		if (first)
			snprintf(err, el, "port = %s: expected HOST:GUEST port numbers, like 2222:22", val);
		return 0;
	}
	char **f = field(c, sec, key);
	if (!f) {
		if (first)
			snprintf(err, el, "unknown key '%s' in [%s]", key, sec);
		return 0;
	}
	if (*f) {
		if (first)
			snprintf(err, el, "'%s' given twice in [%s]", key, sec);
		return 0;
	}
	bool is_path = !strcmp(sec, "run") && (!strcmp(key, "image") || !strcmp(key, "kernel")
	                                        || !strcmp(key, "initrd"));
	if (!strcmp(sec, "qemu") && !strcmp(key, "firmware"))
		is_path = true;
	*f = is_path ? abs_path(ps->root, val) : strdup(val);
	if (f == &c->boot && strcmp(val, "direct") && strcmp(val, "syslinux") && strcmp(val, "none")) {
		if (first)
			snprintf(err, el, "boot = %s: expected direct, syslinux or none", val);
		return 0;
	}
	if (f == &c->arch && !qemu_binary_name(val)) {
		if (first)
			snprintf(err, el, "arch = %s: yoe run knows x86_64, aarch64 (arm64) and riscv64",
			         val);
		return 0;
	}
	return 1;
}

static void fill(char **f)
{
	if (!*f)
		*f = strdup("");
}

int qemu_conf_read(struct qemu_conf *c, const char *path, const char *root)
{
	memset(c, 0, sizeof *c);
	c->path = strdup(path);
	struct parse ps = {c, root, ""};
	int line = ini_parse(path, on_value, &ps);
	char **all[] = {&c->image, &c->machine, &c->arch, &c->boot, &c->kernel, &c->initrd,
	                &c->cmdline, &c->qmachine, &c->cpu, &c->memory, &c->firmware, &c->display};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		fill(all[i]);
	if (line < 0) {
		fprintf(stderr, "yoe run: error: cannot read %s (run 'yoe gen' to write it)\n", path);
		return -1;
	}
	if (line > 0) {
		fprintf(stderr, "%s:%d:1: error: %s (rerun 'yoe gen' to rewrite this file)\n", path,
		        line, *ps.err ? ps.err : "not a key = value line");
		return -1;
	}
	const char *miss = !*c->arch ? "arch" : !*c->image && !*c->kernel ? "image" : NULL;
	if (!miss && !strcmp(c->boot, "direct") && !*c->kernel)
		miss = "kernel (boot = direct)";
	if (miss) {
		fprintf(stderr, "%s: error: [run] has no %s (rerun 'yoe gen' to rewrite this file)\n",
		        path, miss);
		return -1;
	}
	if (!*c->boot) {
		free(c->boot);
		c->boot = strdup(*c->kernel ? "direct" : "none");
	}
	return 0;
}

void qemu_conf_free(struct qemu_conf *c)
{
	char *all[] = {c->path, c->image, c->machine, c->arch, c->boot, c->kernel, c->initrd,
	               c->cmdline, c->qmachine, c->cpu, c->memory, c->firmware, c->display};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(all[i]);
	free(c->ports);
	memset(c, 0, sizeof *c);
}
