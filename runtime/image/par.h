/* runtime/image/par.h — parallel loops over independent items (package
 * verification, unpacking).  Callers keep results per item and merge them
 * in item order afterwards, so the outcome never depends on which thread
 * finished first. */
#ifndef YOE_IMAGE_PAR_H
#define YOE_IMAGE_PAR_H

#include <stddef.h>

/* par_jobs is the number of threads to use: one per CPU, or
 * $YOE_IMAGE_JOBS (1 = everything on the calling thread); at most 4. */
int par_jobs(void);

/* par_for calls fn(ctx, i) once for every i in [0, n), items handed out in
 * increasing order to up to `jobs` threads (the caller's thread works too).
 * Returns when all calls have returned. */
void par_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx);

/* par_start is par_for in the background: `jobs` threads work through the
 * items while the caller consumes results in order with par_wait.  Every
 * par_start needs one par_join.  NULL when out of memory (nothing ran). */
struct par *par_start(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx);
/* par_wait returns once fn(ctx, i) has returned (never call it for an
 * item after par_stop). */
void par_wait(struct par *p, size_t i);
/* par_stop hands out no more items (those running finish); for a caller
 * that met an error and will not use the rest. */
void par_stop(struct par *p);
/* par_join waits for the threads and frees p. */
void par_join(struct par *p);

#endif
