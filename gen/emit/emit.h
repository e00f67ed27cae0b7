/* gen/emit/emit.h — the writers of the build graph (graph.h): Ninja and a
 * GNU Make fragment. */
#ifndef YOE_EMIT_H
#define YOE_EMIT_H

#include "emit/graph.h"

#include <stdio.h>

/* emit_ninja writes g as a ninja file.  Returns 0, or -1 on a write error
 * or an unrepresentable path (newline) with a message in err. */
int emit_ninja(const struct emit_graph *g, FILE *out, char *err, size_t errlen);
/* emit_ninja_text is emit_ninja into a malloc'd, NUL-terminated string. */
int emit_ninja_text(const struct emit_graph *g, char **text, size_t *len, char *err, size_t errlen);

/* emit_make writes g as a GNU Make (>= 4.3) fragment meant for `include`:
 * one rule per edge (grouped targets `&:` for several outputs), `.PHONY`
 * aliases, order-only prerequisites after `|`.  Ninja notation in commands
 * is expanded per edge.  The fragment does not change the includer's
 * default goal. */
int emit_make(const struct emit_graph *g, FILE *out, char *err, size_t errlen);

#endif
