/* runtime/step/build.h — one unit build, start to finish: sysroot, every
 * step of every task in its sandbox, stage, build.json.  This is what the
 * build edge of build.ninja runs through `container-step`. */
#ifndef YOE_STEP_BUILD_H
#define YOE_STEP_BUILD_H

#include "step/spec.h"

#include <stdio.h>

struct build_opts {
	const char *runtime;  /* --runtime value, NULL = $YOE_RUNTIME/config/auto */
	int print_argv;       /* print each step's exact sandbox argv; run nothing */
	FILE *out;            /* where --print-argv writes (stdout) */
	int quiet;            /* no progress line on stderr */
};

/* build_unit returns the process exit status: 0 success, 1 failure (already
 * reported on stderr with the log tail), 128+signal when cancelled. */
int build_unit(const struct unit_spec *u, const struct build_opts *o);

#endif
