/* check_format.c - the format file grammar and detection. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "format.h"
#include "util.h"

static struct format *parse(const char *text)
{
	return format_parse("test.fmt", text, strlen(text));
}

START_TEST(test_parse_ok)
{
	struct format *f = parse("# comment\n"
				 "name   demo\n"
				 "description A demo\n"
				 "priority 5\n"
				 "literal \\x20->\\x20\n"
				 "start  ^(?<time>\\d+) (?<src>\\S+) -> (?<dst>\\S+)$\n"
				 "end    ^====$\n"
				 "field  ^tag: (?<dir>\\w+)\n"
				 "unescape syslog-octal\n"
				 "complete yes\n"
				 "time-format %s\n");
	struct rxm m;
	const char *g;
	size_t gn;

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "demo");
	ck_assert_int_eq(f->priority, 5);
	ck_assert_uint_eq(f->literal_len, 4);
	ck_assert(memcmp(f->literal, " -> ", 4) == 0);
	ck_assert_int_eq(f->unescape, UNESC_SYSLOG);
	ck_assert_int_eq(f->complete, 1);
	ck_assert_int_eq(f->nfields, 1);
	rxm_init(&m);
	ck_assert_int_eq(rx_match(&f->start, "12 a:1 -> b:2", 13, &m), 1);
	ck_assert(rx_group(&f->start, &m, "dst", &g, &gn));
	ck_assert_uint_eq(gn, 3);
	ck_assert(memcmp(g, "b:2", 3) == 0);
	ck_assert(!rx_group(&f->start, &m, "nosuch", &g, &gn));
	ck_assert_int_eq(rx_match(&f->start, "x", 1, &m), 0);
	rxm_free(&m);
	format_free(f);
}
END_TEST

/* the shortcuts before PCRE2: a literal found by its rarest-looking byte,
 * an anchored pattern ruled out by its first byte; both must agree with
 * what memmem and PCRE2 alone would say */
START_TEST(test_prefilters)
{
	struct format *f = parse("name   pre\n"
				 "literal On [\n"
				 "start  ^On \\[\n"
				 "end    ^-{4}\\s*$\n"
				 "break  ^(?i)x-y\n");
	static const char *const hay[] = {
	    "", "O", "On [", "On [x", "xOn [", "On On [", "On ", "On x[On [",
	    "[[[[", "On  [", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxOn [",
	    "On [On [On [",
	    /* near misses: all but the first byte, all but the last */
	    "xn [", "xn [On [", "On x", "On xOn [", "On[On [", "O  [On ["};
	struct rxm m;
	size_t i;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->literal_key, 3); /* '[', punctuation */
	for (i = 0; i < ARRAY_LEN(hay); i++) {
		size_t n = strlen(hay[i]), k;

		ck_assert_ptr_eq(literal_find(f, hay[i], n),
				 memmem(hay[i], n, "On [", 4));
		/* any byte of it may be the one searched for */
		for (k = 0; k <= 4; k++)
			ck_assert_ptr_eq(literal_find_by(f, k, hay[i], n),
					 memmem(hay[i], n, "On [", 4));
	}
	/* the byte rarest in a sample of the log; ties keep '[' */
	ck_assert_uint_eq(literal_rarest(f, "[[[ [OOn", 8), 1);
	ck_assert_uint_eq(literal_rarest(f, "OOnn  [", 7), 3);
	ck_assert_uint_eq(literal_rarest(f, "", 0), 3);
	ck_assert_uint_eq(literal_rarest(f, "[[On", 4), 2);
	rxm_init(&m);
	ck_assert_int_eq(f->end.first, '-');
	ck_assert_int_eq(rx_match(&f->end, "----", 4, &m), 1);
	ck_assert_int_eq(rx_match(&f->end, "---- ", 5, &m), 1);
	ck_assert_int_eq(rx_match(&f->end, " ----", 5, &m), 0);
	ck_assert_int_eq(rx_match(&f->end, "", 0, &m), 0);
	/* a letter, caseless here: left to PCRE2 */
	ck_assert_int_eq(f->brk.first, -1);
	ck_assert_int_eq(rx_match(&f->brk, "X-Y", 3, &m), 1);
	rxm_free(&m);
	format_free(f);
	f = parse("name   pre2\n"
		  "literal SIP Message\n"
		  "start  \\[S=\n");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->start.first, -1); /* not anchored */
	ck_assert_uint_eq(f->literal_key, 0); /* 'S', the first capital */
	format_free(f);
}
END_TEST

/* A pattern that is not anchored but starts with a fixed byte is tried
 * from that byte's first place on (memchr): the same matches, spans and
 * groups as PCRE2 gives from the start, lookbehinds and \b included. */
START_TEST(test_lead_byte)
{
	static const char *const pats[] = {
	    "\\[Time:(?<time>\\d+)\\]\\s*$",
	    "(?<=x)\\[(?<key>\\w*)\\]",
	    "(?<!\\])\\[(?<key>[^\\]]*)\\]",
	    "\\[\\b(?<key>\\w+)",
	    "#(?<key>\\d)|#x",
	};
	static const char *const hay[] = {
	    "", "[", "[Time:1]", "a [Time:12] ", "[Time:1] x [Time:2]",
	    "x[k]", "y[k]x[j]", "][a]", "[a]", "[[b", "#x", "##1", "zz#",
	    "[Time:] [Time:3]", "x[", "[ k", "[k",
	};
	size_t i, j;
	struct rxm m1, m2;

	rxm_init(&m1);
	rxm_init(&m2);
	for (i = 0; i < ARRAY_LEN(pats); i++) {
		char text[256];
		struct format *f, *g;

		snprintf(text, sizeof(text), "name l\nstart %s\n", pats[i]);
		f = parse(text);
		/* the same pattern, but its first byte no longer fixed */
		snprintf(text, sizeof(text), "name l\nstart (?:%s|(*FAIL)\\b)\n",
		         pats[i]);
		g = parse(text);
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(g);
		ck_assert_int_eq(f->start.lead, pats[i][0] == '#' ? '#' : '[');
		ck_assert_int_eq(f->start.first, -1);
		ck_assert_int_eq(g->start.lead, -1);
		for (j = 0; j < ARRAY_LEN(hay); j++) {
			size_t n = strlen(hay[j]), s1, e1, s2, e2, n1 = 0, n2 = 0;
			const char *p1 = NULL, *p2 = NULL;
			int r1 = rx_match(&f->start, hay[j], n, &m1);
			int r2 = rx_match(&g->start, hay[j], n, &m2);

			ck_assert_msg(r1 == r2, "%s on '%s': %d, not %d", pats[i],
			              hay[j], r1, r2);
			if (r1 != 1)
				continue;
			rx_span(&m1, &s1, &e1);
			rx_span(&m2, &s2, &e2);
			ck_assert_msg(s1 == s2 && e1 == e2, "%s on '%s'", pats[i],
			              hay[j]);
			rx_group_id(&f->start, &m1, RXG_KEY, &p1, &n1);
			rx_group_id(&g->start, &m2, RXG_KEY, &p2, &n2);
			ck_assert(p1 == p2 && n1 == n2);
		}
		format_free(f);
		format_free(g);
	}
	rxm_free(&m1);
	rxm_free(&m2);
}
END_TEST

/* A format whose 'sequence' is PATTERN. */
static struct format *seq_format(const char *pattern)
{
	struct buf b = {0};
	struct format *f;

	buf_printf(&b, "name   seq\nstart  x\nsequence %s\n", pattern);
	f = parse(b.p);
	buf_free(&b);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* format_seq on each of LINES says what PCRE2 says of F's pattern */
static void seq_agrees(const struct format *f, const char *const *lines,
		       size_t nlines)
{
	struct rxm m;
	size_t i;

	ck_assert_int_eq(f->seq_simple, 1);
	rxm_init(&m);
	for (i = 0; i < nlines; i++) {
		size_t n = strlen(lines[i]), gn;
		long long v = -5, w = -5;
		const char *g;
		int rc = format_seq(f, lines[i], n, &v);
		int want = rx_match(&f->seq, lines[i], n, &m);

		ck_assert_msg(rc == want, "line \"%s\": %d, PCRE2 %d", lines[i],
			      rc, want);
		if (want == 1) {
			ck_assert(rx_group(&f->seq, &m, "seq", &g, &gn));
			w = span_uint(g, gn, 1LL << 62);
			ck_assert_int_eq(v, w);
		}
	}
	rxm_free(&m);
}

/* a simple 'sequence' pattern is matched by hand, exactly as PCRE2 would */
START_TEST(test_simple_sequence)
{
	static const char *const lines[] = {
	    "", "[S=1]", "x [S=123] y", "[S=] [S=7]", "[S=12 [S=34]",
	    "[S=5", "[S=5]x[S=6]", "[[S=9]", "[S=00042]", "S=3]",
	    "[S=99999999999999999999999]", "[S=1a] [S=2]", "[s=4]",
	    "prefix only [S=",
	    /* 18 digits are read on the way, more by span_uint */
	    "[S=999999999999999999]", "[S=000000000000000000001]",
	    "[S=4611686018427387904]", "[S=4611686018427387905]",
	    "[S=18446744073709551617]"};
	/* a suffix of several bytes: each of them is compared */
	static const char *const lines2[] = {
	    "@5ab", "@5ac @6ab", "@5a", "@5", "x@12abc", "@7bb@8ab",
	    "@@9ab", "@ab@3ab"};
	struct format *f = seq_format("\\[S=(?<seq>\\d+)\\]");

	seq_agrees(f, lines, ARRAY_LEN(lines));
	format_free(f);
	f = seq_format("@(?<seq>\\d+)ab");
	seq_agrees(f, lines2, ARRAY_LEN(lines2));
	format_free(f);
	/* anything else is left to PCRE2 */
	f = seq_format("\\[S=(?<seq>\\d+)\\]|#(?<seq>\\d+)");
	ck_assert_int_eq(f->seq_simple, 0);
	ck_assert_int_eq(format_seq(f, "[S=1]", 5, &(long long){0}), -2);
	format_free(f);
	f = seq_format("(?<seq>\\d+)\\]");
	ck_assert_int_eq(f->seq_simple, 0); /* no prefix to search for */
	format_free(f);
}
END_TEST

START_TEST(test_parse_errors)
{
	/* each is refused, with file:line on stderr */
	ck_assert_ptr_null(parse("start x\n"));		     /* no name */
	ck_assert_ptr_null(parse("name a\n"));		     /* no start */
	ck_assert_ptr_null(parse("name a\nstart (\n"));	     /* bad regex */
	ck_assert_ptr_null(parse("name a\nstart x\nfoo bar\n")); /* unknown key */
	ck_assert_ptr_null(parse("name a\nstart x\nunescape rot13\n"));
	ck_assert_ptr_null(parse("name a\nstart x\noneline maybe\n"));
	ck_assert_ptr_null(parse("name A B\nstart x\n"));
	ck_assert_ptr_null(parse("name a\nstart x\npriority lots\n"));
	ck_assert_ptr_null(parse("name a\nstart\n")); /* no value */
}
END_TEST

/* A catastrophic regex is stopped by the match limit, not left running. */
START_TEST(test_match_limit)
{
	struct format *f = parse("name slow\nstart ^(a+)+$\n");
	char subject[64];
	struct rxm m;

	ck_assert_ptr_nonnull(f);
	memset(subject, 'a', sizeof(subject) - 1);
	subject[sizeof(subject) - 2] = 'b';
	rxm_init(&m);
	ck_assert_int_eq(rx_match(&f->start, subject, sizeof(subject) - 1, &m), -1);
	rxm_free(&m);
	format_free(f);
}
END_TEST

/* The AudioCodes start patterns are written so that their scans stop only
 * at dashes: they must match where the plain forms (.*?---- before the
 * direction) match, with the same groups and the same end, on lines that
 * put dashes in the way. */
START_TEST(test_audiocodes_start_forms)
{
	static const char *const names[] = {"audiocodes-syslog",
					    "audiocodes-viewer"};
	static const char *const lines[] = {
	    "h [S=1] [SID=a:1:1] (N 1) ---- Incoming SIP Message from 1.2.3.4:5060 to SIPInterface #0 (Teams) TLS TO(#1) SocketID(1) ---- #012SIP/2.0 200 OK",
	    "h [S=2] [SID=a:1:2] (N 2) ---- ---- Outgoing SIP Message to 1.2.3.4:5060 from SIPInterface #1 (x) UDP ----",
	    "h [S=3] [SID=a:1:3] (N-3) --- - ----- Incoming SIP Message from 5.6.7.8:5061 to SIPInterface #2 (y) TLS ----",
	    "h [S=4] [SID=a:1:4]---- Incoming SIP Message from 5.6.7.8:5061 to SIPInterface #2 (y) TLS ----",
	    "h [S=5] [SID=a:1:5] (N 5) ---- Incoming SIP Message from ---- ---- Outgoing SIP Message to 9.9.9.9:5060 from SIPInterface #3 (z) UDP ----",
	    "h [S=6] [SID=a:1:6] (N 6) -- -- --- Incoming SIP Message from 1.2.3.4:5060 to SIPInterface #0 (x) UDP ----",
	    "h [S=7] [SID=a:1:7] (N 7) ----Incoming SIP Message from 1.2.3.4:5060 to SIPInterface #0 (x) UDP ----",
	    "h [S=8] [SID=a:1:8] (N 8) ---- Incoming SIP Message from 1.2.3.4:5060 to SIPInterface #0 (x) UDP ---",
	};
	struct formats fs = {0};
	size_t i, k;

	ck_assert_int_eq(formats_load_dir(&fs, PATTERNS_DIR "/formats"), 0);
	for (k = 0; k < ARRAY_LEN(names); k++) {
		const struct format *f = formats_find(&fs, names[k]);
		const char *src, *cut;
		char plain[1024];
		struct format *g;
		struct buf def = {0};
		struct rxm m1, m2;

		ck_assert_ptr_nonnull(f);
		/* the plain form: .*?---- in place of (?:[^-]*+-)+?--- */
		src = f->start.src;
		cut = strstr(src, "(?:[^-]*+-)+?--- ");
		ck_assert_ptr_nonnull(cut);
		snprintf(plain, sizeof(plain), "%.*s.*?---- %s",
			 (int)(cut - src), src, cut + strlen("(?:[^-]*+-)+?--- "));
		buf_printf(&def, "name plain\nstart %s\n", plain);
		g = format_parse("plain.fmt", def.p, def.len);
		ck_assert_ptr_nonnull(g);
		rxm_init(&m1);
		rxm_init(&m2);
		for (i = 0; i < ARRAY_LEN(lines); i++) {
			const char *l = lines[i];
			size_t n = strlen(l), s1, e1, s2, e2;
			int r1 = rx_match(&f->start, l, n, &m1);
			int r2 = rx_match(&g->start, l, n, &m2);
			const char *names_[] = {"key", "dir", "peer"};
			size_t j;

			ck_assert_msg(r1 == r2, "%s line %zu: %d vs %d", names[k],
				      i + 1, r1, r2);
			if (r1 != 1)
				continue;
			rx_span(&m1, &s1, &e1);
			rx_span(&m2, &s2, &e2);
			ck_assert_uint_eq(s1, s2);
			ck_assert_uint_eq(e1, e2);
			for (j = 0; j < ARRAY_LEN(names_); j++) {
				const char *a, *b;
				size_t an, bn;

				ck_assert(rx_group(&f->start, &m1, names_[j], &a, &an));
				ck_assert(rx_group(&g->start, &m2, names_[j], &b, &bn));
				ck_assert_msg(an == bn && a == b, "%s line %zu group %s",
					      names[k], i + 1, names_[j]);
			}
		}
		rxm_free(&m1);
		rxm_free(&m2);
		buf_free(&def);
		format_free(g);
	}
	formats_free(&fs);
}
END_TEST

/* Each fixture's first lines pick its format. */
START_TEST(test_detect_fixtures)
{
	static const char *cases[][2] = {
		{"audiocodes-oneline.log", "audiocodes-syslog"},
		{"audiocodes-viewer.log", "audiocodes-viewer"},
		{"oracle-sipmsg.log", "oracle-sipmsg"},
		{"oracle-tail.log", "oracle-sipmsg"},
		{"sngrep-export.txt", "sngrep"},
		{"generic.log", "generic"},
		{"no-final-newline.log", "generic"},
		{"kamailio-xlog.log", "kamailio-xlog"},
		{"kamailio-syslog.log", "kamailio-syslog"},
		{"kamailio-syslog-rfc3339.log", "kamailio-syslog-rfc3339"},
		{"kamailio-sipdump.data", "kamailio-sipdump"},
		{"sipp-trace.log", "sipp-trace"},
		{"ngrep.txt", "ngrep"},
		{"sipgrep.txt", "ngrep"},
		{"tshark-raw.txt", "tshark-raw"},
		{"tshark-tree.txt", "tshark-tree"},
		{"audiocodes-740.log", "audiocodes-syslog"},
		{"ribbon-trc.TRC", "ribbon-trc"},
		{"ribbon-syslog.log", "ribbon-syslog"},
		{"cisco-cube-console.log", "cisco-cube"},
		{"cisco-cube-syslog.log", "cisco-cube"},
		{"freeswitch-old.log", "freeswitch-siptrace"},
		{"freeswitch-new.log", "freeswitch-siptrace"},
		{"drachtio.log", "drachtio"},
		{"asterisk-pjsip.log", "asterisk-pjsip"},
		{"asterisk-chansip-console.log", "asterisk-chansip"},
		{"asterisk-chansip.log", "asterisk-chansip"},
	};
	struct formats fs = {0};
	size_t i;

	ck_assert_int_eq(formats_load_dir(&fs, PATTERNS_DIR "/formats"), 0);
	ck_assert_ptr_nonnull(formats_find(&fs, "generic"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256], *line = NULL;
		size_t cap = 0;
		ssize_t n;
		unsigned *scores = calloc(fs.n, sizeof(*scores));
		FILE *fp;
		int k = 0;
		const struct format *f;

		snprintf(path, sizeof(path), "%s/%s", FIXTURES, cases[i][0]);
		fp = fopen(path, "r");
		ck_assert_ptr_nonnull(fp);
		while (k++ < 100 && (n = getline(&line, &cap, fp)) > 0)
			formats_score_line(&fs, line, (size_t)n - (line[n - 1] == '\n'),
					   scores);
		fclose(fp);
		free(line);
		f = formats_pick(&fs, scores);
		ck_assert_ptr_nonnull(f);
		ck_assert_msg(strcmp(f->name, cases[i][1]) == 0, "%s: picked %s",
			      cases[i][0], f->name);
		free(scores);
	}
	formats_free(&fs);
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_parse_ok);
	tcase_add_test(tc, test_prefilters);
	tcase_add_test(tc, test_lead_byte);
	tcase_add_test(tc, test_simple_sequence);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_match_limit);
	tcase_add_test(tc, test_detect_fixtures);
	tcase_add_test(tc, test_audiocodes_start_forms);
	suite_add_tcase(s, tc);
	return s;
}
