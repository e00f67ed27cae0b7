/* gen/yoe/modpins.h — module pins: the project's yoe.lock, and checking
 * each module checkout against its pin before gen trusts it (threat model
 * rows 4 and 5).  The git work is fetch-and-verify's library
 * (runtime/fetch/module.c), linked into yoe. */
#ifndef YOE_MODPINS_H
#define YOE_MODPINS_H

#include "yoe/model.h"

/* yoe_lock_commit: the commit yoe.lock records for module m, or NULL. */
const char *yoe_lock_commit(struct yoe_project *p, const struct yoe_module *m);
/* yoe_module_pin: m->commit when set, else its yoe.lock entry, else NULL. */
const char *yoe_module_pin(struct yoe_project *p, const struct yoe_module *m);
/* yoe_lock_write rewrites yoe.lock with the HEAD commit of every fetched
 * (non-local) module; returns 0 or -1 with p->err set. */
int yoe_lock_write(struct yoe_project *p);
/* yoe_modules_verify checks every fetched module: HEAD equals its pin and
 * no tracked file is modified (unpinned: no file differs from HEAD).  With
 * paranoid, a module without pin or lock entry is an error.  0 or -1 with
 * p->err naming the module() call and the fix. */
int yoe_modules_verify(struct yoe_project *p, bool paranoid);

#endif
