/* calls.h - transactions keyed by Call-ID and CSeq: which final responses
 * are failures, which follow a CANCEL, and which are the same failure seen
 * again (a retransmission, or a proxy relaying it onward).  Memory is
 * bounded: the least recently active calls leave the table first. */
#ifndef SIPWHY_CALLS_H
#define SIPWHY_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "sip.h"

enum verdict {
	V_NONE,     /* not a failure */
	V_FAILED,   /* a final response >= 400 (not 401/407) */
	V_CANCELED, /* a 487 to an INVITE after the caller's CANCEL */
	V_REPEAT    /* the same transaction's failure, already reported */
};

struct calls;

struct calls *calls_new(size_t max_calls);
void calls_free(struct calls *c);
/* Takes one parsed message; returns the verdict for a response.  *line_out
 * gets the line of the first report for V_REPEAT. */
enum verdict calls_message(struct calls *c, const struct sip_msg *m,
                           uint64_t line, uint64_t *first_line);
uint64_t calls_count(const struct calls *c); /* INVITE dialogs seen */
size_t calls_live(const struct calls *c);    /* calls held now */

#endif
