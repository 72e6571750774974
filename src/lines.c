/* lines.c - memchr-driven line splitting.  Whole lines inside a chunk are
 * passed without copying; only a line that straddles chunks is gathered. */
#include "lines.h"

#include <string.h>

void lines_init(struct lines *ls, size_t cap, line_fn fn, void *ctx)
{
	memset(ls, 0, sizeof(*ls));
	ls->cap = cap;
	ls->fn = fn;
	ls->ctx = ctx;
}

static void emit(struct lines *ls, const char *p, size_t n, int has_nl,
                 uint64_t off)
{
	struct line l;
	size_t eol = 0;

	if (has_nl) {
		eol = 1;
		n--;
		while (n > 0 && p[n - 1] == '\r') {
			n--;
			eol++;
		}
	}
	l.p = p;
	l.len = n;
	l.eol = eol;
	l.no = ls->no + 1;
	l.piece = ls->piece ? ls->piece + 1 : 0;
	l.off = off;
	ls->fn(ls->ctx, &l);
	ls->no++;
	ls->piece = 0;
}

/* The gathered part reached the cap: hand it over as one piece. */
static void emit_piece(struct lines *ls)
{
	struct line l;

	ls->piece++;
	l.p = ls->part.p;
	l.len = ls->part.len;
	l.eol = 0;
	l.no = ls->no + 1;
	l.piece = ls->piece;
	l.off = ls->part_off;
	ls->fn(ls->ctx, &l);
	ls->part_off += ls->part.len;
	buf_clear(&ls->part);
}

size_t lines_breaks(const char *p, size_t n, uint32_t *brk, size_t cap)
{
	const char *s = p, *e = p + n, *nl;
	size_t k = 0;

	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		if (k == cap)
			return (size_t)-1;
		brk[k++] = (uint32_t)(nl - s);
		p = nl + 1;
	}
	return k;
}

void lines_feed(struct lines *ls, const char *p, size_t n)
{
	lines_feed_at(ls, p, n, NULL, 0);
}

void lines_feed_at(struct lines *ls, const char *p, size_t n,
                   const uint32_t *brk, size_t nbrk)
{
	const char *start = p, *end = p + n, *nl, *seg_end;
	size_t seglen, k = 0;

	while (p < end) {
		if (brk)
			nl = k < nbrk ? start + brk[k++] : NULL;
		else
			nl = memchr(p, '\n', (size_t)(end - p));
		seg_end = nl ? nl + 1 : end;
		seglen = (size_t)(seg_end - p);
		if (ls->part.len == 0 && ls->piece == 0 && nl &&
		    seglen <= ls->cap) {
			/* the common case: no copy */
			emit(ls, p, seglen, 1, ls->fed + (size_t)(p - start));
			p = seg_end;
			continue;
		}
		if (ls->part.len == 0 && ls->piece == 0)
			ls->part_off = ls->fed + (size_t)(p - start);
		/* Pieces are cut at multiples of the cap from the start of
		   the line, whatever the chunk sizes were. */
		while (ls->part.len + seglen > ls->cap) {
			size_t room = ls->cap - ls->part.len;

			buf_add(&ls->part, p, room);
			p += room;
			seglen -= room;
			emit_piece(ls);
		}
		buf_add(&ls->part, p, seglen);
		p = seg_end;
		if (nl) {
			emit(ls, ls->part.p, ls->part.len, 1, ls->part_off);
			buf_clear(&ls->part);
		}
	}
	ls->fed += n;
}

void lines_finish(struct lines *ls)
{
	if (ls->part.len > 0 || ls->piece > 0) {
		emit(ls, ls->part.p ? ls->part.p : "", ls->part.len, 0,
		     ls->part_off);
		buf_clear(&ls->part);
	}
}

void lines_restart(struct lines *ls, uint64_t no)
{
	lines_finish(ls);
	ls->piece = 0;
	ls->no = no;
}

void lines_free(struct lines *ls)
{
	buf_free(&ls->part);
}
