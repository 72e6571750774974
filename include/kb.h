/* kb.h - the knowledge tables under patterns/: Microsoft response codes,
 * SIP status codes and Q.850 causes.  Loaded once, then read-only; lookups
 * return pointers owned by the kb. */
#ifndef SIPWHY_KB_H
#define SIPWHY_KB_H

#include <stddef.h>

#include "util.h"

#define KB_MAX_ALIASES 4

struct ms_entry {
	long code;
	int sip;
	char *phrase;
	char *norm;  /* normalised phrase (kb_normalize) */
	char *exact; /* the same with its numbers kept */
	int by_sbc;  /* generated_by = sbc */
	char *cause, *action, *doc, *note;
	unsigned line; /* in its file */
	long aliases[KB_MAX_ALIASES];
	int naliases;
};

struct sip_entry {
	int code;
	char *phrase, *rfc, *meaning, *action;
};

struct q850_entry {
	int cause;
	char *name;
	int sip;
	char *meaning, *action;
};

struct kb {
	struct ms_entry *ms;
	size_t nms;
	struct sip_entry *sip[700];
	struct q850_entry *q850[128];
};

/* Loads microsoft.tsv, sip-status.tsv and q850.tsv from DIR when present
 * (later directories override rows with the same key).  -1 after file:line
 * diagnostics for malformed rows. */
int kb_load_dir(struct kb *kb, const char *dir);
/* Parses one table's text (TABLE: "microsoft", "sip-status", "q850"). */
int kb_load_text(struct kb *kb, const char *table, const char *file,
                 const char *text, size_t len);
/* The same, checking strictly (sipwhy kb check): also unknown columns,
 * duplicate keys in one file, codes contradicting their SIP status, empty
 * explanations, links that are not https.  NFILES counts tables read. */
int kb_check_text(struct kb *kb, const char *table, const char *file,
                  const char *text, size_t len);
int kb_check_dir(struct kb *kb, const char *dir, int *nfiles);
void kb_free(struct kb *kb);

/* Entries for a Microsoft code (or an alias of one).  Prefers SIP status
 * SIP and a phrase equal to PHRASE (either may be 0/NULL).  Code 0 is no
 * Microsoft code: its rows are told apart by their SIP status alone. */
const struct ms_entry *kb_ms_code(const struct kb *kb, long code, int sip,
                                  const char *phrase, size_t plen);
/* Entries whose phrase matches TEXT loosely, for SIP status SIP first and
 * then for any status.  Returns how many distinct codes matched (0, 1, or
 * more: candidates), filling OUT with one entry per code, at most MAX. */
size_t kb_ms_phrase(const struct kb *kb, int sip, const char *text, size_t n,
                    const struct ms_entry **out, size_t max);
const struct sip_entry *kb_sip(const struct kb *kb, int code);
const struct q850_entry *kb_q850(const struct kb *kb, int cause);

/* Lower case, punctuation to single spaces, "cancelled" to "canceled",
 * hexadecimal and decimal numbers masked as '#'. */
void kb_normalize(const char *p, size_t n, struct buf *out);

#endif
