/* runtime/lib/log.c — implementation of the shared diagnostics (log.h). */
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *progname = "yoe";

void log_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		progname = slash ? slash + 1 : argv0;
}

const char *log_progname(void) { return progname; }

void log_verror(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", progname, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_verror("error", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_verror("warning", fmt, ap);
	va_end(ap);
}

void log_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
}
