/* runtime/step/container.c — container units (container.h). */
#include "step/container.h"
#include "step/proc.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static void hash_tree(XXH3_state_t *st, const char *root, const char *rel)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char r[PATH_MAX], p[PATH_MAX * 2];
		struct stat sb;
		if (strcmp(name, ".") && strcmp(name, "..") &&
		    snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", name) < (int)sizeof r &&
		    snprintf(p, sizeof p, "%s/%s", root, r) < (int)sizeof p && lstat(p, &sb) == 0) {
			uint32_t mode = (uint32_t)sb.st_mode;
			XXH3_128bits_update(st, r, strlen(r) + 1);
			XXH3_128bits_update(st, &mode, sizeof mode);
			if (S_ISDIR(sb.st_mode)) {
				hash_tree(st, root, r);
			} else if (S_ISLNK(sb.st_mode)) {
				char t[PATH_MAX];
				ssize_t tl = readlink(p, t, sizeof t);
				if (tl > 0)
					XXH3_128bits_update(st, t, (size_t)tl);
			} else if (S_ISREG(sb.st_mode)) {
				int fd = open(p, O_RDONLY | O_CLOEXEC);
				char buf[65536];
				ssize_t got;
				while (fd >= 0 && (got = read(fd, buf, sizeof buf)) > 0)
					XXH3_128bits_update(st, buf, (size_t)got);
				if (fd >= 0)
					close(fd);
			}
		}
		free(ents[i]);
	}
	free(ents);
}

char *tree_hash(const char *dir)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return NULL;
	XXH3_128bits_reset(st);
	hash_tree(st, dir, "");
	XXH128_hash_t h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	return xasprintf("%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

/* run_cmd prints or runs one command; the header goes to the log. */
static int run_cmd(struct strvec *argv, const char *what, int logfd, int outfd, FILE *print, int soft, struct errbuf *e)
{
	if (print) {
		fprintf(print, "# %s\n", what);
		for (size_t i = 0; i < argv->n; i++) {
			char *x = spec_escape(argv->v[i]);
			fprintf(print, "%s\n", x);
			free(x);
		}
		return 0;
	}
	dprintf(logfd, "==> [container] %s\n", what);
	int st = proc_run(argv->v, outfd >= 0 ? outfd : logfd, soft, e);
	if (st > 0) {
		if (proc_cancelled())
			return errf(e, "cancelled by signal %d during container %s", proc_cancelled(), what);
		return errf(e, "container %s failed with exit code %d", what, st);
	}
	return st;
}

static char *quote(const char *s)
{
	size_t n = 2;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *q = xrealloc(NULL, n + 1), *o = q;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

static int write_id(const struct unit_spec *u, const char *kind, const char *id, struct errbuf *e)
{
	char *path = path_join(u->dir, "container.id"), *text = xasprintf("%s %s\n", kind, id);
	int rc = write_file_if_changed(path, text, strlen(text), 0644) < 0 ? errf(e, "%s: cannot write: %s", path, strerror(errno)) : 0;
	free(path);
	free(text);
	return rc;
}

static int build_rootfs(const struct unit_spec *u, const struct sandbox *base, int logfd, FILE *print, struct errbuf *e)
{
	const struct container_spec *c = &u->ctr;
	if (!c->rootfs_tarball)
		return errf(e, "container unit '%s': the bwrap runtime builds containers from a rootfs tarball; add rootfs_tarball to [container] in %s (or use --runtime=podman/docker with a dockerfile)",
		            u->name, u->path);
	char *tmp = path_join(u->dir, "rootfs.tmp"), *final = path_join(u->dir, "rootfs");
	char *tdir = path_dirname(c->rootfs_tarball), *tbase = quote(strrchr(c->rootfs_tarball, '/') + 1), *script = NULL;
	int rc = -1;
	if (!print && (rm_rf(tmp) != 0 || mkdir_p(tmp, 0755) != 0)) {
		errf(e, "%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	/* unpack: the tarball's dir read-only, the new tree the only thing writable */
	struct sandbox sb = *base;
	sb.rootfs = "/";
	sb.src = tmp;
	sb.sysroot = tdir;
	sb.network = 0;
	script = xasprintf("tar -xf /build/sysroot/%s -C /build/src --no-same-owner --exclude='./dev/*' --exclude='dev/*'", tbase);
	struct strvec argv = {0};
	rc = sandbox_argv(&sb, script, &argv, e);
	if (rc == 0)
		rc = run_cmd(&argv, "unpack rootfs tarball", logfd, -1, print, 0, e);
	sv_free(&argv);
	/* setup steps: root = the new tree, writable, with network */
	for (size_t i = 0; rc == 0 && i < c->setup.nsteps; i++) {
		struct sandbox ss = *base;
		ss.rootfs = tmp;
		ss.rootfs_rw = 1;
		ss.network = 1;
		ss.step_no = i + 1;
		char *what = xasprintf("setup %zu/%zu: %.80s", i + 1, c->setup.nsteps, c->setup.steps[i].text);
		rc = sandbox_argv(&ss, c->setup.steps[i].text, &argv, e);
		if (rc == 0)
			rc = run_cmd(&argv, what, logfd, -1, print, 0, e);
		sv_free(&argv);
		free(what);
	}
	if (rc != 0 || print)
		goto out;
	char *h = tree_hash(tmp);
	if (!h || rm_rf(final) != 0 || rename(tmp, final) != 0) {
		rc = errf(e, "%s: cannot replace with %s: %s", final, tmp, strerror(errno));
	} else {
		dprintf(logfd, "==> [container] rootfs tree xxh3-128:%s\n", h);
		rc = write_id(u, "rootfs", h, e);
	}
	free(h);
out:
	if (rc != 0 && !print)
		rm_rf(tmp);
	free(script);
	free(tmp);
	free(final);
	free(tdir);
	free(tbase);
	return rc;
}

static int build_image(const struct unit_spec *u, const struct sandbox *base, int logfd, FILE *print, struct errbuf *e)
{
	const struct container_spec *c = &u->ctr;
	if (!c->image || !c->dockerfile)
		return errf(e, "container unit '%s': %s builds containers from a Dockerfile; [container] in %s needs image and dockerfile",
		            u->name, runtime_name(base->rt), u->path);
	char *ctx = c->context ? xstrdup(c->context) : path_dirname(c->dockerfile);
	struct strvec argv = {0};
	sv_push(&argv, base->exe);
	sv_push(&argv, "build");
	sv_pushf(&argv, "--platform=linux/%s", docker_arch(base->platform_arch));
	sv_pushf(&argv, "--tag=%s", c->image);
	sv_pushf(&argv, "--file=%s", c->dockerfile);
	sv_push(&argv, ctx);
	int rc = run_cmd(&argv, "build image", logfd, -1, print, 1, e);
	sv_free(&argv);
	free(ctx);
	if (rc != 0)
		return rc;
	sv_push(&argv, base->exe);
	sv_push(&argv, "image");
	sv_push(&argv, "inspect");
	sv_push(&argv, "--format={{.Id}}");
	sv_push(&argv, c->image);
	char *idpath = path_join(u->dir, "image.id.tmp");
	int fd = print ? -1 : open(idpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (!print && fd < 0)
		rc = errf(e, "%s: cannot create: %s", idpath, strerror(errno));
	else
		rc = run_cmd(&argv, "image id", logfd, fd, print, 1, e);
	sv_free(&argv);
	if (fd >= 0)
		close(fd);
	if (rc == 0 && !print) {
		char *id = read_file(idpath, NULL);
		if (id)
			id[strcspn(id, "\r\n")] = '\0';
		rc = id && *id ? write_id(u, "image", id, e) : errf(e, "%s image inspect printed no id for %s", base->exe, c->image);
		if (id && *id)
			dprintf(logfd, "==> [container] image %s\n", id);
		free(id);
	}
	unlink(idpath);
	free(idpath);
	return rc;
}

int container_build(const struct unit_spec *u, const struct sandbox *base, int logfd, FILE *print, struct errbuf *e)
{
	return base->rt == RT_BWRAP ? build_rootfs(u, base, logfd, print, e) : build_image(u, base, logfd, print, e);
}
