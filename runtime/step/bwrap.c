/* runtime/step/bwrap.c — the bubblewrap argv (sandbox.h).
 *
 * The sandbox root is bwrap's own empty tmpfs, made read-only at the end
 * (--remount-ro /).  Into it go, read-only, the system directories of the
 * root: for a container rootfs everything except the pseudo file systems;
 * for the host only the directories a toolchain needs (/usr, /etc, /opt and
 * the /bin, /lib… links), so /home, /root, /srv, /var, /run (with its
 * daemon sockets) and the project tree simply do not exist inside. */
#include "step/sandbox.h"

#include <dirent.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a build needs from the host's root. */
static const char *const host_dirs[] = {
	"bin", "etc", "lib", "lib32", "lib64", "libx32", "opt", "sbin", "usr", NULL,
};
/* Host files under /etc a build never needs and a root-run step could
 * otherwise read (uid 0 in the sandbox owns them): covered with /dev/null
 * (files) or an empty tmpfs (directories). */
static const char *const host_masks[] = {
	"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
	"/etc/sudoers.d", "/etc/ssh", "/etc/ssl/private", "/etc/docker", "/etc/containers/auth.json", NULL,
};
/* What never comes from a rootfs: bwrap provides or hides these. */
static const char *const rootfs_skip[] = {
	"build", "dev", "proc", "run", "sys", "tmp", NULL,
};

static int in(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (!strcmp(*set, s))
			return 1;
	return 0;
}

static int add_root(const struct sandbox *sb, struct strvec *a, struct errbuf *e)
{
	int host = !strcmp(sb->rootfs, "/");
	struct dirent **ents = NULL;
	int n = scandir(sb->rootfs, &ents, NULL, alphasort);
	if (n < 0)
		return errf(e, "%s: cannot list the container root: %m (rebuild the container unit)", sb->rootfs);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char p[PATH_MAX], t[PATH_MAX];
		struct stat st;
		int skip = name[0] == '.' || (host ? !in(host_dirs, name) : in(rootfs_skip, name));
		if (!skip && snprintf(p, sizeof p, "%s/%s", host ? "" : sb->rootfs, name) < (int)sizeof p && lstat(p, &st) == 0) {
			ssize_t tl;
			if (S_ISLNK(st.st_mode) && (tl = readlink(p, t, sizeof t - 1)) > 0) {
				t[tl] = '\0';
				sv_push(a, "--symlink");
				sv_push(a, t);
				sv_pushf(a, "/%s", name);
			} else if (S_ISDIR(st.st_mode)) {
				sv_push(a, "--ro-bind");
				sv_push(a, p);
				sv_pushf(a, "/%s", name);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/* add_hides covers host paths that sit under a bound directory (a project
 * in /opt, a $HOME under /usr…) with an empty tmpfs. */
static void add_hides(const struct sandbox *sb, struct strvec *a)
{
	if (strcmp(sb->rootfs, "/"))
		return;
	for (const char *const *m = host_masks; *m; m++) {
		struct stat st;
		if (lstat(*m, &st) != 0 || S_ISLNK(st.st_mode))
			continue;
		sv_push(a, S_ISDIR(st.st_mode) ? "--tmpfs" : "--ro-bind");
		if (!S_ISDIR(st.st_mode))
			sv_push(a, "/dev/null");
		sv_push(a, *m);
	}
	if (!sb->hide)
		return;
	for (const char *const *h = sb->hide; *h; h++) {
		char top[NAME_MAX + 1];
		const char *p = *h + 1, *slash = strchr(p, '/');
		size_t l = slash ? (size_t)(slash - p) : strlen(p);
		if ((*h)[0] != '/' || l == 0 || l > NAME_MAX)
			continue;
		memcpy(top, p, l);
		top[l] = '\0';
		struct stat st;
		if (in(host_dirs, top) && lstat(*h, &st) == 0 && S_ISDIR(st.st_mode)) {
			sv_push(a, "--tmpfs");
			sv_push(a, *h);
		}
	}
}

void bwrap_resolver(const char *resolv, struct strvec *a)
{
	char rp[PATH_MAX], top[NAME_MAX + 1];
	if (!realpath(resolv, rp) || rp[0] != '/')
		return;
	size_t l = strcspn(rp + 1, "/");
	if (l > NAME_MAX || rp[1 + l] != '/')
		return;
	memcpy(top, rp + 1, l);
	top[l] = '\0';
	if (in(host_dirs, top))
		return;  /* already visible */
	sv_push(a, "--ro-bind");
	sv_push(a, rp);
	sv_push(a, rp);
}

int bwrap_argv(const struct sandbox *sb, const char *script, struct strvec *a, struct errbuf *e)
{
	sv_push(a, sb->exe);
	sv_push(a, "--unshare-all");   /* user, ipc, pid, net, uts, cgroup */
	sv_push(a, "--unshare-user");  /* also when invoked as root */
	if (sb->network)
		sv_push(a, "--share-net");
	if (sb->disable_userns)
		sv_push(a, "--disable-userns");
	sv_push(a, "--die-with-parent");
	sv_push(a, "--new-session");
	sv_push(a, "--clearenv");
	sv_push(a, "--cap-drop");
	sv_push(a, "ALL");
	sv_push(a, "--uid");
	sv_pushf(a, "%u", sb->rootfs_rw ? 0 : sb->uid);
	sv_push(a, "--gid");
	sv_pushf(a, "%u", sb->rootfs_rw ? 0 : sb->gid);
	sv_push(a, "--hostname");
	sv_push(a, "yoe-build");
	if (sb->rootfs_rw) {
		sv_push(a, "--bind");
		sv_push(a, sb->rootfs);
		sv_push(a, "/");
	} else if (add_root(sb, a, e) != 0) {
		return -1;
	}
	add_hides(sb, a);
	const char *m[] = {
		"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
		"--bind", sb->src, "/build/src",
		"--bind", sb->destdir, "/build/destdir",
		"--ro-bind", sb->sysroot, "/build/sysroot",
	};
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		sv_push(a, m[i]);
	if (sb->files) {
		sv_push(a, "--ro-bind");
		sv_push(a, sb->files);
		sv_push(a, "/build/files");
	}
	if (sb->network && !sb->rootfs_rw && !strcmp(sb->rootfs, "/"))
		bwrap_resolver("/etc/resolv.conf", a);
	if (sb->qemu_interp) {  /* the kernel opens it inside the sandbox */
		sv_push(a, "--ro-bind");
		sv_push(a, sb->qemu_interp);
		sv_push(a, sb->qemu_interp);
	}
	for (size_t i = 0; i < sb->u->cache.n; i++) {
		sv_push(a, "--bind");
		sv_push(a, sb->u->cache.v[i].val);
		sv_push(a, sb->u->cache.v[i].key);
	}
	if (!sb->rootfs_rw) {
		sv_push(a, "--remount-ro");
		sv_push(a, "/");
	}
	sv_push(a, "--chdir");
	sv_push(a, "/build/src");
	for (size_t i = 0; i < sb->env->n; i++) {
		sv_push(a, "--setenv");
		sv_push(a, sb->env->v[i].key);
		sv_push(a, sb->env->v[i].val);
	}
	sv_push(a, "--");
	sv_pushf(a, "/bin/%s", sb->u->shell);
	sv_push(a, "-c");
	sv_push(a, script);
	return 0;
}
