/* runtime/fetch/hashthread.c — a producer/consumer ring feeding SHA-256 on
 * its own thread (hashthread.h).  The consumer hashes straight out of the
 * ring without holding the lock; the producer never overwrites bytes still
 * counted in `count`, so that is safe. */
#include "fetch/hashthread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { RING = 8 << 20, CHUNK = 1 << 20 };

static void *run(void *arg)
{
	struct hashthread *t = arg;
	pthread_mutex_lock(&t->mu);
	for (;;) {
		while (t->count == 0 && !t->done) {
			t->hasher_waiting = 1;
			pthread_cond_wait(&t->has_data, &t->mu);
			t->hasher_waiting = 0;
		}
		if (t->count == 0)
			break;
		size_t tail = (t->head + t->cap - t->count) % t->cap;
		size_t n = t->count < t->cap - tail ? t->count : t->cap - tail;
		if (n > CHUNK)
			n = CHUNK;   /* free room in steps, so the feeder rarely waits */
		pthread_mutex_unlock(&t->mu);
		sha256_update(&t->h, t->ring + tail, n);
		pthread_mutex_lock(&t->mu);
		t->count -= n;
		if (t->feeder_waiting)
			pthread_cond_signal(&t->has_room);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int hashthread_start(struct hashthread *t)
{
	memset(t, 0, sizeof *t);
	t->cap = RING;
	t->ring = malloc(t->cap);
	if (!t->ring || sha256_init(&t->h) != 0) {
		free(t->ring);
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->has_data, NULL);
	pthread_cond_init(&t->has_room, NULL);
	int r = pthread_create(&t->tid, NULL, run, t);
	if (r != 0) {
		sha256_free(&t->h);
		free(t->ring);
		errno = r;
		return -1;
	}
	t->running = 1;
	return 0;
}

void hashthread_feed(struct hashthread *t, const void *data, size_t len)
{
	const char *p = data;
	pthread_mutex_lock(&t->mu);
	while (len) {
		while (t->count == t->cap) {
			t->feeder_waiting = 1;
			pthread_cond_wait(&t->has_room, &t->mu);
			t->feeder_waiting = 0;
		}
		size_t room = t->cap - t->count;
		size_t n = len < room ? len : room;
		if (n > t->cap - t->head)
			n = t->cap - t->head;
		memcpy(t->ring + t->head, p, n);
		t->head = (t->head + n) % t->cap;
		t->count += n;
		p += n;
		len -= n;
		if (t->hasher_waiting)
			pthread_cond_signal(&t->has_data);
	}
	pthread_mutex_unlock(&t->mu);
}

static void stop(struct hashthread *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->mu);
	t->done = 1;
	pthread_cond_signal(&t->has_data);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->tid, NULL);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->has_data);
	pthread_cond_destroy(&t->has_room);
	free(t->ring);
	t->ring = NULL;
	t->running = 0;
}

void hashthread_finish(struct hashthread *t, char hex[SHA256_HEX_LEN + 1])
{
	stop(t);
	sha256_final(&t->h, hex);
}

void hashthread_cancel(struct hashthread *t)
{
	stop(t);
	sha256_free(&t->h);
}
