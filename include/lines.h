/* lines.h - split a byte stream, fed in chunks of any size, into lines.
 * A line is handed to the callback as a span that is valid only during the
 * call.  Lines longer than the cap are handed over in pieces so memory stays
 * bounded and no byte is lost. */
#ifndef SIPWHY_LINES_H
#define SIPWHY_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct line {
	const char *p; /* content, without the line end */
	size_t len;
	size_t eol;     /* bytes of line end after p[len]: 0 (last line or a
	                   piece), 1 for LF, 2 for CR LF, 3 for CR CR LF... */
	uint64_t no;    /* 1-based line number */
	unsigned piece; /* 0: a whole line; 1, 2, ...: pieces of a long line */
	uint64_t off; /* where p[0] is in the bytes fed: as many came before */
};

typedef void (*line_fn)(void *ctx, const struct line *l);

struct lines {
	struct buf part;   /* the unterminated line being gathered */
	uint64_t part_off; /* where part begins in the bytes fed */
	uint64_t fed;      /* bytes fed so far */
	uint64_t no;
	unsigned piece;
	size_t cap;
	line_fn fn;
	void *ctx;
};

void lines_init(struct lines *ls, size_t cap, line_fn fn, void *ctx);
/* Hands over an unterminated line, then numbers the next line NO + 1: a
 * followed file read from its middle, or from its start again. */
void lines_restart(struct lines *ls, uint64_t no);
void lines_feed(struct lines *ls, const char *p, size_t n);
/* The offsets of the line breaks in P..P+N into BRK (up to CAP of them):
 * how many, or (size_t)-1 when there are more than CAP. */
size_t lines_breaks(const char *p, size_t n, uint32_t *brk, size_t cap);
/* lines_feed with the offsets of every line break in P..P+N known (BRK,
 * NBRK of them, ascending: lines_breaks). */
void lines_feed_at(struct lines *ls, const char *p, size_t n,
                   const uint32_t *brk, size_t nbrk);
/* Hands over a final line that has no line end, if any. */
void lines_finish(struct lines *ls);
void lines_free(struct lines *ls);

#endif
