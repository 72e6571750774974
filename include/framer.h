/* framer.h - turn a format's lines into records: the SIP text of one
 * message with its metadata (time, direction, peer, session key), plus the
 * raw bytes the record spanned so outputs can pass them through unchanged.
 * Lines outside any record are handed on as noise. */
#ifndef SIPWHY_FRAMER_H
#define SIPWHY_FRAMER_H

#include <stdint.h>

#include "format.h"
#include "lines.h"
#include "logtime.h"
#include "util.h"

enum dir { DIR_UNKNOWN = -1, DIR_IN = 0, DIR_OUT = 1 };

#define META_LEN 128

struct record {
	const char *raw;  /* every byte of the record's lines */
	size_t raw_len;   /* (empty unless keep_raw) */
	int raw_nl;       /* raw ends with a line end */
	const char *text; /* the unescaped SIP text */
	size_t text_len;
	uint64_t first_line, last_line;
	int truncated; /* over the size cap: not analysed */
	struct logtime time;
	enum dir dir;
	char peer[META_LEN], src[META_LEN], dst[META_LEN], local[META_LEN];
	char key[META_LEN];
};

typedef void (*record_fn)(void *ctx, const struct record *r);
typedef void (*noise_fn)(void *ctx, const struct line *l);

struct framer {
	const struct format *fmt;
	struct rxm md;
	const char *name; /* input name for diagnostics */
	int year;
	int keep_raw;
	size_t max_record;
	record_fn on_record;
	noise_fn on_noise;
	void *ctx;
	/* the open record */
	int open;
	struct buf raw, text;
	struct record rec;
	int sip_state; /* complete formats: 0 before the start line,
	                  1 headers, 2 body, 3 done */
	long body_left;
	size_t scan; /* text bytes already seen by the tracker */
};

void framer_init(struct framer *fr, const struct format *fmt, const char *name,
                 int year, int keep_raw, record_fn on_record, noise_fn on_noise,
                 void *ctx);
void framer_line(struct framer *fr, const struct line *l);
/* Closes the open record, if any. */
void framer_finish(struct framer *fr);
void framer_free(struct framer *fr);

/* Undo a format's line escapes, appending to OUT (exposed for tests). */
void framer_unescape(enum unescape how, const char *p, size_t n,
                     struct buf *out);

#endif
