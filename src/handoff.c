/* handoff.c - a bounded queue of byte batches between two threads. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "handoff.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

struct handoff {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf batch[HANDOFF_BATCHES + 1]; /* + the one being filled */
	unsigned filled, taken; /* batches handed over, and consumed */
	unsigned want;          /* batches the worker waits for (see below) */
	int done;               /* no more batches will come */
	handoff_fn fn;
	void *ctx;
	char name[16];
};

void thread_begin(const char *name)
{
	sigset_t all;

	/* signals are the main thread's to take, but for SIGPIPE: a write
	   to a closed pipe ends sipwhy as it would on one thread */
	sigfillset(&all);
	sigdelset(&all, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), name); /* for top -H */
}

static void *worker(void *arg)
{
	struct handoff *h = arg;

	thread_begin(h->name);
	for (;;) {
		struct buf *b;

		pthread_mutex_lock(&h->mu);
		while (h->filled - h->taken < h->want && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->filled == h->taken) {
			pthread_mutex_unlock(&h->mu);
			return NULL;
		}
		b = &h->batch[h->taken % (HANDOFF_BATCHES + 1)];
		pthread_mutex_unlock(&h->mu);
		h->fn(h->ctx, b->p, b->len);
		buf_clear(b);
		pthread_mutex_lock(&h->mu);
		h->taken++;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
}

struct handoff *handoff_start(const char *name, handoff_fn fn, void *ctx)
{
	struct handoff *h = xcalloc(1, sizeof(*h));

	h->fn = fn;
	h->ctx = ctx;
	h->want = HANDOFF_WAKE;
	snprintf(h->name, sizeof(h->name), "%s", name);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (pthread_create(&h->thread, NULL, worker, h) != 0) {
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
		free(h);
		return NULL;
	}
	return h;
}

struct buf *handoff_buf(struct handoff *h)
{
	/* the producer's batch is never one of those in flight */
	return &h->batch[h->filled % (HANDOFF_BATCHES + 1)];
}

/* A worker that has caught up sleeps until HANDOFF_WAKE batches wait for
 * it, not one: each wake-up is a context switch, and with more busy
 * threads than cores a switch away from the producer too.  Syncing and
 * ending ask for every batch (want 1). */
static void hand_over(struct handoff *h, unsigned want)
{
	pthread_mutex_lock(&h->mu);
	while (h->filled - h->taken == HANDOFF_BATCHES)
		pthread_cond_wait(&h->cv, &h->mu);
	h->filled++;
	h->want = want;
	if (h->filled - h->taken >= want)
		pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void handoff_push(struct handoff *h)
{
	if (handoff_buf(h)->len >= HANDOFF_FULL)
		hand_over(h, HANDOFF_WAKE);
}

void handoff_give(struct handoff *h)
{
	if (handoff_buf(h)->len > 0)
		hand_over(h, HANDOFF_WAKE);
}

void handoff_sync(struct handoff *h)
{
	if (handoff_buf(h)->len > 0)
		hand_over(h, 1);
	pthread_mutex_lock(&h->mu);
	h->want = 1;
	pthread_cond_broadcast(&h->cv);
	while (h->taken != h->filled)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void handoff_end(struct handoff *h)
{
	int i;

	if (handoff_buf(h)->len > 0)
		hand_over(h, 1);
	pthread_mutex_lock(&h->mu);
	h->done = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	for (i = 0; i < HANDOFF_BATCHES + 1; i++)
		buf_free(&h->batch[i]);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h);
}
