/* runtime/fetch/hashthread.h — SHA-256 on a second thread.  A download
 * hands each received chunk to hashthread_feed (a copy into a ring buffer)
 * and goes back to the socket, so hashing overlaps with receiving and
 * writing instead of adding to them: on the 512 MiB loopback benchmark
 * this is the difference between ~60% and ~100% of curl's throughput. */
#ifndef YOE_FETCH_HASHTHREAD_H
#define YOE_FETCH_HASHTHREAD_H

#include "lib/sha256.h"

#include <pthread.h>
#include <stddef.h>

struct hashthread {
	pthread_t tid;             /* the hashing thread */
	pthread_mutex_t mu;        /* guards head, count, done and the waiting flags */
	pthread_cond_t has_data;   /* the hasher sleeps here while the ring is empty */
	pthread_cond_t has_room;   /* the producer sleeps here while it is full */
	int hasher_waiting;        /* signal has_data only when someone sleeps: */
	int feeder_waiting;        /* a futex call per chunk costs more than SHA-NI */
	char *ring;                /* the buffer, cap bytes */
	size_t cap;                /* ring size */
	size_t head;               /* next byte the producer writes */
	size_t count;              /* bytes queued, not yet hashed */
	int done;                  /* producer finished: drain and stop */
	int running;               /* the thread exists */
	struct sha256 h;           /* the digest, owned by the thread */
};

/* hashthread_start begins a digest; -1 (errno set) if it cannot. */
int hashthread_start(struct hashthread *t);
/* hashthread_feed queues len bytes (blocks while the ring is full). */
void hashthread_feed(struct hashthread *t, const void *data, size_t len);
/* hashthread_finish waits for the queue to drain, writes the hex digest
 * and frees everything. */
void hashthread_finish(struct hashthread *t, char hex[SHA256_HEX_LEN + 1]);
/* hashthread_cancel stops without a result. */
void hashthread_cancel(struct hashthread *t);

#endif
