/* runtime/step/record.c — build.log and build.json (record.h). */
#include "step/record.h"
#include "lib/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int blog_open(const char *path, struct errbuf *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return errf(e, "%s: cannot create the build log: %s", path, strerror(errno));
	return fd;
}

void blog_printf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdprintf(fd, fmt, ap);
	va_end(ap);
}

void blog_tail(const char *path, int n, FILE *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	off_t start = fstat(fd, &st) == 0 && st.st_size > 256 * 1024 ? st.st_size - 256 * 1024 : 0;
	size_t cap = (size_t)(st.st_size - start) + 1;
	char *buf = xrealloc(NULL, cap);
	ssize_t got = pread(fd, buf, cap - 1, start);
	close(fd);
	if (got <= 0) {
		free(buf);
		return;
	}
	size_t len = (size_t)got;
	if (buf[len - 1] == '\n')
		len--;
	size_t i = len;
	int lines = 0;
	while (i > 0 && lines < n)
		if (buf[--i] == '\n' && ++lines == n)
			i++;
	fwrite(buf + i, 1, len - i, out);
	fputc('\n', out);
	free(buf);
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void put_time(FILE *f, const char *name, struct timespec t)
{
	struct tm tm;
	char b[64];
	gmtime_r(&t.tv_sec, &tm);
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, ",\n  \"%s\": \"%s.%09ldZ\"", name, b, t.tv_nsec);
}

int record_write(const char *path, const struct build_record *r, struct errbuf *e)
{
	struct atomic_file af;
	if (atomic_open(&af, path, 0644) != 0)
		return errf(e, "%s: cannot write: %s", path, strerror(errno));
	FILE *f = af.fp;
	fputs("{\n  \"status\": ", f);
	put_str(f, r->status);
	fputs(",\n  \"unit\": ", f);
	put_str(f, r->unit);
	put_time(f, "started", r->started);
	if (r->finished.tv_sec) {
		put_time(f, "finished", r->finished);
		double d = (double)(r->finished.tv_sec - r->started.tv_sec) +
		           (double)(r->finished.tv_nsec - r->started.tv_nsec) / 1e9;
		fprintf(f, ",\n  \"duration_seconds\": %.3f", d);
	}
	if (r->disk_bytes >= 0)
		fprintf(f, ",\n  \"disk_bytes\": %lld", r->disk_bytes);
	if (r->installed_bytes >= 0)
		fprintf(f, ",\n  \"installed_bytes\": %lld", r->installed_bytes);
	fputs(",\n  \"key\": ", f);
	put_str(f, r->key);
	fputs(",\n  \"runtime\": ", f);
	put_str(f, r->runtime);
	if (r->error) {
		fputs(",\n  \"error\": ", f);
		put_str(f, r->error);
	}
	fputs("\n}\n", f);
	if (atomic_commit(&af) < 0)
		return errf(e, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}
