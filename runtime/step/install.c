/* runtime/step/install.c — host-side install steps (install.h). */
#include "step/install.h"
#include "step/template.h"
#include "lib/fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* expand replaces $VAR and ${VAR} from env; unknown names are an error so a
 * typo cannot silently install to the destdir root. */
static char *expand(const char *in, const struct kvlist *env, struct errbuf *e)
{
	size_t cap = strlen(in) + 256, n = 0;
	char *out = xrealloc(NULL, cap);
	for (const char *p = in; *p;) {
		const char *val = NULL;
		char name[128];
		if (*p == '$') {
			int brace = p[1] == '{';
			const char *s = p + 1 + brace, *q = s;
			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
			if (q == s || (brace && *q != '}') || q - s >= (long)sizeof name) {
				free(out);
				errf(e, "dest '%s': bad variable reference (write $NAME or ${NAME})", in);
				return NULL;
			}
			memcpy(name, s, (size_t)(q - s));
			name[q - s] = '\0';
			if (!(val = kv_get(env, name))) {
				free(out);
				errf(e, "dest '%s': unknown variable $%s (step variables: see docs/environment.md)", in, name);
				return NULL;
			}
			p = q + brace;
		}
		size_t l = val ? strlen(val) : 1;
		if (n + l + 1 > cap)
			out = xrealloc(out, cap = (n + l + 1) * 2);
		memcpy(out + n, val ? val : p, l);
		n += l;
		if (!val)
			p++;
	}
	out[n] = '\0';
	return out;
}

/* clean_rel checks a relative path has no `..` and drops `.` and empty
 * components; NULL when it escapes. */
static char *clean_rel(const char *rel)
{
	char *copy = xstrdup(rel), *save = NULL, *out = xrealloc(NULL, strlen(rel) + 1);
	out[0] = '\0';
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			free(copy);
			free(out);
			return NULL;
		}
		if (*out)
			strcat(out, "/");
		strcat(out, c);
	}
	free(copy);
	return out;
}

char *install_dest_rel(const char *dest, const struct kvlist *env, struct errbuf *e)
{
	char *x = expand(dest, env, e);
	if (!x)
		return NULL;
	const char *root = "/build/destdir", *rel = x;
	size_t rl = strlen(root);
	if (x[0] == '/') {
		if (strncmp(x, root, rl) || (x[rl] != '/' && x[rl] != '\0')) {
			errf(e, "dest '%s' (= %s) is outside $DESTDIR; install steps may only write under $DESTDIR", dest, x);
			free(x);
			return NULL;
		}
		rel = x + rl;
	}
	char *c = clean_rel(rel);
	if (!c || !*c) {
		errf(e, "dest '%s' (= %s) %s", dest, x, c ? "names $DESTDIR itself, not a file in it" : "escapes $DESTDIR with '..'");
		free(c);
		free(x);
		return NULL;
	}
	free(x);
	return c;
}

/* write_beneath writes data to destdir/rel, creating parents 0755, without
 * following any symlink on the way (openat with O_NOFOLLOW per component),
 * through a temp file renamed into place. */
static int write_beneath(const char *destdir, const char *rel, const char *data, size_t len, int mode, struct errbuf *e)
{
	int dfd = open(destdir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
	if (dfd < 0)
		return errf(e, "%s: cannot open destdir: %s", destdir, strerror(errno));
	char *copy = xstrdup(rel), *comp = copy, *slash;
	int rc = -1;
	while ((slash = strchr(comp, '/'))) {
		*slash = '\0';
		if (mkdirat(dfd, comp, 0755) != 0 && errno != EEXIST) {
			errf(e, "%s/%s: cannot create directory: %s", destdir, rel, strerror(errno));
			goto out;
		}
		int nfd = openat(dfd, comp, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
		if (nfd < 0) {
			errf(e, "install to $DESTDIR/%s refused: '%s' is a symlink or not a directory, which could escape destdir", rel, comp);
			goto out;
		}
		close(dfd);
		dfd = nfd;
		comp = slash + 1;
	}
	char tmp[NAME_MAX + 1];
	snprintf(tmp, sizeof tmp, ".yoe-install.%d", (int)getpid());
	unlinkat(dfd, tmp, 0);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		errf(e, "%s/%s: cannot create: %s", destdir, rel, strerror(errno));
		goto out;
	}
	int ok = write(fd, data, len) == (ssize_t)len && fchmod(fd, (mode_t)mode) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || renameat(dfd, tmp, dfd, comp) != 0) {
		errf(e, "%s/%s: cannot write: %s", destdir, rel, strerror(errno));
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	rc = 0;
out:
	free(copy);
	close(dfd);
	return rc;
}

/* read_src reads files_dir/src, refusing anything that resolves outside
 * files_dir (`..`, absolute paths, symlinks pointing out). */
static char *read_src(const struct unit_spec *u, const char *src, size_t *len, struct errbuf *e)
{
	if (!u->files_dir || !*u->files_dir) {
		errf(e, "install source '%s': the unit has no files_dir in %s ([unit] files_dir = <dir next to the .star file>)", src, u->path);
		return NULL;
	}
	char *rel = src[0] == '/' ? NULL : clean_rel(src);
	if (!rel || !*rel) {
		errf(e, "install source '%s' escapes the unit's files directory %s; name a file inside it", src, u->files_dir);
		free(rel);
		return NULL;
	}
	char *full = path_join(u->files_dir, rel), rroot[PATH_MAX], rfull[PATH_MAX], *data = NULL;
	if (!realpath(u->files_dir, rroot) || !realpath(full, rfull))
		errf(e, "install source %s: %s", full, strerror(errno));
	else if (strncmp(rfull, rroot, strlen(rroot)) || rfull[strlen(rroot)] != '/')
		errf(e, "install source '%s' resolves to %s, outside the unit's files directory %s (a symlink?)", src, rfull, rroot);
	else if (!(data = read_file(rfull, len)))
		errf(e, "install source %s: %s", rfull, strerror(errno));
	free(full);
	free(rel);
	return data;
}

int install_run(const struct unit_spec *u, const struct step *s, const struct kvlist *env,
                const char *destdir, struct errbuf *e)
{
	char *rel = install_dest_rel(s->dest, env, e);
	if (!rel)
		return -1;
	size_t len = 0;
	char *data = read_src(u, s->src, &len, e), *out = NULL;
	int rc = -1;
	if (data && s->kind == STEP_TEMPLATE) {
		struct kvlist d = {0};
		template_data(u, &d);
		char *fname = path_join(u->files_dir, s->src);
		out = template_render(data, fname, &d, e);
		free(fname);
		kv_free(&d);
		if (out)
			len = strlen(out);
	}
	if (data && (s->kind == STEP_INSTALL || out))
		rc = write_beneath(destdir, rel, out ? out : data, len, s->mode, e);
	free(out);
	free(data);
	free(rel);
	return rc;
}
