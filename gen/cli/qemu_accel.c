/* gen/cli/qemu_accel.c — KVM or TCG for `yoe run`.
 *
 * An openable /dev/kvm is not proof that KVM guests run: on some hosts
 * (nested virtualisation, odd hypervisors) QEMU aborts at once ("failed to
 * set MSR ...") or the guest hangs in early boot.  So before trusting KVM we
 * probe it: boot the image's own kernel with no disk under -accel kvm, which
 * panics at the root mount and, with panic=-1 -no-reboot, makes QEMU exit
 * within a second or two; without a kernel (syslinux images) boot a
 * throwaway snapshot of the disk until the kernel banner shows.  The verdict
 * is cached per host boot and QEMU binary in $XDG_CACHE_HOME/yoe/kvm-probe
 * (lines `KEY<TAB>ok|fail<TAB>reason`), since neither changes between runs. */
#include "cli/qemu.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_SECS 10.0

static const char *const forces = "YOE_QEMU_ACCEL=kvm forces KVM";

static char *cache_path(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *p = NULL;
	if (x && *x && asprintf(&p, "%s/yoe/kvm-probe", x) < 0)
		p = NULL;
	else if ((!x || !*x) && home && *home && asprintf(&p, "%s/.cache/yoe/kvm-probe", home) < 0)
		p = NULL;
	return p;
}

/* cache_key: what the verdict depends on (a reboot or a new QEMU probes
 * again).  NULL when the host boot id cannot be read. */
static char *cache_key(const struct qemu_plan *pl, char **boot)
{
	char *id = read_file("/proc/sys/kernel/random/boot_id", NULL);
	struct stat st;
	char *k = NULL;
	*boot = NULL;
	if (!id || stat(pl->bin, &st) < 0) {
		free(id);
		return NULL;
	}
	id[strcspn(id, "\n")] = '\0';
	const struct qemu_conf *c = pl->c;
	if (asprintf(&k, "boot=%s qemu=%s size=%lld mtime=%lld.%09ld machine=%s cpu=%s", id, pl->bin,
	             (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	             *c->qmachine ? c->qmachine : qemu_default_machine(c->arch),
	             *c->cpu ? c->cpu : "max") < 0)
		k = NULL;
	*boot = id;
	return k;
}

/* cache_get: 1 ok, 0 fail (reason copied), -1 not cached */
static int cache_get(const char *key, char *why, size_t wl)
{
	char *path = cache_path(), *t = path ? read_file(path, NULL) : NULL;
	int r = -1;
	size_t kl = strlen(key);
	for (char *l = t; l && *l && r < 0;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(l, key, kl) && l[kl] == '\t') {
			char *v = l + kl + 1, *tab = strchr(v, '\t');
			snprintf(why, wl, "%s", tab ? tab + 1 : "");
			r = !strncmp(v, "ok", 2);
		}
		l = nl ? nl + 1 : NULL;
	}
	free(t);
	free(path);
	return r;
}

/* cache_put records a verdict, dropping lines of earlier boots and the old
 * line of this key. */
static void cache_put(const char *key, const char *boot, bool ok, const char *why)
{
	char *path = cache_path();
	if (!path)
		return;
	char *t = read_file(path, NULL), *prefix;
	if (asprintf(&prefix, "boot=%s ", boot) < 0)
		abort();
	struct qargv keep = {0}; /* a list of lines, reusing the argv vector */
	size_t kl = strlen(key);
	for (char *l = t; l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(l, prefix, strlen(prefix)) && !(!strncmp(l, key, kl) && l[kl] == '\t'))
			qa_add(&keep, l);
		l = nl ? nl + 1 : NULL;
	}
	qa_addf(&keep, "%s\t%s\t%s", key, ok ? "ok" : "fail", why);
	size_t n = 0;
	for (size_t i = 0; i < keep.n; i++)
		n += strlen(keep.v[i]) + 1;
	char *out = malloc(n + 1), *d = out;
	if (!out)
		abort();
	for (size_t i = 0; i < keep.n; i++)
		d += sprintf(d, "%s\n", keep.v[i]);
	char *dir = path_dirname(path);
	if (dir)
		mkdir_p(dir, 0755);
	if (write_file_if_changed_flags(path, out, n, 0644, ATOMIC_NOSYNC) < 0)
		fprintf(stderr, "yoe run: warning: cannot write %s: %s (the KVM probe runs again next time)\n",
		        path, strerror(errno));
	free(dir);
	free(out);
	qa_free(&keep);
	free(prefix);
	free(t);
	free(path);
}

/* error_line: the most telling line of QEMU's output, for a reason — the
 * first one saying "error", else the last non-empty one; without the
 * `qemu-system-x86_64: ` and `error: ` prefixes. */
static void error_line(const char *text, char *out, size_t ol)
{
	const char *best = NULL, *last = NULL;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		const char *e = strstr(l, "error");
		if (!best && e && e < l + n)
			best = l;
		if (n)
			last = l;
		l += n + (l[n] == '\n');
	}
	const char *l = best ? best : last;
	if (!l) {
		snprintf(out, ol, "no output");
		return;
	}
	size_t n = strcspn(l, "\n");
	if (!strncmp(l, "qemu-system-", 12) && memchr(l, ':', n)) {
		const char *c = memchr(l, ':', n);
		n -= (size_t)(c + 1 - l), l = c + 1;
	}
	while (n && isspace((unsigned char)*l))
		l++, n--;
	if (n > 7 && !strncmp(l, "error: ", 7))
		l += 7, n -= 7;
	snprintf(out, ol, "%.*s%s", (int)(n > 100 ? 100 : n), l, n > 100 ? "…" : "");
}

/* console_args: the console= options of the image's command line (the
 * serial port its kernel talks on), or the arch's usual one. */
static void console_args(const struct qemu_conf *c, char *out, size_t ol)
{
	out[0] = '\0';
	for (const char *s = c->cmdline; *s;) {
		size_t n = strcspn(s, " ");
		if (n > 8 && !strncmp(s, "console=", 8))
			snprintf(out + strlen(out), ol - strlen(out), "%.*s ", (int)n, s);
		s += n + (s[n] == ' ');
	}
	if (!*out)
		snprintf(out, ol, "console=%s ",
		         !strcmp(qemu_arch_norm(c->arch), "aarch64") ? "ttyAMA0" : "ttyS0");
}

/* probe boots under KVM.  1 usable, 0 not (why says so; *sure false when
 * the failure may not be KVM's: a broken kernel), -1 interrupted. */
static int probe(const struct qemu_plan *pl, const char *disk, char *why, size_t wl, bool *sure)
{
	const struct qemu_conf *c = pl->c;
	struct qemu_plan pp = *pl;
	pp.accel = "kvm";
	bool kernel = !strcmp(c->boot, "direct") && access(c->kernel, R_OK) == 0;
	*sure = true;
	if (!kernel && !disk) {
		snprintf(why, wl, "nothing to boot for the probe");
		*sure = false;
		return 0;
	}
	struct qargv a = {0};
	qemu_common_argv(&pp, &a);
	const char *const fixed[] = {"-display", "none", "-monitor", "none", "-serial", "stdio",
	                             "-no-reboot", NULL};
	for (int i = 0; fixed[i]; i++)
		qa_add(&a, fixed[i]);
	if (kernel) {
		char con[256];
		console_args(c, con, sizeof con);
		qa_add(&a, "-kernel");
		qa_add(&a, c->kernel);
		qa_add(&a, "-append");
		qa_addf(&a, "%spanic=-1", con);
	} else {
		qa_add(&a, "-drive");
		qa_addf(&a, "file=%s,format=raw,if=virtio", disk);
		qa_add(&a, "-snapshot"); /* writes go to a temp file QEMU drops */
	}
	regex_t banner;
	regcomp(&banner, "Linux version", REG_EXTENDED | REG_NOSUB);
	struct qemu_con con;
	int r = -2, ok = 0;
	if (qemu_con_start(&con, pl->bin, a.v, false, -1) < 0) {
		snprintf(why, wl, "cannot start %s: %s", pl->bin, strerror(errno));
		*sure = false;
	} else {
		r = qemu_con_wait(&con, kernel ? NULL : &banner, qemu_now() + PROBE_SECS);
		if (r == CON_TIMEOUT)
			qemu_con_stop(&con);
		int st = con.status;
		bool said = strstr(con.text, "Kernel panic") || strstr(con.text, "Linux version");
		ok = r == CON_MATCH || (r == CON_EXIT && WIFEXITED(st) && !WEXITSTATUS(st) && said);
		if (r == CON_TIMEOUT) {
			snprintf(why, wl, "the guest did not %s within %.0f s",
			         kernel ? "reach its kernel panic" : "print its kernel banner", PROBE_SECS);
		} else if (r == CON_EXIT && !ok) {
			char line[160];
			error_line(con.text, line, sizeof line);
			bool kvm = strstr(con.text, "kvm") || strstr(con.text, "KVM") || strstr(con.text, "MSR");
			snprintf(why, wl, "qemu %s: %s",
			         WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT ? "aborted"
			         : WIFEXITED(st) && !WEXITSTATUS(st) ? "exited"
			         : qemu_con_describe(st), line);
			*sure = WIFSIGNALED(st) || kvm;
		}
		qemu_con_free(&con);
	}
	regfree(&banner);
	qa_free(&a);
	return r == CON_SIGNAL ? -1 : ok;
}

static const char *host_arch(void)
{
	static struct utsname u;
	return uname(&u) == 0 ? u.machine : "";
}

int qemu_pick_accel(struct qemu_plan *pl, const char *probe_disk)
{
	const char *env = getenv("YOE_QEMU_ACCEL");
	if (env && *env) {
		if (strcmp(env, "kvm") && strcmp(env, "tcg")) {
			fprintf(stderr, "yoe run: error: YOE_QEMU_ACCEL=%s: expected kvm or tcg "
			        "(or unset it to let yoe probe KVM)\n", env);
			return -1;
		}
		pl->accel = env;
		fprintf(stderr, "yoe run: using %s (YOE_QEMU_ACCEL=%s)\n", !strcmp(env, "kvm") ? "KVM" : "TCG",
		        env);
		return 0;
	}
	pl->accel = "tcg";
	const char *arch = qemu_arch_norm(pl->c->arch);
	if (strcmp(arch, host_arch())) {
		fprintf(stderr, "yoe run: using TCG: %s guests cannot use KVM on this %s host\n", arch,
		        host_arch());
		return 0;
	}
	const char *dev = getenv("YOE_KVM_DEVICE");
	dev = dev && *dev ? dev : "/dev/kvm";
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "yoe run: using TCG: cannot open %s (%s); %s\n", dev, strerror(errno),
		        forces);
		return 0;
	}
	close(fd);
	if (!strchr(pl->bin, '/')) {
		fprintf(stderr, "yoe run: using TCG: %s is not installed, so KVM cannot be probed\n",
		        pl->bin);
		return 0;
	}
	char why[256] = "", *boot, *key = cache_key(pl, &boot);
	int ok = key ? cache_get(key, why, sizeof why) : -1;
	bool cached = ok >= 0, sure = true;
	if (!cached) {
		fprintf(stderr, "yoe run: probing KVM (up to %.0f s)...\n", PROBE_SECS);
		ok = probe(pl, probe_disk, why, sizeof why, &sure);
	}
	if (ok < 0) {
		free(key), free(boot);
		return -1;
	}
	if (!cached && key && sure)
		cache_put(key, boot, ok, why);
	if (ok) {
		pl->accel = "kvm";
		fprintf(stderr, "yoe run: using KVM (%s)\n", cached ? "probe passed earlier this boot"
		                                                    : "probe passed");
	} else {
		char *cp = cache_path();
		fprintf(stderr, "yoe run: KVM probe %s (%s), using TCG; %s", sure ? "failed" : "was inconclusive",
		        why, forces);
		if (cached && cp)
			fprintf(stderr, " (verdict cached in %s: delete it to probe again)", cp);
		fputc('\n', stderr);
		free(cp);
	}
	free(key);
	free(boot);
	return 0;
}
