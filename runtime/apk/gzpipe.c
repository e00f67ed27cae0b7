/* runtime/apk/gzpipe.c — overlapping deflate with the producer (see
 * gzpipe.h).  A small ring of 1 MiB chunks; the producer blocks when all
 * are queued, the worker when none is. */
#include "apk/gzpipe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *work(void *arg)
{
	struct gzpipe *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->queued == 0 && !p->closing)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->queued == 0)
			break;
		int s = p->head;
		size_t n = p->len[s];
		pthread_mutex_unlock(&p->mu);
		int r = p->failed ? 0 : gzw_write(p->gz, p->slot[s], n);
		int e = errno;
		pthread_mutex_lock(&p->mu);
		if (r != 0 && !p->failed)
			p->failed = 1, p->err = e;
		p->head = (p->head + 1) % GZPIPE_SLOTS;
		p->queued--;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int gzpipe_start(struct gzpipe *p, struct gzw *g)
{
	memset(p, 0, sizeof *p);
	p->gz = g;
	for (int i = 0; i < GZPIPE_SLOTS; i++)
		if (!(p->slot[i] = malloc(GZPIPE_CHUNK))) {
			for (int j = 0; j < i; j++)
				free(p->slot[j]);
			errno = ENOMEM;
			return -1;
		}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->worker, NULL, work, p) != 0) {
		for (int i = 0; i < GZPIPE_SLOTS; i++)
			free(p->slot[i]);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		errno = EAGAIN;
		return -1;
	}
	p->running = 1;
	return 0;
}

/* hand_off queues the fill slot and waits for a free one. */
static int hand_off(struct gzpipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->len[p->fill] = p->fill_len;
	p->queued++;
	pthread_cond_broadcast(&p->cv);
	while (p->queued == GZPIPE_SLOTS)
		pthread_cond_wait(&p->cv, &p->mu);
	p->fill = (p->fill + 1) % GZPIPE_SLOTS;
	p->fill_len = 0;
	int failed = p->failed;
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

int gzpipe_write(struct gzpipe *p, const void *data, size_t n)
{
	const unsigned char *s = data;
	while (n > 0) {
		size_t room = GZPIPE_CHUNK - p->fill_len, k = n < room ? n : room;
		memcpy(p->slot[p->fill] + p->fill_len, s, k);
		p->fill_len += k;
		s += k;
		n -= k;
		if (p->fill_len == GZPIPE_CHUNK && hand_off(p) != 0) {
			errno = p->err;
			return -1;
		}
	}
	return 0;
}

int gzpipe_stop(struct gzpipe *p)
{
	if (!p->running)
		return -1;
	pthread_mutex_lock(&p->mu);
	if (p->fill_len) {
		p->len[p->fill] = p->fill_len;
		p->queued++;
	}
	p->closing = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->worker, NULL);
	p->running = 0;
	for (int i = 0; i < GZPIPE_SLOTS; i++)
		free(p->slot[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	if (p->failed) {
		errno = p->err;
		return -1;
	}
	return 0;
}
