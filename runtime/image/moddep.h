/* runtime/image/moddep.h — which kernel modules to load, in which order,
 * for a list of module names: the closure over depmod's text indexes
 * (modules.dep, modules.builtin, modules.softdep, modules.alias), as
 * `modprobe` would compute it, without running anything.
 *
 * Names are compared with '-' and '_' equivalent, as the kernel does.  The
 * order puts every module after its dependencies and its `softdep pre:`
 * modules (and before its `post:` ones); each module appears once.  A
 * module reached only through a softdep is `optional`: softdeps are hints
 * (crc32c_intel fails to load on a CPU without SSE4.2, crc32c_generic does
 * the job then), so its load failing must not stop the boot. */
#ifndef YOE_IMAGE_MODDEP_H
#define YOE_IMAGE_MODDEP_H

#include <stddef.h>

/* moddep is the parsed indexes of one kernel version. */
struct moddep {
	struct moddep_mod {
		char *name;    /* normalized: '-' → '_' */
		char *path;    /* as in modules.dep: relative to lib/modules/<kver>/ */
		char **deps;   /* dependency paths, as listed */
		size_t ndeps;
	} *mods;
	size_t nmods;
	char **builtin;    /* normalized names of built-in modules */
	size_t nbuiltin;
	struct moddep_soft {
		char *name;    /* normalized module name */
		char **pre, **post;
		size_t npre, npost;
	} *soft;
	size_t nsoft;
	struct moddep_alias {
		char *pattern; /* fnmatch pattern, normalized outside [] */
		char *name;    /* normalized module name */
	} *alias;
	size_t nalias;
};

/* moddep_entry is one module to load. */
struct moddep_entry {
	const char *name;  /* points into the moddep */
	const char *path;  /* as in modules.dep */
	char *const *deps; /* its modules.dep dependencies (paths) */
	size_t ndeps;
	int optional;      /* only needed as a softdep: failure is not fatal */
};

/* moddep_parse reads the file texts (NUL-terminated; any but dep may be
 * NULL).  Returns 0, or -1 when out of memory. */
int moddep_parse(struct moddep *d, const char *dep, const char *builtin,
                 const char *softdep, const char *alias);
void moddep_free(struct moddep *d);

/* moddep_resolve computes the load order for names[0..n) into *out (a
 * malloc'd array of *nout entries).  A name that is built in is skipped;
 * a name that is neither a module nor built in but an alias loads the
 * modules the alias names.  Otherwise -1 with "no module 'NAME' in WHERE
 * (not in modules.dep or modules.builtin)" in why (likewise for a
 * dependency modules.dep lists but does not describe). */
int moddep_resolve(const struct moddep *d, char *const *names, size_t n,
                   const char *where, struct moddep_entry **out, size_t *nout,
                   char *why, size_t whylen);

/* moddep_name writes the normalized module name of a path or name
 * ("kernel/fs/ext4/ext4.ko.xz" → "ext4", "virtio-blk" → "virtio_blk"). */
void moddep_name(const char *path, char *name, size_t len);

#endif
