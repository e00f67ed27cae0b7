/* runtime/image/scripts.c — install scripts in a bwrap sandbox and the
 * manifest rescan afterwards (scripts.h). */
#include "image/scripts.h"
#include "image/run.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *const script_names[] = {".pre-install", ".post-install"};

int arch_runs_here(const char *arch)
{
	struct utsname u;
	if (!strcmp(arch, "noarch"))
		return 1;
	if (uname(&u) == 0) {
		if (!strcmp(u.machine, arch))
			return 1;
		if (!strcmp(u.machine, "aarch64") && !strcmp(arch, "arm64"))
			return 1;
	}
	/* A registered emulator (qemu-user-binfmt) runs foreign binaries. */
	char path[256];
	snprintf(path, sizeof path, "/proc/sys/fs/binfmt_misc/qemu-%s",
	         !strcmp(arch, "arm64") ? "aarch64" : arch);
	return access(path, F_OK) == 0;
}

/* why_not returns why scripts cannot run here, or NULL when they can. */
static const char *why_not(const struct stage *st, const struct image_spec *s)
{
	const struct mentry *sh = manifest_get(st->m, "bin/sh");
	if (!arch_runs_here(s->arch))
		return "the target arch does not run on this host (no binfmt_misc "
		       "emulator registered)";
	if (!have_tool("bwrap"))
		return "bwrap is not installed (scripts/install-deps)";
	if (!sh || sh->deleted)
		return "the image has no /bin/sh";
	return NULL;
}

static int run_one(struct stage *st, const struct pkg *p, const char *which,
                   const char *text, const char *tmpdir)
{
	char *file = path_join(tmpdir, "script");
	int rc = write_file_if_changed(file, text, strlen(text), 0755) < 0 ? -1 : 0;
	char what[600];
	snprintf(what, sizeof what, "%s: %s", p->apk.path, which);
	if (!rc) {
		char *argv[] = {"bwrap", "--unshare-all", "--die-with-parent",
		                "--uid", "0", "--gid", "0",
		                "--bind", st->root, "/",
		                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
		                "--ro-bind", file, "/tmp/.yoe-script",
		                "--chdir", "/", "--clearenv",
		                "--setenv", "PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
		                "--setenv", "HOME", "/root",
		                "/bin/sh", "/tmp/.yoe-script", (char *)p->version, NULL};
		rc = run_tool(what, argv, NULL, tmpdir);
	}
	unlink(file);
	free(file);
	return rc;
}

int scripts_run(struct stage *st, const struct image_spec *s, const char *tmpdir)
{
	size_t count = 0;
	for (size_t i = 0; i < st->npkgs; i++)
		for (size_t k = 0; k < 2; k++) {
			char *t = pkg_script(&st->pkgs[i], script_names[k]);
			count += t != NULL;
			free(t);
		}
	if (!count)
		return 0;
	const char *why = s->scripts == SCRIPTS_SKIP ? "scripts = skip" : why_not(st, s);
	if (why) {
		for (size_t i = 0; i < st->npkgs; i++)
			for (size_t k = 0; k < 2; k++) {
				char *t = pkg_script(&st->pkgs[i], script_names[k]);
				if (t)
					(s->scripts == SCRIPTS_REQUIRE ? log_error : log_warn)(
						"%s: %s not run: %s", st->pkgs[i].apk.path,
						script_names[k], why);
				free(t);
			}
		return s->scripts == SCRIPTS_REQUIRE ? -1 : 0;
	}
	int failed = 0;
	for (size_t i = 0; i < st->npkgs; i++)
		for (size_t k = 0; k < 2; k++) {
			char *t = pkg_script(&st->pkgs[i], script_names[k]);
			if (t && run_one(st, &st->pkgs[i], script_names[k], t, tmpdir))
				failed++;
			free(t);
		}
	if (stage_rescan(st))
		return -1;
	if (failed && s->scripts == SCRIPTS_REQUIRE)
		return -1;
	if (failed)
		log_warn("%d install script(s) failed (see above); the image is built "
		         "anyway, as apk would", failed);
	return 0;
}

/* nftw has no context pointer: the rescan in progress. */
static struct stage *rescan_st;
static size_t rescan_rootlen;

static int rescan_one(const char *fpath, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0;
	const char *rel = fpath + rescan_rootlen + 1;
	struct mentry *e = manifest_get(rescan_st->m, rel);
	enum mtype t = S_ISDIR(sb->st_mode) ? M_DIR : S_ISLNK(sb->st_mode) ? M_SYMLINK
	               : S_ISREG(sb->st_mode) ? M_REG : M_FIFO;
	if (t == M_FIFO)
		return 0; /* sockets and the like are not kept */
	if (!path_safe(rel)) {
		log_warn("install scripts made /%s: odd name, not kept", rel);
		return 0;
	}
	chmod(fpath, host_mode(t, sb->st_mode)); /* keep it readable for mkfs */
	if (e && (e->type == t || (t == M_REG && e->type == M_HARDLINK))) {
		e->deleted = 0;
		if (t == M_REG)
			e->size = sb->st_size;
		return 0;
	}
	if (!(e = manifest_put(rescan_st->m, rel)))
		return -1;
	free(e->link);
	e->link = NULL;
	e->type = t;
	e->mode = sb->st_mode & 07777 & ~(mode_t)06000; /* no set-id from scripts */
	e->uid = e->gid = 0;
	e->size = t == M_REG ? sb->st_size : 0;
	e->sha1[0] = '\0';
	e->pkg = -1;
	e->implicit = 0;
	e->deleted = 0;
	if (t == M_SYMLINK) {
		char buf[4096];
		ssize_t n = readlink(fpath, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		e->link = strdup(buf);
	}
	return 0;
}

static int host_kind(enum mtype t)
{
	return t != M_CHR && t != M_BLK && t != M_FIFO;
}

int stage_rescan(struct stage *st)
{
	/* Mark everything that lives on the host as gone; the physical walk
	 * (which never follows a symlink, so a script that swapped a
	 * directory for a symlink cannot make us read outside the tree)
	 * brings back what it finds. */
	for (size_t i = 0; i < st->m->cap; i++) {
		struct mentry *e = st->m->slots[i];
		if (e && host_kind(e->type))
			e->deleted = 1;
	}
	rescan_st = st;
	rescan_rootlen = strlen(st->root);
	if (nftw(st->root, rescan_one, 32, FTW_PHYS)) {
		log_errno("%s: cannot rescan the staging tree", st->root);
		return -1;
	}
	/* Device nodes and FIFOs go with their directory. */
	for (size_t i = 0; i < st->m->cap; i++) {
		struct mentry *e = st->m->slots[i];
		if (!e || host_kind(e->type) || e->deleted)
			continue;
		char *slash = strrchr(e->path, '/');
		if (!slash)
			continue;
		*slash = '\0';
		const struct mentry *d = manifest_get(st->m, e->path);
		*slash = '/';
		if (!d || d->deleted || d->type != M_DIR)
			e->deleted = 1;
	}
	/* Parent-directory fds cached by stage.c may point at removed dirs. */
	if (st->dirfd >= 0)
		close(st->dirfd);
	st->dirfd = -1;
	free(st->dirpath);
	st->dirpath = NULL;
	return 0;
}
