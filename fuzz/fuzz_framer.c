/* fuzz_framer.c - the whole pipeline through the run API (run_init,
 * run_begin, run_feed, run_end, run_finish) with the fuzzer choosing the
 * format (each of patterns/formats/, detection, or the Teams export), the
 * output mode, terminal escaping, the summary, the line cap, the size of
 * the call table, the chunking, and when the log ends (a month only, or a
 * moment that dates stamps that are a time of day).
 * Oracles: chunked and whole feeding give the same output; annotated
 * output to a pipe gives the input back once the [sipwhy] lines are
 * removed; what is written for a terminal is valid UTF-8 without control
 * characters; JSON output is one valid JSON value per line. */
#define _GNU_SOURCE
#include "common.h"
#include "run.h"

struct out {
	char *p;
	size_t n;
};

static void pipeline(const struct run_opts *o, const char *p, size_t n,
                     uint32_t seed, int whole, int ends, struct out *res)
{
	struct run r;
	FILE *fp = open_memstream(&res->p, &res->n);
	size_t off = 0;

	if (fp == NULL)
		abort();
	run_init(&r, o, &fz_fs, &fz_kb, fp);
	if (ends < 13) /* the month the log ends in, or 0: unknown */
		run_begin(&r, "fuzz.log", 2025, ends);
	else /* ends in 2025, at a moment of the fuzzer's */
		src_begin_at(&r, &r.cur, "fuzz.log",
		             1735689600 + (time_t)(ends - 13) * 3607);
	while (off < n) {
		size_t c = whole ? n - off : 1 + fz_rand(&seed) % 509;

		if (c > n - off)
			c = n - off;
		run_feed(&r, p + off, c);
		off += c;
	}
	run_end(&r);
	run_finish(&r);
	run_free(&r);
	fclose(fp);
}

/* sed '/^\[sipwhy\]/d' */
static void strip(const char *p, size_t n, struct buf *out)
{
	const char *e = p + n;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *next = nl ? nl + 1 : e;

		if (!((size_t)(e - p) >= 8 && memcmp(p, "[sipwhy]", 8) == 0))
			buf_add(out, p, (size_t)(next - p));
		p = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	struct run_opts o;
	unsigned fi, m, capb;
	uint32_t seed;
	int ends;
	char *p;
	struct out a = {0}, b = {0};

	fuzz_load_patterns();
	diag_quiet(1);
	memset(&o, 0, sizeof(o));
	/* 255: detection, 254: the Teams export, else a format by index
	   (255 and 254 keep their meaning when formats are added) */
	fi = fz_byte(&f);
	if (fi == 254)
		o.format = EXPORT_FORMAT;
	else if (fi != 255)
		o.format = fz_fs.v[fi % fz_fs.n]->name;
	m = fz_byte(&f);
	o.mode = (enum outmode)(m & 3);
	/* a known bug of -o failures can be stepped around while fuzzing */
	if (o.mode == OUT_FAILURES && fz_ignored("failures-mode"))
		o.mode = OUT_ANNOTATED;
	o.tty = (m >> 2) & 1;
	o.summary = (enum summode)((m >> 3) % 3);
	if (o.mode == OUT_SUMMARY && o.summary == SUM_NONE)
		o.summary = SUM_TEXT; /* main refuses this pair */
	if (o.mode == OUT_JSON && o.summary == SUM_TEXT)
		o.summary = SUM_JSON;
	capb = fz_byte(&f);
	o.line_cap = capb ? 16 + capb * 16 : 0; /* 0: the default 1 MiB */
	o.max_calls = 1 + fz_byte(&f) % 32;
	o.year = 0;
	ends = (int)fz_byte(&f); /* 0-12 a month, 13 and up a moment */
	seed = fz_u16(&f);
	p = fz_copy(f.p, f.n);

	pipeline(&o, p, f.n, seed, 0, ends, &a);
	pipeline(&o, p, f.n, 0, 1, ends, &b);
	FUZZ_CHECK(a.n == b.n && memcmp(a.p, b.p, a.n) == 0,
	           "output depends on the chunking (%zu vs %zu bytes)", a.n,
	           b.n);

	if (o.tty)
		fz_check_terminal_safe("terminal output", a.p, a.n);
	if (o.mode == OUT_JSON ||
	    (o.mode == OUT_SUMMARY && o.summary == SUM_JSON))
		fz_check_json_lines("json output", a.p, a.n);
	if (o.mode == OUT_ANNOTATED && !o.tty) {
		struct buf got = {0}, want = {0};
		int ok;

		strip(a.p, a.n, &got);
		strip(p, f.n, &want);
		ok = got.len == want.len &&
		     (got.len == 0 || memcmp(got.p, want.p, got.len) == 0);
		/* a last line without its end gets one before annotations */
		if (!ok && f.n && p[f.n - 1] != '\n' &&
		    got.len == want.len + 1 && got.p[got.len - 1] == '\n' &&
		    memcmp(got.p, want.p, want.len) == 0)
			ok = 1;
		FUZZ_CHECK(ok, "annotated output is not lossless (%zu vs %zu "
		               "bytes)", got.len, want.len);
		buf_free(&got);
		buf_free(&want);
	}
	free(a.p);
	free(b.p);
	free(p);
	return 0;
}
