/* story.h - one call's story (sipwhy --call): every message of the call,
 * all its legs (linked by the format's session key, such as AudioCodes'
 * SID or Ribbon's GCID, or by Microsoft's GUID), a ladder diagram, and why
 * it failed.  Two passes over the inputs: the first finds the legs, the
 * second collects their messages. */
#ifndef SIPWHY_STORY_H
#define SIPWHY_STORY_H

#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "framer.h"
#include "sip.h"

struct story;

struct story *story_new(const char *target);
void story_free(struct story *st);
/* Pass 1: learn the legs from every parsed message. */
void story_scan(struct story *st, const struct record *rec,
                const struct sip_msg *m);
/* Pass 2: keep the message if it belongs to the call; EV is its failure
 * explanation (already written as text) or NULL. */
void story_add(struct story *st, const struct record *rec,
               const struct sip_msg *m, const char *file,
               const char *explanation);
/* Pass 2: EXPLANATION is why the message kept from FILE at LINE failed
 * (an INVITE that timed out), when none was given with it. */
void story_explain(struct story *st, const char *file, uint64_t line,
                   const char *explanation);
int story_wants(const struct story *st, const struct record *rec,
                const struct sip_msg *m);
/* Writes the story: plain text, or Markdown with a Mermaid diagram.
 * Returns the number of messages (0: the call was not found). */
size_t story_print(struct story *st, FILE *out, int markdown);

#endif
