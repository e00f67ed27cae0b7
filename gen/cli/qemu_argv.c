/* gen/cli/qemu_argv.c — the QEMU command line of `yoe run`: which binary
 * an arch needs (and which Debian package has it), and the argv for each way
 * of running (on the terminal, as a daemon, under a boot test).  The order of
 * the arguments is fixed so `yoe run --dry-run` output is stable. */
#include "cli/qemu.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void qa_add(struct qargv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = realloc(a->v, a->cap * sizeof *a->v);
		if (!a->v)
			abort();
	}
	a->v[a->n++] = strdup(s);
	a->v[a->n] = NULL;
}

void qa_addf(struct qargv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	qa_add(a, s);
	free(s);
}

void qa_free(struct qargv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* print one word so that sh reads it back unchanged */
static void shq(const char *s, FILE *out)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	                    "_./:=,@%+-") == strlen(s)) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

void qa_print(const struct qargv *a, FILE *out)
{
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			fputc(' ', out);
		shq(a->v[i], out);
	}
	fputc('\n', out);
}

const char *qemu_arch_norm(const char *arch)
{
	return !strcmp(arch, "arm64") ? "aarch64" : arch;
}

const char *qemu_binary_name(const char *arch)
{
	arch = qemu_arch_norm(arch);
	if (!strcmp(arch, "x86_64"))
		return "qemu-system-x86_64";
	if (!strcmp(arch, "aarch64"))
		return "qemu-system-aarch64";
	if (!strcmp(arch, "riscv64"))
		return "qemu-system-riscv64";
	return NULL;
}

const char *qemu_debian_package(const char *arch)
{
	arch = qemu_arch_norm(arch);
	return !strcmp(arch, "x86_64") ? "qemu-system-x86"
	       : !strcmp(arch, "aarch64") ? "qemu-system-arm" : "qemu-system-misc";
}

const char *qemu_default_machine(const char *arch)
{
	return !strcmp(qemu_arch_norm(arch), "x86_64") ? "q35" : "virt";
}

char *qemu_find_binary(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char *cand;
		if (asprintf(&cand, "%.*s/%s", (int)n, n ? path : ".", name) < 0)
			abort();
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		path += n + (path[n] == ':');
	}
	return NULL;
}

/* QEMU option values separate fields with commas; a comma in a path is
 * written twice. */
static char *commas(const char *s)
{
	size_t n = strlen(s), extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += s[i] == ',';
	char *o = malloc(n + extra + 1), *d = o;
	if (!o)
		abort();
	for (; *s; s++) {
		*d++ = *s;
		if (*s == ',')
			*d++ = ',';
	}
	*d = '\0';
	return o;
}

void qemu_common_argv(const struct qemu_plan *pl, struct qargv *a)
{
	const struct qemu_conf *c = pl->c;
	qa_add(a, pl->bin);
	qa_add(a, "-machine");
	qa_add(a, *c->qmachine ? c->qmachine : qemu_default_machine(c->arch));
	qa_add(a, "-accel");
	qa_add(a, pl->accel);
	qa_add(a, "-cpu");
	qa_add(a, *c->cpu ? c->cpu : "max");
	qa_add(a, "-m");
	qa_add(a, pl->memory);
	if (*c->firmware) {
		qa_add(a, "-bios");
		qa_add(a, c->firmware);
	}
}

static bool headless(const char *display)
{
	return !*display || !strcmp(display, "none") || !strcmp(display, "off");
}

/* display_argv: where the screen and the serial console go. */
static void display_argv(const struct qemu_plan *pl, struct qargv *a)
{
	const char *d = pl->display;
	if (pl->mode == QEMU_TEST) {
		qa_add(a, "-display"), qa_add(a, "none");
		qa_add(a, "-monitor"), qa_add(a, "none");
		qa_add(a, "-serial"), qa_add(a, "stdio");
		return;
	}
	if (headless(d)) {
		if (pl->mode == QEMU_TERM) {
			/* serial and monitor muxed on the terminal: Ctrl-A X quits,
			 * Ctrl-C reaches the guest */
			qa_add(a, "-nographic");
			return;
		}
		qa_add(a, "-display"), qa_add(a, "none");
	} else {
		if (strcmp(d, "default") && strcmp(d, "on"))
			qa_add(a, "-display"), qa_add(a, d);
		qa_add(a, "-device");
		qa_add(a, !strcmp(qemu_arch_norm(pl->c->arch), "x86_64") ? "virtio-vga" : "virtio-gpu-pci");
	}
	if (pl->mode == QEMU_DAEMON) {
		char *log = commas(pl->log);
		qa_add(a, "-monitor"), qa_add(a, "none");
		qa_add(a, "-serial"), qa_addf(a, "file:%s", log);
		free(log);
	} else {
		qa_add(a, "-serial"), qa_add(a, "mon:stdio");
	}
}

void qemu_build_argv(const struct qemu_plan *pl, struct qargv *a)
{
	const struct qemu_conf *c = pl->c;
	qemu_common_argv(pl, a);
	display_argv(pl, a);
	if (pl->disk) {
		char *d = commas(pl->disk);
		qa_add(a, "-drive");
		qa_addf(a, "file=%s,format=raw,if=virtio", d);
		free(d);
	}
	char *net = strdup("user,id=net0");
	for (size_t i = 0; i < c->nports; i++) {
		char *n;
		if (asprintf(&n, "%s,hostfwd=tcp::%d-:%d", net, c->ports[i].host, c->ports[i].guest) < 0)
			abort();
		free(net);
		net = n;
	}
	qa_add(a, "-netdev");
	qa_add(a, net);
	free(net);
	qa_add(a, "-device");
	qa_add(a, "virtio-net-pci,netdev=net0");
	if (!strcmp(c->boot, "direct")) {
		qa_add(a, "-kernel");
		qa_add(a, c->kernel);
		if (*c->initrd) {
			qa_add(a, "-initrd");
			qa_add(a, c->initrd);
		}
		if (*c->cmdline) {
			qa_add(a, "-append");
			qa_add(a, c->cmdline);
		}
	}
	if (pl->mode == QEMU_TEST)
		qa_add(a, "-no-reboot"); /* a guest that reboots has failed (or powered off) */
	if (pl->mode == QEMU_DAEMON)
		qa_add(a, "-daemonize");
	if (pl->pidfile) {
		qa_add(a, "-pidfile");
		qa_add(a, pl->pidfile);
	}
}
