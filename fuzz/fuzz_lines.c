/* fuzz_lines.c - lines_feed with random chunking and a random cap.
 * Oracles: the lines handed over put back together are the input byte for
 * byte; pieces are never longer than the cap and have no line end; line
 * numbers go up by one; and the lines do not depend on the chunking (the
 * same input fed whole gives the same sequence), nor on whether the line
 * breaks are searched for or given (lines_feed_at, as the reader thread
 * gives them). */
#include "common.h"
#include "lines.h"

struct rec {
	struct buf bytes; /* every line's content and line end, in order */
	struct buf shape; /* len, eol, no, piece of each line */
	size_t cap;
	uint64_t last_no;
	unsigned last_piece;
};

static void on_line(void *ctx, const struct line *l)
{
	struct rec *r = ctx;
	size_t i;

	FUZZ_CHECK(l->eol <= l->len + l->eol, "eol overflow");
	for (i = 0; i + 1 < l->eol; i++)
		FUZZ_CHECK(l->p[l->len + i] == '\r', "line end byte %zu not CR",
		           i);
	if (l->eol)
		FUZZ_CHECK(l->p[l->len + l->eol - 1] == '\n',
		           "line end without LF");
	FUZZ_CHECK(memchr(l->p, '\n', l->len) == NULL, "LF inside a line");
	if (l->piece)
		FUZZ_CHECK(l->len <= r->cap, "piece of %zu bytes over the cap %zu",
		           l->len, r->cap);
	else
		FUZZ_CHECK(l->len + l->eol <= r->cap,
		           "whole line of %zu+%zu bytes over the cap %zu", l->len,
		           l->eol, r->cap);
	FUZZ_CHECK(l->no == r->last_no || l->no == r->last_no + 1,
	           "line number jumped from %llu to %llu",
	           (unsigned long long)r->last_no, (unsigned long long)l->no);
	if (l->piece > 1)
		FUZZ_CHECK(l->piece == r->last_piece + 1 &&
		               l->no == r->last_no,
		           "piece %u after %u", l->piece, r->last_piece);
	r->last_no = l->no;
	r->last_piece = l->piece;
	buf_add(&r->bytes, l->p, l->len + l->eol);
	buf_printf(&r->shape, "%zu,%zu,%llu,%u;", l->len, l->eol,
	           (unsigned long long)l->no, l->piece);
}

/* P..P+N to lines_feed_at with the offsets of its line breaks. */
static void feed_at(struct lines *ls, const char *p, size_t n)
{
	uint32_t *brk = xmalloc((n + 1) * sizeof(*brk));

	lines_feed_at(ls, p, n, brk, lines_breaks(p, n, brk, n));
	free(brk);
}

/* WHOLE: 0 random chunks, 1 one chunk, 2 random chunks with their line
 * breaks given */
static void run(struct rec *r, const char *p, size_t n, size_t cap,
                uint32_t seed, int whole)
{
	struct lines ls;
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	r->cap = cap;
	lines_init(&ls, cap, on_line, r);
	while (off < n) {
		size_t c = whole == 1 ? n - off : 1 + fz_rand(&seed) % 97;

		if (whole != 1 && (seed & 0x300) == 0)
			c = 1; /* runs of single bytes */
		if (c > n - off)
			c = n - off;
		if (whole == 2)
			feed_at(&ls, p + off, c);
		else
			lines_feed(&ls, p + off, c);
		off += c;
	}
	lines_finish(&ls);
	lines_free(&ls);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	size_t cap = 1 + fz_byte(&f) % 200;
	uint32_t seed = fz_u16(&f);
	char *p = fz_copy(f.p, f.n);
	struct rec a, b, c;

	run(&a, p, f.n, cap, seed, 0);
	FUZZ_CHECK(a.bytes.len == f.n &&
	               (f.n == 0 || memcmp(a.bytes.p, p, f.n) == 0),
	           "lines put together differ from the input (%zu vs %zu)",
	           a.bytes.len, f.n);
	run(&b, p, f.n, cap, 0, 1);
	FUZZ_CHECK(a.shape.len == b.shape.len &&
	               (a.shape.len == 0 ||
	                memcmp(a.shape.p, b.shape.p, a.shape.len) == 0),
	           "chunked lines differ from whole: %s vs %s",
	           a.shape.p ? a.shape.p : "", b.shape.p ? b.shape.p : "");
	run(&c, p, f.n, cap, seed, 2);
	FUZZ_CHECK(c.shape.len == b.shape.len && c.bytes.len == f.n &&
	               (c.shape.len == 0 ||
	                memcmp(c.shape.p, b.shape.p, c.shape.len) == 0) &&
	               (f.n == 0 || memcmp(c.bytes.p, p, f.n) == 0),
	           "lines with their breaks given differ: %s vs %s",
	           c.shape.p ? c.shape.p : "", b.shape.p ? b.shape.p : "");
	buf_free(&a.bytes);
	buf_free(&a.shape);
	buf_free(&b.bytes);
	buf_free(&b.shape);
	buf_free(&c.bytes);
	buf_free(&c.shape);
	free(p);
	return 0;
}
