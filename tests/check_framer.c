/* check_framer.c - records out of lines: start, end, break, oneline,
 * complete-by-Content-Length, captures, unescaping, the size cap. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "framer.h"
#include "sip.h"

struct got {
	struct buf log; /* "R first-last dir peer time|text" and "N no" */
	int defer;      /* framer.defer for the next feed() */
	int deferred;   /* records that came with text left escaped */
	int head_cut;   /* records whose head text stops before the end */
	int head_bad;   /* records whose head text parses otherwise */
};

static struct sip_msg m1, m2;

/* framer_head_text() against framer_whole_text(): a prefix of it that
 * sip_parse reads the same way. */
static void check_head(struct got *g, const struct record *r,
                       const struct buf *whole)
{
	struct buf head = {0};
	size_t i;
	int p1, p2;

	framer_head_text(r, &head);
	if (head.len > whole->len || memcmp(head.p, whole->p, head.len) != 0) {
		g->head_bad++;
		buf_free(&head);
		return;
	}
	if (head.len < whole->len)
		g->head_cut++;
	p1 = sip_parse(&m1, whole->p, whole->len);
	p2 = sip_parse(&m2, head.p, head.len);
	if (p1 != p2 || m1.nh != m2.nh || m1.status != m2.status ||
	    m1.method_len != m2.method_len)
		g->head_bad++;
	for (i = 0; p1 == p2 && i < m1.nh && i < m2.nh; i++)
		if (m1.h[i].vlen != m2.h[i].vlen ||
		    memcmp(m1.h[i].val, m2.h[i].val, m1.h[i].vlen) != 0)
			g->head_bad++;
	buf_free(&head);
}

static void on_rec(void *ctx, const struct record *r)
{
	struct got *g = ctx;
	char t[40];
	struct buf whole = {0};

	logtime_iso(&r->time, t, sizeof(t));
	buf_printf(&g->log, "R %llu-%llu %d %s %s %s|",
	           (unsigned long long)r->first_line,
	           (unsigned long long)r->last_line, (int)r->dir, r->peer, t,
	           r->truncated ? "T" : "-");
	if (r->text_esc)
		g->deferred++;
	framer_whole_text(r, &whole);
	check_head(g, r, &whole);
	buf_add(&g->log, whole.p, whole.len);
	buf_addc(&g->log, '\n');
	buf_free(&whole);
}

static void on_noise(void *ctx, const struct line *l)
{
	struct got *g = ctx;

	buf_printf(&g->log, "N %llu\n", (unsigned long long)l->no);
}

static void feed(const struct format *f, const char *text, struct got *g,
                 size_t max)
{
	struct framer fr;
	struct lines ls;

	framer_init(&fr, f, "t", 2025, 0, 1, on_rec, on_noise, g);
	fr.defer = g->defer;
	if (max)
		fr.max_record = max;
	lines_init(&ls, 1 << 20, (line_fn)framer_line, &fr);
	lines_feed(&ls, text, strlen(text));
	lines_finish(&ls);
	framer_finish(&fr);
	framer_free(&fr);
	lines_free(&ls);
}

static struct format *fmt(const char *text)
{
	struct format *f = format_parse("t.fmt", text, strlen(text));

	ck_assert_ptr_nonnull(f);
	return f;
}

START_TEST(test_unescape)
{
	struct buf b = {0};

	framer_unescape(UNESC_SYSLOG, "a#012b#015#012c#999#01", 22, &b);
	ck_assert_str_eq(b.p, "a\nb\r\nc#999#01");
	buf_clear(&b);
	framer_unescape(UNESC_LITERAL_CRLF, "INVITE x SIP/2.0\\r\\n", 20, &b);
	ck_assert_str_eq(b.p, "INVITE x SIP/2.0\r\n");
	buf_clear(&b);
	framer_unescape(UNESC_DOT_CR, "Via: x.", 7, &b);
	ck_assert_str_eq(b.p, "Via: x\r");
	buf_free(&b);
}
END_TEST

START_TEST(test_start_end_break)
{
	struct format *f = fmt("name t\n"
	                       "start ^(?<time>\\d\\d:\\d\\d:\\d\\d) "
	                       "(?<dir>recv|send) (?<peer>\\S+)$\n"
	                       "end ^----$\n"
	                       "break ^BREAK\n"
	                       "time-format %H:%M:%S\n");
	struct got g = {0};

	feed(f,
	     "noise\n"
	     "10:00:01 recv 1.2.3.4:5060\nSIP/2.0 200 OK\nCSeq: 1 X\n----\n"
	     "after\n"
	     "10:00:02 send 5.6.7.8:5061\nINVITE sip:a SIP/2.0\n"
	     "10:00:03 recv 9.9.9.9:1\nSIP/2.0 480 No\nBREAK here\ntail\n",
	     &g, 0);
	ck_assert_str_eq(
	    g.log.p,
	    "N 1\n"
	    "R 2-5 0 1.2.3.4:5060 10:00:01.000 -|\nSIP/2.0 200 OK\nCSeq: 1 "
	    "X\n\n"
	    "N 6\n"
	    "R 7-8 1 5.6.7.8:5061 10:00:02.000 -|\nINVITE sip:a SIP/2.0\n\n"
	    "R 9-10 0 9.9.9.9:1 10:00:03.000 -|\nSIP/2.0 480 No\n\n"
	    "N 11\nN 12\n");
	buf_free(&g.log);
	format_free(f);
}
END_TEST

START_TEST(test_oneline_syslog)
{
	struct format *f = fmt("name t\n"
	                       "start \\[S=\\d+\\] (?<dir>Incoming|Outgoing) "
	                       "from (?<peer>\\S+) ----\n"
	                       "oneline yes\n"
	                       "unescape syslog-octal\n"
	                       "trailer \\s*\\[Time:(?<time>[^\\]]+)\\]\\s*$\n"
	                       "time-format %d-%m@%H:%M:%S.%f\n");
	struct got g = {0};

	feed(f,
	     "x [S=1] Incoming from 52.114.1.1:5061 ---- #012SIP/2.0 480 Gone "
	     "#012CSeq: 1 INVITE #012 #012 [Time:19-12@12:45:02.514]\n"
	     "x [S=2] other\n",
	     &g, 0);
	ck_assert_str_eq(
	    g.log.p, "R 1-1 0 52.114.1.1:5061 2025-12-19T12:45:02.514Z -| \n"
	             "SIP/2.0 480 Gone \nCSeq: 1 INVITE \n \n\n\n"
	             "N 2\n");
	buf_free(&g.log);
	format_free(f);
}
END_TEST

/* Text left escaped after the start line and undone later reads the
 * same as text undone at once, on the real AudioCodes format: escapes
 * next to the cut, CRLF, a '#' that is no escape, a marker whose text
 * follows (7.40), a record over the size cap. */
START_TEST(test_deferred_unescape)
{
	struct formats fs = {0};
	const struct format *f;
	static const char *const cases[] = {
	    "h [S=1] [SID=a:1:1] (N 1) ---- Incoming SIP Message from "
	    "1.2.3.4:5060 to SIPInterface #0 (x) UDP TO(#1) SocketID(1) ---- "
	    "#012SIP/2.0 486 Busy Here#015#012Via: ##012Reason: "
	    "Q.850;cause=17#0#012X: #01#012#012 [Time:19-12@12:45:02.514]\n",
	    "h [S=2] [SID=a:1:2] (N 2) ---- Outgoing SIP Message to "
	    "1.2.3.4:5060 from SIPInterface #0 (x) UDP TO(#1) SocketID(1) ---- "
	    "INVITE sip:1@x SIP/2.0 #012Call-ID: c#0 #012CSeq: 1 "
	    "INVITE#012#012v=0 # [Time:19-12@12:45:03.000]\n",
	    "h [S=3] [SID=a:1:3] (N 3) ---- Incoming SIP Message from "
	    "1.2.3.4:5060 to SIPInterface #0 (x) UDP TO(#1) SocketID(1) ---- "
	    "[Time:19-12@12:45:04.000]\n"
	    "h [S=4] [SID=a:1:3] #012BYE sip:1@x SIP/2.0#012Call-ID: "
	    "d#012Content-Length: 0#012#012 [Time:19-12@12:45:04.100]\n",
	    "h [S=5] [SID=a:1:5] (N 5) ---- Incoming SIP Message from "
	    "1.2.3.4:5060 to SIPInterface #0 (x) UDP TO(#1) SocketID(1) ---- "
	    "#012#012ACK sip:1@x SIP/2.0#012#012#012 "
	    "[Time:19-12@12:45:05.000]\n",
	    "h [S=6] [SID=a:1:6] (N 6) ---- Incoming SIP Message from "
	    "1.2.3.4:5060 to SIPInterface #0 (x) UDP TO(#1) SocketID(1) ---- "
	    "#012SIP/2.0 200 "
	    "OK#012#001#002#003#004#005#006#007#010#011#012#013#014#015#016#"
	    "017 [Time:19-12@12:45:06.000]\n",
	};
	size_t i;

	ck_assert_int_eq(formats_load_dir(&fs, PATTERNS_DIR "/formats"), 0);
	f = formats_find(&fs, "audiocodes-syslog");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct got now = {0}, later = {0};
		size_t max;

		for (max = 0; max <= 60; max += 60) {
			buf_clear(&now.log);
			buf_clear(&later.log);
			later.defer = 1;
			feed(f, cases[i], &now, max);
			feed(f, cases[i], &later, max);
			ck_assert_msg(strcmp(now.log.p, later.log.p) == 0,
			              "case %zu cap %zu:\n%s\nvs\n%s", i, max,
			              now.log.p, later.log.p);
			ck_assert_int_eq(now.deferred, 0);
		}
		/* all but the marker alone leave text escaped without a cap */
		if (i != 2)
			ck_assert_int_ge(later.deferred, 1);
		/* the text read for analysis parses as the whole text does;
		   the INVITE's body and the lines after the ACK's empty line
		   are not in it */
		ck_assert_int_eq(now.head_bad, 0);
		ck_assert_int_eq(later.head_bad, 0);
		if (i == 1 || i == 3)
			ck_assert_int_ge(later.head_cut, 1);
		buf_free(&now.log);
		buf_free(&later.log);
	}
	formats_free(&fs);
}
END_TEST

START_TEST(test_complete_by_content_length)
{
	struct format *f = fmt(
	    "name t\n"
	    "start (?<sip>SIP/2\\.0 \\d\\d\\d |[A-Z]+ sip:\\S+ SIP/2\\.0$)\n"
	    "complete yes\n");
	struct got g = {0};

	feed(f,
	     "log: SIP/2.0 200 OK\n"
	     "l: 4\n"
	     "\n"
	     "abc\n" /* 4 bytes of body with its LF */
	     "trailing\n"
	     "INVITE sip:x SIP/2.0\n"
	     "Call-ID: 1\n"
	     "2025-01-01 not a header\n",
	     &g, 0);
	ck_assert_str_eq(g.log.p,
	                 "R 1-4 -1   -|SIP/2.0 200 OK\nl: 4\n\nabc\n\n"
	                 "N 5\n"
	                 "R 6-7 -1   -|INVITE sip:x SIP/2.0\nCall-ID: 1\n\n"
	                 "N 8\n");
	buf_free(&g.log);
	format_free(f);
}
END_TEST

/* Which header lines give the body's length: Content-Length in any case,
 * blanks before its colon, the compact l; not a name that only starts
 * like it or differs by a byte. */
START_TEST(test_content_length_names)
{
	struct format *f = fmt("name t\n"
	                       "start (?<sip>SIP/2\\.0 \\d\\d\\d )\n"
	                       "complete yes\n");
	static const struct {
		const char *hdr;
		int body;
	} cases[] = {
	    {"Content-Length: 4", 1},
	    {"CONTENT-LENGTH: 4", 1},
	    {"content-length\t : 4", 1},
	    {"cOnTeNt-LeNgTh:4", 1},
	    {"L: 4", 1},
	    {"Content-Lengt: 4", 0},
	    {"Content_Length: 4", 0},
	    {"Content-Length-X: 4", 0},
	    {"Kontent-Length: 4", 0},
	    {"Content-Length : x", 0},
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct got g = {0};
		struct buf log = {0};

		buf_printf(&log, "SIP/2.0 200 OK\n%s\n\nabc\nnext\n",
		           cases[i].hdr);
		feed(f, log.p, &g, 0);
		/* with a length the body is the record's, else it is noise */
		ck_assert_msg(
		    (strstr(g.log.p, "R 1-4 ") != NULL) == cases[i].body &&
		        (strstr(g.log.p, "N 4\n") == NULL) == cases[i].body,
		    "%s:\n%s", cases[i].hdr, g.log.p);
		buf_free(&g.log);
		buf_free(&log);
	}
	format_free(f);
}
END_TEST

/* The line that ends the headers may hold blanks: "", " ", a tab. */
START_TEST(test_blank_line_with_blanks)
{
	struct format *f = fmt("name t\n"
	                       "start (?<sip>SIP/2\\.0 \\d\\d\\d )\n"
	                       "complete yes\n");
	static const char *const sep[] = {"", " ", "\t", " \t ", "\t\t"};
	size_t i;

	for (i = 0; i < ARRAY_LEN(sep); i++) {
		struct got g = {0};
		struct buf log = {0};

		buf_printf(&log,
		           "SIP/2.0 200 OK\nContent-Length: 4\n%s\nabc\nnext\n",
		           sep[i]);
		feed(f, log.p, &g, 0);
		ck_assert_msg(strstr(g.log.p, "R 1-4 ") != NULL &&
		                  strstr(g.log.p, "N 5\n") != NULL,
		              "separator \"%s\":\n%s", sep[i], g.log.p);
		buf_free(&g.log);
		buf_free(&log);
	}
	format_free(f);
}
END_TEST

START_TEST(test_size_cap)
{
	struct format *f = fmt("name t\nstart ^BEGIN$\n");
	struct got g = {0};

	feed(f, "BEGIN\n0123456789\n0123456789\n0123456789\nBEGIN\nx\n", &g,
	     16);
	/* the first record stops at the cap and is flagged, the rest of its
	   lines are noise, the next record is whole */
	ck_assert_ptr_nonnull(strstr(g.log.p, "T|"));
	ck_assert_ptr_nonnull(strstr(g.log.p, "N 4\n"));
	ck_assert_ptr_nonnull(strstr(g.log.p, "R 5-6 -1   -|\nx\n"));
	buf_free(&g.log);
	format_free(f);
}
END_TEST

/* A line over the line cap among a record's headers: the record goes on
 * after it without it.  Written out as it comes (noise_out), the lines
 * before it go first as a held record's, raw only; kept (failures
 * output), the record's raw leaves the long line out. */
static void cut_rec(void *ctx, const struct record *r)
{
	struct buf *b = ctx;

	buf_printf(b, "%s %llu-%llu raw[", r->held ? "H" : "R",
	           (unsigned long long)r->first_line,
	           (unsigned long long)r->last_line);
	if (r->raw == NULL) /* RAW_SPAN: where they are */
		buf_printf(b, "@%llu+%zu", (unsigned long long)r->raw_off,
		           r->raw_len);
	else
		buf_add(b, r->raw, r->raw_len);
	buf_adds(b, "] text[");
	if (!r->held)
		buf_add(b, r->text, r->text_len);
	buf_adds(b, "]\n");
}

static void cut_noise(void *ctx, const struct line *l)
{
	buf_printf(ctx, "N %llu.%u\n", (unsigned long long)l->no, l->piece);
}

START_TEST(test_long_line_among_headers)
{
	struct format *f = fmt(
	    "name t\n"
	    "start (?<sip>SIP/2\\.0 \\d\\d\\d |[A-Z]+ sip:\\S+ SIP/2\\.0$)\n"
	    "complete yes\n");
	const char *in = "SIP/2.0 480 Gone\n"
	                 "Via: v\n"
	                 "X-Long: 0123456789012345678901234567890123456\n"
	                 "Call-ID: c1\n"
	                 "l: 0\n"
	                 "\n"
	                 "INVITE sip:x SIP/2.0\n";
	int out;

	/* 0: kept bytes, 1: written as it comes, 2: spans (written so) */
	for (out = 0; out < 3; out++) {
		struct buf b = {0};
		struct framer fr;
		struct lines ls;

		diag_quiet(1);
		framer_init(&fr, f, "t", 2025, 0,
		            out == 2 ? RAW_SPAN : RAW_BYTES, cut_rec, cut_noise,
		            &b);
		fr.noise_out = out == 1;
		lines_init(&ls, 24, (line_fn)framer_line, &fr);
		lines_feed(&ls, in, strlen(in));
		lines_finish(&ls);
		framer_finish(&fr);
		framer_free(&fr);
		lines_free(&ls);
		diag_quiet(0);
		if (out == 2)
			ck_assert_str_eq(b.p,
			                 "H 1-2 raw[@0+24] text[]\n"
			                 "N 3.1\nN 3.2\n"
			                 "R 1-6 raw[@70+18] text[SIP/2.0 480 "
			                 "Gone\nVia: v\nCall-ID: c1\nl: "
			                 "0\n\n]\n"
			                 "R 7-7 raw[@88+21] "
			                 "text[INVITE sip:x SIP/2.0\n]\n");
		else
			ck_assert_str_eq(
			    b.p,
			    out ? "H 1-2 raw[SIP/2.0 480 Gone\nVia: v\n] "
			          "text[]\n"
			          "N 3.1\nN 3.2\n"
			          "R 1-6 raw[Call-ID: c1\nl: 0\n\n] "
			          "text[SIP/2.0 480 "
			          "Gone\nVia: v\nCall-ID: c1\nl: 0\n\n]\n"
			          "R 7-7 raw[INVITE sip:x SIP/2.0\n] "
			          "text[INVITE sip:x SIP/2.0\n]\n"
			        : "N 3.1\nN 3.2\n"
			          "R 1-6 raw[SIP/2.0 480 Gone\nVia: "
			          "v\nCall-ID: "
			          "c1\nl: 0\n\n] text[SIP/2.0 480 Gone\nVia: "
			          "v\nCall-ID: c1\nl: 0\n\n]\n"
			          "R 7-7 raw[INVITE sip:x SIP/2.0\n] "
			          "text[INVITE sip:x SIP/2.0\n]\n");
		buf_free(&b);
	}
	format_free(f);
}
END_TEST

/* Stamps without a year across New Year: with the file's month known, a
 * December stamp in a log that ends in January is the year before; with a
 * given year, the year goes up when the months wrap. */
START_TEST(test_year_rollover)
{
	struct format *f =
	    fmt("name t\n"
	        "start ^(?<time>[A-Z][a-z]{2} +\\d+ \\d\\d:\\d\\d:\\d\\d) X$\n"
	        "oneline yes\n"
	        "time-format %b %e %H:%M:%S\n");
	const char *log = "Dec 31 23:59:58 X\nJan  1 00:00:02 X\n";
	struct got g = {0};
	struct framer fr;
	struct lines ls;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		buf_clear(&g.log);
		/* pass 0: the file was last written in January 2026;
		   pass 1: --year 2025, the year the log starts in */
		framer_init(&fr, f, "t", pass == 0 ? 2026 : 2025,
		            pass == 0 ? 1 : 0, 1, on_rec, on_noise, &g);
		lines_init(&ls, 1 << 20, (line_fn)framer_line, &fr);
		lines_feed(&ls, log, strlen(log));
		lines_finish(&ls);
		framer_finish(&fr);
		framer_free(&fr);
		lines_free(&ls);
		ck_assert_ptr_nonnull(
		    strstr(g.log.p, "2025-12-31T23:59:58.000Z"));
		ck_assert_ptr_nonnull(
		    strstr(g.log.p, "2026-01-01T00:00:02.000Z"));
	}
	buf_free(&g.log);
	format_free(f);
}
END_TEST

/* Entries split at a size limit repeat their 'part' (Ribbon: time stamp
 * and sequence); the second may be a bare header matched by 'break'. */
START_TEST(test_split_entries_join)
{
	struct format *f = fmt("name t\n"
	                       "start ^E (?<part>\\d+) msg$\n"
	                       "break ^E (?<part>\\d+)\\s*$\n");
	struct got g = {0};

	feed(f,
	     "E 7 msg\nSIP/2.0 480 X\nCall-ID: a\nE 7\nCSeq: 1 INVITE\n"
	     "E 8\nafter\n",
	     &g, 0);
	ck_assert_str_eq(
	    g.log.p,
	    "R 1-5 -1   -|\nSIP/2.0 480 X\nCall-ID: a\nCSeq: 1 INVITE\n\n"
	    "N 6\nN 7\n");
	buf_free(&g.log);
	format_free(f);
}
END_TEST

/* What annotated output of a file relies on (RAW_SPAN): the records'
 * lines and the noise lines, in the order they are handed on, are the
 * input from its first byte to its last, each byte once. */
struct tile {
	const char *in;
	int keep_raw;
	uint64_t next; /* where the next line handed on must begin */
	char bad[160]; /* the first fault */
};

static void tile_at(struct tile *t, uint64_t off, size_t n, const char *what)
{
	if (t->bad[0] == '\0' && off != t->next)
		snprintf(t->bad, sizeof(t->bad), "%s at %llu, expected at %llu",
		         what, (unsigned long long)off,
		         (unsigned long long)t->next);
	t->next = off + n;
}

static void tile_rec(void *ctx, const struct record *r)
{
	struct tile *t = ctx;

	if (r->raw_len == 0) /* a held marker's, its lines handed on */
		return;
	tile_at(t, r->raw_off, r->raw_len, "record");
	if (t->bad[0] == '\0' &&
	    (t->keep_raw == RAW_SPAN
	         ? r->raw != NULL
	         : memcmp(t->in + r->raw_off, r->raw, r->raw_len) != 0))
		snprintf(t->bad, sizeof(t->bad), "record at %llu: raw %s",
		         (unsigned long long)r->raw_off,
		         t->keep_raw == RAW_SPAN ? "not NULL" : "differs");
}

static void tile_noise(void *ctx, const struct line *l)
{
	tile_at(ctx, l->off, l->len + l->eol, "noise line");
}

START_TEST(test_raw_spans_tile)
{
	struct formats fs = {0};
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	int files = 0;

	ck_assert_int_eq(formats_load_dir(&fs, PATTERNS_DIR "/formats"), 0);
	ck_assert_ptr_nonnull(d);
	diag_quiet(1); /* the caps' warnings, thousands */
	while ((de = readdir(d)) != NULL) {
		char path[512];
		char *data;
		size_t n, i, k;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".gz") ||
		    strstr(de->d_name, ".zip"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, de->d_name);
		data = test_slurp(path, &n);
		/* every format, so that each frames some file; a small line
		   cap and record cap too: long-line pieces, cut records */
		for (i = 0; i < fs.n; i++)
			for (k = 0; k < 4; k++) {
				struct tile t = {data, k % 2 ? RAW_SPAN : RAW_BYTES,
				                 0, ""};
				struct framer fr;
				struct lines ls;

				framer_init(&fr, fs.v[i], "t", 2025, 0, t.keep_raw,
				            tile_rec, tile_noise, &t);
				/* annotated output: its noise is written as it
				   comes, or its lines are spans of the input */
				fr.noise_out = t.keep_raw == RAW_BYTES;
				if (k >= 2)
					fr.max_record = 400;
				lines_init(&ls, k >= 2 ? 300 : 1 << 20,
				           (line_fn)framer_line, &fr);
				lines_feed(&ls, data, n);
				lines_finish(&ls);
				framer_finish(&fr);
				framer_free(&fr);
				lines_free(&ls);
				if (t.bad[0] == '\0' && t.next != (uint64_t)n)
					snprintf(t.bad, sizeof(t.bad),
					         "%llu bytes of %zu handed on",
					         (unsigned long long)t.next, n);
				ck_assert_msg(t.bad[0] == '\0', "%s as %s (%zu): %s",
				              de->d_name, fs.v[i]->name, k, t.bad);
			}
		free(data);
		files++;
	}
	closedir(d);
	diag_quiet(0);
	formats_free(&fs);
	ck_assert_int_gt(files, 10);
}
END_TEST

/* Time stamps, read with the formats the patterns use. */
static const char *iso(const char *fmt, const char *s, int year)
{
	static char out[64];
	struct logtime t;

	if (logtime_parse(fmt, s, strlen(s), year, &t) != 0)
		return "fail";
	logtime_iso(&t, out, sizeof(out));
	return out;
}

START_TEST(test_logtime)
{
	ck_assert_str_eq(iso("%d-%m@%H:%M:%S.%f", "19-12@12:45:02.514", 2025),
	                 "2025-12-19T12:45:02.514Z");
	ck_assert_str_eq(iso("%b %e %H:%M:%S.%f", "Mar  6 13:34:49.416", 2026),
	                 "2026-03-06T13:34:49.416Z");
	ck_assert_str_eq(
	    iso("%Y-%m-%dT%H:%M:%S.%f", "2024-02-29T23:59:59.5", 0),
	    "2024-02-29T23:59:59.500Z");
	ck_assert_str_eq(iso("%s", "1700000000.25", 0),
	                 "2023-11-14T22:13:20.250Z");
	ck_assert_str_eq(iso("%d-%m@%H:%M:%S.%f", "19-13@12:45:02.514", 2025),
	                 "fail"); /* month 13 */
	ck_assert_str_eq(iso("%d-%m@%H:%M:%S.%f", "19-12@12:45:02.", 2025),
	                 "fail"); /* no fraction digits */
	ck_assert_str_eq(iso("%H:%M:%S", "7:05:09", 0), "07:05:09.000");
	/* ".%f" of a stamp without a fraction */
	ck_assert_str_eq(iso("%Y-%m-%dT%H:%M:%S.%f", "2025-11-21T10:00:14", 0),
	                 "2025-11-21T10:00:14.000Z");
	ck_assert_str_eq(iso("%d-%m@%H:%M:%S.%f", "19-12@12:45:03", 2025),
	                 "2025-12-19T12:45:03.000Z");
	/* alternatives, tried in turn (Oracle's stamp copied from tail
	   lacks its month and day); a '|' after '%' is no separator */
	ck_assert_str_eq(iso("%b %e %H:%M:%S.%f|%H:%M:%S.%f",
	                     "Nov 21 10:03:53.460", 2025),
	                 "2025-11-21T10:03:53.460Z");
	ck_assert_str_eq(
	    iso("%b %e %H:%M:%S.%f|%H:%M:%S.%f", "10:03:53.460", 2025),
	    "10:03:53.460");
	ck_assert_str_eq(iso("%b %e %H:%M:%S.%f|%H:%M:%S.%f", "Nov 21", 2025),
	                 "fail");
	ck_assert_str_eq(iso("%H:%M:%S|%Y", "x", 2025), "fail");
	ck_assert_str_eq(iso("%H|%H:%M", "07", 0), "07:00:00.000");
}
END_TEST

/* A time of day takes the date that puts it within twelve hours of the
 * dated stamp before it, or, from the log's end, the last date not after
 * that end: across midnight, month, year and leap day. */
START_TEST(test_logtime_date)
{
	static const struct {
		const char *ref, *tod;
		int end;
		const char *want;
	} cases[] = {
	    {"2025-11-21T10:02:02.8", "10:02:03.1", 0, "2025-11-21T10:02:03.100Z"},
	    {"2025-11-21T10:02:02.8", "10:02:01.0", 0, "2025-11-21T10:02:01.000Z"},
	    {"2025-12-31T23:59:58.1", "00:00:01.2", 0, "2026-01-01T00:00:01.200Z"},
	    {"2024-03-01T00:00:10.0", "23:59:50.0", 0, "2024-02-29T23:59:50.000Z"},
	    {"2025-03-01T00:00:10.0", "23:59:50.0", 0, "2025-02-28T23:59:50.000Z"},
	    {"2025-11-21T10:00:00.0", "21:59:59.0", 0, "2025-11-21T21:59:59.000Z"},
	    {"2025-11-21T10:00:00.0", "22:00:00.1", 0, "2025-11-20T22:00:00.100Z"},
	    {"2025-11-21T23:00:00.0", "22:59:59.0", 1, "2025-11-21T22:59:59.000Z"},
	    {"2025-11-21T23:00:00.0", "23:00:00.0", 1, "2025-11-21T23:00:00.000Z"},
	    {"2025-11-21T23:00:00.0", "23:00:00.1", 1, "2025-11-20T23:00:00.100Z"},
	    {"2026-01-01T00:30:00.0", "23:50:00.0", 1, "2025-12-31T23:50:00.000Z"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct logtime ref, t;
		char out[64];

		ck_assert_int_eq(logtime_parse("%Y-%m-%dT%H:%M:%S.%f",
		                               cases[i].ref, strlen(cases[i].ref),
		                               0, &ref),
		                 0);
		ck_assert_int_eq(logtime_parse("%H:%M:%S.%f", cases[i].tod,
		                               strlen(cases[i].tod), 0, &t),
		                 0);
		logtime_date(&t, &ref, cases[i].end);
		logtime_iso(&t, out, sizeof(out));
		ck_assert_msg(strcmp(out, cases[i].want) == 0,
		              "%s from %s%s: %s, want %s", cases[i].tod,
		              cases[i].ref, cases[i].end ? " (end)" : "", out,
		              cases[i].want);
	}
}
END_TEST

/* %z: a stamp that names its zone comes out in UTC, across days, months,
 * years and leap days; one without a zone is taken as UTC. */
START_TEST(test_logtime_zone)
{
	static const char *f = "%Y-%m-%dT%H:%M:%S.%f%z";
	static const char *cases[][2] = {
	    {"2025-11-21T13:05:07.120000+01:00", "2025-11-21T12:05:07.120Z"},
	    {"2025-11-21T13:05:07.120000-0530", "2025-11-21T18:35:07.120Z"},
	    {"2025-11-21T13:05:07.1Z", "2025-11-21T13:05:07.100Z"},
	    {"2025-11-21T13:05:07.1", "2025-11-21T13:05:07.100Z"},
	    {"2025-11-21T13:05:07+00:00", "2025-11-21T13:05:07.000Z"},
	    {"2026-01-01T00:30:00.0+02", "2025-12-31T22:30:00.000Z"},
	    {"2025-12-31T20:00:00.0-05:00", "2026-01-01T01:00:00.000Z"},
	    {"2024-03-01T01:00:00.0+03:00", "2024-02-29T22:00:00.000Z"},
	    {"2023-03-01T01:00:00.0+03:00", "2023-02-28T22:00:00.000Z"},
	    {"2024-02-29T23:00:00.0-14:00", "2024-03-01T13:00:00.000Z"},
	    {"2025-04-30T23:59:59.999-00:01", "2025-05-01T00:00:59.999Z"},
	    {"2025-11-21T13:05:07.1+24:00", "fail"},
	    {"2025-11-21T13:05:07.1+01:", "fail"},
	    {"2025-11-21T13:05:07.1+1", "fail"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		ck_assert_str_eq(iso(f, cases[i][0], 0), cases[i][1]);
	/* a time of day alone keeps its clock */
	ck_assert_str_eq(iso("%H:%M:%S%z", "10:00:00+02:00", 0),
	                 "10:00:00.000");
}
END_TEST

static long long key_of(const char *iso8601)
{
	struct logtime t;

	ck_assert_int_eq(logtime_parse("%Y-%m-%dT%H:%M:%S.%f", iso8601,
	                               strlen(iso8601), 0, &t),
	                 0);
	return logtime_key(&t);
}

/* Keys are microseconds: their differences are durations across minutes,
 * days, leap days and years (Timer B and Timer C are measured so). */
START_TEST(test_logtime_key)
{
	struct logtime unset = {0};

	ck_assert_int_eq(key_of("2025-11-21T10:03:10.000") -
	                     key_of("2025-11-21T10:00:10.000"),
	                 180000000LL);
	ck_assert_int_eq(key_of("2025-11-21T10:00:41.250") -
	                     key_of("2025-11-21T10:00:09.250"),
	                 32000000LL);
	ck_assert_int_eq(key_of("2024-03-01T00:00:00.000") -
	                     key_of("2024-02-28T23:59:59.000"),
	                 86401000000LL);
	ck_assert_int_eq(key_of("2100-03-01T00:00:00.000") -
	                     key_of("2100-02-28T23:59:59.000"),
	                 1000000LL);
	ck_assert_int_eq(key_of("2026-01-01T00:00:00.000") -
	                     key_of("2025-12-31T23:59:59.999"),
	                 1000LL);
	ck_assert_int_eq(key_of("2000-01-01T00:00:00.000") -
	                     key_of("1999-01-01T00:00:00.000"),
	                 365LL * 86400000000LL);
	unset.set = 1; /* a time of day alone, no date: still set */
	unset.hour = 9;
	ck_assert(logtime_key(&unset) > 0);
	unset.set = 0;
	ck_assert_int_eq(logtime_key(&unset), 0);
}
END_TEST

static int same_time(const struct logtime *a, const struct logtime *b)
{
	return a->set == b->set && a->year == b->year && a->mon == b->mon &&
	       a->day == b->day && a->hour == b->hour && a->min == b->min &&
	       a->sec == b->sec && a->usec == b->usec &&
	       a->has_date == b->has_date;
}

/* logtime_parse_memo gives what logtime_parse gives, for stamps that share
 * their text before the fraction or not, good or bad, whatever the format
 * and the year; and reuses that text's fields (the memo is noted). */
START_TEST(test_logtime_memo)
{
	static const char *fmts[] = {
	    "%d-%m@%H:%M:%S.%f",
	    "%b %e %H:%M:%S.%f",
	    "%Y-%m-%dT%H:%M:%S.%f",
	    "%H:%M:%S,%f",
	    "%H:%M:%S %f",
	    "%%%f",
	    "%s",
	    "%b %e %H:%M:%S",
	    "%H%f",
	    "%Y-%m-%dT%H:%M:%S.%f%z",
	    "%b %e %H:%M:%S.%f|%H:%M:%S.%f",
	    "%H:%M:%S.%f|%H:%M:%S.x%f",
	};
	static const char *stamps[] = {
	    "19-12@12:45:02.514",
	    "19-12@12:45:02.9",
	    "19-12@12:45:02.",
	    "19-12@12:45:02.x",
	    "19-12@12:45:03.001",
	    "19-12@12:45:03",
	    "32-12@12:45:03.001",
	    "Mar  6 13:34:49.416",
	    "Mar  6 13:34:49.7",
	    "Mar 16 13:34:49.7",
	    "Mar  6 13:34:50.7",
	    "2024-02-29T23:59:59.5",
	    "2024-02-29T23:59:59.123456789",
	    "2024-02-29T23:59:59.5+01:00",
	    "2024-02-29T23:59:59.6-01:00",
	    "2024-02-29T23:59:59+01:00",
	    "2024-02-29T23:59:59.5Z",
	    "12:00:01,5",
	    "12:00:01,",
	    "12:00:01 5",
	    "12:00:01  6",
	    "%7",
	    "%",
	    "1700000000.25",
	    "Mar  6 13:34:49",
	    "",
	    "19-12@12:45:02.514 trailing",
	    "1.5",
	    "123",
	    "%%7",
	    "13:34:49.7",
	    "13:34:49.x7",
	};
	struct logtime_memo memo = {0};
	size_t f, i, k;
	int noted = 0;

	srand(7);
	for (k = 0; k < 20000; k++) {
		struct logtime a, b;
		int ra, rb, year = 2020 + rand() % 3;
		const char *fmt =
		    fmts[rand() % (int)(sizeof(fmts) / sizeof(*fmts))];
		const char *s =
		    stamps[rand() % (int)(sizeof(stamps) / sizeof(*stamps))];

		ra = logtime_parse(fmt, s, strlen(s), year, &a);
		rb = logtime_parse_memo(&memo, fmt, s, strlen(s), year, &b);
		ck_assert_msg(ra == rb, "%s on '%s': %d, memo %d", fmt, s, ra,
		              rb);
		if (ra == 0)
			ck_assert_msg(same_time(&a, &b),
			              "%s on '%s' (%d): fields differ", fmt, s,
			              year);
		noted += memo.len > 0;
	}
	ck_assert_int_gt(noted, 1000);
	/* runs of one format: each stamp also read cut short */
	memset(&memo, 0, sizeof(memo));
	for (f = 0; f < sizeof(fmts) / sizeof(*fmts); f++)
		for (i = 0; i < sizeof(stamps) / sizeof(*stamps); i++) {
			size_t n;

			for (n = 0; n <= strlen(stamps[i]); n++) {
				struct logtime a, b;
				int ra = logtime_parse(fmts[f], stamps[i], n,
				                       2025, &a);
				int rb = logtime_parse_memo(
				    &memo, fmts[f], stamps[i], n, 2025, &b);

				ck_assert_int_eq(ra, rb);
				if (ra == 0)
					ck_assert(same_time(&a, &b));
			}
		}
	/* the AudioCodes head is noted up to and with the dot */
	memset(&memo, 0, sizeof(memo));
	{
		struct logtime t;

		ck_assert_int_eq(logtime_parse_memo(&memo, fmts[0],
		                                    "19-12@12:45:02.514", 18,
		                                    2025, &t),
		                 0);
		ck_assert_uint_eq(memo.len, 15);
		ck_assert_int_eq(memo.t.sec, 2);
	}
}
END_TEST

Suite *framer_suite(void)
{
	Suite *s = suite_create("framer");
	TCase *tc = tcase_create("framer");

	tcase_add_test(tc, test_unescape);
	tcase_add_test(tc, test_long_line_among_headers);
	tcase_add_test(tc, test_start_end_break);
	tcase_add_test(tc, test_oneline_syslog);
	tcase_add_test(tc, test_deferred_unescape);
	tcase_add_test(tc, test_complete_by_content_length);
	tcase_add_test(tc, test_blank_line_with_blanks);
	tcase_add_test(tc, test_content_length_names);
	tcase_add_test(tc, test_size_cap);
	tcase_add_test(tc, test_year_rollover);
	tcase_add_test(tc, test_split_entries_join);
	tcase_add_test(tc, test_raw_spans_tile);
	tcase_add_test(tc, test_logtime);
	tcase_add_test(tc, test_logtime_zone);
	tcase_add_test(tc, test_logtime_date);
	tcase_add_test(tc, test_logtime_key);
	tcase_add_test(tc, test_logtime_memo);
	suite_add_tcase(s, tc);
	return s;
}
