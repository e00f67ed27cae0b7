/* runtime/image/scripts.h — package install scripts (.pre-install,
 * .post-install from the control stream).
 *
 * They run after every package is unpacked, in package order (pre then
 * post for each), inside a bubblewrap sandbox: a new user namespace where
 * the builder is uid 0, every other namespace unshared (no network), the
 * staging tree as `/`, fresh /proc, /dev and /tmp.  That needs the target
 * arch to run on this host (the same arch, or a binfmt_misc emulator) and
 * a /bin/sh in the tree; otherwise the scripts are skipped with a warning
 * naming each one (`[image] scripts = require` turns that into an error).
 *
 * Afterwards the staging tree is compared with the manifest: files the
 * scripts created join it as root:root with their mode, files they removed
 * leave it.  Owners a script sets with chown are not seen (only uid 0
 * exists in the sandbox).
 */
#ifndef YOE_IMAGE_SCRIPTS_H
#define YOE_IMAGE_SCRIPTS_H

#include "image/spec.h"
#include "image/stage.h"

/* scripts_run runs them per the spec's policy; -1 on a failure that the
 * policy makes fatal. */
int scripts_run(struct stage *st, const struct image_spec *s, const char *tmpdir);

/* arch_runs_here is 1 when binaries of apk arch `arch` execute on this host. */
int arch_runs_here(const char *arch);

/* stage_rescan reconciles the manifest with the staging tree (see above). */
int stage_rescan(struct stage *st);

#endif
