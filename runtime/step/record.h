/* runtime/step/record.h — build.log and build.json of a unit build.
 *
 * build.log receives everything: container-step's own header per step and
 * all step output.  build.json records the outcome for humans and tools
 * (it is not a ninja output: it holds times, so it changes every run). */
#ifndef YOE_STEP_RECORD_H
#define YOE_STEP_RECORD_H

#include "step/util.h"

#include <stdio.h>
#include <time.h>

/* log_open truncates (or creates) the log and returns an O_APPEND fd. */
int blog_open(const char *path, struct errbuf *e);
void blog_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* blog_tail prints the last n lines of the log to out. */
void blog_tail(const char *path, int n, FILE *out);

/* build_record is what build.json says. */
struct build_record {
	const char *status;        /* building, complete, failed, cancelled */
	const char *unit;          /* unit name */
	const char *key;           /* unit key from the spec */
	const char *runtime;       /* sandbox runtime used (informational) */
	struct timespec started;   /* wall clock at start */
	struct timespec finished;  /* wall clock at end; tv_sec 0 = unset */
	long long disk_bytes;      /* bytes under the unit's build dir (-1 = unset) */
	long long installed_bytes; /* bytes under destdir (-1 = unset) */
	const char *error;         /* failure message, NULL when none */
};

/* record_write writes build.json atomically (temp + fsync + rename). */
int record_write(const char *path, const struct build_record *r, struct errbuf *e);

#endif
