/* fuzz_reason.c - reason_parse on a Reason header value, appending to
 * an array that may already hold values.  Oracles: the count never passes
 * REASON_MAX nor goes down; every span lies inside the value; the GUID is
 * 36 characters; the phrase and text escape to terminal-safe text and
 * valid JSON; the loose phrase match of the tables does not misbehave. */
#include "common.h"
#include "esc.h"
#include "reason.h"

static void in_value(const char *what, const char *p, size_t n,
                     const char *v, size_t vn)
{
	if (n == 0 && p == NULL)
		return;
	FUZZ_CHECK(p != NULL && p >= v && p + n <= v + vn,
	           "%s span outside the value (%zu bytes)", what, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	size_t have = fz_byte(&f) % (REASON_MAX + 1), got, i;
	struct reason r[REASON_MAX];
	char *v;
	struct buf b = {0};

	fuzz_load_patterns();
	memset(r, 0, sizeof(r));
	for (i = 0; i < have; i++)
		r[i].cause = -1;
	v = fz_copy(f.p, f.n);
	got = reason_parse(v, f.n, r, have);
	FUZZ_CHECK(got >= have && got <= REASON_MAX, "%zu values after %zu",
	           got, have);
	for (i = have; i < got; i++) {
		const struct ms_entry *cand[8];

		in_value("protocol", r[i].protocol, r[i].protocol_len, v, f.n);
		if (r[i].has_text)
			in_value("text", r[i].text, r[i].text_len, v, f.n);
		if (r[i].guid) {
			in_value("guid", r[i].guid, r[i].guid_len, v, f.n);
			FUZZ_CHECK(r[i].guid_len == 36, "guid of %zu",
			           r[i].guid_len);
		}
		if (r[i].phrase)
			in_value("phrase", r[i].phrase, r[i].phrase_len, v,
			         f.n);
		FUZZ_CHECK(r[i].cause >= -1, "cause %d", r[i].cause);
		buf_clear(&b);
		esc_text(&b, r[i].phrase ? r[i].phrase : "", r[i].phrase_len,
		         0);
		esc_text(&b, r[i].protocol ? r[i].protocol : "",
		         r[i].protocol_len, 0);
		fz_check_terminal_safe("escaped reason", b.p, b.len);
		buf_clear(&b);
		json_str(&b, r[i].has_text ? r[i].text : NULL, r[i].text_len);
		FUZZ_CHECK(fz_is_json(b.p, b.len), "json_str of the text");
		if (r[i].phrase)
			(void)kb_ms_phrase(&fz_kb, 480, r[i].phrase,
			                   r[i].phrase_len, cand, 8);
		if (r[i].code >= 0)
			(void)kb_ms_code(&fz_kb, r[i].code, 480, r[i].phrase,
			                 r[i].phrase_len);
	}
	buf_free(&b);
	free(v);
	return 0;
}
