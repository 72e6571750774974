/* handoff.h - bytes written on one thread, consumed in order on a second:
 * the producer appends to a batch, full batches go to a worker thread that
 * hands each to a callback.  At most HANDOFF_BATCHES batches are in flight,
 * so memory stays bounded and a slow consumer slows the producer down. */
#ifndef SIPWHY_HANDOFF_H
#define SIPWHY_HANDOFF_H

#include <stddef.h>

#include "util.h"

#define HANDOFF_BATCHES 4
#define HANDOFF_FULL    (512 * 1024)
#define HANDOFF_WAKE    2 /* batches that wake a worker that caught up */

/* What each of sipwhy's helper threads does first: leave signals to the
 * main thread (all but SIGPIPE) and take NAME (up to 15 bytes). */
void thread_begin(const char *name);

struct handoff;
typedef void (*handoff_fn)(void *ctx, const char *p, size_t n);

/* Starts the worker (NAME, up to 15 bytes, shows in top -H); NULL if no
 * thread could be made (then do the work on this thread).  FN runs on the
 * worker, one batch at a time, in the order the batches were filled. */
struct handoff *handoff_start(const char *name, handoff_fn fn, void *ctx);
/* The batch being filled: append to it. */
struct buf *handoff_buf(struct handoff *h);
/* Hands the batch over if it is full (waits while all are in flight). */
void handoff_push(struct handoff *h);
/* Hands the batch over, full or not (waits while all are in flight). */
void handoff_give(struct handoff *h);
/* Hands over what is filled and waits until FN has seen it. */
void handoff_sync(struct handoff *h);
/* Hands over what is left, waits until FN has seen everything, ends the
 * worker and frees H. */
void handoff_end(struct handoff *h);

#endif
