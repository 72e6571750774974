/* fuzz_text.c - the small readers of untrusted text: the escapers for
 * terminals and JSON, UTF-8 lengths, phrase normalisation, time stamps
 * with a fuzzer-chosen format, the unescaping of log line breaks, the SIP
 * start line test, number spans, and `sipwhy explain` on an argument.
 * Oracles: escaped text is terminal-safe; JSON strings are valid JSON;
 * parsed times are in range; explain's output is terminal-safe. */
#define _GNU_SOURCE
#include "common.h"
#include "esc.h"
#include "explain.h"
#include "framer.h"
#include "logtime.h"
#include "sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	unsigned sel = fz_byte(&f);
	const char *bar = memchr(f.p, '|', f.n);
	size_t fl = bar ? (size_t)(bar - (const char *)f.p) : 0;
	char *all = fz_copy(f.p, f.n);
	struct buf b = {0};
	size_t i;

	fuzz_load_patterns();
	/* escapers */
	esc_text(&b, all, f.n, sel & 1);
	fz_check_terminal_safe("esc_text", b.p ? b.p : "", b.len);
	buf_clear(&b);
	json_str(&b, all, f.n);
	FUZZ_CHECK(fz_is_json(b.p, b.len), "json_str output is not JSON");
	buf_clear(&b);
	for (i = 0; i < f.n; i++)
		(void)utf8_len((const unsigned char *)all + i, f.n - i);
	kb_normalize(all, f.n, &b);
	FUZZ_CHECK(b.len <= 4 * f.n + 1, "normalised text of %zu from %zu",
	           b.len, f.n);
	buf_clear(&b);
	framer_unescape(sel & 0xf, all, f.n, &b);
	FUZZ_CHECK(b.len <= f.n, "unescaping grew the text");
	buf_clear(&b);
	(void)sip_is_start_line(all, f.n);
	(void)span_uint(all, f.n, (long long)sel << 20);
	(void)span_icase_find(all, f.n, "reason");
	/* a time stamp: "format|stamp" */
	if (bar) {
		char *fmt = xmemdup(f.p, fl);
		struct logtime t;
		char iso[64];

		memset(&t, 0, sizeof(t));
		if (logtime_parse(fmt, all + fl + 1, f.n - fl - 1, 2025, &t) ==
		    0) {
			FUZZ_CHECK(t.mon >= 0 && t.mon <= 12 && t.day >= 0 &&
			               t.day <= 31 && t.hour >= 0 &&
			               t.hour <= 24 && t.min >= 0 &&
			               t.min <= 60 && t.sec >= 0 &&
			               t.sec <= 61 && t.usec >= 0 &&
			               t.usec < 1000000,
			           "time out of range: %d-%d-%d %d:%d:%d.%ld",
			           t.year, t.mon, t.day, t.hour, t.min, t.sec,
			           t.usec);
			logtime_iso(&t, iso, sizeof(iso));
			FUZZ_CHECK(strlen(iso) < 40, "iso time %s", iso);
			(void)logtime_key(&t);
		}
		free(fmt);
	}
	/* sipwhy explain ARG (argument strings cannot hold NUL) */
	if ((sel & 0x30) == 0x30 && f.n < 512) {
		char *arg = xmemdup(f.p, f.n);
		char *argv[2];
		char *out = NULL;
		size_t outn = 0;
		FILE *fp = open_memstream(&out, &outn);

		argv[0] = arg;
		argv[1] = NULL;
		(void)explain_args(&fz_kb, 1, argv, fp);
		fclose(fp);
		/* explain writes to a terminal: an argument pasted from a
		   log must not come out as control sequences either */
		if (!fz_ignored("explain-tty"))
			fz_check_terminal_safe("explain output",
			                       out ? out : "", outn);
		free(out);
		free(arg);
	}
	buf_free(&b);
	free(all);
	return 0;
}
