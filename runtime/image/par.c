/* runtime/image/par.c — par_for, par_start and par_jobs (par.h): plain
 * pthreads taking the next item index from a shared counter under a
 * mutex; a done flag per item (and a condition variable) for par_wait. */
#include "image/par.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_JOBS 16

int par_jobs(void)
{
	const char *j = getenv("YOE_IMAGE_JOBS");
	long n = j && *j ? atol(j) : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

struct par {
	size_t next, n;
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	unsigned char *done;   /* per item, or NULL (par_for) */
	pthread_mutex_t mu;
	pthread_cond_t cv;     /* signalled when an item is done */
	pthread_t tid[MAX_JOBS];
	int started;
};

static void *loop(void *arg)
{
	struct par *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		p->fn(p->ctx, i);
		if (p->done) {
			pthread_mutex_lock(&p->mu);
			p->done[i] = 1;
			pthread_cond_broadcast(&p->cv);
			pthread_mutex_unlock(&p->mu);
		}
	}
}

static void start(struct par *p, int jobs, int max)
{
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if ((size_t)jobs > p->n)
		jobs = (int)p->n;
	/* A thread that cannot be started just leaves more to the others. */
	for (int t = 0; t < jobs && t < max; t++)
		if (pthread_create(&p->tid[p->started], NULL, loop, p) == 0)
			p->started++;
}

static void join(struct par *p)
{
	for (int t = 0; t < p->started; t++)
		pthread_join(p->tid[t], NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

void par_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct par p = {.n = n, .fn = fn, .ctx = ctx};
	start(&p, jobs - 1, MAX_JOBS - 1);
	loop(&p);
	join(&p);
}

struct par *par_start(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct par *p = calloc(1, sizeof *p);
	if (!p || !(p->done = calloc(n ? n : 1, 1))) {
		free(p);
		return NULL;
	}
	p->n = n;
	p->fn = fn;
	p->ctx = ctx;
	start(p, jobs, MAX_JOBS);
	if (!p->started)
		loop(p); /* no thread at all: do it all now */
	return p;
}

void par_wait(struct par *p, size_t i)
{
	pthread_mutex_lock(&p->mu);
	while (!p->done[i])
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void par_stop(struct par *p)
{
	pthread_mutex_lock(&p->mu);
	p->next = p->n;
	pthread_mutex_unlock(&p->mu);
}

void par_join(struct par *p)
{
	join(p);
	free(p->done);
	free(p);
}
