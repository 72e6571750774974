/* check_input.c - plain and gzip input: every concatenated member, and
 * truncated, corrupt or trailing-junk gzip reported with the data before
 * the damage still delivered. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "input.h"
#include "util.h"

static char tmpl[64];

static void gz_member(struct buf *out, const char *text, size_t n)
{
	z_stream zs;
	unsigned char tmp[65536];

	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)text;
	zs.avail_in = (uInt)n;
	do {
		zs.next_out = tmp;
		zs.avail_out = sizeof(tmp);
		deflate(&zs, Z_FINISH);
		buf_add(out, tmp, sizeof(tmp) - zs.avail_out);
	} while (zs.avail_out == 0);
	deflateEnd(&zs);
}

/* Chunks from the reader thread that came with their line breaks. */
static int indexed;

/* The line breaks the reader thread noted for a chunk are all of them. */
static void check_breaks(const struct input *in, const char *p, size_t n)
{
	size_t nbrk, i, k = 0;
	const uint32_t *brk = input_breaks(in, &nbrk);

	if (brk == NULL)
		return;
	indexed++;
	for (i = 0; i < n; i++)
		if (p[i] == '\n') {
			ck_assert_uint_lt(k, nbrk);
			ck_assert_uint_eq(brk[k], i);
			k++;
		}
	ck_assert_uint_eq(k, nbrk);
}

/* Writes BYTES to a temporary file and reads it back through input, by
 * input_read in small odd chunks, or with AHEAD by the reader thread. */
static int read_back_by(const char *bytes, size_t n, struct buf *got,
			int ahead)
{
	int fd, errs = diag_errors();
	struct input *in;
	char chunk[777]; /* an odd size to cross member boundaries */
	const char *p;
	ssize_t r;

	strcpy(tmpl, "/tmp/sipwhy-input-XXXXXX");
	fd = mkstemp(tmpl);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	in = input_open(tmpl);
	ck_assert_ptr_nonnull(in);
	if (ahead) {
		ck_assert_int_eq(input_read_ahead(in), 0);
		while ((r = input_next(in, &p)) > 0) {
			check_breaks(in, p, (size_t)r);
			buf_add(got, p, (size_t)r);
		}
		/* the end stays the end */
		ck_assert_int_eq(input_next(in, &p), 0);
	} else {
		while ((r = input_read(in, chunk, sizeof(chunk))) > 0)
			buf_add(got, chunk, (size_t)r);
	}
	input_close(in);
	unlink(tmpl);
	return diag_errors() - errs + (r < 0 ? 100 : 0);
}

/* Both ways must give the same bytes and the same errors. */
static int read_back(const char *bytes, size_t n, struct buf *got)
{
	struct buf other = {0};
	int rc = read_back_by(bytes, n, got, 0);

	ck_assert_int_eq(read_back_by(bytes, n, &other, 1), rc);
	ck_assert_uint_eq(other.len, got->len);
	ck_assert(other.len == 0 || memcmp(other.p, got->p, got->len) == 0);
	buf_free(&other);
	return rc;
}

START_TEST(test_plain_and_empty)
{
	struct buf got = {0};

	ck_assert_int_eq(read_back("", 0, &got), 0);
	ck_assert_uint_eq(got.len, 0);
	ck_assert_int_eq(read_back("x", 1, &got), 0); /* one byte, not gzip */
	ck_assert_uint_eq(got.len, 1);
	buf_clear(&got);
	/* a lone 0x1f is not the gzip magic */
	ck_assert_int_eq(read_back("\x1f", 1, &got), 0);
	ck_assert_uint_eq(got.len, 1);
	buf_free(&got);
}
END_TEST

START_TEST(test_gzip_members)
{
	struct buf gz = {0}, got = {0}, want = {0};
	int i;

	for (i = 0; i < 3; i++) {
		char line[64];
		int k;

		for (k = 0; k < 500; k++) {
			int l = snprintf(line, sizeof(line), "member %d line %d\n", i, k);

			buf_add(&want, line, (size_t)l);
			gz_member(&gz, line, (size_t)l); /* many tiny members */
		}
	}
	gz_member(&gz, "", 0); /* an empty member is valid too */
	ck_assert_int_eq(read_back(gz.p, gz.len, &got), 0);
	ck_assert_uint_eq(got.len, want.len);
	ck_assert(memcmp(got.p, want.p, want.len) == 0);
	buf_free(&gz);
	buf_free(&got);
	buf_free(&want);
}
END_TEST

START_TEST(test_gzip_truncated)
{
	struct buf gz = {0}, got = {0}, text = {0};
	int i;

	for (i = 0; i < 20000; i++)
		buf_printf(&text, "SIP/2.0 480 Temporarily Unavailable %d\n", i);
	gz_member(&gz, text.p, text.len);
	/* cut in the middle: an error, and the bytes before are delivered */
	ck_assert_int_ge(read_back(gz.p, gz.len / 2, &got), 1);
	ck_assert_uint_gt(got.len, 0);
	ck_assert_uint_lt(got.len, text.len);
	ck_assert(memcmp(got.p, text.p, got.len) == 0);
	buf_clear(&got);
	/* only the 10-byte header */
	ck_assert_int_ge(read_back(gz.p, 10, &got), 1);
	ck_assert_uint_eq(got.len, 0);
	buf_free(&gz);
	buf_free(&got);
	buf_free(&text);
}
END_TEST

START_TEST(test_read_ahead_large)
{
	struct buf text = {0}, gz = {0}, got = {0};
	int i;

	/* several times the reader's ring, plain and in two members */
	for (i = 0; i < 200000; i++)
		buf_printf(&text, "%d INVITE sip:+1555%07d@example.net\n", i, i);
	indexed = 0;
	ck_assert_int_eq(read_back(text.p, text.len, &got), 0);
	ck_assert_int_gt(indexed, 8); /* the line breaks came with them */
	ck_assert_uint_eq(got.len, text.len);
	ck_assert(memcmp(got.p, text.p, text.len) == 0);
	buf_clear(&got);
	gz_member(&gz, text.p, text.len / 2);
	gz_member(&gz, text.p + text.len / 2, text.len - text.len / 2);
	indexed = 0;
	ck_assert_int_eq(read_back(gz.p, gz.len, &got), 0);
	ck_assert_int_eq(indexed, 0); /* the inflating reader has no time */
	ck_assert_uint_eq(got.len, text.len);
	ck_assert(memcmp(got.p, text.p, text.len) == 0);
	buf_clear(&got);
	/* cut short: the error is counted once, the data before it kept */
	ck_assert_int_eq(read_back(gz.p, gz.len - 100, &got), 101);
	ck_assert_uint_gt(got.len, text.len / 2);
	ck_assert(memcmp(got.p, text.p, got.len) == 0);
	buf_clear(&got);
	/* empty lines only: more breaks than a chunk notes, so none are
	   given (check_breaks fails on a wrong list); a last line without
	   its break */
	buf_clear(&text);
	for (i = 0; i < 600000; i++)
		buf_addc(&text, '\n');
	buf_adds(&text, "end");
	indexed = 0;
	ck_assert_int_eq(read_back(text.p, text.len, &got), 0);
	ck_assert_uint_eq(got.len, text.len);
	ck_assert_int_lt(indexed, 3); /* only the tail can be listed */
	buf_free(&text);
	buf_free(&gz);
	buf_free(&got);
}
END_TEST

START_TEST(test_gzip_junk_and_corrupt)
{
	struct buf gz = {0}, got = {0};

	gz_member(&gz, "hello\n", 6);
	buf_add(&gz, "JUNK after the member", 21);
	/* trailing junk: a warning, not an error; the data is all there */
	ck_assert_int_eq(read_back(gz.p, gz.len, &got), 0);
	ck_assert_uint_eq(got.len, 6);
	ck_assert(memcmp(got.p, "hello\n", 6) == 0);
	buf_clear(&gz);
	buf_clear(&got);
	gz_member(&gz, "hello world, hello world, hello world\n", 38);
	gz.p[12] ^= 0x55; /* damage the deflate data */
	ck_assert_int_ge(read_back(gz.p, gz.len, &got), 1);
	buf_free(&gz);
	buf_free(&got);
}
END_TEST

START_TEST(test_unreadable)
{
	int errs = diag_errors();
	struct input *in = input_open("/nonexistent/sipwhy/file");
	char c;

	ck_assert_ptr_null(in);
	ck_assert_int_eq(diag_errors(), errs + 1);
	in = input_open("/tmp"); /* a directory opens, but read fails */
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(input_read(in, &c, 1), -1);
	ck_assert_int_eq(diag_errors(), errs + 2);
	input_close(in);
}
END_TEST

Suite *input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("input");

	tcase_add_test(tc, test_plain_and_empty);
	tcase_add_test(tc, test_gzip_members);
	tcase_add_test(tc, test_gzip_truncated);
	tcase_add_test(tc, test_gzip_junk_and_corrupt);
	tcase_add_test(tc, test_read_ahead_large);
	tcase_add_test(tc, test_unreadable);
	suite_add_tcase(s, tc);
	return s;
}
