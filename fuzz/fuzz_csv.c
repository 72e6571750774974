/* fuzz_csv.c - the Teams admin center export reader: csv_line on the
 * input's lines, export_header on the first record, export_event on the
 * others, with the failure's explanation.  Oracles: fields stay inside
 * the record count limit; an event's texts escape safely; a quoted field
 * that never closes is cut at the 1 MiB bound, not grown without end. */
#include "common.h"
#include "esc.h"
#include "export.h"
#include "framer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fz_copy(data, size);
	const char *p = t, *e = t + size;
	struct csv c;
	int first = 1;

	fuzz_load_patterns();
	csv_init(&c);
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
		size_t ln = n;

		while (ln > 0 && p[ln - 1] == '\r')
			ln--;
		if (first)
			(void)export_is_header(p, ln);
		if (csv_line(&c, p, ln)) {
			size_t i;

			FUZZ_CHECK(c.nfields <= EXPORT_MAX_FIELDS,
			           "%zu fields", c.nfields);
			for (i = 0; i < c.nfields; i++)
				(void)strlen(csv_field(&c, (int)i));
			(void)csv_field(&c, -1);
			(void)csv_field(&c, EXPORT_MAX_FIELDS + 5);
			if (first) {
				(void)export_header(&c);
				first = 0;
			} else {
				struct record rec;
				struct event ev;
				int k;

				memset(&rec, 0, sizeof(rec));
				k = export_event(&c, &fz_kb, &rec, &ev,
				                 "fuzz.csv");
				if (k == 1) {
					struct buf cause = {0}, action = {0},
					           out = {0};
					const char *doc;

					event_explain(&ev, &cause, &action,
					              &doc);
					esc_text(&out, ev.call_id.p,
					         ev.call_id.n, 0);
					esc_text(&out, ev.ms_text.p,
					         ev.ms_text.n, 0);
					esc_text(&out, rec.peer,
					         strlen(rec.peer), 0);
					fz_check_terminal_safe("export event",
					                       out.p, out.len);
					buf_free(&cause);
					buf_free(&action);
					buf_free(&out);
				}
			}
		}
		FUZZ_CHECK(c.rec.len <= 1024 * 1024 + size + 1,
		           "record buffer of %zu bytes", c.rec.len);
		p = nl ? nl + 1 : e;
	}
	csv_free(&c);
	free(t);
	return 0;
}
