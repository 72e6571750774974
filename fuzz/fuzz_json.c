/* fuzz_json.c - what `sipwhy merge` reads: the JSON parser on any bytes,
 * and whatever parses merged into a summary and written out again in
 * every summary style.
 * Oracles: the parser accepts every RFC 8259 text nested no deeper than
 * its limit (the strict checker of common.h says which are); the text
 * and Markdown summaries are terminal-safe; the JSON summary is one valid
 * JSON value, and merging it again gives it back unchanged (a summary
 * read from a file is the one written). */
#include "common.h"
#include "json.h"
#include "summary.h"

/* The deepest nesting of [ and { outside strings. */
static int nesting(const char *p, size_t n)
{
	int d = 0, max = 0, str = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				str = 0;
		} else if (p[i] == '"') {
			str = 1;
		} else if (p[i] == '[' || p[i] == '{') {
			if (++d > max)
				max = d;
		} else if (p[i] == ']' || p[i] == '}') {
			d--;
		}
	}
	return max;
}

static void written(struct summary *s, struct buf *json)
{
	struct buf b = {0};

	summary_text(s, &b, "[sipwhy] ");
	fz_check_terminal_safe("summary text", b.p ? b.p : "", b.len);
	buf_clear(&b);
	summary_markdown(s, &b);
	fz_check_terminal_safe("summary markdown", b.p ? b.p : "", b.len);
	buf_free(&b);
	summary_json(s, json);
	FUZZ_CHECK(json->len > 0 && json->p[json->len - 1] == '\n',
	           "the JSON summary is not a line");
	FUZZ_CHECK(fz_is_json(json->p, json->len - 1),
	           "the JSON summary is not JSON: %.*s",
	           (int)(json->len > 400 ? 400 : json->len), json->p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fz_copy(data, size);
	char err[128];
	struct jv *v = json_parse(t, size, err, sizeof(err));

	fuzz_load_patterns();
	if (v == NULL)
		FUZZ_CHECK(!fz_is_json(t, size) || nesting(t, size) > 64,
		           "valid JSON refused: %s", err);
	if (v != NULL) {
		struct summary *s = summary_new(), *again;
		struct buf one = {0}, two = {0}, why = {0};
		struct jv *w;

		if (summary_merge_json(s, v, &why) == 0) {
			written(s, &one);
			w = json_parse(one.p, one.len, err, sizeof(err));
			FUZZ_CHECK(w != NULL, "own summary refused: %s", err);
			again = summary_new();
			FUZZ_CHECK(summary_merge_json(again, w, &why) == 0,
			           "own summary refused: %s", why.p);
			written(again, &two);
			FUZZ_CHECK(
			    one.len == two.len &&
			        memcmp(one.p, two.p, one.len) == 0,
			    "merged again, the summary changed:\n%.*s\n%.*s",
			    (int)one.len, one.p, (int)two.len, two.p);
			json_free(w);
			summary_free(again);
		}
		buf_free(&one);
		buf_free(&two);
		buf_free(&why);
		summary_free(s);
		json_free(v);
	}
	free(t);
	return 0;
}
