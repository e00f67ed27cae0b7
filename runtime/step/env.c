/* runtime/step/env.c — builds the step environment (env.h). */
#include "step/env.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SR "/build/sysroot"

const char *arch_tuple(const char *arch, char *buf, unsigned len)
{
	const char *cpu = !strcmp(arch, "arm64") ? "aarch64" : arch;
	snprintf(buf, len, "%s-linux-gnu", cpu);
	return buf;
}

int host_nproc(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	return 1;
}

void step_env(const struct unit_spec *u, int nproc, struct kvlist *env)
{
	char t[64], n[16];
	arch_tuple(u->arch, t, sizeof t);
	snprintf(n, sizeof n, "%d", nproc);
	char *v;
	kv_set(env, "PREFIX", "/usr");
	kv_set(env, "DESTDIR", "/build/destdir");
	kv_set(env, "SRCDIR", "/build/src");
	kv_set(env, "SYSROOT", SR);
	if (u->files)   /* only an existing directory is kept (spec.c) */
		kv_set(env, "FILESDIR", "/build/files");
	kv_set(env, "NPROC", n);
	kv_set(env, "ARCH", u->arch);
	kv_set(env, "MACHINE", u->machine);
	kv_set(env, "DISTRO", u->distro);
	kv_set(env, "CONSOLE", u->console);
	kv_set(env, "HOME", "/tmp");
	kv_set(env, "PATH", SR "/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	kv_set(env, "SOURCE_DATE_EPOCH", u->source_date_epoch);
	v = xasprintf(SR "/usr/lib/pkgconfig:" SR "/usr/lib/%s/pkgconfig:" SR "/usr/share/pkgconfig", t);
	kv_set(env, "PKG_CONFIG_PATH", v);
	free(v);
	kv_set(env, "PKG_CONFIG_SYSROOT_DIR", SR);
	v = xasprintf("-I" SR "/usr/include -I" SR "/usr/include/%s", t);
	kv_set(env, "CFLAGS", v);
	kv_set(env, "CPPFLAGS", v);
	free(v);
	v = xasprintf("-L" SR "/usr/lib -L" SR "/usr/lib/%s -L" SR "/lib/%s", t, t);
	kv_set(env, "LDFLAGS", v);
	free(v);
	for (size_t i = 0; i < u->env.n; i++)
		kv_set(env, u->env.v[i].key, u->env.v[i].val);
}
