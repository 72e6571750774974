/* check_calls.c - the call table and failure verdicts (calls.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "check.h"
#include "sip.h"

static struct sip_msg M; /* large: off the stack */

static const char *vname(enum verdict v)
{
	return v == V_NONE ? "V_NONE" : v == V_FAILED ? "V_FAILED"
		: v == V_CANCELED ? "V_CANCELED" : v == V_REPEAT ? "V_REPEAT" : "?";
}

/* Parses TEXT and feeds it to C as line LINE. */
static enum verdict feed(struct calls *c, uint64_t line, uint64_t *first,
			 const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, (int)sizeof(text));
	ck_assert_int_eq(sip_parse(&M, text, (size_t)n), 1);
	return calls_message(c, &M, line, first);
}

static enum verdict req(struct calls *c, uint64_t line, const char *method,
			const char *id, long cseq, const char *cseq_method)
{
	uint64_t first = 0;

	return feed(c, line, &first,
		    "%s sip:+12065550100@sip.pstnhub.microsoft.com SIP/2.0\r\n"
		    "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK%ld\r\n"
		    "Call-ID: %s\r\n"
		    "CSeq: %ld %s\r\n"
		    "Content-Length: 0\r\n\r\n",
		    method, cseq, id, cseq, cseq_method);
}

static enum verdict resp(struct calls *c, uint64_t line, uint64_t *first,
			 int status, const char *id, long cseq,
			 const char *method)
{
	return feed(c, line, first,
		    "SIP/2.0 %d Some Phrase\r\n"
		    "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK%ld\r\n"
		    "Call-ID: %s\r\n"
		    "CSeq: %ld %s\r\n"
		    "Content-Length: 0\r\n\r\n",
		    status, cseq, id, cseq, method);
}

#define ck_assert_verdict(got, want)                                        \
	do {                                                                \
		enum verdict v_ = (got);                                    \
		ck_assert_msg(v_ == (want), "%s: %s, expected %s", #got,    \
			      vname(v_), vname(want));                      \
	} while (0)

/* ---- verdicts ---- */

START_TEST(test_failed)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "INVITE", "call-a", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 2, &first, 100, "call-a", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 3, &first, 180, "call-a", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 10, &first, 480, "call-a", 1, "INVITE"), V_FAILED);
	calls_free(c);
}
END_TEST

START_TEST(test_repeat)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "INVITE", "call-r", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 10, &first, 480, "call-r", 1, "INVITE"), V_FAILED);
	ck_assert_verdict(resp(c, 20, &first, 480, "call-r", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 10);
	first = 0;
	/* another status for the same transaction is news: a proxy failed
	   over to another gateway, or answered the caller its own way */
	ck_assert_verdict(resp(c, 30, &first, 503, "call-r", 1, "INVITE"), V_FAILED);
	ck_assert_verdict(resp(c, 35, &first, 503, "call-r", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 30);
	/* another transaction of the same call is a new failure */
	ck_assert_verdict(req(c, 40, "INVITE", "call-r", 2, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 50, &first, 486, "call-r", 2, "INVITE"), V_FAILED);
	ck_assert_verdict(resp(c, 60, &first, 486, "call-r", 2, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 50);
	/* same CSeq number, other method: another transaction */
	ck_assert_verdict(resp(c, 70, &first, 481, "call-r", 2, "BYE"), V_FAILED);
	/* another call with the same CSeq: its own failure */
	ck_assert_verdict(resp(c, 80, &first, 480, "call-other", 1, "INVITE"), V_FAILED);
	calls_free(c);
}
END_TEST

/* The same status from another UAS (another To tag) is news: a proxy that
 * failed over from one gateway to the next, both answering 503.  The same
 * tag again is a retransmission or the proxy relaying it. */
#define FO(tag) "SIP/2.0 503 Service Unavailable\r\nCall-ID: fo\r\nCSeq: 1 INVITE\r\nTo: <sip:+1555@gw.example;user=phone>" tag "\r\n\r\n"
START_TEST(test_failover_same_status)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(feed(c, 1, &first, "INVITE sip:a@b SIP/2.0\r\nCall-ID: fo\r\nCSeq: 1 INVITE\r\n\r\n"), V_NONE);
	ck_assert_verdict(feed(c, 10, &first, FO(";tag=gw1")), V_FAILED);
	ck_assert_verdict(feed(c, 11, &first, FO(";tag=gw1")), V_REPEAT);
	ck_assert_uint_eq(first, 10);
	ck_assert_verdict(feed(c, 20, &first, FO(" ; TAG = gw2 ;x=1")), V_FAILED);
	ck_assert_verdict(feed(c, 30, &first, FO(";tag=gw2")), V_REPEAT);
	ck_assert_uint_eq(first, 20);
	/* without a tag: cannot tell, one failure */
	ck_assert_verdict(feed(c, 40, &first, FO("")), V_REPEAT);
	/* a tag-like text inside the URI is no tag of the header */
	ck_assert_verdict(feed(c, 50, &first, "SIP/2.0 503 X\r\nCall-ID: fo\r\nCSeq: 1 INVITE\r\nTo: <sip:a@b;tag=uri>;tag=gw2\r\n\r\n"), V_REPEAT);
	/* a bare URI's parameters are the header's */
	ck_assert_verdict(feed(c, 60, &first, "SIP/2.0 503 X\r\nCall-ID: fo\r\nCSeq: 1 INVITE\r\nTo: sip:a@b;tag=gw3\r\n\r\n"), V_FAILED);
	ck_assert_uint_eq(calls_count(c), 1);
	calls_free(c);
}
END_TEST

/* Call-IDs of every length around the one kept inside a call, long ones
 * that differ only past it, and one of 300 bytes: each its own call. */
START_TEST(test_call_id_lengths)
{
	struct calls *c = calls_new(1000);
	char id[320];
	uint64_t first = 0;
	int n;

	for (n = 1; n <= 130; n++) {
		memset(id, 'a' + n % 26, (size_t)n);
		id[n] = '\0';
		ck_assert_verdict(resp(c, (uint64_t)n, &first, 480, id, 1, "INVITE"), V_FAILED);
	}
	for (n = 1; n <= 130; n++) {
		memset(id, 'a' + n % 26, (size_t)n);
		id[n] = '\0';
		first = 0;
		ck_assert_verdict(resp(c, 1000, &first, 480, id, 1, "INVITE"), V_REPEAT);
		ck_assert_uint_eq(first, (uint64_t)n);
	}
	/* the same first 100 bytes, then one byte apart */
	memset(id, 'q', 100);
	strcpy(id + 100, "-one");
	ck_assert_verdict(resp(c, 2001, &first, 480, id, 1, "INVITE"), V_FAILED);
	strcpy(id + 100, "-two");
	ck_assert_verdict(resp(c, 2002, &first, 480, id, 1, "INVITE"), V_FAILED);
	strcpy(id + 100, "-one");
	ck_assert_verdict(resp(c, 2003, &first, 480, id, 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 2001);
	memset(id, 'z', 300);
	id[300] = '\0';
	ck_assert_verdict(resp(c, 3000, &first, 480, id, 1, "INVITE"), V_FAILED);
	ck_assert_verdict(resp(c, 3001, &first, 480, id, 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(calls_live(c), 133);
	calls_free(c);
}
END_TEST

/* Call-IDs as devices make them spread over the table: ones that differ
 * only in their last bytes, past the first 8 or 16, or in length, do not
 * pile up in a few buckets (each would cost every message a long walk). */
START_TEST(test_call_id_spread)
{
	static const char *const shapes[] = {
	    "%032x",          /* 32 hex digits, as Teams */
	    "%d@192.0.2.25",  /* a counter at a host */
	    "0000000000000000-%d",
	    "call-id-prefix-shared-by-all-calls-of-this-sbc-%08d",
	    "%d",
	};
	size_t s;

	for (s = 0; s < sizeof(shapes) / sizeof(*shapes); s++) {
		struct calls *c = calls_new(65536);
		uint64_t first = 0;
		char id[128];
		int i;

		for (i = 0; i < 40000; i++) {
			snprintf(id, sizeof(id), shapes[s], i * 7919);
			resp(c, (uint64_t)i + 1, &first, 200, id, 1, "OPTIONS");
		}
		ck_assert_uint_eq(calls_live(c), 40000);
		ck_assert_msg(calls_longest_chain(c) <= 12,
		              "%s: %zu calls in one bucket", shapes[s],
		              calls_longest_chain(c));
		calls_free(c);
	}
}
END_TEST

START_TEST(test_challenges)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "INVITE", "call-auth", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 2, &first, 401, "call-auth", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 3, &first, 401, "call-auth", 1, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 4, "INVITE", "call-auth", 2, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 5, &first, 407, "call-auth", 2, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 6, "INVITE", "call-auth", 3, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 7, &first, 403, "call-auth", 3, "INVITE"), V_FAILED);
	calls_free(c);
}
END_TEST

START_TEST(test_canceled)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "INVITE", "call-c", 5, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 2, &first, 180, "call-c", 5, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 3, "CANCEL", "call-c", 5, "CANCEL"), V_NONE);
	ck_assert_verdict(resp(c, 4, &first, 200, "call-c", 5, "CANCEL"), V_NONE);
	ck_assert_verdict(resp(c, 5, &first, 487, "call-c", 5, "INVITE"), V_CANCELED);
	ck_assert_verdict(resp(c, 6, &first, 487, "call-c", 5, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 5);
	calls_free(c);
}
END_TEST

START_TEST(test_487_without_cancel)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "INVITE", "call-n", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 2, &first, 487, "call-n", 1, "INVITE"), V_FAILED);
	/* a CANCEL of another transaction does not make a 487 canceled */
	ck_assert_verdict(req(c, 3, "INVITE", "call-n", 2, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 4, "CANCEL", "call-n", 3, "CANCEL"), V_NONE);
	ck_assert_verdict(resp(c, 5, &first, 487, "call-n", 2, "INVITE"), V_FAILED);
	/* nor a CANCEL in another call */
	ck_assert_verdict(req(c, 6, "INVITE", "call-m", 1, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 7, "CANCEL", "call-x", 1, "CANCEL"), V_NONE);
	ck_assert_verdict(resp(c, 8, &first, 487, "call-m", 1, "INVITE"), V_FAILED);
	/* a non-487 after a CANCEL is a failure */
	ck_assert_verdict(req(c, 9, "INVITE", "call-k", 1, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 10, "CANCEL", "call-k", 1, "CANCEL"), V_NONE);
	ck_assert_verdict(resp(c, 11, &first, 480, "call-k", 1, "INVITE"), V_FAILED);
	calls_free(c);
}
END_TEST

START_TEST(test_success)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "INVITE", "call-ok", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 2, &first, 200, "call-ok", 1, "INVITE"), V_NONE);
	ck_assert_verdict(resp(c, 3, &first, 200, "call-ok", 1, "INVITE"), V_NONE);
	ck_assert_verdict(req(c, 4, "ACK", "call-ok", 1, "ACK"), V_NONE);
	ck_assert_verdict(req(c, 5, "BYE", "call-ok", 2, "BYE"), V_NONE);
	ck_assert_verdict(resp(c, 6, &first, 200, "call-ok", 2, "BYE"), V_NONE);
	ck_assert_verdict(resp(c, 7, &first, 302, "call-ok", 3, "INVITE"), V_NONE);
	calls_free(c);
}
END_TEST

START_TEST(test_options_failure)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(req(c, 1, "OPTIONS", "ping-1", 1, "OPTIONS"), V_NONE);
	ck_assert_verdict(resp(c, 2, &first, 404, "ping-1", 1, "OPTIONS"), V_FAILED);
	/* no request seen at all */
	ck_assert_verdict(resp(c, 3, &first, 503, "ping-2", 7, "OPTIONS"), V_FAILED);
	/* OPTIONS are not calls; a response to an INVITE is one */
	ck_assert_uint_eq(calls_count(c), 0);
	ck_assert_verdict(resp(c, 4, &first, 603, "ping-3", 1, "INVITE"), V_FAILED);
	ck_assert_uint_eq(calls_count(c), 1);
	calls_free(c);
}
END_TEST

START_TEST(test_no_call_id_or_cseq)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(feed(c, 1, &first, "SIP/2.0 480 X\r\nCSeq: 1 INVITE\r\n\r\n"), V_FAILED);
	ck_assert_verdict(feed(c, 2, &first, "SIP/2.0 480 X\r\nCSeq: 1 INVITE\r\n\r\n"), V_FAILED);
	ck_assert_verdict(feed(c, 3, &first, "SIP/2.0 401 X\r\nCSeq: 1 INVITE\r\n\r\n"), V_NONE);
	ck_assert_verdict(feed(c, 4, &first, "SIP/2.0 407 X\r\n\r\n"), V_NONE);
	ck_assert_verdict(feed(c, 5, &first, "SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n"), V_NONE);
	ck_assert_verdict(feed(c, 6, &first, "SIP/2.0 500 X\r\nCall-ID: x\r\n\r\n"), V_FAILED);
	ck_assert_verdict(feed(c, 7, &first, "SIP/2.0 500 X\r\nCall-ID:\r\nCSeq: 1 INVITE\r\n\r\n"), V_FAILED);
	ck_assert_verdict(feed(c, 8, &first, "INVITE sip:a@b SIP/2.0\r\n\r\n"), V_NONE);
	ck_assert_uint_eq(calls_count(c), 0);
	calls_free(c);
}
END_TEST

START_TEST(test_compact_call_id)
{
	/* the compact form i: names the same call as Call-ID: */
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_verdict(feed(c, 1, &first, "INVITE sip:a@b SIP/2.0\r\ni: cmp\r\nCSeq: 1 INVITE\r\n\r\n"), V_NONE);
	ck_assert_verdict(feed(c, 2, &first, "CANCEL sip:a@b SIP/2.0\r\nCALL-ID: cmp\r\nCSEQ: 1 CANCEL\r\n\r\n"), V_NONE);
	ck_assert_verdict(feed(c, 3, &first, "SIP/2.0 487 Request Terminated\r\ni: cmp\r\nCSeq: 1 INVITE\r\n\r\n"), V_CANCELED);
	ck_assert_uint_eq(calls_count(c), 1);
	calls_free(c);
}
END_TEST

/* ---- counting ---- */

START_TEST(test_count)
{
	struct calls *c = calls_new(100);
	uint64_t first = 0;

	ck_assert_uint_eq(calls_count(c), 0);
	ck_assert_uint_eq(calls_live(c), 0);
	req(c, 1, "INVITE", "id-1", 1, "INVITE");
	req(c, 2, "INVITE", "id-1", 1, "INVITE"); /* retransmission */
	req(c, 3, "INVITE", "id-1", 2, "INVITE"); /* re-INVITE */
	req(c, 4, "INVITE", "id-2", 1, "INVITE");
	req(c, 5, "OPTIONS", "id-3", 1, "OPTIONS");
	req(c, 6, "REGISTER", "id-4", 1, "REGISTER");
	resp(c, 7, &first, 480, "id-5", 1, "INVITE"); /* no INVITE seen */
	req(c, 8, "BYE", "id-6", 2, "BYE");
	resp(c, 9, &first, 200, "id-6", 2, "BYE");
	resp(c, 10, &first, 480, "id-2", 1, "INVITE"); /* counted already */
	ck_assert_uint_eq(calls_count(c), 3);
	ck_assert_uint_eq(calls_live(c), 6);
	req(c, 11, "INVITE", "id-3", 2, "INVITE"); /* an INVITE after OPTIONS */
	ck_assert_uint_eq(calls_count(c), 4);
	/* Call-IDs differ by case: distinct calls (RFC 3261 20.8) */
	req(c, 12, "INVITE", "ID-2", 1, "INVITE");
	ck_assert_uint_eq(calls_count(c), 5);
	calls_free(c);
}
END_TEST

/* ---- the LRU bound ---- */

START_TEST(test_lru_bound)
{
	struct calls *c = calls_new(4);
	uint64_t first = 0;
	char id[32];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "lru-%d", i);
		ck_assert_verdict(req(c, (uint64_t)i * 2 + 1, "INVITE", id, 1, "INVITE"), V_NONE);
		ck_assert_verdict(resp(c, (uint64_t)i * 2 + 2, &first, 480, id, 1, "INVITE"), V_FAILED);
		ck_assert_uint_le(calls_live(c), 4);
	}
	ck_assert_uint_eq(calls_live(c), 4);
	ck_assert_uint_eq(calls_count(c), 100);
	/* the most recent calls are still known ... */
	ck_assert_verdict(resp(c, 1000, &first, 480, "lru-99", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 200);
	ck_assert_verdict(resp(c, 1001, &first, 480, "lru-96", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 194);
	/* ... the old ones were forgotten */
	ck_assert_verdict(resp(c, 1002, &first, 480, "lru-0", 1, "INVITE"), V_FAILED);
	ck_assert_uint_eq(calls_live(c), 4);
	calls_free(c);
}
END_TEST

START_TEST(test_lru_order)
{
	struct calls *c = calls_new(4);
	uint64_t first = 0;
	const char *ids[] = {"A", "B", "C", "D"};
	int i;

	for (i = 0; i < 4; i++) {
		req(c, 1, "INVITE", ids[i], 1, "INVITE");
		ck_assert_verdict(resp(c, 10 + (uint64_t)i, &first, 480, ids[i], 1, "INVITE"), V_FAILED);
	}
	/* A becomes the most recent; B is now the least recent */
	ck_assert_verdict(resp(c, 20, &first, 180, "A", 1, "INVITE"), V_NONE);
	req(c, 21, "INVITE", "E", 1, "INVITE"); /* evicts B */
	ck_assert_uint_eq(calls_live(c), 4);
	ck_assert_verdict(resp(c, 22, &first, 480, "A", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 10);
	ck_assert_verdict(resp(c, 23, &first, 480, "C", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 12);
	ck_assert_verdict(resp(c, 24, &first, 480, "B", 1, "INVITE"), V_FAILED); /* evicts D */
	ck_assert_verdict(resp(c, 25, &first, 480, "D", 1, "INVITE"), V_FAILED);
	ck_assert_uint_eq(calls_live(c), 4);
	calls_free(c);
}
END_TEST

START_TEST(test_many_calls_free)
{
	/* many live calls, then calls_free: LeakSanitizer checks the rest */
	struct calls *c = calls_new(50000);
	uint64_t first = 0;
	char id[32];
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(id, sizeof(id), "many-%d@host", i);
		req(c, (uint64_t)i, "INVITE", id, 1, "INVITE");
		if (i % 3 == 0)
			resp(c, (uint64_t)i, &first, 503, id, 1, "INVITE");
	}
	ck_assert_uint_eq(calls_live(c), 20000);
	ck_assert_uint_eq(calls_count(c), 20000);
	calls_free(c);
	calls_free(NULL);
}
END_TEST

START_TEST(test_transactions_per_call)
{
	/* a call keeps its recent transactions: a failure repeated after a
	   few other transactions is still a repeat */
	struct calls *c = calls_new(10);
	uint64_t first = 0;
	long k;

	ck_assert_verdict(resp(c, 1, &first, 480, "tx", 1, "INVITE"), V_FAILED);
	for (k = 2; k <= 4; k++)
		ck_assert_verdict(resp(c, (uint64_t)k, &first, 200, "tx", k, "INFO"), V_NONE);
	ck_assert_verdict(resp(c, 5, &first, 480, "tx", 1, "INVITE"), V_REPEAT);
	ck_assert_uint_eq(first, 1);
	/* many transactions later the oldest is forgotten, without harm */
	for (k = 10; k < 100; k++)
		resp(c, (uint64_t)k, &first, 200, "tx", k, "INFO");
	ck_assert_verdict(resp(c, 200, &first, 480, "tx", 1, "INVITE"), V_FAILED);
	calls_free(c);
}
END_TEST

Suite *calls_suite(void)
{
	Suite *s = suite_create("calls");
	TCase *tc;

	tc = tcase_create("verdicts");
	tcase_add_test(tc, test_failed);
	tcase_add_test(tc, test_repeat);
	tcase_add_test(tc, test_failover_same_status);
	tcase_add_test(tc, test_call_id_lengths);
	tcase_add_test(tc, test_call_id_spread);
	tcase_add_test(tc, test_challenges);
	tcase_add_test(tc, test_canceled);
	tcase_add_test(tc, test_487_without_cancel);
	tcase_add_test(tc, test_success);
	tcase_add_test(tc, test_options_failure);
	tcase_add_test(tc, test_no_call_id_or_cseq);
	tcase_add_test(tc, test_compact_call_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("count");
	tcase_add_test(tc, test_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("lru");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lru_bound);
	tcase_add_test(tc, test_lru_order);
	tcase_add_test(tc, test_many_calls_free);
	tcase_add_test(tc, test_transactions_per_call);
	suite_add_tcase(s, tc);
	return s;
}
