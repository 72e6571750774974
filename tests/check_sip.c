/* check_sip.c - the SIP message parser (sip.c). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sip.h"
#include "util.h"

/* struct sip_msg is large (SIP_MAX_HEADERS headers): keep it off the stack */
static struct sip_msg M;

#define ck_assert_hdr(m, name, i, s)                                         \
	do {                                                                 \
		const struct sip_hdr *hh_ = sip_header((m), (name), (i));    \
		ck_assert_msg(hh_ != NULL, "no header %s[%d]", (name),       \
			      (int)(i));                                     \
		ck_assert_span(hh_->val, hh_->vlen, (s));                    \
	} while (0)

static int parse(const char *text)
{
	return sip_parse(&M, text, strlen(text));
}

/* ---- start lines, responses and requests ---- */

START_TEST(test_response_crlf)
{
	const char *t = "SIP/2.0 480 Temporarily Unavailable\r\n"
			"Via: SIP/2.0/TLS 52.114.75.24:5061;branch=z9hG4bK1\r\n"
			"From: <sip:+14255550100@sbc.example.com>;tag=a\r\n"
			"To: <sip:+12065550100@sip.pstnhub.microsoft.com>;tag=b\r\n"
			"Call-ID: abc123@host\r\n"
			"CSeq: 1 INVITE\r\n"
			"Content-Length: 0\r\n"
			"\r\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_int_eq(M.is_response, 1);
	ck_assert_int_eq(M.status, 480);
	ck_assert_span(M.phrase, M.phrase_len, "Temporarily Unavailable");
	ck_assert_ptr_null(M.method);
	ck_assert_uint_eq(M.nh, 6);
	ck_assert_hdr(&M, "call-id", 0, "abc123@host");
	ck_assert_hdr(&M, "cseq", 0, "1 INVITE");
	ck_assert_hdr(&M, "via", 0, "SIP/2.0/TLS 52.114.75.24:5061;branch=z9hG4bK1");
	ck_assert_int_eq(M.content_length, 0);
	ck_assert_ptr_nonnull(M.body);
	ck_assert_uint_eq(M.body_len, 0);
	ck_assert_uint_eq(M.dropped_headers, 0);
}
END_TEST

START_TEST(test_request_lf)
{
	const char *t = "INVITE sip:+12065550100@sip.pstnhub.microsoft.com:5061;user=phone SIP/2.0\n"
			"Call-ID: req-1\n"
			"CSeq: 10 INVITE\n"
			"\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_int_eq(M.is_response, 0);
	ck_assert_int_eq(M.status, 0);
	ck_assert_span(M.method, M.method_len, "INVITE");
	ck_assert_span(M.uri, M.uri_len,
		       "sip:+12065550100@sip.pstnhub.microsoft.com:5061;user=phone");
	ck_assert_hdr(&M, "call-id", 0, "req-1");
	ck_assert_hdr(&M, "cseq", 0, "10 INVITE");
	ck_assert_uint_eq(M.nh, 2);
	ck_assert_int_eq(M.content_length, -1);
}
END_TEST

START_TEST(test_response_lf_no_final_newline)
{
	/* the text ends without a line end and without the empty line */
	const char *t = "SIP/2.0 503 Service Unavailable\nCall-ID: x1\nCSeq: 2 BYE";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_int_eq(M.status, 503);
	ck_assert_span(M.phrase, M.phrase_len, "Service Unavailable");
	ck_assert_hdr(&M, "cseq", 0, "2 BYE");
	ck_assert_ptr_null(M.body);
	ck_assert_uint_eq(M.body_len, 0);
}
END_TEST

START_TEST(test_trailing_spaces)
{
	/* AudioCodes 7.20: a space before each escaped line break */
	const char *t = "SIP/2.0 486 Busy Here \r\n"
			"Call-ID: spaced@x \r\n"
			"CSeq: 7 INVITE  \r\n"
			"Content-Length: 4 \r\n"
			" \r\n"
			"abcd";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_int_eq(M.status, 486);
	ck_assert_span(M.phrase, M.phrase_len, "Busy Here");
	ck_assert_hdr(&M, "call-id", 0, "spaced@x");
	ck_assert_hdr(&M, "cseq", 0, "7 INVITE");
	ck_assert_int_eq(M.content_length, 4);
	ck_assert_uint_eq(M.nh, 3);
	ck_assert_span(M.body, M.body_len, "abcd");
}
END_TEST

START_TEST(test_trailing_spaces_lf)
{
	const char *t = "INVITE sip:a@b SIP/2.0 \n"
			"Call-ID: lf-sp \n"
			"\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_span(M.method, M.method_len, "INVITE");
	ck_assert_span(M.uri, M.uri_len, "sip:a@b");
	ck_assert_hdr(&M, "call-id", 0, "lf-sp");
}
END_TEST

START_TEST(test_status_without_phrase)
{
	/* RFC 3261 section 25.1: Reason-Phrase may be empty */
	ck_assert_int_eq(parse("SIP/2.0 480 \r\nCall-ID: np\r\n\r\n"), 1);
	ck_assert_int_eq(M.status, 480);
	ck_assert_uint_eq(M.phrase_len, 0);
	ck_assert_hdr(&M, "call-id", 0, "np");
}
END_TEST

/* ---- header names ---- */

START_TEST(test_upper_case_names)
{
	const char *t = "SIP/2.0 480 Temporarily Unavailable\r\n"
			"FROM: <sip:+14255550100@sbc.example.com>;tag=1\r\n"
			"TO: <sip:+12065550100@x>;tag=2\r\n"
			"CALL-ID: UPPER-ID\r\n"
			"CSEQ: 3 INVITE\r\n"
			"REASON: Q.850;cause=31\r\n"
			"CONTENT-LENGTH: 0\r\n"
			"\r\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_hdr(&M, "call-id", 0, "UPPER-ID");
	ck_assert_hdr(&M, "cseq", 0, "3 INVITE");
	ck_assert_hdr(&M, "reason", 0, "Q.850;cause=31");
	ck_assert_hdr(&M, "from", 0, "<sip:+14255550100@sbc.example.com>;tag=1");
	ck_assert_hdr(&M, "to", 0, "<sip:+12065550100@x>;tag=2");
	ck_assert_int_eq(M.content_length, 0);
	/* the span of the name is the original text */
	ck_assert_span(sip_header(&M, "call-id", 0)->name,
		       sip_header(&M, "call-id", 0)->nlen, "CALL-ID");
}
END_TEST

START_TEST(test_mixed_case_names)
{
	const char *t = "SIP/2.0 404 Not Found\n"
			"cAll-Id: mixed\n"
			"cSeQ: 9 OPTIONS\n"
			"\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_hdr(&M, "call-id", 0, "mixed");
	ck_assert_hdr(&M, "cseq", 0, "9 OPTIONS");
	ck_assert_ptr_null(sip_header(&M, "call-id", 1));
	ck_assert_ptr_null(sip_header(&M, "via", 0));
	/* names one bit away from a known one are other headers: '_' and
	   '.' for '-', '1' for 'l', '@'-like bytes are no token characters */
	ck_assert_int_eq(parse("SIP/2.0 404 Not Found\n"
			       "Call_ID: under\n"
			       "Call.ID: dot\n"
			       "Cal1-ID: one\n"
			       "CONTACT: <sip:c@x>\n"
			       "Content-Lengtj: 5\n"
			       "CONTENT-LENGTH: 0\n"
			       "\n"),
			 1);
	ck_assert_ptr_null(sip_header(&M, "call-id", 0));
	ck_assert_hdr(&M, "call_id", 0, "under");
	ck_assert_hdr(&M, "contact", 0, "<sip:c@x>");
	ck_assert_hdr(&M, "content-length", 0, "0");
	ck_assert_ptr_null(sip_header(&M, "content-length", 1));
	ck_assert_int_eq(M.content_length, 0);
}
END_TEST

START_TEST(test_compact_forms)
{
	const char *t = "SIP/2.0 480 Temporarily Unavailable\r\n"
			"v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKc\r\n"
			"f: <sip:alice@a.example>;tag=f1\r\n"
			"t: <sip:bob@b.example>;tag=t1\r\n"
			"i: compact-id\r\n"
			"m: <sip:bob@10.0.0.2:5060>\r\n"
			"CSeq: 4 INVITE\r\n"
			"l: 5\r\n"
			"\r\n"
			"hello";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_hdr(&M, "via", 0, "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKc");
	ck_assert_hdr(&M, "from", 0, "<sip:alice@a.example>;tag=f1");
	ck_assert_hdr(&M, "to", 0, "<sip:bob@b.example>;tag=t1");
	ck_assert_hdr(&M, "call-id", 0, "compact-id");
	ck_assert_hdr(&M, "contact", 0, "<sip:bob@10.0.0.2:5060>");
	ck_assert_hdr(&M, "content-length", 0, "5");
	ck_assert_int_eq(M.content_length, 5);
	ck_assert_span(M.body, M.body_len, "hello");
	/* upper-case compact forms too */
	ck_assert_int_eq(parse("SIP/2.0 500 X\r\nI: up-compact\r\nL: 0\r\n\r\n"), 1);
	ck_assert_hdr(&M, "call-id", 0, "up-compact");
	ck_assert_int_eq(M.content_length, 0);
}
END_TEST

START_TEST(test_compact_and_full_mixed)
{
	/* the compact and the full form count as the same header */
	const char *t = "SIP/2.0 480 X\r\n"
			"Via: SIP/2.0/TLS first.example:5061\r\n"
			"v: SIP/2.0/UDP second.example\r\n"
			"\r\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_hdr(&M, "via", 0, "SIP/2.0/TLS first.example:5061");
	ck_assert_hdr(&M, "via", 1, "SIP/2.0/UDP second.example");
	ck_assert_ptr_null(sip_header(&M, "via", 2));
	/* a one-letter name that is not a compact form of the asked header */
	ck_assert_ptr_null(sip_header(&M, "call-id", 0));
}
END_TEST

/* By id: the same headers as by name, the first found at once and the
 * repeats after it; a message parsed after another forgets its ids. */
START_TEST(test_header_by_id)
{
	const char *t = "INVITE sip:a@b SIP/2.0\r\n"
			"X-First: 1\r\n"
			"Reason: Q.850;cause=16\r\n"
			"i: id@host\r\n"
			"Subject: s\r\n"
			"REASON: SIP;cause=480\r\n"
			"f: <sip:alice@host>\r\n"
			"\r\n";
	const struct sip_hdr *h;

	ck_assert_int_eq(parse(t), 1);
	h = sip_header_id(&M, SIP_HID_REASON, 0);
	ck_assert_ptr_eq(h, sip_header(&M, "reason", 0));
	ck_assert_span(h->val, h->vlen, "Q.850;cause=16");
	h = sip_header_id(&M, SIP_HID_REASON, 1);
	ck_assert_ptr_eq(h, sip_header(&M, "reason", 1));
	ck_assert_span(h->val, h->vlen, "SIP;cause=480");
	ck_assert_ptr_null(sip_header_id(&M, SIP_HID_REASON, 2));
	h = sip_header_id(&M, SIP_HID_CALL_ID, 0);
	ck_assert_ptr_nonnull(h);
	ck_assert_span(h->val, h->vlen, "id@host");
	h = sip_header_id(&M, SIP_HID_FROM, 0);
	ck_assert_ptr_nonnull(h);
	ck_assert_span(h->val, h->vlen, "<sip:alice@host>");
	ck_assert_ptr_null(sip_header_id(&M, SIP_HID_TO, 0));
	/* no id for the others, and none out of range */
	ck_assert_ptr_null(sip_header_id(&M, SIP_HID_OTHER, 0));
	ck_assert_ptr_null(sip_header_id(&M, SIP_HID_N, 0));
	ck_assert_ptr_null(sip_header_id(&M, (enum sip_hid)-1, 0));
	ck_assert_int_eq(parse("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n"), 1);
	ck_assert_ptr_null(sip_header_id(&M, SIP_HID_REASON, 0));
	ck_assert_ptr_null(sip_header_id(&M, SIP_HID_CALL_ID, 0));
	ck_assert_ptr_nonnull(sip_header_id(&M, SIP_HID_CSEQ, 0));
}
END_TEST

START_TEST(test_repeated_headers)
{
	const char *t = "SIP/2.0 480 Temporarily Unavailable\r\n"
			"Call-ID: rep\r\n"
			"Reason: SIP;cause=480;text=\"first\"\r\n"
			"CSeq: 1 INVITE\r\n"
			"REASON: Q.850;cause=31\r\n"
			"\r\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_hdr(&M, "reason", 0, "SIP;cause=480;text=\"first\"");
	ck_assert_hdr(&M, "reason", 1, "Q.850;cause=31");
	ck_assert_ptr_null(sip_header(&M, "reason", 2));
}
END_TEST

START_TEST(test_folded_header)
{
	const char *t = "SIP/2.0 480 Temporarily Unavailable\r\n"
			"Subject: first part\r\n"
			" second part\r\n"
			"\tthird part\r\n"
			"Call-ID: after-fold\r\n"
			"\r\n";
	const struct sip_hdr *h;

	ck_assert_int_eq(parse(t), 1);
	ck_assert_uint_eq(M.nh, 2);
	h = sip_header(&M, "subject", 0);
	ck_assert_ptr_nonnull(h);
	ck_assert_span(h->val, h->vlen,
		       "first part\r\n second part\r\n\tthird part");
	ck_assert_hdr(&M, "call-id", 0, "after-fold");
	/* a folded line holding a colon is not a new header */
	ck_assert_int_eq(parse("SIP/2.0 480 X\nReason: Q.850;cause=31;\n text=\"a: b\"\n\n"), 1);
	ck_assert_uint_eq(M.nh, 1);
	ck_assert_hdr(&M, "reason", 0, "Q.850;cause=31;\n text=\"a: b\"");
}
END_TEST

START_TEST(test_lines_before_start)
{
	const char *t = "<133>[S=1718575] [SID=b9027c:24:198171] ---- Incoming SIP Message from 52.114.75.24:9024 ----\r\n"
			"Call-ID: not-this-one\r\n"
			"random noise: yes\r\n"
			"SIP/2.0 404 Not Found\r\n"
			"Call-ID: this-one\r\n"
			"\r\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_int_eq(M.status, 404);
	ck_assert_uint_eq(M.nh, 1);
	ck_assert_hdr(&M, "call-id", 0, "this-one");
}
END_TEST

START_TEST(test_no_start_line)
{
	const char *t = "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\nbody\r\n";

	ck_assert_int_eq(parse(t), 0);
	ck_assert_int_eq(sip_parse(&M, "", 0), 0);
	ck_assert_int_eq(parse("hello world\n"), 0);
	ck_assert_int_eq(parse("SIP/2.0 48\r\nCall-ID: y\r\n"), 0);
}
END_TEST

START_TEST(test_non_header_lines_ignored)
{
	const char *t = "SIP/2.0 480 X\n"
			"this line has no colon\n"
			"bad name here: value\n"
			": empty name\n"
			"Call-ID: ok\n"
			"\n";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_uint_eq(M.nh, 1);
	ck_assert_hdr(&M, "call-id", 0, "ok");
}
END_TEST

/* A name, blanks, then the colon: the blanks belong to neither; a name
 * with anything else before its colon is not a header. */
START_TEST(test_header_name_blanks)
{
	const char *t = "SIP/2.0 486 Busy Here\n"
			"Call-ID : spaced\n"
			"CSeq\t:\t1 INVITE\n"
			"Reason x: not a name\n"
			"Via;x: not a name\n"
			"Max-Forwards:70\n"
			"\n";
	long num;
	const char *meth;
	size_t mlen;

	ck_assert_int_eq(parse(t), 1);
	ck_assert_uint_eq(M.nh, 3);
	ck_assert_hdr(&M, "call-id", 0, "spaced");
	ck_assert_span(M.h[0].name, M.h[0].nlen, "Call-ID");
	ck_assert_int_eq(sip_cseq(&M, &num, &meth, &mlen), 0);
	ck_assert_int_eq(num, 1);
	ck_assert_hdr(&M, "max-forwards", 0, "70");
	ck_assert_ptr_null(sip_header(&M, "reason", 0));
	ck_assert_ptr_null(sip_header(&M, "via", 0));
}
END_TEST

/* A line of blanks is the empty line (7.20 puts a space before each
 * escaped line break); a header line is never taken for it. */
START_TEST(test_blank_line_of_spaces)
{
	const char *t = "SIP/2.0 200 OK\r\n"
			"Content-Length: 4\r\n"
			" \t \r\n"
			"body";

	ck_assert_int_eq(parse(t), 1);
	ck_assert_uint_eq(M.nh, 1);
	ck_assert_span(M.body, M.body_len, "body");
}
END_TEST

/* ---- Content-Length and body ---- */

START_TEST(test_content_length_and_body)
{
	const char *t = "INVITE sip:x@y SIP/2.0\r\n"
			"Call-ID: body\r\n"
			"Content-Type: application/sdp\r\n"
			"Content-Length: 13\r\n"
			"\r\n"
			"v=0\r\no=- 1 1\r\n";
	const char *b = strstr(t, "v=0");

	ck_assert_int_eq(parse(t), 1);
	ck_assert_int_eq(M.content_length, 13);
	ck_assert_ptr_eq(M.body, b);
	ck_assert_uint_eq(M.body_len, strlen(b));
	ck_assert_hdr(&M, "content-type", 0, "application/sdp");
	/* "c" is the compact form of Content-Type, not a name to look up */
	ck_assert_ptr_null(sip_header(&M, "c", 0));
}
END_TEST

START_TEST(test_content_length_absent_or_bad)
{
	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nCall-ID: a\r\n\r\n"), 1);
	ck_assert_int_eq(M.content_length, -1);
	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nContent-Length: abc\r\n\r\n"), 1);
	ck_assert_int_eq(M.content_length, -1);
	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nContent-Length:   123  \r\n\r\n"), 1);
	ck_assert_int_eq(M.content_length, 123);
	/* a second parse resets everything from the first */
	ck_assert_int_eq(parse("SIP/2.0 200 OK\r\n\r\n"), 1);
	ck_assert_int_eq(M.content_length, -1);
	ck_assert_uint_eq(M.nh, 0);
	ck_assert_int_eq(M.status, 200);
}
END_TEST

/* ---- the header cap ---- */

static char *many_headers(size_t n, size_t *len)
{
	struct buf b = {0};
	size_t i;

	buf_adds(&b, "SIP/2.0 480 Temporarily Unavailable\r\nCall-ID: cap\r\n");
	for (i = 0; i < n; i++)
		buf_printf(&b, "X-H%zu: v%zu\r\n", i, i);
	buf_adds(&b, "Content-Length: 0\r\n\r\n");
	*len = b.len;
	return b.p;
}

START_TEST(test_header_cap)
{
	size_t len;
	char *t = many_headers(2000, &len);

	ck_assert_int_eq(sip_parse(&M, t, len), 1);
	ck_assert_uint_eq(M.nh, SIP_MAX_HEADERS);
	/* 2002 headers in all: Call-ID, 2000 X-, Content-Length */
	ck_assert_uint_eq(M.dropped_headers, 2002 - SIP_MAX_HEADERS);
	ck_assert_hdr(&M, "call-id", 0, "cap");
	ck_assert_hdr(&M, "x-h0", 0, "v0");
	ck_assert_hdr(&M, "x-h510", 0, "v510");
	ck_assert_ptr_null(sip_header(&M, "x-h511", 0));
	ck_assert_ptr_null(sip_header(&M, "x-h1999", 0));
	/* Content-Length came after the cap and was dropped */
	ck_assert_int_eq(M.content_length, -1);
	ck_assert_uint_eq(M.body_len, 0);
	free(t);
}
END_TEST

START_TEST(test_header_cap_exact)
{
	size_t len;
	char *t = many_headers(SIP_MAX_HEADERS - 2, &len);

	ck_assert_int_eq(sip_parse(&M, t, len), 1);
	ck_assert_uint_eq(M.nh, SIP_MAX_HEADERS);
	ck_assert_uint_eq(M.dropped_headers, 0);
	ck_assert_int_eq(M.content_length, 0);
	free(t);
}
END_TEST

/* ---- sip_is_start_line ---- */

static int is_start(const char *s)
{
	return sip_is_start_line(s, strlen(s));
}

START_TEST(test_is_start_line_true)
{
	ck_assert_int_eq(is_start("SIP/2.0 480 Temporarily Unavailable"), 1);
	ck_assert_int_eq(is_start("SIP/2.0 200 OK"), 1);
	ck_assert_int_eq(is_start("INVITE sip:x@y SIP/2.0"), 1);
	ck_assert_int_eq(is_start("OPTIONS sip:a SIP/2.0 "), 1);
	ck_assert_int_eq(is_start("BYE sip:sbc.example:5061;transport=tls SIP/2.0"), 1);
	ck_assert_int_eq(is_start("  ACK sip:a@b SIP/2.0"), 1);
	ck_assert_int_eq(is_start("SIP/2.0 480 Temporarily Unavailable\t"), 1);
	/* the version in any case */
	ck_assert_int_eq(is_start("sip/2.0 503 Service Unavailable"), 1);
	ck_assert_int_eq(is_start("INVITE sip:x@y Sip/2.0"), 1);
	ck_assert_int_eq(is_start("INVITE a SIP/2.0"), 1);
}
END_TEST

START_TEST(test_is_start_line_empty_phrase)
{
	/* RFC 3261 section 25.1: Reason-Phrase may be empty; after the
	   trailing space is trimmed the line is "SIP/2.0 480" */
	ck_assert_int_eq(is_start("SIP/2.0 480 "), 1);
	ck_assert_int_eq(is_start("SIP/2.0 480"), 1);
}
END_TEST

START_TEST(test_is_start_line_false)
{
	ck_assert_int_eq(is_start("SIP/2.0 48"), 0);
	ck_assert_int_eq(is_start("SIP/2.0 4800 Too long"), 0);
	ck_assert_int_eq(is_start("SIP/2.0 48x Bad"), 0);
	ck_assert_int_eq(is_start("hello world"), 0);
	ck_assert_int_eq(is_start("invite sip:x SIP/2.0"), 0);
	ck_assert_int_eq(is_start("INVITE sip:x SIP/2.1"), 0);
	ck_assert_int_eq(is_start("INVITE sip:x SIQ/2.0"), 0);
	ck_assert_int_eq(is_start("INVITE sip:x\tSIP/2.0"), 0);
	ck_assert_int_eq(is_start("SIP/2.0\t480 X"), 0);
	ck_assert_int_eq(is_start("INVITE  SIP/2.0"), 0);
	ck_assert_int_eq(is_start("INVITE sip:a b SIP/2.0"), 0);
	ck_assert_int_eq(is_start("INVITE"), 0);
	ck_assert_int_eq(is_start(" SIP/2.0"), 0);
	ck_assert_int_eq(is_start("Call-ID: x SIP/2.0"), 0);
	ck_assert_int_eq(is_start(""), 0);
	ck_assert_int_eq(sip_is_start_line("SIP/2.0 480 X", 10), 0);
}
END_TEST

/* ---- sip_cseq ---- */

START_TEST(test_cseq)
{
	long num = 0;
	const char *meth = NULL;
	size_t mlen = 0;

	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nCSeq: 102 INVITE\r\n\r\n"), 1);
	ck_assert_int_eq(sip_cseq(&M, &num, &meth, &mlen), 0);
	ck_assert_int_eq(num, 102);
	ck_assert_span(meth, mlen, "INVITE");

	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nCSEQ:   7   CANCEL  \r\n\r\n"), 1);
	ck_assert_int_eq(sip_cseq(&M, &num, &meth, &mlen), 0);
	ck_assert_int_eq(num, 7);
	ck_assert_span(meth, mlen, "CANCEL");

	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nCall-ID: a\r\n\r\n"), 1);
	ck_assert_int_eq(sip_cseq(&M, &num, &meth, &mlen), -1);
	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nCSeq: INVITE\r\n\r\n"), 1);
	ck_assert_int_eq(sip_cseq(&M, &num, &meth, &mlen), -1);
	ck_assert_int_eq(parse("SIP/2.0 480 X\r\nCSeq: 99999999999999999999 INVITE\r\n\r\n"), 1);
	ck_assert_int_eq(sip_cseq(&M, &num, &meth, &mlen), -1);
}
END_TEST

/* sip_peek_cseq on the lines after TEXT's start line must read what
 * sip_parse and sip_cseq read, or decline (-1): WANT is what it returns. */
static void peek_agrees(const char *text, int want)
{
	const char *p = text, *e = text + strlen(text), *nl, *meth = NULL,
	           *pmeth = NULL;
	size_t n, mlen = 0, pmlen = 0;
	long num = 0, pnum = 0;
	int full, peek;

	for (;; p = nl + 1) { /* past the start line */
		nl = memchr(p, '\n', (size_t)(e - p));
		ck_assert_ptr_nonnull(nl);
		n = (size_t)(nl - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (sip_is_start_line(p, n))
			break;
	}
	peek = sip_peek_cseq(nl + 1, (size_t)(e - nl - 1), &pnum, &pmeth,
	                     &pmlen);
	ck_assert_msg(peek == want, "peek %d, not %d: %s", peek, want, text);
	ck_assert_int_eq(sip_parse(&M, text, strlen(text)), 1);
	full = sip_cseq(&M, &num, &meth, &mlen);
	if (peek == 0) {
		ck_assert_int_eq(full, 0);
		ck_assert_int_eq(pnum, num);
		ck_assert_ptr_eq(pmeth, meth);
		ck_assert_uint_eq(pmlen, mlen);
	}
}

START_TEST(test_peek_cseq)
{
	struct buf big = {0};
	int i;

	peek_agrees("SIP/2.0 200 OK\r\nVia: x\r\nCSeq: 2 BYE\r\n\r\n", 0);
	peek_agrees("SIP/2.0 200 OK\nCALL-ID: a\nCSEQ:   7   OPTIONS  \n\n", 0);
	peek_agrees("junk\nSIP/2.0 200 OK\ncseq\t: 3 INVITE\nCSeq: 4 BYE\n", 0);
	/* a line that is not a header, a Contact, then the CSeq */
	peek_agrees("SIP/2.0 202 Accepted\nnot a header\nContact: <sip:a>\n"
	            "Cseq: 12 REFER\n\n",
	            0);
	/* folded: the next line continues the value */
	peek_agrees("SIP/2.0 200 OK\nCSeq: 5\n BYE\n\n", -1);
	peek_agrees("SIP/2.0 200 OK\nCSeq: 5 BYE\n\tx\n\n", -1);
	/* past a line that is not a header, as sip_parse folds */
	peek_agrees("SIP/2.0 200 OK\nCSeq: 5 BYE\nnot a header\n x\n\n", -1);
	peek_agrees("SIP/2.0 200 OK\nCSeq: 5 BYE\nnot a header\nTo: a\n x\n",
	            0);
	/* no CSeq among the headers (one in the body does not count) */
	peek_agrees("SIP/2.0 200 OK\nCall-ID: a\n\nCSeq: 1 BYE\n", -1);
	peek_agrees("SIP/2.0 200 OK\nCSeq : 6 NOTIFY\n\n", 0);
	peek_agrees("SIP/2.0 200 OK\nCSeq: x\n\n", -1); /* sip_cseq: -1 */
	/* folded lines after another header are that header's */
	peek_agrees("SIP/2.0 200 OK\nSubject: a\n CSeq: 9 BYE\nCSeq: 8 BYE\n",
	            0);
	/* more headers than sip_parse keeps, the CSeq among those dropped */
	buf_adds(&big, "SIP/2.0 200 OK\n");
	for (i = 0; i < SIP_MAX_HEADERS; i++)
		buf_adds(&big, "X:\n");
	buf_adds(&big, "CSeq: 1 BYE\n");
	buf_addc(&big, '\0');
	peek_agrees(big.p, -1);
	ck_assert_int_eq(sip_cseq(&M, &(long){0}, &(const char *){NULL},
	                          &(size_t){0}),
	                 -1);
	buf_free(&big);
}
END_TEST

/* ---- URIs ---- */

static void uri_user(const char *v, const char *want)
{
	const char *p = NULL;
	size_t n = 0;

	sip_uri_user(v, strlen(v), &p, &n);
	ck_assert_span(p, n, want);
}

START_TEST(test_uri_user)
{
	uri_user("\"Bob\" <sip:+14255550100@host;user=phone>;tag=x", "+14255550100");
	uri_user("<sip:alice@atlanta.example.com>;tag=1928301774", "alice");
	uri_user("sips:carol@chicago.example.com", "carol");
	uri_user("<SIP:+12065550100@sip.pstnhub.microsoft.com:5061>", "+12065550100");
	uri_user("<tel:+14255550100>;tag=y", "+14255550100");
	uri_user("tel:+14255550100;phone-context=example.com", "+14255550100");
	uri_user("<sip:+14255550100@10.0.0.1:5060;user=phone>", "+14255550100");
	/* no user part: the host */
	uri_user("<sip:sbc.example.com:5061>;tag=z", "sbc.example.com:5061");
	/* no URI at all: the trimmed value */
	uri_user("  anonymous  ", "anonymous");
	uri_user("abc: def", "abc: def");
	uri_user(":", ":");
	/* schemes in any case; sips: before sip: before tel:, wherever
	   each is in the value */
	uri_user("<SIPS:carol@chicago.example.com>", "carol");
	uri_user("<TeL:+14255550100>", "+14255550100");
	uri_user("\"tel:999\" <sip:bob@host>", "bob");
	uri_user("<sip:bob@host>;x=\"sips:carol@host\"", "carol");
	uri_user("sip:x@y", "x");
	uri_user("<sip:>", "");
	/* near-misses of a scheme are not one */
	uri_user("<sop:a@b>", "<sop:a@b>");
	uri_user("<ssip:a@b>", "a");
	uri_user("<si:p:a@b>", "<si:p:a@b>");
}
END_TEST

static void uri_host(const char *v, const char *want)
{
	const char *p = NULL;
	size_t n = 0;

	sip_uri_host(v, strlen(v), &p, &n);
	if (want == NULL) {
		ck_assert_ptr_null(p);
		ck_assert_uint_eq(n, 0);
		return;
	}
	ck_assert_span(p, n, want);
}

START_TEST(test_uri_host)
{
	uri_host("<sip:+14255550100@sip-du-a-us.pstnhub.microsoft.com:5061;transport=tls>",
		 "sip-du-a-us.pstnhub.microsoft.com");
	uri_host("<sip:sbc.example.com>", "sbc.example.com");
	uri_host("sip:alice@52.114.75.24;transport=tls", "52.114.75.24");
	uri_host("\"A\" <sips:bob@secure.example:5061>", "secure.example");
	uri_host("<sip:user@[2001:db8::1]:5060>", "[2001:db8::1]");
	uri_host("<tel:+14255550100>", NULL);
	uri_host("", NULL);
	uri_host("<SIP:x@Host.Example:5060>", "Host.Example");
	/* sip: before sips: */
	uri_host("<sips:a@first.example>, <sip:b@second.example>", "second.example");
	uri_host("<sips:>", "");
}
END_TEST

static void via_host(const char *v, const char *want)
{
	const char *p = NULL;
	size_t n = 0;

	sip_via_host(v, strlen(v), &p, &n);
	ck_assert_span(p, n, want);
}

START_TEST(test_via_host)
{
	via_host("SIP/2.0/TLS 52.114.75.24:5061;branch=z9hG4bK123", "52.114.75.24");
	via_host("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;rport", "10.0.0.1");
	via_host("SIP/2.0/TCP sip.pstnhub.microsoft.com:5061", "sip.pstnhub.microsoft.com");
	via_host("SIP/2.0/UDP   host.example ;received=1.2.3.4", "host.example");
	via_host("SIP/2.0/UDP [2001:db8::2]:5060;branch=x", "[2001:db8::2]");
	via_host("SIP/2.0/UDP a.example,SIP/2.0/UDP b.example", "a.example");
	via_host("SIP/2.0/UDP", "");
}
END_TEST

/* token characters: RFC 3261's set exactly, NUL not among them */
START_TEST(test_token_chars)
{
	static const char extra[] = "-.!%*_+`'~";
	struct sip_msg m;
	static const char msg[] = "SIP/2.0 486 Busy Here\r\n"
				  "X\0Y: 1\r\n"
				  "Call-ID: a@b\r\n"
				  "\r\n";
	int c;

	for (c = 0; c < 256; c++) {
		int want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') ||
			   (c != 0 && strchr(extra, c) != NULL);

		ck_assert_int_eq(sip_is_token_char((unsigned char)c), want);
	}
	/* a header name with a NUL in it is no header */
	ck_assert(sip_parse(&m, msg, sizeof(msg) - 1));
	ck_assert_int_eq(m.nh, 1);
	ck_assert_uint_eq(m.h[0].nlen, 7);
}
END_TEST

Suite *sip_suite(void)
{
	Suite *s = suite_create("sip");
	TCase *tc;

	tc = tcase_create("start");
	tcase_add_test(tc, test_response_crlf);
	tcase_add_test(tc, test_header_name_blanks);
	tcase_add_test(tc, test_blank_line_of_spaces);
	tcase_add_test(tc, test_request_lf);
	tcase_add_test(tc, test_response_lf_no_final_newline);
	tcase_add_test(tc, test_trailing_spaces);
	tcase_add_test(tc, test_trailing_spaces_lf);
	tcase_add_test(tc, test_status_without_phrase);
	tcase_add_test(tc, test_lines_before_start);
	tcase_add_test(tc, test_no_start_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("headers");
	tcase_add_test(tc, test_upper_case_names);
	tcase_add_test(tc, test_mixed_case_names);
	tcase_add_test(tc, test_compact_forms);
	tcase_add_test(tc, test_compact_and_full_mixed);
	tcase_add_test(tc, test_header_by_id);
	tcase_add_test(tc, test_repeated_headers);
	tcase_add_test(tc, test_folded_header);
	tcase_add_test(tc, test_non_header_lines_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("body");
	tcase_add_test(tc, test_content_length_and_body);
	tcase_add_test(tc, test_content_length_absent_or_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("cap");
	tcase_add_test(tc, test_header_cap);
	tcase_add_test(tc, test_header_cap_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("is_start_line");
	tcase_add_test(tc, test_is_start_line_true);
	tcase_add_test(tc, test_is_start_line_empty_phrase);
	tcase_add_test(tc, test_is_start_line_false);
	suite_add_tcase(s, tc);

	tc = tcase_create("cseq");
	tcase_add_test(tc, test_cseq);
	tcase_add_test(tc, test_peek_cseq);
	suite_add_tcase(s, tc);

	tc = tcase_create("uri");
	tcase_add_test(tc, test_uri_user);
	tcase_add_test(tc, test_uri_host);
	tcase_add_test(tc, test_via_host);
	tcase_add_test(tc, test_token_chars);
	suite_add_tcase(s, tc);
	return s;
}
