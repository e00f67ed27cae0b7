/* runtime/fetch/common.c — what every part of fetch-and-verify shares:
 * error values, one-time libgit2 setup, the paranoid default, URL
 * redaction.  No libcurl here (http.c sets it up), so `yoe` can link the
 * module checks with libgit2 alone. */
#include "fetch/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int ferr_set(struct ferr *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int fetch_lib_init(struct ferr *e)
{
	static int done;
	if (done)
		return 0;
	if (git_libgit2_init() < 0)
		return ferr_set(e, "cannot initialise libgit2: %s", git_errmsg());
	/* The user's ~/.gitconfig (autocrlf, hooks paths, url rewrites…) must
	 * not change what lands in src/ or in a mirror. */
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA, "");
	done = 1;
	return 0;
}

int paranoid_default(void)
{
	const char *ci = getenv("CI");
	return ci && strcmp(ci, "true") == 0;
}

const char *git_errmsg(void)
{
	const git_error *ge = git_error_last();
	return ge && ge->message ? ge->message : "unknown error";
}

int hex40_valid(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == GIT_HEX_LEN;
}

char *url_redact(const char *url)
{
	char *out = strdup(url);
	char *host = out ? strstr(out, "://") : NULL;
	if (!host)
		return out;
	host += 3;
	char *at = strchr(host, '@'), *slash = strchr(host, '/');
	char *colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (!at || (slash && slash < at) || !colon)
		return out;
	char *r;
	if (asprintf(&r, "%.*s***%s", (int)(colon + 1 - out), out, at) < 0)
		r = NULL;
	free(out);
	return r;
}

int lock_path(const char *path, struct ferr *e)
{
	char *lk = NULL, *dir = NULL;
	if (asprintf(&lk, "%s.lock", path) < 0)
		return ferr_set(e, "out of memory");
	/* The directory may not exist yet: create the lock's parent only. */
	const char *slash = strrchr(lk, '/');
	if (slash && slash != lk) {
		dir = strndup(lk, (size_t)(slash - lk));
		for (char *p = dir + 1; dir && *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		if (dir)
			mkdir(dir, 0755);
		free(dir);
	}
	int fd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ferr_set(e, "cannot create lock %s: %s", lk, strerror(errno));
		free(lk);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "  waiting for another run using %s\n", path);
		if (flock(fd, LOCK_EX) != 0) {
			ferr_set(e, "cannot lock %s: %s", lk, strerror(errno));
			close(fd);
			free(lk);
			return -1;
		}
	}
	free(lk);
	return fd;
}
