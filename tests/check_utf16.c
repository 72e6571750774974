/* check_utf16.c - UTF-16 text found and read as UTF-8: byte-order marks,
 * ASCII with zero bytes, characters of every UTF-8 length, surrogate pairs
 * split anywhere between calls, unpaired surrogates and a lone last byte;
 * and through input, a file read back in chunks of any size. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "input.h"
#include "utf16.h"
#include "util.h"

/* "Aé€😀\n" and its UTF-8 */
static const unsigned units[] = {'A', 0xe9, 0x20ac, 0xd83d, 0xde00, '\n'};
static const char utf8[] = "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n";

/* The units in byte ORDER, into OUT; returns the byte count. */
static size_t encode(const unsigned *u, size_t n, int order,
                     unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char lo = (unsigned char)(u[i] & 0xff),
		              hi = (unsigned char)(u[i] >> 8);

		out[2 * i] = order == UTF16_LE ? lo : hi;
		out[2 * i + 1] = order == UTF16_LE ? hi : lo;
	}
	return 2 * n;
}

START_TEST(test_detect)
{
	size_t bom = 9;
	const unsigned char le[] = "S\0I\0P\0/\0" "2\0.\0" "0\0 \0";
	const unsigned char be[] = "\0S\0I\0P\0/\0" "2\0.\0" "0\0\r";
	const unsigned char nul[] = "SIP/2.0 486\0Busy Here\r\n";
	unsigned char big[100];

	ck_assert_int_eq(utf16_detect((const unsigned char *)"\xff\xfeS", 3,
	                              &bom),
	                 UTF16_LE);
	ck_assert_uint_eq(bom, 2);
	ck_assert_int_eq(utf16_detect((const unsigned char *)"\xfe\xff", 2,
	                              &bom),
	                 UTF16_BE);
	ck_assert_uint_eq(bom, 2);
	ck_assert_int_eq(utf16_detect(le, 16, &bom), UTF16_LE);
	ck_assert_uint_eq(bom, 0);
	ck_assert_int_eq(utf16_detect(be, 16, &bom), UTF16_BE);
	/* fewer than 8 units, or one byte not text: not UTF-16 */
	ck_assert_int_eq(utf16_detect(le, 14, &bom), UTF16_NONE);
	ck_assert_int_eq(utf16_detect(le + 1, 15, &bom), UTF16_NONE);
	ck_assert_int_eq(utf16_detect(nul, sizeof(nul) - 1, &bom),
	                 UTF16_NONE);
	ck_assert_int_eq(utf16_detect((const unsigned char *)"", 0, &bom),
	                 UTF16_NONE);
	ck_assert_int_eq(utf16_detect((const unsigned char *)"\xff", 1, &bom),
	                 UTF16_NONE);
	/* only the first 64 bytes are looked at */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i < sizeof(big); i += 2)
		big[i] = 'x';
	big[64] = 0x01;
	ck_assert_int_eq(utf16_detect(big, sizeof(big), &bom), UTF16_LE);
	big[62] = 0x01;
	ck_assert_int_eq(utf16_detect(big, sizeof(big), &bom), UTF16_NONE);
}
END_TEST

/* Decodes IN[0..N) STEP bytes per call into a buffer of CAP; the UTF-8. */
static void decode_by(const unsigned char *in, size_t n, int order,
                      size_t step, size_t cap, struct buf *got)
{
	struct utf16 u;
	char out[64];
	size_t pos = 0;
	int odd, guard = 0;

	utf16_init(&u, order);
	while (pos < n) {
		size_t used, k = n - pos < step ? n - pos : step;
		size_t w = utf16_decode(&u, in + pos, k, &used, out, cap);

		ck_assert_uint_le(w, cap);
		buf_add(got, out, w);
		pos += used;
		ck_assert_int_lt(guard++, 1000); /* it moves on */
	}
	buf_add(got, out, utf16_finish(&u, out, &odd));
	ck_assert_int_eq(odd, 0);
	ck_assert_uint_eq(u.bad, 0);
}

/* utf16_open: once it says the first bytes are settled, no bytes after
 * them change utf16_detect's answer; and plain text settles at once. */
START_TEST(test_detect_settled)
{
	static const unsigned char alpha[] = {0, 'a', '\n', 0xff, 0xfe, 0x80};
	unsigned char p[80];
	size_t bom0, bom1, k, n;
	int i, settled = 0;

	srand(11);
	for (i = 0; i < 200000; i++) {
		int zeros = rand() % 2; /* half of them UTF-16-like */

		n = (size_t)(rand() % 80);
		for (k = 0; k < n; k++)
			p[k] = zeros && rand() % 8 ? (k % 2 ? 0 : 'a')
			                           : alpha[rand() % 6];
		for (k = 0; k <= n; k++) {
			if (utf16_open(p, k))
				continue;
			settled++;
			ck_assert_int_eq(utf16_detect(p, k, &bom0),
			                 utf16_detect(p, n, &bom1));
			ck_assert_int_eq(bom0, bom1);
			break;
		}
	}
	ck_assert_int_gt(settled, 100000);
	ck_assert(!utf16_open((const unsigned char *)"he", 2));
	ck_assert(!utf16_open((const unsigned char *)"\xff\xfe", 2));
	ck_assert(utf16_open((const unsigned char *)"h", 1));
	ck_assert(utf16_open((const unsigned char *)"h\0e\0l", 5));
	ck_assert(utf16_open((const unsigned char *)"\0h\0", 3));
	memset(p, 0, sizeof(p));
	ck_assert(!utf16_open(p, 64));
}
END_TEST

START_TEST(test_decode_any_split)
{
	unsigned char in[32];
	int orders[] = {UTF16_LE, UTF16_BE};

	for (int o = 0; o < 2; o++) {
		size_t n = encode(units, 6, orders[o], in);

		for (size_t step = 1; step <= n; step++)
			for (size_t cap = 4; cap <= 12; cap += 8) {
				struct buf got = {0};

				decode_by(in, n, orders[o], step, cap, &got);
				ck_assert_span(got.p, got.len, utf8);
				buf_free(&got);
			}
	}
}
END_TEST

/* A character that does not fit is not taken. */
START_TEST(test_decode_full)
{
	struct utf16 u;
	unsigned char in[32];
	char out[8];
	size_t used, n = encode(units + 1, 1, UTF16_LE, in); /* é */

	utf16_init(&u, UTF16_LE);
	ck_assert_uint_eq(utf16_decode(&u, in, n, &used, out, 1), 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(utf16_decode(&u, in, n, &used, out, 2), 2);
	ck_assert_uint_eq(used, 2);
	ck_assert_span(out, 2, "\xc3\xa9");
}
END_TEST

START_TEST(test_decode_unpaired)
{
	/* high then 'A', lone low, high at the end */
	const unsigned bad[] = {0xd800, 'A', 0xdc00, 'B', 0xdbff};
	unsigned char in[32];
	struct buf got = {0};
	struct utf16 u;
	char out[64];
	size_t used, n = encode(bad, 5, UTF16_LE, in);
	int odd;

	utf16_init(&u, UTF16_LE);
	buf_add(&got, out, utf16_decode(&u, in, n, &used, out, sizeof(out)));
	ck_assert_uint_eq(used, n);
	buf_add(&got, out, utf16_finish(&u, out, &odd));
	ck_assert_span(got.p, got.len,
	               "\xef\xbf\xbd"
	               "A\xef\xbf\xbd"
	               "B\xef\xbf\xbd");
	ck_assert_uint_eq(u.bad, 3);
	ck_assert_uint_eq(u.first_bad, 0);
	ck_assert_int_eq(odd, 0);
	buf_free(&got);

	/* a lone last byte; the first unpaired surrogate's offset */
	utf16_init(&u, UTF16_BE);
	n = encode(bad + 1, 2, UTF16_BE, in);
	in[n++] = 'x';
	ck_assert_uint_eq(utf16_decode(&u, in, n, &used, out, sizeof(out)), 4);
	ck_assert_uint_eq(used, n);
	ck_assert_uint_eq(u.first_bad, 2);
	ck_assert_uint_eq(utf16_finish(&u, out, &odd), 3);
	ck_assert_int_eq(odd, 1);
	ck_assert_span(out, 3, "\xef\xbf\xbd");
}
END_TEST

/* Through input: a UTF-16 file comes back as UTF-8, by any capacity. */
static void read_file_by(const unsigned char *bytes, size_t n, size_t cap,
                         struct buf *got)
{
	char path[] = "/tmp/sipwhy-utf16-XXXXXX";
	int fd = mkstemp(path);
	struct input *in;
	char chunk[1000];
	ssize_t r;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	in = input_open(path);
	ck_assert_ptr_nonnull(in);
	while ((r = input_read(in, chunk, cap)) > 0) {
		ck_assert_int_le(r, (ssize_t)cap);
		buf_add(got, chunk, (size_t)r);
	}
	ck_assert_int_eq(r, 0);
	input_close(in);
	unlink(path);
}

START_TEST(test_input_utf16)
{
	unsigned char file[4096];
	struct buf want = {0};
	unsigned u[1024];
	size_t nu = 0, n;
	int errs = diag_errors();

	u[nu++] = 0xfeff;
	for (int rep = 0; rep < 100; rep++)
		for (size_t i = 0; i < 6; i++)
			u[nu++] = units[i];
	for (int rep = 0; rep < 100; rep++)
		buf_adds(&want, utf8);
	n = encode(u, nu, UTF16_BE, file);
	for (size_t cap = 1; cap <= 1000; cap = cap * 3 + 1) {
		struct buf got = {0};

		read_file_by(file, n, cap, &got);
		ck_assert_uint_eq(got.len, want.len);
		ck_assert(memcmp(got.p, want.p, want.len) == 0);
		buf_free(&got);
	}
	/* ASCII without a mark, and an odd last byte: a warning, not an
	   error, and the half character shown */
	{
		static const char text[] = "SIP/2.0 486 Busy Here\r\n";
		struct buf got = {0};

		nu = 0;
		for (size_t i = 0; text[i]; i++)
			u[nu++] = (unsigned char)text[i];
		n = encode(u, nu, UTF16_LE, file);
		file[n++] = 'Z';
		read_file_by(file, n, 1000, &got);
		ck_assert_span(got.p, got.len,
		               "SIP/2.0 486 Busy Here\r\n\xef\xbf\xbd");
		buf_free(&got);
	}
	ck_assert_int_eq(diag_errors(), errs);
	buf_free(&want);
}
END_TEST

Suite *utf16_suite(void)
{
	Suite *s = suite_create("utf16");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_detect_settled);
	tcase_add_test(tc, test_decode_any_split);
	tcase_add_test(tc, test_decode_full);
	tcase_add_test(tc, test_decode_unpaired);
	tcase_add_test(tc, test_input_utf16);
	suite_add_tcase(s, tc);
	return s;
}
