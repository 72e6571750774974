/* check_run.c - the whole pipeline on every fixture: the output must not
 * depend on how the input was chunked (split at every byte boundary, and
 * one byte at a time), and annotated output must give the input back when
 * the annotation lines are removed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "calls.h"
#include "kb.h"
#include "run.h"

static struct formats fs;
static struct kb kb;

static void setup(void)
{
	ck_assert_int_eq(kb_load_dir(&kb, PATTERNS_DIR), 0);
	ck_assert_int_eq(formats_load_dir(&fs, PATTERNS_DIR "/formats"), 0);
}

static void teardown(void)
{
	formats_free(&fs);
	kb_free(&kb);
}

/* Runs the pipeline on DATA fed in chunks: cut at CUT (0: none), or one
 * byte at a time when ONEBYTE. */
static char *run_chunks(enum outmode mode, const char *data, size_t n,
			size_t cut, int onebyte, size_t *outlen)
{
	struct run_opts o;
	struct run r;
	char *out = NULL;
	FILE *fp = open_memstream(&out, outlen);
	size_t i;

	memset(&o, 0, sizeof(o));
	o.mode = mode;
	o.summary = SUM_TEXT;
	o.year = 2025;
	run_init(&r, &o, &fs, &kb, fp);
	run_begin(&r, "fixture", 2025, 0);
	if (onebyte) {
		for (i = 0; i < n; i++)
			run_feed(&r, data + i, 1);
	} else if (cut > 0) {
		run_feed(&r, data, cut);
		run_feed(&r, data + cut, n - cut);
	} else {
		run_feed(&r, data, n);
	}
	run_end(&r);
	run_finish(&r);
	run_free(&r);
	fclose(fp);
	return out;
}

static char **fixtures(size_t *count)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".gz"))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (asprintf(&v[n], "%s/%s", FIXTURES, de->d_name) < 0)
			ck_abort();
		n++;
	}
	closedir(d);
	*count = n;
	return v;
}

/* Every fixture, every split point, in annotated mode (the mode that holds
 * every byte and every annotation).  Large fixtures are split at a stride
 * so the suite stays quick; the small ones at every byte. */
START_TEST(test_split_every_boundary)
{
	size_t nf, f;
	char **v = fixtures(&nf);

	ck_assert_uint_gt(nf, 4);
	for (f = 0; f < nf; f++) {
		size_t n, n0, nk, k, step;
		char *data = test_slurp(v[f], &n);
		char *out0 = run_chunks(OUT_ANNOTATED, data, n, 0, 0, &n0);

		step = n <= 16384 ? 1 : n / 8192 + 1;
		for (k = 1; k < n; k += step) {
			char *outk = run_chunks(OUT_ANNOTATED, data, n, k, 0, &nk);

			ck_assert_msg(nk == n0 && memcmp(out0, outk, n0) == 0,
				      "%s: output differs when split at byte %zu",
				      v[f], k);
			free(outk);
		}
		free(out0);
		free(data);
		free(v[f]);
	}
	free(v);
}
END_TEST

START_TEST(test_one_byte_at_a_time)
{
	size_t nf, f;
	char **v = fixtures(&nf);
	enum outmode modes[] = {OUT_ANNOTATED, OUT_JSON, OUT_FAILURES};
	size_t m;

	for (f = 0; f < nf; f++) {
		size_t n, n0, n1;
		char *data = test_slurp(v[f], &n);

		for (m = 0; m < 3; m++) {
			char *out0 = run_chunks(modes[m], data, n, 0, 0, &n0);
			char *out1 = run_chunks(modes[m], data, n, 0, 1, &n1);

			ck_assert_msg(n0 == n1 && memcmp(out0, out1, n0) == 0,
				      "%s: one byte at a time differs (mode %zu)",
				      v[f], m);
			free(out0);
			free(out1);
		}
		free(data);
		free(v[f]);
	}
	free(v);
}
END_TEST

/* Removing every line that starts with the marker gives the input back. */
START_TEST(test_lossless)
{
	size_t nf, f;
	char **v = fixtures(&nf);

	for (f = 0; f < nf; f++) {
		size_t n, n0, i, k = 0, marks = 0;
		char *data = test_slurp(v[f], &n);
		char *out = run_chunks(OUT_ANNOTATED, data, n, 0, 0, &n0);
		char *strip = malloc(n0 + 1);

		for (i = 0; i < n0;) {
			char *nl = memchr(out + i, '\n', n0 - i);
			size_t len = nl ? (size_t)(nl - (out + i)) + 1 : n0 - i;

			if (len >= strlen(MARKER) &&
			    memcmp(out + i, MARKER, strlen(MARKER)) == 0) {
				marks++;
			} else {
				memcpy(strip + k, out + i, len);
				k += len;
			}
			i += len;
		}
		/* documented: after a last line without a line end, the first
		   annotation line is preceded by one */
		if (n > 0 && data[n - 1] != '\n' && k == n + 1 && strip[k - 1] == '\n')
			k--;
		ck_assert_uint_gt(marks, 0); /* the summary at least */
		ck_assert_msg(k == n && memcmp(strip, data, n) == 0,
			      "%s: annotated output minus annotations is not the "
			      "input (%zu vs %zu bytes)",
			      v[f], k, n);
		free(strip);
		free(out);
		free(data);
		free(v[f]);
	}
	free(v);
}
END_TEST

/* A 2xx response to a request other than INVITE is counted, not parsed:
 * it leaves nothing in the call table (a log's OPTIONS keepalives would
 * fill it), where the 200 OK to an INVITE is tied to its call. */
START_TEST(test_ok_not_invite_counted)
{
	static const char log[] =
	    "2025-11-21 10:00:00.000 recv from 192.0.2.9:5060:\n"
	    "SIP/2.0 200 OK\nCall-ID: keepalive-1\nCSeq: 1 OPTIONS\n"
	    "Content-Length: 0\n\n"
	    "2025-11-21 10:00:01.000 recv from 192.0.2.9:5060:\n"
	    "SIP/2.0 202 Accepted\nCall-ID: gone-2\nCSeq: 2 REFER\n"
	    "Content-Length: 0\n\n"
	    "2025-11-21 10:00:02.000 recv from 192.0.2.9:5060:\n"
	    "SIP/2.0 200 OK\nCall-ID: call-3\nCSeq: 1 INVITE\n"
	    "Content-Length: 0\n\n";
	struct run_opts o;
	struct run r;
	char *out = NULL;
	size_t no;
	FILE *fp = open_memstream(&out, &no);

	memset(&o, 0, sizeof(o));
	o.mode = OUT_JSON;
	o.summary = SUM_TEXT;
	run_init(&r, &o, &fs, &kb, fp);
	run_begin(&r, "ok.log", 2025, 0);
	run_feed(&r, log, sizeof(log) - 1);
	run_end(&r);
	ck_assert_uint_eq(calls_live(r.calls), 1);
	run_finish(&r);
	run_free(&r);
	fclose(fp);
	ck_assert_msg(strstr(out, "\"sip_messages\":3,") != NULL, "%s", out);
	free(out);
}
END_TEST

/* The failure count and formats the fixtures were written to contain. */
START_TEST(test_fixture_failures)
{
	static const struct {
		const char *file;
		int failures;
		const char *format;
	} want[] = {
		{"audiocodes-oneline.log", 9, "\"format\":\"audiocodes-syslog\""},
		{"audiocodes-viewer.log", 3, "\"format\":\"audiocodes-viewer\""},
		{"oracle-sipmsg.log", 3, "\"format\":\"oracle-sipmsg\""},
		{"oracle-tail.log", 2, "\"format\":\"oracle-sipmsg\""},
		{"sngrep-export.txt", 2, "\"format\":\"sngrep\""},
		{"generic.log", 2, "\"format\":\"generic\""},
		{"no-final-newline.log", 1, "\"format\":\"generic\""},
		{"teams-export.csv", 5, "\"format\":\"teams-export\""},
		{"kamailio-xlog.log", 2, "\"format\":\"kamailio-xlog\""},
		{"kamailio-syslog.log", 2, "\"format\":\"kamailio-syslog\""},
		{"kamailio-syslog-rfc3339.log", 2, "\"format\":\"kamailio-syslog-rfc3339\""},
		{"kamailio-sipdump.data", 2, "\"format\":\"kamailio-sipdump\""},
		{"sipp-trace.log", 2, "\"format\":\"sipp-trace\""},
		{"ngrep.txt", 2, "\"format\":\"ngrep\""},
		{"sipgrep.txt", 2, "\"format\":\"ngrep\""},
		{"tshark-raw.txt", 2, "\"format\":\"tshark-raw\""},
		{"tshark-tree.txt", 2, "\"format\":\"tshark-tree\""},
		{"audiocodes-740.log", 3, "\"format\":\"audiocodes-syslog\""},
		{"ribbon-trc.TRC", 4, "\"format\":\"ribbon-trc\""},
		{"ribbon-syslog.log", 4, "\"format\":\"ribbon-syslog\""},
		/* 3 failures, and a timeout: the log leaves out Microsoft's
		   200 OK to the outbound INVITE at line 33 */
		{"cisco-cube-console.log", 4, "\"format\":\"cisco-cube\""},
		{"cisco-cube-syslog.log", 4, "\"format\":\"cisco-cube\""},
		{"freeswitch-old.log", 3, "\"format\":\"freeswitch-siptrace\""},
		{"freeswitch-new.log", 4, "\"format\":\"freeswitch-siptrace\""},
		{"drachtio.log", 4, "\"format\":\"drachtio\""},
		{"asterisk-pjsip.log", 4, "\"format\":\"asterisk-pjsip\""},
		{"asterisk-chansip-console.log", 4, "\"format\":\"asterisk-chansip\""},
		{"asterisk-chansip.log", 4, "\"format\":\"asterisk-chansip\""},
		{"empty.log", 0, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[256], *data, *out, *p;
		size_t n, no;
		int count = 0;

		snprintf(path, sizeof(path), "%s/%s", FIXTURES, want[i].file);
		data = test_slurp(path, &n);
		out = run_chunks(OUT_JSON, data, n, 0, 0, &no);
		for (p = out; (p = strstr(p, "{\"event\":\"failure\"")) != NULL; p++) {
			count++;
			ck_assert_msg(strstr(p, want[i].format) != NULL, "%s: format",
				      want[i].file);
		}
		ck_assert_msg(count == want[i].failures, "%s: %d failures, want %d",
			      want[i].file, count, want[i].failures);
		ck_assert_ptr_nonnull(strstr(out, "{\"event\":\"summary\""));
		free(out);
		free(data);
	}
}
END_TEST

Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("chunking");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_split_every_boundary);
	tcase_add_test(tc, test_one_byte_at_a_time);
	suite_add_tcase(s, tc);
	tc = tcase_create("properties");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lossless);
	tcase_add_test(tc, test_fixture_failures);
	tcase_add_test(tc, test_ok_not_invite_counted);
	suite_add_tcase(s, tc);
	return s;
}
