/* fuzz_format.c - format_parse on the input as a format file.  When the
 * input holds a line "%%", what follows it is a log: it is scored for
 * detection and framed with the parsed format (user regular expressions
 * run under PCRE2's match limits).  Oracles: a parsed format has a name
 * and a start expression; the records it frames lie inside the log; text
 * left escaped by the framer (framer.defer) and undone later reads the
 * same as text undone at once, and the part of it analysed (up to the end
 * of the headers) is a prefix of it that sip_parse reads alike. */
#define _GNU_SOURCE
#include "common.h"
#include "framer.h"
#include "lines.h"
#include "sip.h"

struct ctx {
	struct framer fr;
	uint64_t records, noise;
	struct buf texts; /* every record's whole text, NUL after each */
};

static void on_record(void *vctx, const struct record *r)
{
	struct ctx *c = vctx;
	struct sip_msg *m = malloc(sizeof(*m));

	c->records++;
	FUZZ_CHECK(r->first_line <= r->last_line, "record lines %llu..%llu",
	           (unsigned long long)r->first_line,
	           (unsigned long long)r->last_line);
	FUZZ_CHECK(strlen(r->peer) < META_LEN && strlen(r->key) < META_LEN,
	           "metadata not terminated");
	if (m && !r->truncated && !r->held)
		(void)sip_parse(m, r->text, r->text_len);
	free(m);
	{
		struct buf w = {0}, h = {0};
		struct sip_msg *m2 = malloc(sizeof(*m2));

		framer_whole_text(r, &w);
		buf_add(&c->texts, w.p ? w.p : "", w.len);
		buf_addc(&c->texts, '\0');
		/* the text analysed: a prefix of the whole that parses alike */
		framer_head_text(r, &h);
		FUZZ_CHECK(h.len <= w.len &&
		               (h.len == 0 || memcmp(h.p, w.p, h.len) == 0),
		           "head text is not a prefix of the whole text");
		m = malloc(sizeof(*m));
		if (m && m2) {
			int a = sip_parse(m, w.p ? w.p : "", w.len);
			int b = sip_parse(m2, h.p ? h.p : "", h.len);

			FUZZ_CHECK(a == b && m->nh == m2->nh &&
			               m->status == m2->status,
			           "head text parses otherwise than the whole");
		}
		free(m);
		free(m2);
		buf_free(&w);
		buf_free(&h);
	}
}

static void on_noise(void *vctx, const struct line *l)
{
	struct ctx *c = vctx;

	(void)l;
	c->noise++;
}

static void on_line(void *vctx, const struct line *l)
{
	struct ctx *c = vctx;

	framer_line(&c->fr, l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sep = memmem(data, size, "\n%%\n", 4);
	size_t flen = sep ? (size_t)(sep - (const char *)data) + 1 : size;
	char *text = fz_copy(data, flen);
	struct format *f;

	f = format_parse("fuzz.fmt", text, flen);
	if (f != NULL) {
		FUZZ_CHECK(f->name && f->start.code, "format without name or "
		                                     "start");
		if (sep) {
			const char *log = sep + 4;
			size_t ln = size - (size_t)(log - (const char *)data);
			char *lp = fz_copy(log, ln);
			struct formats fs;
			struct format *one[1];
			unsigned score = 0;
			struct ctx c[2];
			struct lines ls;

			one[0] = f;
			fs.v = one;
			fs.n = 1;
			{
				const char *p = lp, *e = lp + ln;

				while (p < e) {
					const char *nl =
					    memchr(p, '\n', (size_t)(e - p));
					size_t n = nl ? (size_t)(nl - p)
					              : (size_t)(e - p);

					formats_score_line(&fs, p, n, &score);
					p = nl ? nl + 1 : e;
				}
				(void)formats_pick(&fs, &score);
			}
			for (int defer = 0; defer < 2; defer++) {
				memset(&c[defer], 0, sizeof(c[defer]));
				framer_init(&c[defer].fr, f, "fuzz.log", 2025,
				            (int)(ln % 13), (int)(ln & 1),
				            on_record, on_noise, &c[defer]);
				c[defer].fr.defer = defer;
				lines_init(&ls, 4096, on_line, &c[defer]);
				lines_feed(&ls, lp, ln);
				lines_finish(&ls);
				framer_finish(&c[defer].fr);
				framer_free(&c[defer].fr);
				lines_free(&ls);
			}
			FUZZ_CHECK(c[0].texts.len == c[1].texts.len &&
			               (c[0].texts.len == 0 ||
			                memcmp(c[0].texts.p, c[1].texts.p,
			                       c[0].texts.len) == 0),
			           "text undone later differs (%zu vs %zu "
			           "bytes)",
			           c[0].texts.len, c[1].texts.len);
			buf_free(&c[0].texts);
			buf_free(&c[1].texts);
			free(lp);
		}
		format_free(f);
	}
	free(text);
	return 0;
}
