/* sip.h - parse the text of one SIP message: start line, headers (compact
 * forms, case-insensitive names, folding, repeats) and body.  Every span
 * points into the text given to sip_parse and is valid as long as it is. */
#ifndef SIPWHY_SIP_H
#define SIPWHY_SIP_H

#include <stddef.h>

#include "util.h"

#define SIP_MAX_HEADERS 512

/* Headers looked up on every message get an id at parse time. */
enum sip_hid {
	SIP_HID_OTHER,
	SIP_HID_CALL_ID,
	SIP_HID_CSEQ,
	SIP_HID_FROM,
	SIP_HID_TO,
	SIP_HID_VIA,
	SIP_HID_CONTACT,
	SIP_HID_CONTENT_LENGTH,
	SIP_HID_CONTENT_TYPE,
	SIP_HID_REASON,
	SIP_HID_SERVER,
	SIP_HID_USER_AGENT,
	SIP_HID_N
};

struct sip_hdr {
	const char *name, *val;
	size_t nlen, vlen; /* val may span folded lines (CR/LF inside) */
	int id;            /* the header's class, so lookups compare ints */
};

struct sip_msg {
	int is_response;
	int status;         /* responses */
	const char *phrase; /* responses */
	size_t phrase_len;
	const char *method, *uri; /* requests */
	size_t method_len, uri_len;
	struct sip_hdr h[SIP_MAX_HEADERS];
	size_t nh;
	unsigned short first[SIP_HID_N]; /* 1 + index of the first of each */
	size_t dropped_headers;          /* headers past SIP_MAX_HEADERS */
	const char *body;
	size_t body_len;
	long content_length; /* -1: no header */
};

/* Finds the SIP start line in TEXT (lines before it are skipped) and parses
 * the message.  1: parsed; 0: no SIP start line in the text. */
int sip_parse(struct sip_msg *m, const char *text, size_t len);
/* Reads only the start line: 1 when TEXT holds one, with *STATUS set for
 * a response (0 for a request) and *METHOD the request's method. */
int sip_peek(const char *text, size_t len, int *status, const char **method,
             size_t *mlen);
/* The same for P..P+N, a line sip_is_start_line() said is a start line;
 * returns 1 for a response. */
int sip_start_fields(const char *p, size_t n, int *status, const char **method,
                     size_t *mlen);
/* Is the line P..P+N (without its LF) the empty line that ends a
 * message's headers: blanks and at most one CR. */
static inline int sip_blank_line(const char *p, size_t n)
{
	if (n == 0)
		return 1;
	if (*p != ' ' && *p != '\t' && *p != '\r')
		return 0;
	span_trim(&p, &n);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n == 0;
}
/* An RFC 3261 token character (header names): alphanumerics and
 * -.!%*_+`'~ (not NUL). */
int sip_is_token_char(unsigned char c);
/* Is this line (without its end) a SIP start line? */
int sip_is_start_line(const char *p, size_t n);

/* The I-th header (0-based) named NAME (full name, case-insensitive) or
 * its compact form; NULL when there is none. */
const struct sip_hdr *sip_header(const struct sip_msg *m, const char *name,
                                 size_t i);
/* The same for a header with an id (not SIP_HID_OTHER): no name to read,
 * the first one found at once. */
const struct sip_hdr *sip_header_id(const struct sip_msg *m, enum sip_hid id,
                                    size_t i);
/* CSeq number and method.  0 on success. */
int sip_cseq(const struct sip_msg *m, long *num, const char **meth,
             size_t *mlen);
/* The same read straight from HDRS, the lines after a message's start
 * line (the first sip_parse() finds), without parsing the message: 0 with
 * what sip_cseq() gives after sip_parse(); -1 when it has no CSeq or may
 * not be read that way (a folded CSeq, more headers than sip_parse keeps):
 * parse it then. */
int sip_peek_cseq(const char *hdrs, size_t len, long *num, const char **meth,
                  size_t *mlen);
/* The first header ID's value (trimmed) read the same way: 0, or -1 when
 * it is absent or may not be read so. */
int sip_peek_value(const char *hdrs, size_t len, enum sip_hid id,
                   const char **val, size_t *vlen);
/* The user part of the URI in a From/To value ("+14255550100"), or the
 * whole URI if it has no user part. */
void sip_uri_user(const char *v, size_t n, const char **up, size_t *un);
/* The host of the URI in a header value (Contact, Via sent-by). */
void sip_uri_host(const char *v, size_t n, const char **hp, size_t *hn);
void sip_via_host(const char *v, size_t n, const char **hp, size_t *hn);

#endif
