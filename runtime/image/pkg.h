/* runtime/image/pkg.h — the image's packages: opened, checked against the
 * project key before anything is written, and asked about their metadata.
 * The .apk reading and the cryptography live in runtime/apk (apk.h). */
#ifndef YOE_IMAGE_PKG_H
#define YOE_IMAGE_PKG_H

#include "apk/apk.h"

#include <stddef.h>
#include <stdint.h>

/* pkg is one package of the closure. */
struct pkg {
	struct apk apk;       /* the open file (apk.path is the .apk path) */
	const char *name;     /* .PKGINFO pkgname (points into apk) */
	const char *version;  /* .PKGINFO pkgver */
	const char *arch;     /* .PKGINFO arch */
	uint64_t size;        /* bytes installed (regular files + symlinks) */
};

/* pkgs_open opens every path and verifies each package's signature against
 * pubkey and its datahash, checks its arch against arch (noarch always
 * fits) and that no package name appears twice.  On failure prints one
 * message naming the package file and returns -1 (everything closed). */
int pkgs_open(struct pkg **out, char *const *paths, size_t n, const char *pubkey,
              const char *arch);
void pkgs_close(struct pkg *p, size_t n);

/* pkg_replaces is 1 when p's .PKGINFO has `replaces = <name>` (a version
 * constraint after the name is ignored). */
int pkg_replaces(const struct pkg *p, const char *name);

/* pkg_script returns the malloc'd text of control member `name` (for
 * example ".post-install"), or NULL when the package has none. */
char *pkg_script(const struct pkg *p, const char *name);

#endif
