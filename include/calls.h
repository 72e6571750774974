/* calls.h - transactions keyed by Call-ID and CSeq: which final responses
 * are failures, which follow a CANCEL, and which are the same failure seen
 * again (a retransmission, or a proxy relaying it onward).  Memory is
 * bounded: the least recently active calls leave the table first. */
#ifndef SIPWHY_CALLS_H
#define SIPWHY_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "logtime.h"
#include "sip.h"

enum verdict {
	V_NONE,     /* not a failure */
	V_FAILED,   /* a final response >= 400 (not 401/407) */
	V_CANCELED, /* a 487 to an INVITE after the caller's CANCEL */
	V_REPEAT    /* the same transaction's failure, already reported */
};

struct calls;

/* An INVITE still waiting for its final response. */
struct invite_watch {
	char *call_id;
	long cseq;
	long long t; /* logtime_key of the INVITE */
	struct logtime time;
	uint64_t line;
	int dir;
	char peer[128], from[64], to[64];
	char *file;
	const char *format;
	int provisional; /* a timeout after Timer C: the last 1xx status */
};
typedef void (*timeout_fn)(void *ctx, const struct invite_watch *w);

struct calls *calls_new(size_t max_calls);
void calls_free(struct calls *c);
/* Takes one parsed message; returns the verdict for a response.  *line_out
 * gets the line of the first report for V_REPEAT. */
enum verdict calls_message(struct calls *c, const struct sip_msg *m,
                           uint64_t line, uint64_t *first_line);
/* A provisional response (STATUS 100-199) read without parsing the
 * message: what calls_message does with one, for a call already known. */
void calls_provisional(struct calls *c, const char *id, size_t idlen, long cseq,
                       const char *meth, size_t mlen, int status);
/* 1 the first time a request of this transaction is reported (a BYE that
 * ends a call abnormally, seen again when a proxy relays it), else 0. */
int calls_first_report(struct calls *c, const struct sip_msg *m);
/* The log time of the message being handed over (0: unknown). */
void calls_set_now(struct calls *c, long long now);
/* Watch the INVITE just handed to calls_message (W's strings are copied). */
void calls_watch(struct calls *c, const struct invite_watch *w);
/* With the log now at NOW: an INVITE older than HORIZON with no response
 * at all is reported to FN (RFC 3261 Timer B is 32 s); one that had a
 * provisional response (ringing, progress) only when TIMER_C has passed
 * since its last one with no final response.  Finished calls older than
 * HORIZON and idle ones older than an hour leave the table. */
#define TIMER_B (32LL * 1000000)  /* RFC 3261 17.1.1.2: 64*T1 */
#define TIMER_C (180LL * 1000000) /* RFC 3261 16.6: more than 3 min */
void calls_expire(struct calls *c, long long now, long long horizon,
                  timeout_fn fn, void *ctx);
uint64_t calls_count(const struct calls *c); /* INVITE dialogs seen */
size_t calls_live(const struct calls *c);    /* calls held now */
/* The most calls that share a bucket of the table (its hash's health). */
size_t calls_longest_chain(const struct calls *c);

#endif
