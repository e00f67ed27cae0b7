/* runtime/step/tree.h — hard-link merges of directory trees: the unit's
 * sysroot (every build dep's staged tree, merged) and its stage (destdir,
 * linked for dependents).  Hard links make both O(files) with no data
 * copied; a copy is the fallback where a link is impossible (another file
 * system, a link count limit). */
#ifndef YOE_STEP_TREE_H
#define YOE_STEP_TREE_H

#include "step/util.h"

/* sysroot_assemble removes sysroot and rebuilds it from deps (unit name →
 * staged tree).  The same path shipped by two deps with different content
 * (or type, or symlink target) is an error naming both units and the path;
 * identical content is fine.  `<sysroot>.deps` records which stage
 * directories it was made from; when they are all still the same, the
 * existing sysroot is kept and *reused is set to 1. */
int sysroot_assemble(const struct kvlist *deps, const char *sysroot, struct errbuf *e, int *reused);

/* dep_container_id returns the malloc'd first line of container.id in the
 * unit dir of a dep's stage path (`rootfs <hash>` or `image <id>`), or
 * NULL when the dep is not a container unit. */
char *dep_container_id(const char *stage);
/* dep_is_container: the dep has no stage/ but a container.id — a container
 * unit, which the sysroot merge skips. */
int dep_is_container(const char *stage);

/* tree_link replaces dst with a hard-link copy of the tree src, atomically:
 * it is built beside dst as dst.tmp and renamed into place. */
int tree_link(const char *src, const char *dst, struct errbuf *e);

/* tree_remove is rm -rf that first restores owner rwx on directories a
 * build step locked (chmod 000), so the owner can always delete its trees. */
int tree_remove(const char *dir);

/* tree_unlock adds owner rwx to every directory under dir that lacks it,
 * so the tree can be staged and removed by its (non-root) owner whatever
 * modes a step left.  With modes_file, "MODE path" lines (octal original
 * mode, dir-relative path, sorted) record what was changed, for packaging
 * to restore; the file is removed when nothing changed. */
int tree_unlock(const char *dir, const char *modes_file, struct errbuf *e);

/* tree_size sums the sizes of every non-directory entry under dir, leaving
 * out the top-level entries named in skip (NULL-terminated, may be NULL). */
long long tree_size(const char *dir, const char *const *skip);

#endif
