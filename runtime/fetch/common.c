/* runtime/fetch/common.c — what every part of fetch-and-verify shares:
 * error values, one-time library setup, the paranoid default. */
#include "fetch/fetch.h"

#include <curl/curl.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ferr_set(e, "cannot initialise libcurl");
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
