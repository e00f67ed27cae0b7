/* runtime/step/template.h — renders install_template files.  The syntax is
 * the subset of Go text/template the original's templates use: `{{.key}}`
 * (spaces allowed inside the braces).  An unknown key or any other action
 * is an error, never an empty string. */
#ifndef YOE_STEP_TEMPLATE_H
#define YOE_STEP_TEMPLATE_H

#include "step/spec.h"

/* template_data fills data with name, version, release, arch, machine,
 * console, project, project_version, then the unit's [vars] (which win). */
void template_data(const struct unit_spec *u, struct kvlist *data);
/* template_render returns the malloc'd rendering of text; NULL with
 * `fname:line: error: ...` in e. */
char *template_render(const char *text, const char *fname, const struct kvlist *data, struct errbuf *e);

#endif
