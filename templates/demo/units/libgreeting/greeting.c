/* greeting.c — libgreeting's one function (greeting.h). */
#include "greeting.h"

#include <stdio.h>
#include <sys/utsname.h>

int greeting_compose(char *buf, size_t n, const char *text)
{
	struct utsname u;
	if (uname(&u) != 0)
		return snprintf(buf, n, "*** %s ***", text);
	return snprintf(buf, n, "*** %s (on %s, Linux %s) ***", text, u.machine, u.release);
}
