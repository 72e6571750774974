/* check_event.c - failure events: who generated them and what the
 * knowledge tables say (event.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "event.h"
#include "json.h"
#include "kb.h"
#include "logtime.h"
#include "sip.h"
#include "summary.h"
#include "util.h"

static struct kb KB;
static struct sip_msg M;
static struct record R;
static struct event EV;

static void kb_setup(void)
{
	memset(&KB, 0, sizeof(KB));
	ck_assert_int_eq(kb_load_dir(&KB, PATTERNS_DIR), 0);
	ck_assert_ptr_nonnull(kb_ms_code(&KB, 10037, 480, NULL, 0));
}

static void kb_teardown(void)
{
	kb_free(&KB);
}

static void record(enum dir dir, const char *peer, const char *src,
                   const char *dst)
{
	memset(&R, 0, sizeof(R));
	R.dir = dir;
	snprintf(R.peer, sizeof(R.peer), "%s", peer);
	snprintf(R.src, sizeof(R.src), "%s", src);
	snprintf(R.dst, sizeof(R.dst), "%s", dst);
	R.first_line = R.last_line = 42;
}

/* Parses TEXT (which must outlive the event) and builds the event. */
static void build(const char *text)
{
	ck_assert_int_eq(sip_parse(&M, text, strlen(text)), 1);
	ck_assert_int_eq(M.is_response, 1);
	event_build(&EV, &KB, &M, &R, "failed", "test.log", "generic");
}

static const char *genn(enum gen g)
{
	return gen_name(g);
}

#define ck_assert_gen(want)                                                    \
	ck_assert_msg(EV.gen == (want), "gen %s, expected %s", genn(EV.gen),   \
	              genn(want))

static const char ms480[] =
    "SIP/2.0 480 Temporarily Unavailable\r\n"
    "FROM: <sip:+14255550100@sbc.example.com:5061;user=phone>;tag=abc\r\n"
    "TO: <sip:+12065550100@sip.pstnhub.microsoft.com;user=phone>;tag=def\r\n"
    "CSEQ: 1 INVITE\r\n"
    "CALL-ID: 3fa2c7f1-9c1e-4a1f@sbc.example.com\r\n"
    "VIA: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bKac1\r\n"
    "REASON: Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96;No "
    "callee endpoints were found.\"\r\n"
    "CONTENT-LENGTH: 0\r\n"
    "\r\n";

/* ---- Microsoft's phrase ---- */

START_TEST(test_ms_phrase_480)
{
	record(DIR_IN, "52.114.75.24:5061", "", "");
	build(ms480);
	ck_assert_str_eq(EV.kind, "failed");
	ck_assert_str_eq(EV.file, "test.log");
	ck_assert_str_eq(EV.format, "generic");
	ck_assert_ptr_eq(EV.rec, &R);
	ck_assert_int_eq(EV.status, 480);
	ck_assert_span(EV.status_phrase.p, EV.status_phrase.n,
	               "Temporarily Unavailable");
	ck_assert_span(EV.call_id.p, EV.call_id.n,
	               "3fa2c7f1-9c1e-4a1f@sbc.example.com");
	ck_assert_span(EV.method.p, EV.method.n, "INVITE");
	ck_assert_int_eq(EV.cseq, 1);
	ck_assert_span(EV.from.p, EV.from.n, "+14255550100");
	ck_assert_span(EV.to.p, EV.to.n, "+12065550100");
	ck_assert_str_eq(EV.peer, "52.114.75.24:5061");
	ck_assert_uint_eq(EV.nreasons, 1);
	ck_assert_int_eq(EV.q850, 31);
	ck_assert_ptr_nonnull(EV.q850e);
	ck_assert_str_eq(EV.q850e->name, "Normal, unspecified");
	ck_assert_ptr_nonnull(EV.sipe);
	ck_assert_int_eq(EV.sipe->code, 480);
	ck_assert_int_eq(EV.ms_code, 10037);
	ck_assert_ptr_nonnull(EV.ms_source);
	ck_assert_str_eq(EV.ms_source, "phrase");
	ck_assert_ptr_nonnull(EV.ms);
	ck_assert_int_eq(EV.ms->code, 10037);
	ck_assert_uint_eq(EV.ncand, 0);
	ck_assert_span(EV.guid.p, EV.guid.n,
	               "5e19725b-7fad-4e89-bae3-dfc5df88bb96");
	ck_assert_span(EV.ms_text.p, EV.ms_text.n,
	               "No callee endpoints were found.");
	ck_assert_gen(GEN_MICROSOFT);
}
END_TEST

START_TEST(test_guid_alone_means_microsoft)
{
	/* no direction, no peer, no Server: the GUID;phrase text suffices */
	record(DIR_UNKNOWN, "", "", "");
	build(ms480);
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_int_eq(EV.ms_code, 10037);
	ck_assert_str_eq(EV.peer, "");
	/* the SBC relaying Microsoft's answer to a carrier: still Microsoft's
	 */
	record(DIR_OUT, "203.0.113.5:5060", "", "");
	build(ms480);
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_int_eq(EV.ms_code, 10037);
	ck_assert_str_eq(EV.ms_source, "phrase");
}
END_TEST

START_TEST(test_ms_phrase_upper_and_repeated_reason)
{
	/* two Reason headers: the Q.850 one with Microsoft's text is used */
	static const char t[] =
	    "SIP/2.0 403 Forbidden\r\n"
	    "CALL-ID: rr\r\n"
	    "CSEQ: 7 INVITE\r\n"
	    "Reason: SIP;cause=403\r\n"
	    "Reason: Q.850 ;cause=63 "
	    ";text=\"9810e5a9-667c-4513-8d3a-5d83503e1c71;Current call site "
	    "state prevents fork to this entity.\"\r\n"
	    "\r\n";

	record(DIR_IN, "52.114.7.24:5061", "", "");
	build(t);
	ck_assert_uint_eq(EV.nreasons, 2);
	ck_assert_int_eq(EV.q850, 63);
	ck_assert_int_eq(EV.ms_code, 10500);
	ck_assert_str_eq(EV.ms_source, "phrase");
	ck_assert_span(EV.guid.p, EV.guid.n,
	               "9810e5a9-667c-4513-8d3a-5d83503e1c71");
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_int_eq(EV.cseq, 7);
}
END_TEST

START_TEST(test_phrase_needs_microsoft)
{
	/* a phrase without GUID from an unknown source is not looked up ... */
	static const char t[] =
	    "SIP/2.0 480 Temporarily Unavailable\r\n"
	    "Call-ID: np\r\nCSeq: 1 INVITE\r\n"
	    "Reason: Q.850;cause=31;text=\"No callee endpoints were found\"\r\n"
	    "\r\n";
	static const char t2[] =
	    "SIP/2.0 480 Temporarily Unavailable\r\n"
	    "Call-ID: np\r\nCSeq: 1 INVITE\r\n"
	    "SERVER: Microsoft.PSTNHub.SIPProxy v.2024.11.5.1 i.EUWE.4\r\n"
	    "Reason: Q.850;cause=31;text=\"No callee endpoints were found\"\r\n"
	    "\r\n";

	record(DIR_UNKNOWN, "", "10.1.1.1:5060", "10.2.2.2:5060");
	build(t);
	ck_assert_gen(GEN_UNKNOWN);
	ck_assert_int_eq(EV.ms_code, -1);
	ck_assert_ptr_null(EV.ms);
	ck_assert_span(EV.ms_text.p, EV.ms_text.n,
	               "No callee endpoints were found");
	ck_assert_ptr_null(EV.guid.p);
	/* ... but is when Microsoft's proxy sent it */
	build(t2);
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_int_eq(EV.ms_code, 10037);
	ck_assert_str_eq(EV.ms_source, "phrase");
}
END_TEST

/* ---- a code in the Reason text ---- */

START_TEST(test_reason_text_code)
{
	static const char t[] =
	    "SIP/2.0 500 Server Internal Error\r\n"
	    "Call-ID: loop\r\nCSeq: 2 INVITE\r\n"
	    "Reason: SIP;cause=500;text=\"510482 Loop detected\"\r\n"
	    "\r\n";

	record(DIR_IN, "52.114.75.24:5061", "", "");
	build(t);
	ck_assert_int_eq(EV.ms_code, 510482);
	ck_assert_str_eq(EV.ms_source, "reason-text");
	ck_assert_ptr_nonnull(EV.ms);
	ck_assert_int_eq(EV.ms->code, 510482);
	ck_assert_span(EV.ms_text.p, EV.ms_text.n, "Loop detected");
	ck_assert_int_eq(EV.q850, -1);
	ck_assert_ptr_null(EV.q850e);
	ck_assert_gen(GEN_MICROSOFT);
	/* unknown direction: the code alone says Microsoft */
	record(DIR_UNKNOWN, "", "", "");
	build(t);
	ck_assert_int_eq(EV.ms_code, 510482);
	ck_assert_gen(GEN_MICROSOFT);
}
END_TEST

START_TEST(test_reason_text_code_unknown)
{
	/* a six-digit code not in the table is still Microsoft's code */
	static const char t[] =
	    "SIP/2.0 500 Server Internal Error\r\n"
	    "Call-ID: u\r\nCSeq: 2 INVITE\r\n"
	    "Reason: SIP;cause=500;text=\"519999 Something new\"\r\n\r\n";
	/* 560xxx: the SBC produced it */
	static const char t560[] =
	    "SIP/2.0 599 Whatever\r\n"
	    "Call-ID: u\r\nCSeq: 2 INVITE\r\n"
	    "Reason: SIP;cause=599;text=\"560599 Something\"\r\n\r\n";
	/* a three-digit number that is no Microsoft code is not one */
	static const char t404[] =
	    "SIP/2.0 404 Not Found\r\n"
	    "Call-ID: u\r\nCSeq: 2 INVITE\r\n"
	    "Reason: SIP;cause=404;text=\"404 Not Found\"\r\n\r\n";

	record(DIR_UNKNOWN, "", "", "");
	build(t);
	ck_assert_int_eq(EV.ms_code, 519999);
	ck_assert_str_eq(EV.ms_source, "reason-text");
	ck_assert_ptr_null(EV.ms);
	ck_assert_gen(GEN_MICROSOFT);
	build(t560);
	ck_assert_int_eq(EV.ms_code, 560599);
	ck_assert_ptr_null(EV.ms);
	ck_assert_gen(GEN_SBC);
	build(t404);
	ck_assert_int_eq(EV.ms_code, -1);
	ck_assert_ptr_null(EV.ms_source);
	ck_assert_gen(GEN_UNKNOWN);
}
END_TEST

/* ---- the 560 rule ---- */

static const char sbc503[] =
    "SIP/2.0 503 Service Unavailable\r\n"
    "Via: SIP/2.0/TLS 52.112.224.18:6914;branch=z9hG4bK5c1\r\n"
    "From: "
    "<sip:+12065550100@sip.pstnhub.microsoft.com:5061;user=phone>;tag=f\r\n"
    "To: <sip:+14255550100@sbc.example.com;user=phone>;tag=t\r\n"
    "Call-ID: 0b1c2d3e@sip.pstnhub.microsoft.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Server: Mediant SW/v.7.40A.500\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

START_TEST(test_sbc_560)
{
	record(DIR_OUT, "52.112.224.18:6914", "", "");
	build(sbc503);
	ck_assert_gen(GEN_SBC);
	ck_assert_int_eq(EV.ms_code, 560503);
	ck_assert_str_eq(EV.ms_source, "sbc-560");
	ck_assert_ptr_nonnull(EV.ms);
	ck_assert_int_eq(EV.ms->code, 560503);
	ck_assert_int_eq(EV.ms->by_sbc, 1);
	ck_assert_str_eq(EV.peer, "52.112.224.18:6914");
	ck_assert_uint_eq(EV.nreasons, 0);
	ck_assert_int_eq(EV.q850, -1);
}
END_TEST

START_TEST(test_sbc_560_by_address)
{
	/* direction unknown, but the response goes to Microsoft's address */
	record(DIR_UNKNOWN, "", "10.0.0.5:5061", "52.114.75.24:5061");
	build(sbc503);
	ck_assert_gen(GEN_SBC);
	ck_assert_int_eq(EV.ms_code, 560503);
	ck_assert_str_eq(EV.ms_source, "sbc-560");
	/* sent to Microsoft: out, and Microsoft is the peer */
	ck_assert_str_eq(EV.peer, "52.114.75.24:5061");
	ck_assert_int_eq(EV.dir, DIR_OUT);
}
END_TEST

START_TEST(test_sbc_to_carrier)
{
	/* the SBC answering a carrier: generated by the SBC, no 560 code */
	static const char t[] =
	    "SIP/2.0 503 Service Unavailable\r\n"
	    "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKx\r\n"
	    "Call-ID: carrier-1\r\nCSeq: 1 INVITE\r\n\r\n";

	record(DIR_OUT, "203.0.113.5:5060", "", "");
	build(t);
	ck_assert_gen(GEN_SBC);
	ck_assert_int_eq(EV.ms_code, -1);
	ck_assert_ptr_null(EV.ms_source);
	ck_assert_ptr_null(EV.ms);
}
END_TEST

/* ---- an ambiguous phrase ---- */

START_TEST(test_ambiguous_504)
{
	static const char t[] =
	    "SIP/2.0 504 Server Time-out\r\n"
	    "CALL-ID: amb\r\nCSEQ: 1 INVITE\r\n"
	    "SERVER: Microsoft.PSTNHub.SIPProxy v.2024.11.5.1 i.EUWE.4\r\n"
	    "REASON: "
	    "Q.850;cause=102;text=\"0f7c2b8e-1d3a-4c5b-9e6f-7a8b9c0d1e2f;"
	    "Unable to deliver INVITE: Invalid Request/Response line\"\r\n"
	    "\r\n";
	size_t i;
	int seen[3] = {0, 0, 0};

	record(DIR_IN, "52.114.75.24:5061", "", "");
	build(t);
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_int_eq(EV.ms_code, -1);
	ck_assert_ptr_null(EV.ms);
	ck_assert_ptr_null(EV.ms_source);
	ck_assert_uint_eq(EV.ncand, 3);
	for (i = 0; i < EV.ncand; i++) {
		ck_assert_ptr_nonnull(EV.cand[i]);
		if (EV.cand[i]->code == 549002)
			seen[0]++;
		else if (EV.cand[i]->code == 549018)
			seen[1]++;
		else if (EV.cand[i]->code == 569018)
			seen[2]++;
		else
			ck_abort_msg("unexpected candidate %ld",
			             EV.cand[i]->code);
	}
	ck_assert(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
	ck_assert_int_eq(EV.q850, 102);
}
END_TEST

/* ---- carriers and unknown sources ---- */

START_TEST(test_carrier_486)
{
	static const char t[] =
	    "SIP/2.0 486 Busy Here\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKc\r\n"
	    "From: <sip:+14255550100@10.0.0.5>;tag=1\r\n"
	    "To: <tel:+33123456789>;tag=2\r\n"
	    "Call-ID: carrier-486\r\nCSeq: 3 INVITE\r\n"
	    "Reason: Q.850;cause=17\r\n"
	    "\r\n";

	record(DIR_UNKNOWN, "", "203.0.113.5:5060", "10.0.0.5:5060");
	build(t);
	ck_assert_int_eq(EV.q850, 17);
	ck_assert_ptr_nonnull(EV.q850e);
	ck_assert_str_eq(EV.q850e->name, "User busy");
	ck_assert_int_eq(EV.ms_code, -1);
	ck_assert_ptr_null(EV.ms);
	ck_assert_ptr_null(EV.ms_source);
	ck_assert_uint_eq(EV.ncand, 0);
	ck_assert_gen(GEN_UNKNOWN);
	ck_assert_ptr_null(EV.guid.p);
	ck_assert_str_eq(EV.peer, "203.0.113.5:5060");
	ck_assert_span(EV.to.p, EV.to.n, "+33123456789");
	ck_assert_int_eq(EV.sipe->code, 486);
}
END_TEST

START_TEST(test_no_headers)
{
	/* a bare status line: nothing to find, nothing to crash on */
	record(DIR_UNKNOWN, "", "", "");
	build("SIP/2.0 699 Custom\r\n\r\n");
	ck_assert_int_eq(EV.status, 699);
	ck_assert_int_eq(EV.cseq, -1);
	ck_assert_uint_eq(EV.method.n, 0);
	ck_assert_uint_eq(EV.call_id.n, 0);
	ck_assert_uint_eq(EV.from.n, 0);
	ck_assert_ptr_null(EV.sipe);
	ck_assert_int_eq(EV.q850, -1);
	ck_assert_int_eq(EV.ms_code, -1);
	ck_assert_gen(GEN_UNKNOWN);
}
END_TEST

/* ---- who generated it ---- */

START_TEST(test_server_header)
{
	static const char t[] =
	    "SIP/2.0 503 Service Unavailable\r\n"
	    "Call-ID: s\r\nCSeq: 1 INVITE\r\n"
	    "Server: Microsoft.PSTNHub.SIPProxy v.2024.11.5.1 i.EUWE.4\r\n\r\n";
	static const char ua[] = "SIP/2.0 410 Gone\r\n"
	                         "Call-ID: s\r\nCSeq: 1 INVITE\r\n"
	                         "USER-AGENT: Microsoft.Teams.SIPSBA\r\n\r\n";
	static const char other[] = "SIP/2.0 503 Service Unavailable\r\n"
	                            "Call-ID: s\r\nCSeq: 1 INVITE\r\n"
	                            "Server: Asterisk PBX 20.5.0\r\n\r\n";

	record(DIR_UNKNOWN, "", "", "");
	build(t);
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_int_eq(EV.ms_code, -1);
	build(ua);
	ck_assert_gen(GEN_MICROSOFT);
	build(other);
	ck_assert_gen(GEN_UNKNOWN);
	/* the Server header wins over a peer address that is not Microsoft's */
	record(DIR_IN, "203.0.113.5:5060", "", "");
	build(t);
	ck_assert_gen(GEN_MICROSOFT);
}
END_TEST

START_TEST(test_gen_from_addresses)
{
	static const char t[] = "SIP/2.0 503 Service Unavailable\r\n"
	                        "Call-ID: a\r\nCSeq: 1 INVITE\r\n\r\n";
	static const char contact[] =
	    "SIP/2.0 503 Service Unavailable\r\n"
	    "Call-ID: a\r\nCSeq: 1 INVITE\r\n"
	    "Contact: "
	    "<sip:api-du-b-euwe.pstnhub.microsoft.com:443;transport=tls;x-i="
	    "5e19725b>\r\n\r\n";

	/* received from Microsoft's address */
	record(DIR_IN, "52.114.75.24:5061", "", "");
	build(t);
	ck_assert_gen(GEN_MICROSOFT);
	/* received from a carrier */
	record(DIR_IN, "203.0.113.5:5060", "", "");
	build(t);
	ck_assert_gen(GEN_UNKNOWN);
	/* direction unknown, sent from Microsoft's address */
	record(DIR_UNKNOWN, "", "52.113.64.10:5061", "10.0.0.5:5061");
	build(t);
	ck_assert_gen(GEN_MICROSOFT);
	ck_assert_str_eq(EV.peer, "52.113.64.10:5061");
	/* Microsoft's Contact */
	record(DIR_UNKNOWN, "", "", "");
	build(contact);
	ck_assert_gen(GEN_MICROSOFT);
	/* sent by the SBC: DIR_OUT is the SBC's own answer */
	record(DIR_OUT, "203.0.113.5:5060", "", "");
	build(t);
	ck_assert_gen(GEN_SBC);
}
END_TEST

START_TEST(test_gen_name)
{
	ck_assert_str_eq(gen_name(GEN_MICROSOFT), "microsoft");
	ck_assert_str_eq(gen_name(GEN_SBC), "sbc");
	ck_assert_str_eq(gen_name(GEN_UNKNOWN), "unknown");
}
END_TEST

/* ---- event_ms_address ---- */

static int msaddr(const char *s)
{
	/* an exact-size copy: no NUL for the function to lean on */
	size_t n = strlen(s);
	char *p = malloc(n ? n : 1);
	int r;

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	r = event_ms_address(p, n);
	free(p);
	return r;
}

START_TEST(test_ms_address)
{
	ck_assert_int_eq(msaddr("52.114.75.24:5061"), 1);
	ck_assert_int_eq(msaddr("52.116.0.1"), 0);
	ck_assert_int_eq(msaddr("sip-du-a-us.pstnhub.microsoft.com"), 1);
	ck_assert_int_eq(msaddr("203.0.113.5"), 0);

	ck_assert_int_eq(msaddr("52.112.0.0"), 1);
	ck_assert_int_eq(msaddr("52.115.255.255"), 1);
	ck_assert_int_eq(msaddr("52.111.255.255"), 0);
	ck_assert_int_eq(msaddr("52.112.224.18:6914"), 1);
	ck_assert_int_eq(msaddr("[52.113.1.1]:5061"), 1);
	ck_assert_int_eq(msaddr("152.112.0.1"), 0);
	ck_assert_int_eq(msaddr("5.112.0.1"), 0);
	ck_assert_int_eq(msaddr("52.1120.0.1"), 0);
	ck_assert_int_eq(msaddr("SIP.PSTNHUB.MICROSOFT.COM:5061"), 1);
	ck_assert_int_eq(msaddr("sip.pstnhub.gov.teams.microsoft.us"), 1);
	ck_assert_int_eq(msaddr("sbc.example.com"), 0);
	ck_assert_int_eq(msaddr("microsoft.com"), 0);
	ck_assert_int_eq(msaddr(""), 0);
	ck_assert_int_eq(msaddr("52"), 0);
	ck_assert_int_eq(msaddr("52."), 0);
	ck_assert_int_eq(msaddr("52.114"), 0);
	ck_assert_int_eq(msaddr("["), 0);
	/* the length is honoured */
	ck_assert_int_eq(event_ms_address("52.114.75.24", 2), 0);
	ck_assert_int_eq(event_ms_address("sip.pstnhub.microsoft.com", 12), 0);
}
END_TEST

/* ---- event_explain ---- */

START_TEST(test_explain_ms)
{
	struct buf cause = {0}, action = {0};
	const char *doc = NULL;

	record(DIR_IN, "52.114.75.24:5061", "", "");
	build(ms480);
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_uint_gt(cause.len, 0);
	ck_assert_uint_gt(action.len, 0);
	ck_assert_str_eq(cause.p, EV.ms->cause);
	ck_assert_str_eq(action.p, EV.ms->action);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(strncmp(doc, "https://", 8), 0);
	/* called again: the buffers are reset, not appended to */
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_str_eq(cause.p, EV.ms->cause);
	buf_free(&cause);
	buf_free(&action);
}
END_TEST

START_TEST(test_explain_560)
{
	struct buf cause = {0}, action = {0};
	const char *doc = NULL;
	static const char t599[] =
	    "SIP/2.0 599 Odd\r\n"
	    "Via: SIP/2.0/TLS 52.112.224.18:6914;branch=z9hG4bK5c1\r\n"
	    "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";

	record(DIR_OUT, "52.112.224.18:6914", "", "");
	build(sbc503);
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_uint_gt(cause.len, 0);
	ck_assert_uint_gt(action.len, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(strncmp(doc, "https://", 8), 0);
	/* a 560 code missing from the table: the SBC is named, and the
	   overview article given */
	build(t599);
	ck_assert_int_eq(EV.ms_code, 560599);
	ck_assert_ptr_null(EV.ms);
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_ptr_nonnull(strstr(cause.p, "SBC"));
	ck_assert_ptr_nonnull(strstr(cause.p, "560599"));
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(strncmp(doc, "https://", 8), 0);
	buf_free(&cause);
	buf_free(&action);
}
END_TEST

START_TEST(test_explain_candidates)
{
	struct buf cause = {0}, action = {0};
	const char *doc = NULL;
	static const char t[] =
	    "SIP/2.0 504 Server Time-out\r\n"
	    "CALL-ID: amb\r\nCSEQ: 1 INVITE\r\n"
	    "REASON: "
	    "Q.850;cause=102;text=\"0f7c2b8e-1d3a-4c5b-9e6f-7a8b9c0d1e2f;"
	    "Unable to deliver INVITE: Invalid Request/Response line\"\r\n"
	    "\r\n";

	record(DIR_IN, "52.114.75.24:5061", "", "");
	build(t);
	ck_assert_uint_eq(EV.ncand, 3);
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_ptr_nonnull(strstr(cause.p, "549002"));
	ck_assert_ptr_nonnull(strstr(cause.p, "549018"));
	ck_assert_ptr_nonnull(strstr(cause.p, "569018"));
	ck_assert_uint_gt(action.len, 0);
	ck_assert_ptr_nonnull(doc);
	buf_free(&cause);
	buf_free(&action);
}
END_TEST

START_TEST(test_explain_tables)
{
	struct buf cause = {0}, action = {0};
	const char *doc = (const char *)1;
	static const char t[] = "SIP/2.0 486 Busy Here\r\n"
	                        "Call-ID: c\r\nCSeq: 3 INVITE\r\n"
	                        "Reason: Q.850;cause=17\r\n\r\n";

	record(DIR_UNKNOWN, "", "203.0.113.5:5060", "10.0.0.5:5060");
	build(t);
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_uint_gt(cause.len, 0);
	ck_assert_uint_gt(action.len, 0);
	ck_assert_ptr_null(doc);
	/* both tables are used */
	ck_assert_ptr_nonnull(strstr(cause.p, EV.sipe->meaning));
	ck_assert_ptr_nonnull(strstr(cause.p, "Q.850 cause 17"));
	ck_assert_ptr_nonnull(strstr(cause.p, "User busy"));
	/* a status in no table: its class */
	build("SIP/2.0 699 Custom\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n");
	event_explain(&EV, &cause, &action, &doc);
	ck_assert_ptr_nonnull(strstr(cause.p, "699"));
	ck_assert_ptr_nonnull(strstr(cause.p, "global failure"));
	ck_assert_ptr_null(doc);
	buf_free(&cause);
	buf_free(&action);
}
END_TEST

/* The summary's time range: the earliest and latest stamps, in any order
 * of arrival, unset ones ignored, and widened by a merged summary. */
static void range_of(struct summary *s, char *first, char *last)
{
	struct buf b = {0};
	const char *f, *l;

	summary_json(s, &b);
	f = strstr(b.p, "\"time_first\":");
	l = strstr(b.p, "\"time_last\":");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(l);
	sscanf(f + 13, "%39[^,]", first);
	sscanf(l + 12, "%39[^,]", last);
	buf_free(&b);
}

static void stamp(struct summary *s, const char *text)
{
	struct logtime t;

	ck_assert_int_eq(
	    logtime_parse("%Y-%m-%d %H:%M:%S.%f", text, strlen(text), 2000, &t),
	    0);
	summary_time(s, &t);
}

START_TEST(test_summary_time_range)
{
	struct summary *s = summary_new(), *m = summary_new();
	struct logtime unset = {0};
	char first[40], last[40], err[64];
	struct buf b = {0}, why = {0};
	struct jv *v;

	range_of(s, first, last);
	ck_assert_str_eq(first, "null");
	ck_assert_str_eq(last, "null");
	summary_time(s, &unset);
	stamp(s, "2026-11-21 09:00:05.500");
	stamp(s, "2026-11-21 09:00:07.000"); /* later */
	stamp(s, "2026-11-21 09:00:01.250"); /* earlier */
	stamp(s, "2026-11-21 09:00:06.000"); /* inside */
	summary_time(s, &unset);
	range_of(s, first, last);
	ck_assert_str_eq(first, "\"2026-11-21T09:00:01.250Z\"");
	ck_assert_str_eq(last, "\"2026-11-21T09:00:07.000Z\"");

	/* merging: only a wider end moves, then records still count */
	stamp(m, "2026-11-21 09:00:03.000");
	stamp(m, "2026-11-21 09:00:09.000");
	summary_json(m, &b);
	v = json_parse(b.p, b.len, err, sizeof(err));
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(summary_merge_json(s, v, &why), 0);
	range_of(s, first, last);
	ck_assert_str_eq(first, "\"2026-11-21T09:00:01.250Z\"");
	ck_assert_str_eq(last, "\"2026-11-21T09:00:09.000Z\"");
	stamp(s, "2026-11-21 09:00:08.000"); /* before the merged end */
	stamp(s, "2026-11-21 09:00:00.750");
	range_of(s, first, last);
	ck_assert_str_eq(first, "\"2026-11-21T09:00:00.750Z\"");
	ck_assert_str_eq(last, "\"2026-11-21T09:00:09.000Z\"");
	json_free(v);
	buf_free(&b);
	buf_free(&why);
	summary_free(s);
	summary_free(m);
}
END_TEST

/* The reader of merge: RFC 8259 numbers of any length and nothing else,
 * escapes and surrogate pairs, nesting to its limit. */
START_TEST(test_json_parse)
{
	static const char *const good[] = {
	    "0",
	    "-0",
	    "12.5e-3",
	    "1E+2",
	    "[]",
	    "{}",
	    " [1, {\"a\": null}] ",
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "567890",
	    "\"\\u00e9\\ud83d\\ude00\\/\""};
	static const char *const bad[] = {
	    "+1",  ".5",    "1.",      "01",        "1e",
	    "-",   "0x10",  "[1,]",    "{\"a\"}",   "\"a",
	    "tru", "[1] 2", "\"\\x\"", "\"\\u12\"", "\"a\tb\""};
	char err[128];
	struct buf deep = {0};
	struct jv *v;
	size_t i;
	int k;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = json_parse(good[i], strlen(good[i]), err, sizeof(err));
		ck_assert_msg(v != NULL, "refused %s: %s", good[i], err);
		json_free(v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		ck_assert_msg(v == NULL, "took %s", bad[i]);
	}
	v = json_parse("1\0", 2, err, sizeof(err)); /* a NUL after it */
	ck_assert_ptr_null(v);
	v = json_parse(good[7], strlen(good[7]), err, sizeof(err));
	ck_assert_int_eq(v->t, J_NUM);
	ck_assert(v->num > 1.2e69 && v->num < 1.3e69);
	json_free(v);
	v = json_parse(good[8], strlen(good[8]), err, sizeof(err));
	ck_assert_str_eq(v->str, "\xc3\xa9\xf0\x9f\x98\x80/");
	json_free(v);
	for (k = 0; k < 65; k++)
		buf_addc(&deep, '[');
	for (k = 0; k < 65; k++)
		buf_addc(&deep, ']');
	v = json_parse(deep.p + 1, deep.len - 2, err, sizeof(err));
	ck_assert_ptr_nonnull(v); /* 64 deep */
	json_free(v);
	v = json_parse(deep.p, deep.len, err, sizeof(err));
	ck_assert_ptr_null(v);
	ck_assert_str_eq(err, "nested too deeply");
	buf_free(&deep);
}
END_TEST

/* merge refuses, naming the member, what sipwhy never writes: counts that
 * are negative, fractional, beyond 2^53 or not numbers, codes out of
 * range; and what it refuses leaves the summary as it was. */
START_TEST(test_merge_refuses)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
	    {"{\"event\":\"summary\",\"calls\":-5}", "calls is not a count"},
	    {"{\"event\":\"summary\",\"failed\":1e300}",
	     "failed is not a count"},
	    {"{\"event\":\"summary\",\"lines\":2.5}", "lines is not a count"},
	    {"{\"event\":\"summary\",\"bytes\":\"5\"}", "bytes is not a count"},
	    {"{\"event\":\"summary\",\"calls\":18014398509481984}",
	     "calls is not a count"},
	    {"{\"event\":\"summary\",\"groups\":{}}", "groups is not an array"},
	    {"{\"event\":\"summary\",\"groups\":[{\"count\":1},"
	     "{\"status\":1e300,\"count\":1}]}",
	     "groups[1].status is not a number from -1 to 999 or null"},
	    {"{\"event\":\"summary\",\"groups\":[{\"ms_code\":-3}]}",
	     "groups[0].ms_code is not a number from 0 to 999999 or null"},
	    {"{\"event\":\"summary\",\"groups\":[{\"q850\":\"x\"}]}",
	     "groups[0].q850 is not a number from 0 to 255 or null"},
	    {"{\"event\":\"summary\",\"by_peer\":[{\"peer\":\"p\","
	     "\"count\":-1e300}]}",
	     "by_peer[0].count is not a count"},
	    {"{\"event\":\"summary\",\"by_direction\":{\"in\":true}}",
	     "by_direction.in is not a count"},
	    {"{\"event\":\"other\"}", "no summary event"},
	};
	static const char good[] =
	    "{\"event\":\"summary\",\"calls\":9007199254740992,\"failed\":2,"
	    "\"groups\":[{\"status\":480,\"ms_code\":null,\"q850\":18,"
	    "\"count\":2,\"phrase\":\"x\"}],\"by_direction\":{\"in\":2}}";
	struct summary *s = summary_new();
	struct buf before = {0}, after = {0}, why = {0};
	char err[128];
	size_t i;
	struct jv *v = json_parse(good, sizeof(good) - 1, err, sizeof(err));

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(summary_merge_json(s, v, &why), 0);
	ck_assert_uint_eq(summary_totals(s)->calls, 9007199254740992ULL);
	json_free(v);
	summary_json(s, &before);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_parse(bad[i].json, strlen(bad[i].json), err,
		               sizeof(err));
		ck_assert_ptr_nonnull(v);
		buf_clear(&why);
		ck_assert_int_eq(summary_merge_json(s, v, &why), -1);
		ck_assert_str_eq(why.p, bad[i].why);
		json_free(v);
	}
	summary_json(s, &after);
	ck_assert_str_eq(after.p, before.p);
	buf_free(&before);
	buf_free(&after);
	buf_free(&why);
	summary_free(s);
}
END_TEST

Suite *event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc;

	tc = tcase_create("ms_phrase");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_ms_phrase_480);
	tcase_add_test(tc, test_guid_alone_means_microsoft);
	tcase_add_test(tc, test_ms_phrase_upper_and_repeated_reason);
	tcase_add_test(tc, test_phrase_needs_microsoft);
	tcase_add_test(tc, test_ambiguous_504);
	suite_add_tcase(s, tc);

	tc = tcase_create("reason_text");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_reason_text_code);
	tcase_add_test(tc, test_reason_text_code_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("sbc_560");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_sbc_560);
	tcase_add_test(tc, test_sbc_560_by_address);
	tcase_add_test(tc, test_sbc_to_carrier);
	suite_add_tcase(s, tc);

	tc = tcase_create("summary");
	tcase_add_test(tc, test_summary_time_range);
	tcase_add_test(tc, test_merge_refuses);
	tcase_add_test(tc, test_json_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_carrier_486);
	tcase_add_test(tc, test_no_headers);
	suite_add_tcase(s, tc);

	tc = tcase_create("generator");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_server_header);
	tcase_add_test(tc, test_gen_from_addresses);
	tcase_add_test(tc, test_gen_name);
	tcase_add_test(tc, test_ms_address);
	suite_add_tcase(s, tc);

	tc = tcase_create("explain");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_explain_ms);
	tcase_add_test(tc, test_explain_560);
	tcase_add_test(tc, test_explain_candidates);
	tcase_add_test(tc, test_explain_tables);
	suite_add_tcase(s, tc);
	return s;
}
