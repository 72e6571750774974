/* framer.h - turn a format's lines into records: the SIP text of one
 * message with its metadata (time, direction, peer, session key), plus the
 * raw bytes the record spanned so outputs can pass them through unchanged.
 * Lines outside any record are handed on as noise. */
#ifndef SIPWHY_FRAMER_H
#define SIPWHY_FRAMER_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "lines.h"
#include "logtime.h"
#include "util.h"

enum dir { DIR_UNKNOWN = -1, DIR_IN = 0, DIR_OUT = 1 };

/* What a record says of its lines as they are in the input: nothing,
 * their bytes, or where they are (one span: the input keeps them). */
enum { RAW_NONE, RAW_BYTES, RAW_SPAN };

#define META_LEN        128
#define FRAMER_MAX_HELD 64

struct record {
	const char *raw;  /* every byte of the record's lines not yet */
	size_t raw_len;   /* passed on (empty with RAW_NONE; NULL with
	                     RAW_SPAN, which passes raw_off alone) */
	uint64_t raw_off; /* where raw begins in the input (struct line's
	                     off); with raw_len 0, nothing */
	int raw_nl;       /* raw ends with a line end */
	const char *text; /* the unescaped SIP text */
	size_t text_len;
	size_t text_esc; /* 0, or where the part of text still in the
	                    format's escapes begins (framer.defer) */
	size_t start_off, start_len; /* the SIP start line in text, as the
	                                framer met it (start_len 0: not met) */
	uint64_t first_line, last_line;
	int truncated; /* over the size cap: not analysed */
	int held;      /* a marker whose SIP text follows in later lines of
	                  its key: raw only, nothing to analyse yet */
	int counted;   /* run.c: 1 a message only counted (a request other
	                  than INVITE, CANCEL, BYE; its text is not
	                  carried), -1 one to analyse, 0 not decided yet */
	struct logtime time;
	enum dir dir;
	/* the strings last: a copy may take the part before them whole and
	   only the used bytes of each (run.c's on_record) */
	char peer[META_LEN], src[META_LEN], dst[META_LEN], local[META_LEN];
	char key[META_LEN];
	char part[META_LEN]; /* entries of one split message share it */
};
#define RECORD_FIXED offsetof(struct record, peer)
#define RECORD_NMETA 6 /* peer .. part, META_LEN apart */

typedef void (*record_fn)(void *ctx, const struct record *r);
typedef void (*noise_fn)(void *ctx, const struct line *l);

/* A record being assembled, with its Content-Length tracker. */
struct asm
{
	struct record rec;
	struct buf text;
	int sip_state; /* 0 before the start line, 1 headers, 2 body, 3 done */
	int cl_zero;   /* the last Content-Length read was 0 */
	long body_left;
	size_t scan;    /* text bytes already seen by the tracker */
	int nl_pending; /* a one-line entry that a split entry may continue
	                   ended: a line break, unless one continues it */
};

struct framer {
	const struct format *fmt;
	struct rxm md;
	const char *name; /* input name for diagnostics */
	int year;         /* for stamps without one */
	int ref_month;    /* month the log ends in (file time), or 0 */
	int last_month, year_bump;
	int stamp_has_year; /* the format's stamps carry a year (or are epoch)
	                     */
	int keep_raw;       /* RAW_* */
	uint64_t raw_off;   /* the open record's span: raw_off, raw_n bytes */
	size_t raw_n;       /* (raw holds them with RAW_BYTES) */
	int defer; /* a one-line record's text after its start line may stay
	              escaped (text_esc): undone by framer_whole_text() on
	              the thread that analyses it, not on the framing one */
	/* noise is written out as it comes (annotated output): a record that
	   a long line cuts passes its lines before that line on first (cut) */
	int noise_out;
	size_t max_record;
	size_t lit_key; /* the byte of the format's literal searched for */
	record_fn on_record;
	noise_fn on_noise;
	void *ctx;
	int open; /* the open record */
	struct buf raw;
	struct asm cur;
	struct asm *held[FRAMER_MAX_HELD]; /* markers waiting for their text */
	struct record before;        /* metadata of the last 'before' line */
	unsigned long long last_seq; /* the 'sequence' number seen last */
	unsigned long long lost;     /* packets missing from the sequence */
	unsigned gaps;
	uint64_t lineno;         /* the line being read, for diagnostics */
	unsigned limit_warnings; /* match-limit warnings given */
	uint64_t before_line;
	int nheld;
	struct logtime_memo tmemo; /* the last stamp's fields (logtime.h) */
	/* what dates a stamp that is a time of day: the log's end (unset:
	   none), then the last dated moment read */
	struct logtime clock;
	int clock_end; /* the clock is still the log's end */
};

/* YEAR is given to stamps without one; when REF_MONTH (1-12) is known, a
 * stamp in a later month belongs to the year before (a December log read
 * in January); with REF_MONTH 0 the year goes up when months wrap. */
void framer_init(struct framer *fr, const struct format *fmt, const char *name,
                 int year, int ref_month, int keep_raw, record_fn on_record,
                 noise_fn on_noise, void *ctx);
/* END is when the log ends (its file's last write; now for a pipe or a
 * live file): a stamp that is a time of day is dated from it, and from
 * each stamp dated after it.  Without it, such stamps stay undated. */
void framer_clock(struct framer *fr, const struct logtime *end);
/* The first lines of the log, before any is framed: the byte of the
 * format's literal that is rarest in them is the one searched for. */
void framer_sample(struct framer *fr, const char *p, size_t n);
void framer_line(struct framer *fr, const struct line *l);
/* The input went quiet: close the open record if its SIP message is whole
 * by Content-Length (it would otherwise wait for the next record), or is
 * headers ending in a Content-Length of 0 (syslog drops the empty line). */
void framer_idle(struct framer *fr);
/* Closes the open record and hands over the held ones. */
void framer_finish(struct framer *fr);
void framer_free(struct framer *fr);

/* The text of REC with what the framer left escaped undone (REC's text
 * as it is when text_esc is 0).  Safe on any thread. */
void framer_whole_text(const struct record *rec, struct buf *out);

/* The same up to the empty line after the headers: the text that
 * sip_parse() reads (REC's whole text when nothing was left escaped). */
void framer_head_text(const struct record *rec, struct buf *out);

/* Undo a format's line escapes (enum unescape bits), appending to OUT. */
void framer_unescape(unsigned how, const char *p, size_t n, struct buf *out);

#endif
