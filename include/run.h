/* run.h - one run of sipwhy over its inputs: detection, framing, parsing,
 * the call table, the knowledge join, and the chosen output.  Inputs are
 * pushed in chunks of any size (run_feed), so a file, a pipe and a test
 * that splits its fixture at every byte all take the same path. */
#ifndef SIPWHY_RUN_H
#define SIPWHY_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "calls.h"
#include "export.h"
#include "event.h"
#include "format.h"
#include "framer.h"
#include "input.h"
#include "kb.h"
#include "lines.h"
#include "sip.h"
#include "story.h"
#include "summary.h"

enum outmode { OUT_ANNOTATED, OUT_FAILURES, OUT_JSON, OUT_SUMMARY };
enum summode { SUM_TEXT, SUM_JSON, SUM_MARKDOWN, SUM_NONE };

#define MARKER        "[sipwhy]"
#define EXPORT_FORMAT "teams-export" /* built in: CSV, not a pattern file */

/* Which failures count (--since, --until, --status, --ms-code, --peer,
 * --kind): applied before anything is written or summarised. */
struct filter {
	long long since, until; /* logtime_key; 0: no bound */
	int status[32];         /* 4 for "4xx", or a status; 0 ends */
	long ms_code[32];       /* -1 ends the list */
	int nstatus, nms;
	const char *peer; /* a part of the peer, or NULL */
	unsigned kinds;   /* bits of FK_*, 0: all */
};
enum { FK_FAILED = 1, FK_CANCELED = 2, FK_TIMEOUT = 4, FK_DROPPED = 8 };

/* Parses the values of the filter options; -1 with a message on error. */
int filter_time(const char *arg, int year, long long *key);
int filter_list(struct filter *f, int which, const char *arg);

struct run_opts {
	struct filter filter;
	enum outmode mode;
	enum summode summary;
	const char *format; /* forced format name, or NULL */
	int tty;            /* output is a terminal: escape, maybe colour */
	int color;
	size_t line_cap; /* longest line analysed */
	size_t max_calls;
	int year; /* for logs without one; 0: the file's */
};

struct run;
struct handoff;

/* One input being read: its own format, framer and line state, so several
 * inputs can be read at once (sipwhy -f follows several files). */
struct src {
	struct run *r;
	const char *name;
	int year, ref_month;
	struct logtime end; /* when the log ends, if known (framer_clock) */
	const struct format *fmt;
	int framing;   /* detection done, framer running */
	int exporting; /* a Teams admin center CSV export */
	struct csv csv;
	struct buf xraw; /* the raw lines of the current CSV record */
	uint64_t xfirst;
	struct framer fr;
	struct lines lines;
	struct buf det; /* detection: raw lines held for replay */
	struct detline {
		size_t off, len, eol;
		uint64_t no, at; /* at: struct line's off */
		unsigned piece;
	} * dl;
	size_t ndl, dlcap;
	size_t det_long; /* bytes of det in long lines (run.c) */
	unsigned *scores;
	uint64_t bytes, nlines;
	int detect_warned;
	int want_ho;        /* records may be analysed on a second thread */
	struct handoff *ho; /* ... and are */
	struct input *in;   /* the input read (run_input), or NULL */
	/* RAW_SPAN: where the lines passed on end, and whether the last has
	   a line end */
	uint64_t seen_to;
	int tail_nl;
	struct buf held; /* diagnostics of this thread meanwhile */
};

struct run {
	struct run_opts o;
	const struct formats *fs;
	const struct kb *kb;
	FILE *out;
	struct calls *calls;
	struct summary *sum;
	uint64_t events;
	long long last_time; /* latest log time seen (logtime_key) */
	struct story *story; /* --call: one call's story, not the outputs */
	int story_pass;      /* 1: find the legs, 2: collect the messages */
	int story_failed;
	struct src cur; /* the input of run_begin/run_feed/run_end */
	/* scratch */
	struct sip_msg msg;
	struct buf ob, cause, action;
	struct buf wtext; /* a record's whole text (whole_record) */
	int out_bol;      /* output is at the start of a line */
	int names;   /* annotated, several inputs: say whose lines follow */
	char *shown; /* the input whose lines were written last */
};

void run_init(struct run *r, const struct run_opts *o, const struct formats *fs,
              const struct kb *kb, FILE *out);
/* One input, pushed: begin, feed any number of chunks, end. */
/* YEAR for stamps without one; REF_MONTH the month the input ends in
 * (from the file's time), 0 when unknown (see framer_init). */
void run_begin(struct run *r, const char *name, int year, int ref_month);
void run_feed(struct run *r, const char *p, size_t n);
void run_end(struct run *r);
/* The same for an input of one's own (several at once). */
void src_begin(struct run *r, struct src *s, const char *name, int year,
               int ref_month);
/* src_begin for a log that ends at END (its file's last write; now for a
 * pipe or a live file): the year and date its stamps lack are END's (in
 * local time), unless the options name the year. */
void src_begin_at(struct run *r, struct src *s, const char *name, time_t end);
void src_feed(struct src *s, const char *p, size_t n);
/* The input went quiet: a record that is complete by Content-Length but
 * waits for its successor to close it is closed now (live logs). */
void src_idle(struct src *s);
void src_end(struct src *s);
/* Reads IN to its end through run_begin/feed/end.  -1 on a read error. */
int run_input(struct run *r, struct input *in);
/* Reports what is due at the end (timeouts), then the summary. */
void run_finish(struct run *r);
/* Writes the summary the options ask for, as things stand now. */
void run_summary(struct run *r);
void run_free(struct run *r);
/* 0 no failure, 1 failures found, 2 errors (PRODUCT.md). */
int run_status(const struct run *r);

#endif
