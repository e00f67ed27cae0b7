/* gen/emit/specs.h — what lowering shares with the spec writers: the paths
 * of a unit's build products, and the INI specs `yoe gen` writes for
 * container-step (docs/step.md) and image-assemble (docs/image.md). */
#ifndef YOE_EMIT_SPECS_H
#define YOE_EMIT_SPECS_H

#include "yoe/model.h"

/* Where one unit's products go (all project-relative, in the arena). */
struct lower_paths {
	const char *scope;      /* scope dir token: arch, machine name or noarch */
	const char *dir;        /* build/<distro>/<unit>.<scope> */
	const char *repo_arch;  /* apk arch dir: x86_64, aarch64, riscv64, noarch */
	const char *repo_dir;   /* repo/<project>/<distro>/<repo_arch> */
	const char *apk;        /* repo_dir/<name>-<version>-r<release>.apk */
	const char *image;      /* dir/<name>.img (images) */
};

void lower_unit_paths(struct yoe_project *p, const struct yoe_unit *u, const char *distro,
                      struct lower_paths *lp);
const char *lower_apk_arch(const char *arch);
/* lower_num writes v in decimal into buf (24 bytes) and returns it (no
 * printf: lowering formats a release number per unit three times). */
static inline const char *lower_num(char *buf, long long v)
{
	char *p = buf + 23;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return p;
}
/* lower_cat concatenates its NULL-terminated string arguments into p's
 * arena (the hot path of lowering: printf-style formatting costs more than
 * the work). */
const char *lower_cat(struct yoe_project *p, ...) __attribute__((sentinel));
char *lower_shq(const char *s);

/* A build dep's staged tree, for [deps]. */
struct spec_dep {
	const char *name;   /* unit name */
	const char *stage;  /* project-relative stage/ dir */
};

/* write_unit_spec writes dir/unit.ini for container-step (only when its
 * content changed).  key is the unit's own key (lower.c: own_key), so a
 * dependency's new key does not rewrite the spec.  cu/cp: the container unit
 * the unit builds in and its paths (NULL for the host or an external
 * image); a container unit itself gets a [container] section instead of
 * tasks.  rdeps: the package's resolved runtime deps, for the [package]
 * section apk-sign pack --spec reads.  Returns the spec path, or NULL with
 * p->err set. */
const char *write_unit_spec(struct yoe_project *p, const struct yoe_unit *u, const char *distro,
                            const char *key, const struct lower_paths *lp, const struct spec_dep *deps,
                            size_t ndeps, const struct yoe_unit *cu, const struct lower_paths *cp,
                            const char *const *rdeps, size_t nrdeps);
/* spec_changed: did the last write_*_spec call change the file on disk? */
bool spec_changed(void);
/* spec_hash: the last spec's content hash (16 hex digits), which build and
 * image commands carry instead of listing the spec as an input. */
const char *spec_hash(void);

/* write_image_spec writes dir/image.ini for image-assemble.  apks are the
 * closure's package paths in install order. */
const char *write_image_spec(struct yoe_project *p, const struct yoe_unit *u, const char *key,
                             const struct lower_paths *lp, const struct strlist *apks,
                             const char *pubkey);

#endif
