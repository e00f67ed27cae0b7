/* runtime/apk/packspec.h — `apk-sign pack --spec FILE`: the [package]
 * section of a unit.ini as pack_opts.
 *
 * `yoe gen` writes apk-sign pack's options into the unit's unit.ini
 * (read with lib/specini.h: the escapes and `key+` continuation lines of
 * docs/step.md), so the package edge names only the spec.  Keys are pack's
 * value options without `--` (destdir name version release arch description
 * license origin commit depend provides replaces service sysroot level); the
 * list options (depend provides replaces service) repeat their key.  The
 * signing options and the output (key keyname epoch unsigned output o) are
 * refused: they stay on the command line.  Other sections are not read. */
#ifndef YOE_APK_PACKSPEC_H
#define YOE_APK_PACKSPEC_H

#include "apk/pack.h"

/* pack_spec is what a spec's [package] says. */
struct pack_spec {
	struct pack_opts opts;   /* the options; epoch and out stay unset */
	struct strlist strings;  /* owns every scalar value opts points at */
	int nkeys;               /* keys read from [package] */
};

/* pack_spec_load reads [package] of path into s (zeroed first).  On error
 * returns -1 with `path:line: error: …` (or `path: error: …`) in err. */
int pack_spec_load(const char *path, struct pack_spec *s, struct apk_err *err);
/* pack_spec_merge completes o (the command line) from s: a scalar o leaves
 * unset takes the spec's value, each list becomes the spec's entries then
 * o's.  o then points into s, so free s after o.  -1 when out of memory. */
int pack_spec_merge(struct pack_opts *o, struct pack_spec *s);
void pack_spec_free(struct pack_spec *s);

#endif
