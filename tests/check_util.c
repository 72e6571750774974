/* check_util.c - buffers, spans and growth. */
#include <string.h>

#include "check.h"
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
	ck_assert_ptr_eq(span_icase_find("abcREASON:", 10, "reason"), "abcREASON:" + 3);
	ck_assert_ptr_null(span_icase_find("abc", 3, "abcd"));
}
END_TEST

START_TEST(test_grow)
{
	ck_assert_uint_ge(grow_cap(0, 1), 1);
	ck_assert_uint_ge(grow_cap(64, 1000), 1000);
	ck_assert_uint_eq(grow_cap(128, 100), 128);
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_spans);
	tcase_add_test(tc, test_grow);
	suite_add_tcase(s, tc);
	return s;
}
