/* tests/lib/findtop.c — the repository root for test programs (findtop.h). */
#include "findtop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_find_top(char *out, size_t n, const char *marker)
{
	const char *env = getenv("YOE_TOP");
	if (env && *env) {
		snprintf(out, n, "%s", env);
		return 0;
	}
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return -1;
	exe[len] = '\0';
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return -1;
		*slash = '\0';
		char probe[4200];
		snprintf(probe, sizeof probe, "%s/%s", exe, marker);
		if (access(probe, F_OK) == 0) {
			snprintf(out, n, "%s", exe);
			return 0;
		}
	}
	return -1;
}
