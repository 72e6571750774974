/* fuzz_sip.c - sip_parse on one message's text, then everything that
 * reads a parsed message: the header lookups, CSeq, the URI helpers, the
 * call table and, for a failing response, the event with its explanation.
 * Oracles: every span the parser hands out lies inside the text; header
 * counts add up; sip_peek_cseq agrees with sip_cseq when it answers; the
 * explanation's texts are terminal-safe once escaped. */
#include "calls.h"
#include "common.h"
#include "esc.h"
#include "event.h"
#include "sip.h"

static void in_text(const char *what, const char *p, size_t n,
                    const char *t, size_t tn)
{
	if (n == 0)
		return;
	FUZZ_CHECK(p != NULL && p >= t && p + n <= t + tn,
	           "%s span [%p,+%zu) outside the text [%p,+%zu)", what,
	           (const void *)p, n, (const void *)t, tn);
}

static struct sip_msg m; /* large: keep it off the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fz_copy(data, size);
	size_t i;
	const char *up;
	size_t un;
	long num;
	const char *meth;
	size_t mlen;

	fuzz_load_patterns();
	(void)sip_is_start_line(t, size);
	if (!sip_parse(&m, t, size)) {
		free(t);
		return 0;
	}
	FUZZ_CHECK(m.nh <= SIP_MAX_HEADERS, "nh %zu", m.nh);
	if (m.is_response) {
		FUZZ_CHECK(m.status >= 0 && m.status <= 999, "status %d",
		           m.status);
		in_text("phrase", m.phrase, m.phrase_len, t, size);
	} else {
		in_text("method", m.method, m.method_len, t, size);
		in_text("uri", m.uri, m.uri_len, t, size);
	}
	for (i = 0; i < m.nh; i++) {
		in_text("header name", m.h[i].name, m.h[i].nlen, t, size);
		in_text("header value", m.h[i].val, m.h[i].vlen, t, size);
	}
	in_text("body", m.body, m.body_len, t, size);
	{
		/* sip_peek_cseq, on the lines after the start line sip_parse
		   found, reads the same CSeq or declines */
		const char *p = t, *e = t + size, *nl = NULL, *pm = NULL;
		size_t n, pml = 0;
		long pn = 0;
		int full = sip_cseq(&m, &num, &meth, &mlen);

		if (full == 0)
			in_text("cseq method", meth, mlen, t, size);

		for (; p < e; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(e - p));
			n = (size_t)((nl ? nl : e) - p);
			if (n && p[n - 1] == '\r')
				n--;
			if (sip_is_start_line(p, n) || nl == NULL)
				break;
		}
		if (nl != NULL &&
		    sip_peek_cseq(nl + 1, (size_t)(e - nl - 1), &pn, &pm,
		                  &pml) == 0)
			FUZZ_CHECK(full == 0 && pn == num && pm == meth &&
			               pml == mlen,
			           "sip_peek_cseq read %ld %.*s, sip_cseq %d %ld",
			           pn, (int)pml, pm, full, full == 0 ? num : -1);
	}
	{
		static const char *const names[] = {
		    "from", "to", "contact", "via", "call-id", "reason",
		    "server", "user-agent", "record-route", "content-length"};
		size_t k;

		for (k = 0; k < ARRAY_LEN(names); k++) {
			const struct sip_hdr *h;
			size_t j;

			for (j = 0; (h = sip_header(&m, names[k], j)) != NULL &&
			            j < 4;
			     j++) {
				sip_uri_user(h->val, h->vlen, &up, &un);
				in_text("uri user", up, un, t, size);
				sip_uri_host(h->val, h->vlen, &up, &un);
				in_text("uri host", up, un, t, size);
				sip_via_host(h->val, h->vlen, &up, &un);
				in_text("via host", up, un, t, size);
			}
		}
	}
	{
		struct calls *c = calls_new(4);
		uint64_t first = 0;
		enum verdict v = calls_message(c, &m, 7, &first);

		/* the same message again: a repeat, never a new failure
		   (a message without Call-ID or CSeq cannot be tied) */
		const struct sip_hdr *id = sip_header(&m, "call-id", 0);

		if ((v == V_FAILED || v == V_CANCELED) && id && id->vlen &&
		    sip_cseq(&m, &num, &meth, &mlen) == 0) {
			enum verdict v2 = calls_message(c, &m, 9, &first);

			FUZZ_CHECK_KNOWN("repeat", v2 == V_REPEAT || v2 == V_NONE,
			           "a failure seen twice gave verdict %d", v2);
		}
		if (m.is_response && m.status >= 300) {
			struct record rec;
			struct event ev;
			struct buf cause = {0}, action = {0}, out = {0};
			const char *doc;

			memset(&rec, 0, sizeof(rec));
			rec.dir = size & 1 ? DIR_IN : DIR_OUT;
			strcpy(rec.peer, "52.114.20.35:5061");
			event_build(&ev, &fz_kb, &m, &rec, "failed", "fuzz",
			            "generic");
			event_explain(&ev, &cause, &action, &doc);
			esc_text(&out, cause.p ? cause.p : "", cause.len, 0);
			esc_text(&out, action.p ? action.p : "", action.len,
			         0);
			esc_text(&out, ev.call_id.p, ev.call_id.n, 0);
			fz_check_terminal_safe("escaped explanation", out.p,
			                       out.len);
			buf_clear(&out);
			json_str(&out, ev.call_id.p, ev.call_id.n);
			FUZZ_CHECK(fz_is_json(out.p, out.len), "json_str: %s",
			           out.p);
			buf_free(&cause);
			buf_free(&action);
			buf_free(&out);
		}
		calls_free(c);
	}
	free(t);
	return 0;
}
