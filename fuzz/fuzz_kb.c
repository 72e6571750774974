/* fuzz_kb.c - kb_load_text and kb_check_text on the input as each of the
 * three tables (microsoft, sip-status, q850), alone or over the shipped
 * tables, then every kind of lookup on what was loaded.  Oracles: lookups
 * return entries of the asked code; kb_free leaves nothing behind
 * (LeakSanitizer). */
#include "common.h"

static const char *const tables[] = {"microsoft", "sip-status", "q850"};
static const char *const files[] = {"microsoft.tsv", "sip-status.tsv",
                                    "q850.tsv"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	unsigned sel = fz_byte(&f);
	unsigned t = sel % 3;
	int strict = (sel >> 2) & 1, over = (sel >> 3) & 1;
	struct kb kb;
	char *text;
	size_t i;

	memset(&kb, 0, sizeof(kb));
	if (over) {
		const char *dir = getenv("SIPWHY_FUZZ_PATTERNS");

		if (kb_load_dir(&kb, dir ? dir : PATTERNS_DIR) < 0)
			abort();
	}
	text = fz_copy(f.p, f.n);
	if (strict)
		(void)kb_check_text(&kb, tables[t], files[t], text, f.n);
	else
		(void)kb_load_text(&kb, tables[t], files[t], text, f.n);
	free(text); /* the kb must own copies of what it keeps */
	for (i = 0; i < kb.nms; i++) {
		const struct ms_entry *e = &kb.ms[i], *k;
		const struct ms_entry *cand[8];

		/* cause, action, doc and note may be NULL (empty) */
		FUZZ_CHECK(e->phrase && e->norm && e->exact,
		           "ms entry %zu has a NULL phrase", i);
		k = kb_ms_code(&kb, e->code, e->sip, e->phrase,
		               strlen(e->phrase));
		FUZZ_CHECK(k != NULL, "code %ld not found again", e->code);
		(void)kb_ms_phrase(&kb, e->sip, e->phrase, strlen(e->phrase),
		                   cand, 8);
		if (e->cause)
			(void)kb_ms_phrase(&kb, 0, e->cause, strlen(e->cause),
			                   cand, 8);
	}
	for (i = 0; i < 700; i++) {
		const struct sip_entry *s = kb_sip(&kb, (int)i);

		FUZZ_CHECK(s == NULL || s->code == (int)i, "sip %zu gave %d",
		           i, s ? s->code : -1);
	}
	for (i = 0; i < 128; i++) {
		const struct q850_entry *q = kb_q850(&kb, (int)i);

		FUZZ_CHECK(q == NULL || q->cause == (int)i, "q850 %zu gave %d",
		           i, q ? q->cause : -1);
	}
	(void)kb_sip(&kb, -1);
	(void)kb_sip(&kb, 700);
	(void)kb_sip(&kb, 100000);
	(void)kb_q850(&kb, -1);
	(void)kb_q850(&kb, 128);
	(void)kb_q850(&kb, 4096);
	kb_free(&kb);
	return 0;
}
