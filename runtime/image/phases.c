/* runtime/image/phases.c — per-step wall clock and CPU laps (phases.h). */
#include "image/phases.h"
#include "lib/log.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

/* cpu is the CPU time of this process's threads and its waited-for
 * children (the tools), user + system. */
static double cpu(void)
{
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return tv(self.ru_utime) + tv(self.ru_stime) + tv(kids.ru_utime) + tv(kids.ru_stime);
}

void phases_init(struct phases *p)
{
	memset(p, 0, sizeof *p);
	p->start = p->last = now();
	p->cpu_start = p->cpu_last = cpu();
}

void phases_lap(struct phases *p, const char *name)
{
	double t = now(), c = cpu();
	int i = 0;
	while (i < p->n && strcmp(p->name[i], name))
		i++;
	if (i == p->n && p->n < PHASES_MAX)
		p->name[p->n++] = name;
	if (i < p->n) {
		p->sec[i] += t - p->last;
		p->cpu[i] += c - p->cpu_last;
	}
	p->last = t;
	p->cpu_last = c;
}

void phases_print(const struct phases *p)
{
	fprintf(stderr, "%s: times:", log_progname());
	for (int i = 0; i < p->n; i++)
		fprintf(stderr, " %s %.2fs/%.2fcpu,", p->name[i], p->sec[i], p->cpu[i]);
	fprintf(stderr, " total %.2fs/%.2fcpu\n", p->last - p->start,
	        p->cpu_last - p->cpu_start);
}
