/* runtime/step/sandbox.h — turns "run this script for this unit" into the
 * exact argv of a sandbox runtime.  Building the argv is pure (no process is
 * started), so `container-step --print-argv` and the golden tests see
 * exactly what a build runs.
 *
 * bwrap (bwrap.c): every namespace unshared, capabilities dropped, a
 * read-only root made of the container's rootfs (or the host's system
 * directories for container = host), the unit's three directories, private
 * /tmp, /proc and /dev.  podman/docker (oci.c): `run --rm` with the same
 * three mounts and every hardening flag; never --privileged. */
#ifndef YOE_STEP_SANDBOX_H
#define YOE_STEP_SANDBOX_H

#include "step/spec.h"

enum runtime { RT_BWRAP, RT_PODMAN, RT_DOCKER };

struct sandbox {
	enum runtime rt;          /* which backend */
	const char *exe;          /* runtime executable (name or path) */
	const struct unit_spec *u;/* the unit */
	const struct task *t;     /* the task (network, container override) */
	size_t step_no;           /* 1-based step number, names OCI containers */
	const char *src;          /* host dir mounted rw at /build/src */
	const char *destdir;      /* host dir mounted rw at /build/destdir */
	const char *sysroot;      /* host dir mounted ro at /build/sysroot */
	const char *files;        /* host dir mounted ro at /build/files, or NULL */
	const struct kvlist *env; /* the step environment, in order */
	const char *rootfs;       /* bwrap: "/" (host) or an unpacked rootfs */
	const char *image;        /* podman/docker: image reference */
	const char *platform_arch;/* yoe arch of the container (--platform) */
	const char *const *hide;  /* bwrap, host root: host paths to cover with
	                             an empty tmpfs ($HOME, project, keys);
	                             NULL-terminated, may be NULL */
	int disable_userns;       /* bwrap ≥ 0.8: forbid nested user namespaces */
	const char *qemu_interp;  /* bwrap, cross-arch: qemu-user interpreter to
	                             bind at its own path (binfmt handler without
	                             the F flag); NULL when not needed */
	int network;              /* 1: keep the host network */
	int rootfs_rw;            /* bwrap: bind rootfs read-write at / and run
	                             as uid 0 of the user namespace (container
	                             setup steps only; still no capabilities) */
	unsigned uid, gid;        /* the invoking user's ids */
};

/* sandbox_argv appends the full command (runtime, options, shell, -c,
 * script) to argv. */
int sandbox_argv(const struct sandbox *sb, const char *script, struct strvec *argv, struct errbuf *e);

int bwrap_argv(const struct sandbox *sb, const char *script, struct strvec *argv, struct errbuf *e);
/* bwrap_resolver adds, for a network step on the host root, a read-only
 * bind of the file resolv (normally /etc/resolv.conf) points to when that
 * lies outside the bound system directories (systemd-resolved's file under
 * /run), so DNS works; nothing else of that directory becomes visible. */
void bwrap_resolver(const char *resolv, struct strvec *argv);
int oci_argv(const struct sandbox *sb, const char *script, struct strvec *argv, struct errbuf *e);

/* runtime_name is "bwrap", "podman" or "docker". */
const char *runtime_name(enum runtime rt);
/* runtime_parse maps a name to a runtime; -1 when unknown. */
int runtime_parse(const char *name, enum runtime *rt);
/* runtime_select picks the backend: cli (--runtime) if given, else
 * $YOE_RUNTIME, else `runtime` in ~/.config/yoe/config.ini, else the first
 * of bwrap, podman, docker found on PATH.  `auto` anywhere means detect. */
int runtime_select(const char *cli, enum runtime *rt, const char **why, struct errbuf *e);
/* find_in_path returns the malloc'd full path of an executable on $PATH. */
char *find_in_path(const char *name);
/* bwrap_has_disable_userns reports whether `exe --version` is ≥ 0.8.0. */
int bwrap_has_disable_userns(const char *exe);
/* binfmt_parse reads a binfmt_misc entry's text: 1 when enabled, with
 * *interp set to a malloc'd interpreter path when the entry lacks the F
 * (fix-binary) flag and so needs the interpreter visible in the sandbox. */
int binfmt_parse(const char *text, char **interp);
/* host_arch returns the yoe arch token of this machine (x86_64, arm64, …). */
const char *host_arch(void);
/* docker_arch maps a yoe arch to the OCI platform arch (x86_64 → amd64). */
const char *docker_arch(const char *arch);

#endif
