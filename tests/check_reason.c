/* check_reason.c - Reason header values (reason.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "reason.h"

/* A copy without a terminating NUL, so that AddressSanitizer sees any read
   past the end of the value. */
static char *dup_exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	return p;
}

/* Every span of R lies inside [V, V+N). */
static void assert_inside(const struct reason *r, const char *v, size_t n)
{
	uintptr_t lo = (uintptr_t)v, hi = (uintptr_t)v + n;
	const char *ps[] = {r->protocol, r->text, r->guid, r->phrase};
	size_t ls[] = {r->protocol_len, r->text_len, r->guid_len, r->phrase_len};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (ps[i] == NULL) {
			ck_assert_uint_eq(ls[i], 0);
			continue;
		}
		ck_assert_msg((uintptr_t)ps[i] >= lo && (uintptr_t)ps[i] <= hi &&
				      ls[i] <= hi - (uintptr_t)ps[i],
			      "span %zu out of the value", i);
	}
	ck_assert_int_ge(r->cause, -1);
	ck_assert_int_ge(r->code, -1);
}

/* ---- one value, table-driven ---- */

struct one {
	const char *in;
	const char *protocol;
	int cause;
	const char *text;	/* NULL: no text parameter */
	const char *guid;	/* NULL: none */
	const char *phrase;	/* checked when text is set */
	long code;
	int code_digits;
};

static const struct one ones[] = {
	{"Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96;No callee endpoints were found.\"",
	 "Q.850", 31,
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb96;No callee endpoints were found.",
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb96", "No callee endpoints were found.",
	 -1, 0},
	/* Microsoft's proxy: spaces before ';' */
	{"Q.850 ;cause=63 ;text=\"9810e5a9-667c-4513-8d3a-5d83503e1c71;Current call site state prevents fork to this entity.\"",
	 "Q.850", 63,
	 "9810e5a9-667c-4513-8d3a-5d83503e1c71;Current call site state prevents fork to this entity.",
	 "9810e5a9-667c-4513-8d3a-5d83503e1c71",
	 "Current call site state prevents fork to this entity.", -1, 0},
	/* a Microsoft code at the start of the text */
	{"SIP;cause=500;text=\"510482 Loop detected\"", "SIP", 500,
	 "510482 Loop detected", NULL, "Loop detected", 510482, 6},
	{"Q.850;cause=16;text=\"7924f078-9d30-4ac2-a95f-eeb3b8ea8c26;CallEndReasonLocalUserInitiated\"",
	 "Q.850", 16,
	 "7924f078-9d30-4ac2-a95f-eeb3b8ea8c26;CallEndReasonLocalUserInitiated",
	 "7924f078-9d30-4ac2-a95f-eeb3b8ea8c26", "CallEndReasonLocalUserInitiated",
	 -1, 0},
	{"Q.850;cause=63;text=\"4656976f-d6a4-49de-9f8b-39b448e440f8;User is busy and currently active on another call.\"",
	 "Q.850", 63,
	 "4656976f-d6a4-49de-9f8b-39b448e440f8;User is busy and currently active on another call.",
	 "4656976f-d6a4-49de-9f8b-39b448e440f8",
	 "User is busy and currently active on another call.", -1, 0},
	/* a GUID and then a code */
	{"SIP;cause=503;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96;560503 SBC maintenance\"",
	 "SIP", 503, "5e19725b-7fad-4e89-bae3-dfc5df88bb96;560503 SBC maintenance",
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb96", "SBC maintenance", 560503, 6},
	/* a three-digit code and a ':' after it */
	{"SIP;cause=404;text=\"404: Not Found\"", "SIP", 404, "404: Not Found", NULL,
	 "Not Found", 404, 3},
	/* only a GUID */
	{"Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96\"", "Q.850", 31,
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb96",
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb96", "", -1, 0},
	/* one hex digit short of a GUID: no GUID, and no code either */
	{"Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb9;x\"", "Q.850", 31,
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb9;x", NULL,
	 "5e19725b-7fad-4e89-bae3-dfc5df88bb9;x", -1, 0},
	/* too many digits for a code */
	{"SIP;cause=500;text=\"12345678901 x\"", "SIP", 500, "12345678901 x", NULL,
	 "12345678901 x", -1, 0},
	/* digits glued to a word are not a code */
	{"SIP;cause=500;text=\"404abc\"", "SIP", 500, "404abc", NULL, "404abc", -1, 0},
	/* quoted text holding ',' and ';' */
	{"Q.850;cause=41;text=\"failed, retry; later\"", "Q.850", 41,
	 "failed, retry; later", NULL, "failed, retry; later", -1, 0},
	/* an escaped quote inside the text (escapes stay in place) */
	{"SIP;cause=480;text=\"say \\\"hi\\\", then; go\"", "SIP", 480,
	 "say \\\"hi\\\", then; go", NULL, "say \\\"hi\\\", then; go", -1, 0},
	/* unquoted text, with spaces */
	{"Q.850;cause=16;text=Normal call clearing", "Q.850", 16,
	 "Normal call clearing", NULL, "Normal call clearing", -1, 0},
	{"Q.850;text=Normal ;cause=16", "Q.850", 16, "Normal", NULL, "Normal", -1, 0},
	/* missing cause */
	{"Q.850;text=\"no cause here\"", "Q.850", -1, "no cause here", NULL,
	 "no cause here", -1, 0},
	{"SIP", "SIP", -1, NULL, NULL, NULL, -1, 0},
	/* bad causes */
	{"Q.850;cause=abc", "Q.850", -1, NULL, NULL, NULL, -1, 0},
	{"Q.850;cause=", "Q.850", -1, NULL, NULL, NULL, -1, 0},
	{"Q.850;cause=99999999", "Q.850", -1, NULL, NULL, NULL, -1, 0},
	/* spaces around '=' and ';', upper-case parameter names */
	{"SIP ; cause = 404 ; text = \"Not Found\"", "SIP", 404, "Not Found", NULL,
	 "Not Found", -1, 0},
	{"Q.850;CAUSE=31;TEXT=\"Upper\"", "Q.850", 31, "Upper", NULL, "Upper", -1, 0},
	/* unknown parameters and junk are skipped */
	{"Q.850;foo=bar;cause=\"18\";x;text=\"t\"", "Q.850", 18, "t", NULL, "t", -1, 0},
	{"Q.850 junk;cause=17", "Q.850", 17, NULL, NULL, NULL, -1, 0},
	/* an unterminated quote: the text runs to the end */
	{"Q.850;cause=31;text=\"abc", "Q.850", 31, "abc", NULL, "abc", -1, 0},
	{"Q.850;cause=31;text=\"abc\\", "Q.850", 31, "abc\\", NULL, "abc\\", -1, 0},
	/* leading blanks and line ends (folded headers) */
	{" \r\n\tQ.850;cause=31", "Q.850", 31, NULL, NULL, NULL, -1, 0},
};

START_TEST(test_one_value)
{
	const struct one *c = &ones[_i];
	size_t n = strlen(c->in);
	char *v = dup_exact(c->in, n);
	struct reason r[REASON_MAX];
	size_t got;

	memset(r, 0x5a, sizeof(r));
	got = reason_parse(v, n, r, 0);
	ck_assert_msg(got == 1, "[%d] %s: %zu values", _i, c->in, got);
	assert_inside(&r[0], v, n);
	ck_assert_span(r[0].protocol, r[0].protocol_len, c->protocol);
	ck_assert_msg(r[0].cause == c->cause, "[%d] %s: cause %d, expected %d",
		      _i, c->in, r[0].cause, c->cause);
	if (c->text == NULL) {
		ck_assert_int_eq(r[0].has_text, 0);
		ck_assert_ptr_null(r[0].guid);
		ck_assert_int_eq(r[0].code, -1);
	} else {
		ck_assert_int_eq(r[0].has_text, 1);
		ck_assert_span(r[0].text, r[0].text_len, c->text);
		if (c->guid) {
			ck_assert_span(r[0].guid, r[0].guid_len, c->guid);
		} else {
			ck_assert_ptr_null(r[0].guid);
			ck_assert_uint_eq(r[0].guid_len, 0);
		}
		ck_assert_span(r[0].phrase, r[0].phrase_len, c->phrase);
		ck_assert_msg(r[0].code == c->code, "[%d] %s: code %ld, expected %ld",
			      _i, c->in, r[0].code, c->code);
		ck_assert_int_eq(r[0].code_digits, c->code_digits);
	}
	free(v);
}
END_TEST

/* ---- several values ---- */

START_TEST(test_two_values)
{
	const char *in = "SIP;cause=404;text=\"Not Found\", Q.850;cause=1";
	size_t n = strlen(in);
	char *v = dup_exact(in, n);
	struct reason r[REASON_MAX];

	ck_assert_uint_eq(reason_parse(v, n, r, 0), 2);
	ck_assert_span(r[0].protocol, r[0].protocol_len, "SIP");
	ck_assert_int_eq(r[0].cause, 404);
	ck_assert_int_eq(r[0].has_text, 1);
	ck_assert_span(r[0].text, r[0].text_len, "Not Found");
	ck_assert_span(r[1].protocol, r[1].protocol_len, "Q.850");
	ck_assert_int_eq(r[1].cause, 1);
	ck_assert_int_eq(r[1].has_text, 0);
	ck_assert_int_eq(r[1].code, -1);
	assert_inside(&r[0], v, n);
	assert_inside(&r[1], v, n);
	free(v);
}
END_TEST

START_TEST(test_comma_inside_quotes_not_a_separator)
{
	const char *in = "Q.850;cause=31;text=\"a, b\", SIP;cause=480;text=\"c;d, e\",Q.850;cause=18";
	struct reason r[REASON_MAX];

	ck_assert_uint_eq(reason_parse(in, strlen(in), r, 0), 3);
	ck_assert_span(r[0].text, r[0].text_len, "a, b");
	ck_assert_int_eq(r[1].cause, 480);
	ck_assert_span(r[1].text, r[1].text_len, "c;d, e");
	ck_assert_span(r[2].protocol, r[2].protocol_len, "Q.850");
	ck_assert_int_eq(r[2].cause, 18);
}
END_TEST

START_TEST(test_escaped_quote_then_value)
{
	/* the escaped quote must not end the string: the ',' after it is
	   inside the text */
	const char *in = "SIP;cause=480;text=\"a \\\", b\", Q.850;cause=18";
	struct reason r[REASON_MAX];

	ck_assert_uint_eq(reason_parse(in, strlen(in), r, 0), 2);
	ck_assert_span(r[0].text, r[0].text_len, "a \\\", b");
	ck_assert_int_eq(r[1].cause, 18);
}
END_TEST

START_TEST(test_append)
{
	/* two Reason headers: the second parse appends */
	const char *a = "SIP;cause=480", *b = "Q.850;cause=31;text=\"x\"";
	struct reason r[REASON_MAX];
	size_t have;

	have = reason_parse(a, strlen(a), r, 0);
	ck_assert_uint_eq(have, 1);
	have = reason_parse(b, strlen(b), r, have);
	ck_assert_uint_eq(have, 2);
	ck_assert_span(r[0].protocol, r[0].protocol_len, "SIP");
	ck_assert_int_eq(r[0].cause, 480);
	ck_assert_span(r[1].protocol, r[1].protocol_len, "Q.850");
	ck_assert_int_eq(r[1].cause, 31);
	ck_assert_span(r[1].text, r[1].text_len, "x");
}
END_TEST

START_TEST(test_empty_values_between_commas)
{
	const char *in = " , ,SIP;cause=486,, ,Q.850;cause=17 , ";
	struct reason r[REASON_MAX];

	ck_assert_uint_eq(reason_parse(in, strlen(in), r, 0), 2);
	ck_assert_int_eq(r[0].cause, 486);
	ck_assert_int_eq(r[1].cause, 17);
}
END_TEST

/* ---- the cap ---- */

START_TEST(test_cap)
{
	char b[4096];
	struct reason *r = malloc(REASON_MAX * sizeof(*r)); /* exact size */
	size_t i, len = 0;

	ck_assert_ptr_nonnull(r);
	for (i = 0; i < 3 * REASON_MAX; i++)
		len += (size_t)snprintf(b + len, sizeof(b) - len,
					"%sQ.850;cause=%zu", i ? ", " : "", i + 1);
	ck_assert_uint_eq(reason_parse(b, len, r, 0), REASON_MAX);
	for (i = 0; i < REASON_MAX; i++)
		ck_assert_int_eq(r[i].cause, (int)i + 1);
	/* already full: nothing is added, nothing is written */
	ck_assert_uint_eq(reason_parse("SIP;cause=480", 13, r, REASON_MAX),
			  REASON_MAX);
	ck_assert_int_eq(r[REASON_MAX - 1].cause, REASON_MAX);
	/* nearly full: one more */
	ck_assert_uint_eq(reason_parse(b, len, r, REASON_MAX - 1), REASON_MAX);
	ck_assert_int_eq(r[REASON_MAX - 1].cause, 1);
	free(r);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(test_empty)
{
	struct reason r[REASON_MAX];
	char *v = dup_exact("", 0);

	ck_assert_uint_eq(reason_parse(v, 0, r, 0), 0);
	ck_assert_uint_eq(reason_parse("   \r\n ", 6, r, 0), 0);
	ck_assert_uint_eq(reason_parse(",,,", 3, r, 0), 0);
	free(v);
}
END_TEST

static void hostile(const char *in, size_t n)
{
	char *v = dup_exact(in, n);
	struct reason *r = malloc(REASON_MAX * sizeof(*r));
	size_t got, i;

	ck_assert_ptr_nonnull(r);
	got = reason_parse(v, n, r, 0);
	ck_assert_uint_le(got, REASON_MAX);
	for (i = 0; i < got; i++)
		assert_inside(&r[i], v, n);
	free(r);
	free(v);
}

START_TEST(test_only_semicolons)
{
	struct reason r[REASON_MAX];

	hostile(";;;", 3);
	ck_assert_uint_le(reason_parse(";;;", 3, r, 0), 1);
	hostile(";", 1);
	hostile("=", 1);
	hostile(";=", 2);
	hostile(";cause", 6);
	hostile(";cause=", 7);
	hostile(";text=", 6);
	hostile(";text=\"", 7);
	hostile("\"", 1);
	hostile("\\", 1);
}
END_TEST

START_TEST(test_unterminated_quote)
{
	const char *in = "Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96;never closed, Q.850;cause=1";
	struct reason r[REASON_MAX];

	hostile(in, strlen(in));
	/* everything after the quote belongs to the text */
	ck_assert_uint_eq(reason_parse(in, strlen(in), r, 0), 1);
	ck_assert_int_eq(r[0].cause, 31);
	ck_assert_span(r[0].guid, r[0].guid_len, "5e19725b-7fad-4e89-bae3-dfc5df88bb96");
	ck_assert_span(r[0].phrase, r[0].phrase_len, "never closed, Q.850;cause=1");
}
END_TEST

START_TEST(test_huge)
{
	size_t n = 1 << 20, i;
	char *big = malloc(n);
	struct reason r[REASON_MAX];

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', n);
	ck_assert_uint_eq(reason_parse(big, n, r, 0), 1);
	ck_assert_ptr_eq(r[0].protocol, big);
	ck_assert_uint_eq(r[0].protocol_len, n);
	ck_assert_int_eq(r[0].cause, -1);
	hostile(big, n);

	/* a huge quoted text, unterminated */
	memcpy(big, "Q.850;text=\"", 12);
	ck_assert_uint_eq(reason_parse(big, n, r, 0), 1);
	ck_assert_uint_eq(r[0].text_len, n - 12);
	hostile(big, n);

	/* a huge run of separators and of quotes */
	memset(big, ';', n);
	hostile(big, n);
	memset(big, ',', n);
	ck_assert_uint_eq(reason_parse(big, n, r, 0), 0);
	memset(big, '"', n);
	hostile(big, n);
	for (i = 0; i < n; i++)
		big[i] = "Q.850;cause=1,"[i % 14];
	ck_assert_uint_eq(reason_parse(big, n, r, 0), REASON_MAX);
	hostile(big, n);
	/* digits: a cause that overflows any integer */
	memcpy(big, "Q.850;cause=", 12);
	memset(big + 12, '9', n - 12);
	ck_assert_uint_eq(reason_parse(big, n, r, 0), 1);
	ck_assert_int_eq(r[0].cause, -1);
	/* a text of digits: no code */
	memcpy(big, "SIP;text=\"", 10);
	memset(big + 10, '9', n - 10);
	ck_assert_uint_eq(reason_parse(big, n, r, 0), 1);
	ck_assert_int_eq(r[0].code, -1);
	free(big);
}
END_TEST

START_TEST(test_random)
{
	/* pseudo-random strings over the grammar's own characters */
	static const char alpha[] = ";,=\"\\ \tQ.850SIPcausetext9-ab\r\n";
	unsigned long seed = 12345;
	int round;

	for (round = 0; round < 20000; round++) {
		char s[64];
		size_t n, i;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = (seed >> 33) % sizeof(s);
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			s[i] = alpha[(seed >> 33) % (sizeof(alpha) - 1)];
		}
		hostile(s, n);
	}
}
END_TEST

/* The dropped-call rule's exception: a text that says the call ended
 * normally, however spelled, and nothing longer or shorter. */
START_TEST(test_says_normal)
{
	static const struct {
		const char *v;
		int normal;
	} cases[] = {
	    {"Q.850;cause=127;text=\"NORMAL_CLEARING\"", 1},
	    {"Q.850;cause=16;text=\"Normal call clearing.\"", 1},
	    {"Q.850;cause=31;text=\"Normal, unspecified\"", 1},
	    {"Q.850;cause=16;text=\"7924f078-9d30-4ac2-a95f-eeb3b8ea8c26;"
	     "normal clearing\"", 1},
	    {"Q.850;cause=16", 0},
	    {"Q.850;cause=41;text=\"media timeout\"", 0},
	    {"Q.850;cause=16;text=\"NORMAL\"", 0},
	    {"Q.850;cause=41;text=\"not normal clearing\"", 0},
	    {"Q.850;cause=41;text=\"NORMAL_CLEARING_EXCEPT_THIS_ONE_IS_LONG\"",
	     0},
	    {"SIP;cause=408;text=\"Session timer expired\"", 0},
	};
	struct reason r[REASON_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_uint_eq(
		    reason_parse(cases[i].v, strlen(cases[i].v), r, 0), 1);
		ck_assert_msg(reason_says_normal(&r[0]) == cases[i].normal,
		              "%s", cases[i].v);
	}
}
END_TEST

Suite *reason_suite(void)
{
	Suite *s = suite_create("reason");
	TCase *tc;

	tc = tcase_create("one");
	tcase_add_loop_test(tc, test_one_value, 0, (int)(sizeof(ones) / sizeof(ones[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("several");
	tcase_add_test(tc, test_two_values);
	tcase_add_test(tc, test_comma_inside_quotes_not_a_separator);
	tcase_add_test(tc, test_escaped_quote_then_value);
	tcase_add_test(tc, test_append);
	tcase_add_test(tc, test_empty_values_between_commas);
	tcase_add_test(tc, test_says_normal);
	suite_add_tcase(s, tc);

	tc = tcase_create("cap");
	tcase_add_test(tc, test_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_only_semicolons);
	tcase_add_test(tc, test_unterminated_quote);
	tcase_add_test(tc, test_huge);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	return s;
}
