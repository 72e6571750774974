/* check_util.c - buffers, spans, growth, held diagnostics and the handoff
 * between threads. */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "handoff.h"
#include "util.h"

START_TEST(test_buf)
{
	struct buf b = {0};
	int i;

	buf_adds(&b, "abc");
	buf_addc(&b, 'd');
	buf_printf(&b, "%d-%s", 42, "x");
	ck_assert_str_eq(b.p, "abcd42-x");
	ck_assert_uint_eq(b.len, 8);
	for (i = 0; i < 10000; i++)
		buf_add(&b, "0123456789", 10);
	ck_assert_uint_eq(b.len, 100008);
	ck_assert_int_eq(b.p[b.len], '\0');
	buf_clear(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.p, "");
	buf_free(&b);
	ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(test_spans)
{
	const char *p = "  Call-ID \t";
	size_t n = strlen(p);

	ck_assert(span_ieq("CALL-ID", 7, "call-id"));
	ck_assert(!span_ieq("CALL-I", 6, "call-id"));
	ck_assert(!span_ieq("CALL-IDX", 8, "call-id"));
	span_trim(&p, &n);
	ck_assert_uint_eq(n, 7);
	ck_assert(memcmp(p, "Call-ID", 7) == 0);
	ck_assert_int_eq(span_uint("0480", 4, 1000), 480);
	ck_assert_int_eq(span_uint("48a", 3, 1000), -1);
	ck_assert_int_eq(span_uint("", 0, 1000), -1);
	ck_assert_int_eq(span_uint("99999999999999999999", 20, 1L << 30), -1);
	/* near the top of long long: refused before it could overflow */
	ck_assert_int_eq(span_uint("4422222222222222222222", 22, 1LL << 62), -1);
	ck_assert_int_eq(span_uint("9223372036854775807", 19, LLONG_MAX),
	                 LLONG_MAX);
	ck_assert_int_eq(span_uint("9223372036854775808", 19, LLONG_MAX), -1);
	ck_assert_int_eq(span_uint("4611686018427387904", 19, 1LL << 62),
	                 1LL << 62);
	ck_assert_int_eq(span_uint("4611686018427387905", 19, 1LL << 62), -1);
	ck_assert_int_eq(span_uint("9", 1, 5), -1);
	ck_assert_int_eq(span_uint("5", 1, 5), 5);
	ck_assert_ptr_eq(span_icase_find("abcREASON:", 10, "reason"), "abcREASON:" + 3);
	ck_assert_ptr_null(span_icase_find("abc", 3, "abcd"));
}
END_TEST

START_TEST(test_span_copy)
{
	char d[5];

	memset(d, 'x', sizeof(d));
	span_copy(d, sizeof(d), "ab", 2);
	ck_assert_str_eq(d, "ab");
	span_copy(d, sizeof(d), "abcdefgh", 8); /* cut to fit */
	ck_assert_str_eq(d, "abcd");
	span_copy(d, sizeof(d), "abcd", 4); /* just fits */
	ck_assert_str_eq(d, "abcd");
	span_copy(d, 1, "abc", 3);
	ck_assert_str_eq(d, "");
}
END_TEST

START_TEST(test_grow)
{
	ck_assert_uint_ge(grow_cap(0, 1), 1);
	ck_assert_uint_ge(grow_cap(64, 1000), 1000);
	ck_assert_uint_eq(grow_cap(128, 100), 128);
}
END_TEST

/* handoff: every byte arrives once, in order, in batches of bounded size,
 * on another thread */
struct seen {
	unsigned long next; /* the number expected next */
	size_t batches, biggest;
	int bad;
	pthread_t producer;
	int other_thread;
};

static void consume(void *ctx, const char *p, size_t n)
{
	struct seen *sn = ctx;
	size_t i;

	sn->batches++;
	if (n > sn->biggest)
		sn->biggest = n;
	if (!pthread_equal(pthread_self(), sn->producer))
		sn->other_thread = 1;
	for (i = 0; i + sizeof(unsigned long) <= n; i += sizeof(unsigned long)) {
		unsigned long v;

		memcpy(&v, p + i, sizeof(v));
		if (v != sn->next++)
			sn->bad = 1;
	}
	if (i != n)
		sn->bad = 1;
}

START_TEST(test_handoff)
{
	struct seen sn = {0};
	struct handoff *h;
	unsigned long v;

	sn.producer = pthread_self();
	h = handoff_start("check", consume, &sn);
	ck_assert_ptr_nonnull(h);
	for (v = 0; v < 1000000; v++) {
		buf_add(handoff_buf(h), &v, sizeof(v));
		handoff_push(h);
	}
	handoff_end(h);
	ck_assert_int_eq(sn.bad, 0);
	ck_assert_uint_eq(sn.next, 1000000);
	ck_assert(sn.other_thread);
	/* 8 MB in batches of HANDOFF_FULL, the last one partial */
	ck_assert_uint_eq(sn.batches,
	                  (1000000 * sizeof(v) + HANDOFF_FULL - 1) / HANDOFF_FULL);
	ck_assert_uint_le(sn.biggest, HANDOFF_FULL);
	/* nothing handed over: the callback never runs */
	memset(&sn, 0, sizeof(sn));
	h = handoff_start("check", consume, &sn);
	handoff_end(h);
	ck_assert_uint_eq(sn.batches, 0);
}
END_TEST

/* handoff_sync returns once the worker has seen all that was pushed, even
 * when fewer batches wait than would wake a worker that caught up; the
 * worker then sleeps until it is woken again, and ending takes the rest */
START_TEST(test_handoff_sync)
{
	struct seen sn = {0};
	struct handoff *h;
	unsigned long v = 0;
	int round;

	sn.producer = pthread_self();
	h = handoff_start("check", consume, &sn);
	ck_assert_ptr_nonnull(h);
	for (round = 0; round < 2 * HANDOFF_WAKE + 1; round++) {
		size_t want = (size_t)(round + 1) * HANDOFF_FULL / sizeof(v);

		/* ROUND full batches and a partial one */
		while (v < want + 3) {
			buf_add(handoff_buf(h), &v, sizeof(v));
			handoff_push(h);
			v++;
		}
		handoff_sync(h);
		ck_assert_int_eq(sn.bad, 0);
		ck_assert_uint_eq(sn.next, v);
	}
	buf_add(handoff_buf(h), &v, sizeof(v)); /* one value, not full */
	v++;
	handoff_end(h);
	ck_assert_int_eq(sn.bad, 0);
	ck_assert_uint_eq(sn.next, v);
}
END_TEST

/* diagnostics held on one thread come out where they are released */
START_TEST(test_held_diags)
{
	struct buf held = {0}, inner = {0};
	int before = diag_errors();

	diag_hold(&held);
	diag_warn("in", "first");
	diag_error("in", "second");
	ck_assert_int_eq(diag_errors(), before); /* not counted yet */
	ck_assert_ptr_nonnull(strstr(held.p, "sipwhy: in: warning: first\n"));
	ck_assert_ptr_nonnull(strstr(held.p, "sipwhy: in: error: second\n"));
	ck_assert_int_eq(diag_unhold(), 1);
	/* released while this thread holds its own: held again, in order */
	diag_hold(&inner);
	diag_release(held.p, held.len, 1);
	ck_assert_uint_eq(inner.len, held.len);
	ck_assert_int_eq(diag_unhold(), 1);
	ck_assert_int_eq(diag_errors(), before);
	buf_free(&held);
	buf_free(&inner);
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_spans);
	tcase_add_test(tc, test_span_copy);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_handoff);
	tcase_add_test(tc, test_handoff_sync);
	tcase_add_test(tc, test_held_diags);
	suite_add_tcase(s, tc);
	return s;
}
