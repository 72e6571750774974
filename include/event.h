/* event.h - a failure event: one failing SIP response with its call, its
 * Reason values and what the knowledge tables say about it.  Every output
 * (annotations, JSON Lines, summary) consumes this one struct.  Spans point
 * into the record being processed: an event is valid during the callback
 * that delivers it only. */
#ifndef SIPWHY_EVENT_H
#define SIPWHY_EVENT_H

#include <stdint.h>

#include "framer.h"
#include "kb.h"
#include "reason.h"
#include "sip.h"

#define EVENT_MAX_CANDIDATES 8

struct span {
	const char *p;
	size_t n;
};

enum gen { GEN_UNKNOWN, GEN_MICROSOFT, GEN_SBC };

struct event {
	const char *kind; /* "failed", "canceled" */
	struct span call_id, method, status_phrase, from, to;
	long cseq; /* -1 if none */
	int status;
	const struct record *rec; /* time, direction, peer, lines */
	const char *file, *format;
	const char *peer; /* "" if unknown */
	/* the record's direction, or for a capture (source and destination,
	   no direction) the one its Microsoft end shows: whatever talks to
	   Microsoft's SIP proxy is the SBC */
	enum dir dir;
	struct reason reasons[REASON_MAX];
	size_t nreasons;
	int q850; /* -1 if none */
	const struct q850_entry *q850e;
	const struct sip_entry *sipe;
	long ms_code;          /* -1 if none */
	const char *ms_source; /* "reason-text", "phrase", "sbc-560" */
	const struct ms_entry *ms;
	const struct ms_entry *cand[EVENT_MAX_CANDIDATES];
	size_t ncand;        /* > 1: ambiguous phrase */
	struct span ms_text; /* Microsoft's phrase as sent */
	struct span guid;
	enum gen gen;
	int provisional; /* a timeout after this 1xx status (Timer C), or 0 */
};

/* Fills EV for the failing response M of record R. */
void event_build(struct event *ev, const struct kb *kb, const struct sip_msg *m,
                 const struct record *r, const char *kind, const char *file,
                 const char *format);
/* The cause and the action in words, and the link (NULL if none). */
void event_explain(const struct event *ev, struct buf *cause,
                   struct buf *action, const char **doc);
const char *gen_name(enum gen g);
/* Is this an address in Microsoft's SIP proxy range 52.112.0.0/14, or a
 * host name of Microsoft's Direct Routing proxies? */
int event_ms_address(const char *p, size_t n);

#endif
