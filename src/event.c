/* event.c - who generated a failing response and what it means: the join
 * of PRODUCT.md.  A Microsoft code written in the Reason text wins; else
 * Microsoft's phrase (after its GUID) matched loosely in the table; else,
 * when the SBC answered Microsoft itself, the 560 rule (560 + the SIP
 * status); else the SIP status and Q.850 cause tables. */
#include "event.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

#define OVERVIEW_DOC                                                           \
	"https://learn.microsoft.com/en-us/microsoftteams/troubleshoot/"       \
	"phone-system/direct-routing/microsoft-sip-response-codes"

const char *gen_name(enum gen g)
{
	return g == GEN_MICROSOFT ? "microsoft"
	       : g == GEN_SBC     ? "sbc"
	                          : "unknown";
}

/* 52.112.0.0/14: the address range of Microsoft's Direct Routing proxies. */
static int ms_ipv4(const char *p, size_t n)
{
	int oct[2], i = 0;
	size_t k = 0;

	for (i = 0; i < 2; i++) {
		int v = 0, d = 0;

		while (k < n && isdigit((unsigned char)p[k]) && d < 3) {
			v = v * 10 + (p[k++] - '0');
			d++;
		}
		if (d == 0 || k >= n || p[k] != '.')
			return 0;
		k++;
		oct[i] = v;
	}
	return oct[0] == 52 && oct[1] >= 112 && oct[1] <= 115;
}

int event_ms_address(const char *p, size_t n)
{
	while (n > 0 && (*p == '[' || *p == ' ')) {
		p++;
		n--;
	}
	if (ms_ipv4(p, n))
		return 1;
	/* sip.pstnhub.microsoft.com, sip-du-a-us.pstnhub.microsoft.com, the
	   government clouds' pstnhub.gov.teams.microsoft.us, ... */
	return span_icase_find(p, n, "pstnhub.") != NULL &&
	       span_icase_find(p, n, "microsoft.") != NULL;
}

static struct span hdr(const struct sip_msg *m, const char *name)
{
	const struct sip_hdr *h = sip_header(m, name, 0);
	struct span s = {"", 0};

	if (h) {
		s.p = h->val;
		s.n = h->vlen;
	}
	return s;
}

static enum gen who(const struct sip_msg *m, const struct record *r, int *to_ms)
{
	const struct sip_hdr *h;
	const char *host;
	size_t hn;
	int via_ms = 0;
	const char *ua[] = {"server", "user-agent"};
	size_t i;

	*to_ms = 0;
	h = sip_header(m, "via", 0);
	if (h) {
		sip_via_host(h->val, h->vlen, &host, &hn);
		via_ms = event_ms_address(host, hn);
	}
	for (i = 0; i < ARRAY_LEN(ua); i++) {
		h = sip_header(m, ua[i], 0);
		if (h &&
		    (span_icase_find(h->val, h->vlen, "Microsoft.PSTNHub") ||
		     span_icase_find(h->val, h->vlen, "Microsoft.Teams")))
			return GEN_MICROSOFT;
	}
	if (r->dir == DIR_IN && event_ms_address(r->peer, strlen(r->peer)))
		return GEN_MICROSOFT;
	if (r->dir == DIR_UNKNOWN && r->src[0] &&
	    event_ms_address(r->src, strlen(r->src)))
		return GEN_MICROSOFT;
	h = sip_header(m, "contact", 0);
	if (h) {
		sip_uri_host(h->val, h->vlen, &host, &hn);
		if (host && event_ms_address(host, hn))
			return GEN_MICROSOFT;
	}
	if (r->dir == DIR_OUT) {
		*to_ms = via_ms || event_ms_address(r->peer, strlen(r->peer));
		return GEN_SBC;
	}
	if (via_ms || (r->dst[0] && event_ms_address(r->dst, strlen(r->dst)))) {
		/* the response travels to Microsoft: the SBC answered */
		*to_ms = 1;
		return GEN_SBC;
	}
	return GEN_UNKNOWN;
}

void event_build(struct event *ev, const struct kb *kb, const struct sip_msg *m,
                 const struct record *r, const char *kind, const char *file,
                 const char *format)
{
	const char *meth;
	size_t mlen, i, k;
	int to_ms;
	const struct reason *txt = NULL;

	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->rec = r;
	ev->file = file;
	ev->format = format;
	ev->status = m->status;
	ev->status_phrase.p = m->phrase;
	ev->status_phrase.n = m->phrase_len;
	ev->call_id = hdr(m, "call-id");
	ev->cseq = -1;
	ev->method.p = "";
	if (sip_cseq(m, &ev->cseq, &meth, &mlen) == 0) {
		ev->method.p = meth;
		ev->method.n = mlen;
	}
	ev->from = hdr(m, "from");
	sip_uri_user(ev->from.p, ev->from.n, &ev->from.p, &ev->from.n);
	ev->to = hdr(m, "to");
	sip_uri_user(ev->to.p, ev->to.n, &ev->to.p, &ev->to.n);
	ev->peer = r->peer[0]                           ? r->peer
	           : r->dir == DIR_UNKNOWN && r->src[0] ? r->src
	                                                : "";
	ev->dir = r->dir;
	if (r->dir == DIR_UNKNOWN && !r->peer[0] && r->src[0] && r->dst[0]) {
		if (event_ms_address(r->dst, strlen(r->dst))) {
			ev->dir = DIR_OUT; /* the SBC sent it to Microsoft */
			ev->peer = r->dst;
		} else if (event_ms_address(r->src, strlen(r->src))) {
			ev->dir = DIR_IN;
		}
	}
	for (i = 0;; i++) {
		const struct sip_hdr *h = sip_header_id(m, SIP_HID_REASON, i);

		if (h == NULL || ev->nreasons == REASON_MAX)
			break;
		ev->nreasons =
		    reason_parse(h->val, h->vlen, ev->reasons, ev->nreasons);
	}
	ev->q850 = -1;
	for (i = 0; i < ev->nreasons; i++) {
		const struct reason *rs = &ev->reasons[i];

		if (ev->q850 < 0 && rs->cause >= 0 &&
		    span_ieq(rs->protocol, rs->protocol_len, "Q.850"))
			ev->q850 = rs->cause;
		if (txt == NULL && rs->has_text && (rs->guid || rs->code >= 0))
			txt = rs;
	}
	if (txt == NULL) /* a phrase without a GUID */
		for (i = 0; i < ev->nreasons && txt == NULL; i++)
			if (ev->reasons[i].has_text &&
			    ev->reasons[i].phrase_len)
				txt = &ev->reasons[i];
	ev->q850e = ev->q850 >= 0 ? kb_q850(kb, ev->q850) : NULL;
	ev->sipe = kb_sip(kb, m->status);
	ev->gen = who(m, r, &to_ms);
	ev->ms_code = -1;
	if (txt) {
		ev->guid.p = txt->guid;
		ev->guid.n = txt->guid_len;
		ev->ms_text.p = txt->phrase;
		ev->ms_text.n = txt->phrase_len;
		if (txt->guid)
			ev->gen = GEN_MICROSOFT; /* only Microsoft's proxy
			                            sends GUID;phrase */
	}
	/* 1. a Microsoft code written in the Reason text */
	if (txt && txt->code >= 0 &&
	    (txt->code_digits == 6 ||
	     kb_ms_code(kb, txt->code, 0, NULL, 0) != NULL)) {
		ev->ms_code = txt->code;
		ev->ms_source = "reason-text";
		ev->ms = kb_ms_code(kb, txt->code, m->status, txt->phrase,
		                    txt->phrase_len);
		if (ev->ms)
			ev->gen = ev->ms->by_sbc ? GEN_SBC : GEN_MICROSOFT;
		else if (txt->code / 1000 == 560)
			ev->gen = GEN_SBC;
		else if (ev->gen == GEN_UNKNOWN)
			ev->gen = GEN_MICROSOFT;
		return;
	}
	/* 2. Microsoft's phrase */
	if (txt && txt->phrase_len && ev->gen == GEN_MICROSOFT) {
		const struct ms_entry *out[EVENT_MAX_CANDIDATES];

		k = kb_ms_phrase(kb, m->status, txt->phrase, txt->phrase_len,
		                 out, EVENT_MAX_CANDIDATES);
		if (k > 1 && k <= EVENT_MAX_CANDIDATES) {
			/* Microsoft's proxy sent it: a code the table says
			   the SBC generates (560420 beside 540420) is out */
			size_t j, kept = 0;

			for (j = 0; j < k; j++)
				if (!out[j]->by_sbc)
					out[kept++] = out[j];
			if (kept > 0)
				k = kept;
		}
		if (k == 1) {
			ev->ms = out[0];
			ev->ms_code = out[0]->code;
			ev->ms_source = "phrase";
			return;
		}
		if (k > 1) {
			ev->ncand =
			    k < EVENT_MAX_CANDIDATES ? k : EVENT_MAX_CANDIDATES;
			memcpy(ev->cand, out, ev->ncand * sizeof(out[0]));
			return;
		}
	}
	/* 3. the SBC answered Microsoft: 560 + its SIP status */
	if (ev->gen == GEN_SBC && to_ms) {
		ev->ms_code = 560000 + m->status;
		ev->ms_source = "sbc-560";
		ev->ms = kb_ms_code(kb, ev->ms_code, m->status, NULL, 0);
	}
}

static void status_class(int status, struct buf *b)
{
	static const char *cls[] = {
	    "",
	    "",
	    "",
	    "a redirection",
	    "a client error: the request was refused as sent",
	    "a server error: the server failed to handle a valid request",
	    "a global failure: no other destination will accept the call"};

	buf_printf(b, "SIP %d is %s.", status,
	           status >= 300 && status < 700 ? cls[status / 100]
	                                         : "unknown");
}

void event_explain(const struct event *ev, struct buf *cause,
                   struct buf *action, const char **doc)
{
	buf_clear(cause);
	buf_clear(action);
	*doc = NULL;
	if (strcmp(ev->kind, "timeout") == 0 && ev->provisional) {
		buf_printf(cause,
		           "The INVITE got a provisional response (%d) but no "
		           "final response in the 3 minutes after the last one "
		           "(SIP Timer C): the call was neither answered nor "
		           "refused, or the final response is missing from the "
		           "log.",
		           ev->provisional);
		buf_adds(action,
		         "Look for the answer, CANCEL or error of this call "
		         "in the far end's or the other leg's log; a device "
		         "that rings without end needs a no-answer timer.");
		return;
	}
	if (strcmp(ev->kind, "timeout") == 0) {
		buf_adds(cause,
		         "The INVITE got no response at all although the "
		         "log went on for more than 32 seconds (SIP "
		         "Timer B): the next hop did not answer, or its "
		         "answers did not come back.");
		buf_adds(action,
		         "Check that the next hop is reachable and "
		         "listening (route, firewall, TLS), and look for "
		         "retransmissions of this INVITE and for 100 "
		         "Trying from the far end.");
		return;
	}
	if (strcmp(ev->kind, "dropped") == 0 && ev->status > 0 && !ev->ms) {
		buf_printf(cause,
		           "The call was answered (SIP %d), and the Teams call "
		           "log still marks it failed: it ended abnormally "
		           "after answer.",
		           ev->status);
		buf_adds(action, "Look at what the SBC and the Teams client "
		                 "logged when the call ended (media timeouts, "
		                 "session timers, a BYE with a Reason).");
		return;
	}
	if (strcmp(ev->kind, "dropped") == 0) {
		buf_adds(cause,
		         "The call was set up, then ended by a BYE whose "
		         "Reason says it did not end normally.");
		if (ev->q850e && ev->q850e->meaning)
			buf_printf(cause, " Q.850 cause %d (%s): %s", ev->q850,
			           ev->q850e->name, ev->q850e->meaning);
		if (ev->q850e && ev->q850e->action)
			buf_adds(action, ev->q850e->action);
		else
			buf_adds(action, "Look at what the side that sent the "
			                 "BYE logged at that moment (media "
			                 "timeouts, session timers, errors).");
		return;
	}
	if (ev->ms) {
		buf_adds(cause, ev->ms->cause ? ev->ms->cause : "");
		buf_adds(action, ev->ms->action ? ev->ms->action : "");
		*doc = ev->ms->doc;
		return;
	}
	if (ev->ncand > 1) {
		size_t i;
		int same = 1;

		buf_adds(cause, "Microsoft's phrase fits several codes (");
		for (i = 0; i < ev->ncand; i++) {
			buf_printf(cause, "%s%ld", i ? ", " : "",
			           ev->cand[i]->code);
			if (ev->cand[i]->action && ev->cand[0]->action &&
			    strcmp(ev->cand[i]->action, ev->cand[0]->action) !=
			        0)
				same = 0;
		}
		buf_printf(cause, "); for %ld: %s", ev->cand[0]->code,
		           ev->cand[0]->cause ? ev->cand[0]->cause : "");
		if (same)
			buf_adds(action, ev->cand[0]->action
			                     ? ev->cand[0]->action
			                     : "");
		else
			buf_printf(
			    action,
			    "Compare the candidates in Microsoft's article; "
			    "for %ld: %s",
			    ev->cand[0]->code,
			    ev->cand[0]->action ? ev->cand[0]->action : "");
		*doc = ev->cand[0]->doc;
		return;
	}
	if (ev->ms_source && strcmp(ev->ms_source, "sbc-560") == 0)
		buf_printf(cause,
		           "The SBC itself sent this final response to "
		           "Microsoft (code %ld): start on the SBC. ",
		           ev->ms_code);
	if (ev->sipe && ev->sipe->meaning)
		buf_adds(cause, ev->sipe->meaning);
	else
		status_class(ev->status, cause);
	if (ev->q850e && ev->q850e->meaning)
		buf_printf(cause, " Q.850 cause %d (%s): %s", ev->q850,
		           ev->q850e->name, ev->q850e->meaning);
	/* Cause 16 and 31 say little; the SIP status's advice is better. */
	if (ev->q850e && ev->q850e->action && ev->q850 != 16 && ev->q850 != 31)
		buf_adds(action, ev->q850e->action);
	else if (ev->sipe && ev->sipe->action)
		buf_adds(action, ev->sipe->action);
	if (ev->ms_source && strcmp(ev->ms_source, "sbc-560") == 0)
		*doc = OVERVIEW_DOC;
}
