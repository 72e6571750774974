/* reason.h - the Reason header (RFC 3326, RFC 6432) as devices really send
 * it, and the pieces Microsoft's proxy packs into its text. */
#ifndef SIPWHY_REASON_H
#define SIPWHY_REASON_H

#include <stddef.h>

#define REASON_MAX 8

struct reason {
	const char *protocol; /* "Q.850", "SIP", ... (span into the header) */
	size_t protocol_len;
	int cause;        /* -1 when absent */
	const char *text; /* unquoted text, escapes still in place */
	size_t text_len;
	int has_text;
	const char *guid; /* Microsoft's GUID at the start of the text */
	size_t guid_len;
	const char *phrase; /* the text after the GUID and after a code */
	size_t phrase_len;
	long code; /* a number at the start of the text, or -1 */
	int code_digits;
};

/* Parses one Reason header value, which may hold several comma-separated
 * reason values, appending to R (at most REASON_MAX in all).  Returns the
 * number of values now in R. */
size_t reason_parse(const char *v, size_t n, struct reason *r, size_t have);

/* 1 when R's phrase names a normal end of call whatever its cause says
 * ("NORMAL_CLEARING", "Normal call clearing", "Normal, unspecified"):
 * case, punctuation and spacing aside, the whole phrase. */
int reason_says_normal(const struct reason *r);

#endif
