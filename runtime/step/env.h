/* runtime/step/env.h — the environment a build step sees: a fixed
 * allow-list (docs/environment.md), then the unit's [env].  Nothing is
 * inherited from the host; the sandbox starts from an empty environment. */
#ifndef YOE_STEP_ENV_H
#define YOE_STEP_ENV_H

#include "step/spec.h"

/* step_env appends the step environment to env in a fixed order; the unit's
 * [env] entries come last and override same-named ones in place. */
void step_env(const struct unit_spec *u, int nproc, struct kvlist *env);
/* arch_tuple maps a yoe arch token to its Debian multiarch tuple
 * (x86_64 → x86_64-linux-gnu); unknown arches map to "<arch>-linux-gnu". */
const char *arch_tuple(const char *arch, char *buf, unsigned len);
/* host_nproc is the number of CPUs this process may run on (≥ 1). */
int host_nproc(void);

#endif
