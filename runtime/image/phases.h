/* runtime/image/phases.h — where a build's time went: a lap per step, wall
 * clock and CPU time (all threads and the tools run, user + system), printed
 * as one `times:` line by `-v` or YOE_IMAGE_TIMES=1, e.g.
 *
 *   image-assemble: times: verify 0.14s/0.27cpu, unpack 1.52s/3.01cpu, ...
 *
 * (what `make bench` reads, and what a user asks when an image is slow; on
 * a busy machine the CPU figures are the steadier ones). */
#ifndef YOE_IMAGE_PHASES_H
#define YOE_IMAGE_PHASES_H

#define PHASES_MAX 16

struct phases {
	double start, cpu_start; /* wall clock and CPU time at phases_init */
	double last, cpu_last;   /* ... at the previous lap */
	const char *name[PHASES_MAX];
	double sec[PHASES_MAX];  /* wall seconds per name, summed over repeats */
	double cpu[PHASES_MAX];  /* CPU seconds likewise */
	int n;
};

void phases_init(struct phases *p);
/* phases_lap charges the time since the previous lap to name (a string
 * literal; the same name again adds to it). */
void phases_lap(struct phases *p, const char *name);
/* phases_print writes the `times:` line to stderr. */
void phases_print(const struct phases *p);

#endif
