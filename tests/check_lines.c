/* check_lines.c - line splitting must not depend on chunk boundaries:
 * every fixture split at every byte gives the same lines. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lines.h"

static const char *fed; /* what split feeds */

/* Records every line as "no:piece:eol@off:content\n", and checks that a
 * line's bytes are those fed at its offset: annotated output reads them
 * again from the file there (RAW_SPAN). */
static void collect(void *ctx, const struct line *l)
{
	struct buf *b = ctx;

	/* not ck_assert: each one that passes is a write to Check's pipe */
	if (memcmp(fed + l->off, l->p, l->len + l->eol) != 0)
		ck_abort_msg("line %llu is not the bytes at its offset %llu",
		             (unsigned long long)l->no,
		             (unsigned long long)l->off);
	buf_printf(b, "%llu:%u:%zu@%llu:", (unsigned long long)l->no, l->piece,
	           l->eol, (unsigned long long)l->off);
	buf_add(b, l->p, l->len);
	buf_addc(b, '\n');
}

/* Feeds P..P+N to lines_feed_at with the offsets of its line breaks, as
 * the reader thread finds them. */
static void feed_at(struct lines *ls, const char *p, size_t n)
{
	uint32_t *brk = malloc((n + 1) * sizeof(*brk));

	lines_feed_at(ls, p, n, brk, lines_breaks(p, n, brk, n));
	free(brk);
}

/* The lines of P..P+N cut at CUT: the same whether the line breaks are
 * searched for or given. */
static void split(const char *p, size_t n, size_t cap, size_t cut, struct buf *out)
{
	struct lines ls;
	struct buf at = {0};

	fed = p;
	lines_init(&ls, cap, collect, out);
	lines_feed(&ls, p, cut);
	lines_feed(&ls, p + cut, n - cut);
	lines_finish(&ls);
	lines_free(&ls);
	lines_init(&ls, cap, collect, &at);
	feed_at(&ls, p, cut);
	feed_at(&ls, p + cut, n - cut);
	lines_finish(&ls);
	lines_free(&ls);
	ck_assert_msg(at.len == out->len &&
	                  (at.len == 0 || memcmp(at.p, out->p, at.len) == 0),
	              "lines_feed_at differs when cut at %zu", cut);
	buf_free(&at);
}

START_TEST(test_basic)
{
	struct buf out = {0};
	const char *in = "a\nbb\r\nccc\r\r\n\nlast";

	split(in, strlen(in), 1024, 0, &out);
	ck_assert_str_eq(out.p, "1:0:1@0:a\n2:0:2@2:bb\n3:0:3@6:ccc\n"
	                          "4:0:1@12:\n5:0:0@13:last\n");
	buf_free(&out);
}
END_TEST

START_TEST(test_long_line_pieces)
{
	struct buf out = {0};
	const char *in = "0123456789abcdefXYZ\nok\n";
	size_t k, n = strlen(in);
	struct buf first = {0};

	/* cap 8: the 20-byte line (with its LF) is cut at 8 and 16 */
	split(in, n, 8, 0, &first);
	ck_assert_str_eq(first.p, "1:1:0@0:01234567\n1:2:0@8:89abcdef\n"
	                            "1:3:1@16:XYZ\n2:0:1@20:ok\n");
	for (k = 1; k < n; k++) {
		buf_clear(&out);
		split(in, n, 8, k, &out);
		ck_assert_msg(strcmp(out.p, first.p) == 0, "cut at %zu", k);
	}
	buf_free(&out);
	buf_free(&first);
}
END_TEST

START_TEST(test_fixtures_every_split)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	int files = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char path[512];
		char *data;
		size_t n, k;
		struct buf whole = {0}, part = {0};

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, de->d_name);
		data = test_slurp(path, &n);
		split(data, n, 300, 0, &whole); /* a small cap: pieces too */
		for (k = 1; k < n; k++) {
			buf_clear(&part);
			split(data, n, 300, k, &part);
			ck_assert_msg(part.len == whole.len &&
					      memcmp(part.p, whole.p, whole.len) == 0,
				      "%s: lines differ when split at %zu", path, k);
		}
		buf_free(&whole);
		buf_free(&part);
		free(data);
		files++;
	}
	closedir(d);
	ck_assert_int_gt(files, 4);
}
END_TEST

Suite *lines_suite(void)
{
	Suite *s = suite_create("lines");
	TCase *tc = tcase_create("lines");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_long_line_pieces);
	tcase_add_test(tc, test_fixtures_every_split);
	suite_add_tcase(s, tc);
	return s;
}
