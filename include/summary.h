/* summary.h - the figures of a run: totals, time range, failures grouped
 * by (SIP status, Microsoft code or Q.850 cause, phrase), by peer and by
 * direction; written as text or as one JSON object. */
#ifndef SIPWHY_SUMMARY_H
#define SIPWHY_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "logtime.h"

struct summary_totals {
	uint64_t inputs, bytes, lines, messages, calls;
	uint64_t failed, canceled, timeout, dropped, unrecognised;
};

struct summary;

struct summary *summary_new(void);
void summary_free(struct summary *s);
/* Counts one failure event (copies what it keeps). */
void summary_add(struct summary *s, const struct event *ev);
/* Widens the time range with a message's time. */
void summary_time(struct summary *s, const struct logtime *t);
struct summary_totals *summary_totals(struct summary *s);
/* Text; every line starts with PREFIX (the annotation marker or ""). */
void summary_text(struct summary *s, struct buf *out, const char *prefix);
void summary_json(struct summary *s, struct buf *out);
/* Markdown (GitHub, GitLab, Azure DevOps tables), opening with a paragraph
 * on what failed most and where to look first. */
void summary_markdown(struct summary *s, struct buf *out);
/* Adds a summary written by summary_json (parsed) to S: sipwhy merge.
 * -1, with why in WHY and S unchanged, if O is not a summary object or a
 * count or code in it is not one sipwhy could have written. */
struct jv;
int summary_merge_json(struct summary *s, const struct jv *o, struct buf *why);

#endif
