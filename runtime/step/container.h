/* runtime/step/container.h — builds a container unit (a spec with a
 * [container] section), the environment other units' steps run in.
 *
 * bwrap: the pinned rootfs tarball is unpacked by `tar` inside a sandbox
 * that can write only the new tree, then the unit's `setup` steps run in a
 * sandbox whose root is that tree (read-write, as uid 0 of a user namespace,
 * with no capabilities and with network).  The result is renamed to
 * `rootfs/` and its tree hash (XXH3-128 over paths, types, modes, contents)
 * is written to `container.id`.
 * podman/docker: `build` from the unit's Dockerfile (network allowed), then
 * the image id from `image inspect` goes to `container.id`.
 * container.id is rewritten only when it changes, for ninja's restat. */
#ifndef YOE_STEP_CONTAINER_H
#define YOE_STEP_CONTAINER_H

#include "step/sandbox.h"

#include <stdio.h>

/* container_build builds u's container.  base is a sandbox prepared for the
 * unit (runtime, env, ids, unit dirs).  print: write the argv of every
 * command to print and run nothing.  Returns 0, or -1 with e set. */
int container_build(const struct unit_spec *u, const struct sandbox *base, int logfd, FILE *print, struct errbuf *e);

/* tree_hash returns the hex XXH3-128 of a directory tree, or NULL. */
char *tree_hash(const char *dir);

#endif
