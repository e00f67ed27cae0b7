/* runtime/fetch/progress.h — the one-line download progress bar on stderr
 * (bytes, rate, ETA), redrawn at most ten times a second. */
#ifndef YOE_FETCH_PROGRESS_H
#define YOE_FETCH_PROGRESS_H

struct progress {
	int on;                        /* draw at all (stderr is a terminal, or forced) */
	const char *label;             /* what is downloading (URL basename) */
	double start;                  /* monotonic seconds at the start */
	double last;                   /* when it was last drawn */
	unsigned long long base;       /* bytes already present (a resumed download) */
	int drawn;                     /* something is on the line, end with a newline */
	unsigned long long now, total; /* the latest figures, drawn once more at the end */
};

void progress_start(struct progress *p, int on, const char *label, unsigned long long base);
/* progress_update draws now/total (total 0 when unknown). */
void progress_update(struct progress *p, unsigned long long now, unsigned long long total);
/* progress_end draws the final figures and finishes the line. */
void progress_end(struct progress *p);

#endif
