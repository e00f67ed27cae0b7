/* runtime/step/install.h — install_file / install_template steps.  They run
 * in container-step itself (outside the sandbox), so they are the one place
 * where unit-controlled paths meet the host file system: src must stay in
 * the unit's files directory and dest in destdir, with no `..`, no absolute
 * escape and no symlink (planted by an earlier sandboxed step) on the way. */
#ifndef YOE_STEP_INSTALL_H
#define YOE_STEP_INSTALL_H

#include "step/spec.h"

/* install_run performs step s (STEP_INSTALL or STEP_TEMPLATE).  env is the
 * step environment, used to expand $VAR / ${VAR} in dest (DESTDIR is
 * /build/destdir there); destdir is the host path it maps to. */
int install_run(const struct unit_spec *u, const struct step *s, const struct kvlist *env,
                const char *destdir, struct errbuf *e);

/* install_dest_rel expands dest and returns the malloc'd destdir-relative
 * path, or NULL with a message in e when it escapes or uses an unknown
 * variable. */
char *install_dest_rel(const char *dest, const struct kvlist *env, struct errbuf *e);

#endif
