/* runtime/fetch/progress.c — the download progress bar (progress.h). */
#include "fetch/progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* human formats a byte count as "12.3 MiB". */
static void human(char *buf, size_t n, double v)
{
	static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

void progress_start(struct progress *p, int on, const char *label, unsigned long long base)
{
	memset(p, 0, sizeof *p);
	p->on = on;
	const char *slash = strrchr(label, '/');
	p->label = slash && slash[1] ? slash + 1 : label;
	p->start = p->last = now_s();
	p->base = base;
}

void progress_update(struct progress *p, unsigned long long now, unsigned long long total)
{
	if (!p->on)
		return;
	p->now = now;
	p->total = total;
	double t = now_s();
	if (p->drawn && t - p->last < 0.1)
		return;
	p->last = t;
	double el = t - p->start;
	double rate = el > 0 ? (double)(now - p->base) / el : 0;
	char a[32], b[32], r[32], eta[32] = "--:--";
	human(a, sizeof a, (double)now);
	human(b, sizeof b, (double)total);
	human(r, sizeof r, rate);
	if (total > now && rate > 0) {
		long s = (long)((double)(total - now) / rate);
		snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
	}
	if (total)
		fprintf(stderr, "\r  %.40s  %s / %s  %s/s  ETA %s\033[K", p->label, a, b, r, eta);
	else
		fprintf(stderr, "\r  %.40s  %s  %s/s\033[K", p->label, a, r);
	p->drawn = 1;
}

void progress_end(struct progress *p)
{
	if (p->on && p->drawn) {
		p->last = 0;   /* force a final draw */
		progress_update(p, p->now, p->total);
	}
	if (p->on && p->drawn)
		fputc('\n', stderr);
	p->drawn = 0;
}
