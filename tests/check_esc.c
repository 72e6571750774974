/* check_esc.c - escaping for terminals and JSON (esc.c). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "esc.h"
#include "util.h"

/* An exact-size heap copy, so AddressSanitizer sees reads past the end. */
static char *dup_exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	return p;
}

static void text_is(const char *in, size_t n, int keep_tab, const char *want)
{
	struct buf b = {0};
	char *p = dup_exact(in, n);

	esc_text(&b, p, n, keep_tab);
	ck_assert_msg(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
		      "esc_text gave \"%s\", expected \"%s\"", b.p, want);
	buf_free(&b);
	free(p);
}
#define TEXT_IS(lit, keep, want) text_is(lit, sizeof(lit) - 1, keep, want)

static void json_is(const char *in, size_t n, const char *want)
{
	struct buf b = {0};
	char *p = dup_exact(in, n);

	esc_json(&b, p, n);
	ck_assert_msg(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
		      "esc_json gave \"%s\", expected \"%s\"", b.p, want);
	buf_free(&b);
	free(p);
}
#define JSON_IS(lit, want) json_is(lit, sizeof(lit) - 1, want)

/* Strict UTF-8 check, written independently of utf8_len. */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], cp, len, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* No C0 control (but tab if allowed), no DEL, no C1 control (U+0080 to
   U+009F, encoded c2 80..c2 9f), and valid UTF-8. */
static void assert_safe(const struct buf *b, int tab_ok)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];

		ck_assert_msg(c >= 0x20 || (tab_ok && c == '\t'),
			      "control byte 0x%02x at %zu", c, i);
		ck_assert_msg(c != 0x7f, "DEL at %zu", i);
		if (c == 0xc2 && i + 1 < b->len)
			ck_assert_msg((unsigned char)b->p[i + 1] >= 0xa0,
				      "C1 control at %zu", i);
		if (c == 0xd8 && i + 1 < b->len)
			ck_assert_msg((unsigned char)b->p[i + 1] != 0x9c,
				      "U+061C at %zu", i);
		if (c == 0xe2 && i + 2 < b->len) {
			unsigned cp = 0x2000 |
				      ((unsigned char)b->p[i + 1] & 0x3fu) << 6 |
				      ((unsigned char)b->p[i + 2] & 0x3fu);

			ck_assert_msg(!(cp == 0x200e || cp == 0x200f ||
					(cp >= 0x2028 && cp <= 0x202e) ||
					(cp >= 0x2066 && cp <= 0x2069)),
				      "U+%04X at %zu", cp, i);
		}
	}
	ck_assert_msg(valid_utf8((const unsigned char *)b->p, b->len),
		      "output is not valid UTF-8");
}

/* ---- esc_text ---- */

START_TEST(test_text_plain)
{
	TEXT_IS("SIP/2.0 480 Temporarily Unavailable", 0,
		"SIP/2.0 480 Temporarily Unavailable");
	TEXT_IS("", 0, "");
	TEXT_IS("~ !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}", 0,
		"~ !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}");
}
END_TEST

START_TEST(test_text_controls)
{
	TEXT_IS("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
	TEXT_IS("bell\a", 0, "bell\\x07");
	TEXT_IS("line\r\n", 0, "line\\x0d\\x0a");
	TEXT_IS("del\x7f", 0, "del\\x7f");
	TEXT_IS("nul\0x", 0, "nul\\x00x");
	TEXT_IS("\x01\x1f", 0, "\\x01\\x1f");
	/* tab: kept only when asked */
	TEXT_IS("a\tb", 1, "a\tb");
	TEXT_IS("a\tb", 0, "a\\x09b");
	/* keep_tab keeps nothing else */
	TEXT_IS("\t\x1b", 1, "\t\\x1b");
}
END_TEST

START_TEST(test_text_c1)
{
	/* CSI as UTF-8 (U+009B) and NEL (U+0085): controls on a terminal */
	TEXT_IS("a\xc2\x9b" "31m", 0, "a\\xc2\\x9b31m");
	TEXT_IS("\xc2\x85", 0, "\\xc2\\x85");
	TEXT_IS("\xc2\x80\xc2\x9f", 0, "\\xc2\\x80\\xc2\\x9f");
	/* U+00A0 and above are text */
	TEXT_IS("\xc2\xa0\xc2\xa9", 0, "\xc2\xa0\xc2\xa9");
	/* a raw C1 byte is invalid UTF-8 */
	TEXT_IS("\x9b", 0, "\\x9b");
}
END_TEST

/* Characters that reorder a line or break it (a right-to-left override
 * makes "gpj.exe" read as "exe.jpg"): shown as their bytes. */
START_TEST(test_text_bidi)
{
	TEXT_IS("a\xe2\x80\xae" "b", 0, "a\\xe2\\x80\\xaeb"); /* RLO */
	TEXT_IS("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
		"\\xe2\\x80\\xaa\\xe2\\x80\\xab"
		"\\xe2\\x80\\xac\\xe2\\x80\\xad");
	TEXT_IS("\xe2\x81\xa6\xe2\x81\xa9", 0,
		"\\xe2\\x81\\xa6\\xe2\\x81\\xa9"); /* LRI, PDI */
	TEXT_IS("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0,
		"\\xe2\\x80\\x8e\\xe2\\x80\\x8f\\xd8\\x9c"); /* LRM RLM ALM */
	TEXT_IS("\xe2\x80\xa8\xe2\x80\xa9", 0,
		"\\xe2\\x80\\xa8\\xe2\\x80\\xa9"); /* LS, PS */
	/* their neighbours are text */
	TEXT_IS("\xe2\x80\x8d\xe2\x80\x90\xe2\x80\xa7\xe2\x80\xaf"
		"\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b\xd8\x9d", 0,
		"\xe2\x80\x8d\xe2\x80\x90\xe2\x80\xa7\xe2\x80\xaf"
		"\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b\xd8\x9d");
	JSON_IS("a\xe2\x80\xae" "b\xd8\x9c\xe2\x80\xa8",
		"a\\u202eb\\u061c\\u2028");
	JSON_IS("\xe2\x81\xa9\xe2\x80\x8e", "\\u2069\\u200e");
}
END_TEST

/* Every character of the Basic Multilingual Plane, alone: what esc_text
 * and esc_json keep is valid UTF-8 with nothing hidden in it. */
START_TEST(test_text_every_bmp)
{
	struct buf b = {0};
	unsigned cp;

	for (cp = 0; cp < 0x10000; cp++) {
		unsigned char s[3];
		size_t n;

		if (cp >= 0xd800 && cp < 0xe000)
			continue;
		if (cp < 0x80) {
			s[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			s[0] = (unsigned char)(0xc0 | cp >> 6);
			s[1] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 2;
		} else {
			s[0] = (unsigned char)(0xe0 | cp >> 12);
			s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			s[2] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 3;
		}
		buf_clear(&b);
		esc_text(&b, (const char *)s, n, 0);
		assert_safe(&b, 0);
		buf_clear(&b);
		esc_json(&b, (const char *)s, n);
		assert_safe(&b, 0);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_text_invalid_utf8)
{
	TEXT_IS("\xff", 0, "\\xff");
	TEXT_IS("a\xfe" "b", 0, "a\\xfeb");
	/* truncated sequences, at the end and in the middle */
	TEXT_IS("\xe2\x86", 0, "\\xe2\\x86");
	TEXT_IS("\xe2\x86z", 0, "\\xe2\\x86z");
	TEXT_IS("\xf0\x9f\x98", 0, "\\xf0\\x9f\\x98");
	TEXT_IS("\xc3", 0, "\\xc3");
	/* overlong encodings */
	TEXT_IS("\xc0\xaf", 0, "\\xc0\\xaf");
	TEXT_IS("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
	TEXT_IS("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");
	/* UTF-16 surrogates */
	TEXT_IS("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	TEXT_IS("\xed\xbf\xbf", 0, "\\xed\\xbf\\xbf");
	/* beyond U+10FFFF */
	TEXT_IS("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	/* a lone continuation byte */
	TEXT_IS("\x80", 0, "\\x80");
	/* C2 at the very end */
	TEXT_IS("x\xc2", 0, "x\\xc2");
}
END_TEST

START_TEST(test_text_valid_utf8)
{
	TEXT_IS("caf\xc3\xa9", 0, "caf\xc3\xa9");			/* é */
	TEXT_IS("a \xe2\x86\x92 b", 0, "a \xe2\x86\x92 b");		/* → */
	TEXT_IS("\xf0\x9f\x98\x80!", 0, "\xf0\x9f\x98\x80!");	/* 😀 */
	TEXT_IS("\xe4\xb8\xad\xe6\x96\x87", 0, "\xe4\xb8\xad\xe6\x96\x87");
	TEXT_IS("\xed\x9f\xbf", 0, "\xed\x9f\xbf");			/* U+D7FF */
	TEXT_IS("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf");		/* U+10FFFF */
	TEXT_IS("\xef\xbb\xbf", 0, "\xef\xbb\xbf");			/* BOM */
}
END_TEST

START_TEST(test_text_appends)
{
	struct buf b = {0};

	buf_adds(&b, "pre:");
	esc_text(&b, "\x1b", 1, 0);
	ck_assert_str_eq(b.p, "pre:\\x1b");
	buf_free(&b);
}
END_TEST

/* ---- esc_json and json_str ---- */

START_TEST(test_json_escapes)
{
	JSON_IS("plain text", "plain text");
	JSON_IS("", "");
	JSON_IS("say \"hi\"", "say \\\"hi\\\"");
	JSON_IS("C:\\path\\", "C:\\\\path\\\\");
	JSON_IS("a\nb\r\t", "a\\u000ab\\u000d\\u0009");
	JSON_IS("\x1b[0m", "\\u001b[0m");
	JSON_IS("\0", "\\u0000");
	JSON_IS("\x1f\x7f", "\\u001f\\u007f");
	JSON_IS("\xc2\x9b", "\\u009b");
	JSON_IS("/<>&'", "/<>&'");
}
END_TEST

START_TEST(test_json_utf8)
{
	JSON_IS("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80",
		"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80");
	JSON_IS("\xff", "\\ufffd");
	JSON_IS("a\xc0\xaf" "b", "a\\ufffd\\ufffdb");
	JSON_IS("\xe2\x86", "\\ufffd\\ufffd");
	JSON_IS("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");
	JSON_IS("\x80x", "\\ufffdx");
	JSON_IS("x\xc2", "x\\ufffd");
}
END_TEST

START_TEST(test_json_str)
{
	struct buf b = {0};

	json_str(&b, NULL, 5);
	ck_assert_str_eq(b.p, "null");
	buf_clear(&b);
	json_str(&b, "", 0);
	ck_assert_str_eq(b.p, "\"\"");
	buf_clear(&b);
	json_str(&b, "a\"b\n", 4);
	ck_assert_str_eq(b.p, "\"a\\\"b\\u000a\"");
	/* appends */
	buf_addc(&b, ',');
	json_str(&b, NULL, 0);
	json_str(&b, "xyz", 2);
	ck_assert_str_eq(b.p, "\"a\\\"b\\u000a\",null\"xy\"");
	buf_free(&b);
}
END_TEST

/* ---- every byte value, and random bytes ---- */

START_TEST(test_all_bytes)
{
	unsigned char all[256];
	struct buf b = {0};
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	esc_text(&b, (const char *)all, sizeof(all), 0);
	assert_safe(&b, 0);
	buf_clear(&b);
	esc_text(&b, (const char *)all, sizeof(all), 1);
	assert_safe(&b, 1);
	ck_assert_ptr_nonnull(memchr(b.p, '\t', b.len));
	buf_clear(&b);
	esc_json(&b, (const char *)all, sizeof(all));
	assert_safe(&b, 0);
	buf_free(&b);
}
END_TEST

/* In JSON output, every '"' must be escaped by an odd run of '\'. */
static void assert_json_quotes(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->p[i] == '"') {
			size_t k = 0;

			while (k < i && b->p[i - 1 - k] == '\\')
				k++;
			ck_assert_msg(k % 2 == 1, "unescaped quote at %zu", i);
		}
	/* and it must not end inside an escape */
	if (b->len > 0 && b->p[b->len - 1] == '\\') {
		size_t k = 0;

		while (k < b->len && b->p[b->len - 1 - k] == '\\')
			k++;
		ck_assert_msg(k % 2 == 0, "output ends with a lone backslash");
	}
}

START_TEST(test_random_bytes)
{
	/* random strings biased toward the interesting bytes */
	static const unsigned char pick[] = {
		0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x20, 0x22, 0x5c,
		0x41, 0x7e, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xa0, 0xbf, 0xc0,
		0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4,
		0xf5, 0xff, 0x86, 0x92, 0x98, 0xa9};
	unsigned long seed = 987654321;
	int round;

	for (round = 0; round < 20000; round++) {
		unsigned char s[48];
		char *p;
		size_t n, i;
		struct buf b = {0};

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = (seed >> 33) % sizeof(s);
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			s[i] = (seed >> 40) & 1 ? (unsigned char)(seed >> 48)
						: pick[(seed >> 33) % sizeof(pick)];
		}
		p = dup_exact((const char *)s, n);
		esc_text(&b, p, n, round & 1);
		assert_safe(&b, round & 1);
		/* valid, control-free input passes through unchanged */
		if (valid_utf8(s, n)) {
			int clean = 1;

			for (i = 0; i < n; i++)
				if (s[i] < 0x20 || s[i] == 0x7f ||
				    (s[i] == 0xc2 && i + 1 < n && s[i + 1] < 0xa0))
					clean = clean && (s[i] == '\t' && (round & 1));
			if (clean)
				ck_assert(b.len == n && memcmp(b.p, s, n) == 0);
		}
		buf_clear(&b);
		esc_json(&b, p, n);
		assert_safe(&b, 0);
		assert_json_quotes(&b);
		buf_free(&b);
		free(p);
	}
}
END_TEST

/* ---- utf8_len ---- */

static size_t ulen(const char *s, size_t n)
{
	char *p = dup_exact(s, n);
	size_t r = utf8_len((const unsigned char *)p, n);

	free(p);
	return r;
}
#define ULEN(lit) ulen(lit, sizeof(lit) - 1)

START_TEST(test_utf8_len)
{
	ck_assert_uint_eq(ULEN("a"), 1);
	ck_assert_uint_eq(ULEN("\x7f"), 1);
	ck_assert_uint_eq(ulen("\0", 1), 1);
	ck_assert_uint_eq(ULEN("ab"), 1);
	ck_assert_uint_eq(ULEN("\xc3\xa9"), 2);
	ck_assert_uint_eq(ULEN("\xc2\x80"), 2);
	ck_assert_uint_eq(ULEN("\xdf\xbf"), 2);
	ck_assert_uint_eq(ULEN("\xe2\x86\x92"), 3);
	ck_assert_uint_eq(ULEN("\xe0\xa0\x80"), 3);		/* U+0800 */
	ck_assert_uint_eq(ULEN("\xed\x9f\xbf"), 3);		/* U+D7FF */
	ck_assert_uint_eq(ULEN("\xee\x80\x80"), 3);		/* U+E000 */
	ck_assert_uint_eq(ULEN("\xef\xbf\xbf"), 3);		/* U+FFFF */
	ck_assert_uint_eq(ULEN("\xf0\x9f\x98\x80"), 4);
	ck_assert_uint_eq(ULEN("\xf0\x90\x80\x80"), 4);	/* U+10000 */
	ck_assert_uint_eq(ULEN("\xf4\x8f\xbf\xbf"), 4);	/* U+10FFFF */
	ck_assert_uint_eq(ULEN("\xf0\x9f\x98\x80xyz"), 4);
}
END_TEST

START_TEST(test_utf8_len_invalid)
{
	ck_assert_uint_eq(ULEN("\x80"), 0);
	ck_assert_uint_eq(ULEN("\xbf"), 0);
	ck_assert_uint_eq(ULEN("\xc0\x80"), 0);	/* overlong NUL */
	ck_assert_uint_eq(ULEN("\xc0\xaf"), 0);
	ck_assert_uint_eq(ULEN("\xc1\xbf"), 0);
	ck_assert_uint_eq(ULEN("\xc2\x41"), 0);	/* bad continuation */
	ck_assert_uint_eq(ULEN("\xc2\xc3"), 0);
	ck_assert_uint_eq(ULEN("\xc3"), 0);		/* truncated */
	ck_assert_uint_eq(ULEN("\xe2\x86"), 0);
	ck_assert_uint_eq(ULEN("\xf0\x9f\x98"), 0);
	ck_assert_uint_eq(ulen("\xe2\x86\x92", 2), 0);	/* n honoured */
	ck_assert_uint_eq(ULEN("\xe0\x80\x80"), 0);	/* overlong */
	ck_assert_uint_eq(ULEN("\xe0\x9f\xbf"), 0);
	ck_assert_uint_eq(ULEN("\xf0\x8f\xbf\xbf"), 0);
	ck_assert_uint_eq(ULEN("\xed\xa0\x80"), 0);	/* surrogates */
	ck_assert_uint_eq(ULEN("\xed\xbf\xbf"), 0);
	ck_assert_uint_eq(ULEN("\xf4\x90\x80\x80"), 0);	/* > U+10FFFF */
	ck_assert_uint_eq(ULEN("\xf5\x80\x80\x80"), 0);
	ck_assert_uint_eq(ULEN("\xf8\x88\x80\x80\x80"), 0);
	ck_assert_uint_eq(ULEN("\xfe"), 0);
	ck_assert_uint_eq(ULEN("\xff"), 0);
	ck_assert_uint_eq(ULEN("\xe2\x41\x92"), 0);
	ck_assert_uint_eq(ULEN("\xf0\x9f\x41\x80"), 0);
}
END_TEST

Suite *esc_suite(void)
{
	Suite *s = suite_create("esc");
	TCase *tc;

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_plain);
	tcase_add_test(tc, test_text_controls);
	tcase_add_test(tc, test_text_c1);
	tcase_add_test(tc, test_text_bidi);
	tcase_add_test(tc, test_text_every_bmp);
	tcase_add_test(tc, test_text_invalid_utf8);
	tcase_add_test(tc, test_text_valid_utf8);
	tcase_add_test(tc, test_text_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_json_utf8);
	tcase_add_test(tc, test_json_str);
	suite_add_tcase(s, tc);

	tc = tcase_create("robust");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_all_bytes);
	tcase_add_test(tc, test_random_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8_len");
	tcase_add_test(tc, test_utf8_len);
	tcase_add_test(tc, test_utf8_len_invalid);
	suite_add_tcase(s, tc);
	return s;
}
