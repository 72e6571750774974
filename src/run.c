/* run.c - wire the stages together for each input and write the output.
 * Annotated output passes every input byte through unchanged (escaped only
 * when writing to a terminal) and inserts marker lines after the last line
 * of each failing message. */
#define _GNU_SOURCE /* fopencookie */
#include "run.h"

#include <ctype.h>
#include <errno.h>
#include <stdio_ext.h> /* __fpending */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "esc.h"
#include "export.h"
#include "follow.h"
#include "handoff.h"

#define DETECT_LINES 400
#define DETECT_BYTES (512 * 1024)
/* Lines this long look like no format's (a blob, a dump, binary junk):
 * they are held for replay within a budget of their own, so that a few of
 * them at the top of a log do not end detection before a line of the log's
 * format was read. */
#define DETECT_LONG_LINE  (64 * 1024)
#define DETECT_LONG_BYTES (4 * 1024 * 1024)

static void on_line(void *ctx, const struct line *l);
static void on_record(void *ctx, const struct record *rec);
static void on_noise(void *ctx, const struct line *l);
static void deliver_record(struct src *s, const struct record *rec);
static void deliver_noise(struct src *s, const struct line *l);

void run_init(struct run *r, const struct run_opts *o, const struct formats *fs,
              const struct kb *kb, FILE *out)
{
	memset(r, 0, sizeof(*r));
	r->o = *o;
	if (r->o.line_cap == 0)
		r->o.line_cap = 1024 * 1024;
	if (r->o.max_calls == 0)
		r->o.max_calls = 16384;
	r->fs = fs;
	r->kb = kb;
	r->out = out;
	r->calls = calls_new(r->o.max_calls);
	r->sum = summary_new();
	r->out_bol = 1;
}

void run_free(struct run *r)
{
	calls_free(r->calls);
	summary_free(r->sum);
	buf_free(&r->ob);
	buf_free(&r->wtext);
	buf_free(&r->cause);
	buf_free(&r->action);
	free(r->shown);
}

int run_status(const struct run *r)
{
	if (diag_errors() > 0)
		return 2;
	return r->events > 0 ? 1 : 0;
}

/* ---- output ---- */

static void out_log(struct run *r, const char *p, size_t n);

static void out_raw(struct run *r, const char *p, size_t n, size_t eol)
{
	if (n + eol == 0)
		return;
	if (!r->o.tty) {
		out_log(r, p, n + eol);
	} else {
		buf_clear(&r->ob);
		esc_text(&r->ob, p, n, 1);
		if (eol)
			buf_addc(&r->ob, '\n');
		fwrite(r->ob.p, 1, r->ob.len, r->out);
	}
	r->out_bol = eol > 0;
}

/* Raw bytes of a whole record: on a terminal, line by line. */
static void out_bytes(struct run *r, const char *p, size_t len)
{
	const char *e;

	if (len == 0)
		return;
	e = p + len;
	if (!r->o.tty) {
		out_log(r, p, len);
		r->out_bol = p[len - 1] == '\n';
		return;
	}
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

		while (n > 0 && p[n - 1] == '\r')
			n--;
		out_raw(r, p, n, nl ? 1 : 0);
		p = nl ? nl + 1 : e;
	}
}

static void out_upto(struct run *r, uint64_t at, int nl);
static uint64_t writer_upto(void);

static void out_record(struct run *r, const struct record *rec)
{
	if (rec->raw == NULL) /* RAW_SPAN */
		out_upto(r, rec->raw_off + rec->raw_len, rec->raw_nl);
	else
		out_bytes(r, rec->raw, rec->raw_len);
}

/* One annotation line: the marker, then TEXT (already safe). */
static void annot(struct run *r, const char *text)
{
	if (!r->out_bol)
		fputc('\n', r->out); /* the input's last line had no end */
	if (r->o.color)
		fprintf(r->out, "\033[36m%s\033[0m %s\n", MARKER, text);
	else
		fprintf(r->out, "%s %s\n", MARKER, text);
	r->out_bol = 1;
}

static void add_esc(struct buf *b, const char *p, size_t n)
{
	esc_text(b, p, n, 0);
}

static void write_annotation(struct run *r, const struct event *ev)
{
	struct buf b = {0};
	const char *doc;
	size_t i;
	const struct record *rec = ev->rec;

	if (strcmp(ev->kind, "timeout") == 0) {
		buf_printf(&b, "%sTIMEOUT%s no final response to ",
		           r->o.color ? "\033[1;31m" : "",
		           r->o.color ? "\033[0m" : "");
	} else if (strcmp(ev->kind, "dropped") == 0 && ev->status > 0) {
		/* a Teams call log's answered call marked failed */
		buf_printf(&b,
		           "%sDROPPED%s call failed after answer (SIP %d) to ",
		           r->o.color ? "\033[1;31m" : "",
		           r->o.color ? "\033[0m" : "", ev->status);
	} else if (strcmp(ev->kind, "dropped") == 0) {
		buf_printf(&b, "%sDROPPED%s call ended abnormally by ",
		           r->o.color ? "\033[1;31m" : "",
		           r->o.color ? "\033[0m" : "");
	} else {
		buf_printf(&b, "%s%s%s %d ", r->o.color ? "\033[1;31m" : "",
		           strcmp(ev->kind, "canceled") == 0 ? "CANCELED"
		                                             : "FAILED",
		           r->o.color ? "\033[0m" : "", ev->status);
		add_esc(&b, ev->status_phrase.p, ev->status_phrase.n);
		buf_adds(&b, " to ");
	}
	add_esc(&b, ev->method.p, ev->method.n);
	buf_adds(&b, " (");
	add_esc(&b, ev->file, strlen(ev->file));
	buf_printf(&b, " line %llu", (unsigned long long)rec->first_line);
	if (ev->call_id.n) {
		buf_adds(&b, ", call ");
		add_esc(&b, ev->call_id.p, ev->call_id.n);
	}
	buf_adds(&b, ")");
	if (rec->dir != DIR_UNKNOWN && rec->peer[0]) {
		buf_adds(&b,
		         rec->dir == DIR_IN ? " received from " : " sent to ");
		add_esc(&b, rec->peer, strlen(rec->peer));
	} else if (rec->src[0] && rec->dst[0]) {
		buf_adds(&b, " ");
		add_esc(&b, rec->src, strlen(rec->src));
		buf_adds(&b, " -> ");
		add_esc(&b, rec->dst, strlen(rec->dst));
	}
	annot(r, b.p);
	for (i = 0; i < ev->nreasons; i++) {
		const struct reason *rs = &ev->reasons[i];

		buf_clear(&b);
		buf_adds(&b, "  reason: ");
		add_esc(&b, rs->protocol, rs->protocol_len);
		if (rs->cause >= 0) {
			const struct q850_entry *q =
			    span_ieq(rs->protocol, rs->protocol_len, "Q.850")
			        ? kb_q850(r->kb, rs->cause)
			        : NULL;

			buf_printf(&b, " cause %d", rs->cause);
			if (q)
				buf_printf(&b, " (%s)", q->name);
		}
		if (rs->has_text) {
			buf_adds(&b, " \"");
			add_esc(&b, rs->phrase, rs->phrase_len);
			buf_adds(&b, "\"");
		}
		if (rs->guid) {
			buf_adds(&b, " guid ");
			add_esc(&b, rs->guid, rs->guid_len);
		}
		annot(r, b.p);
	}
	buf_clear(&b);
	buf_printf(&b, "  generated by: %s", gen_name(ev->gen));
	if (ev->ms_code >= 0) {
		buf_printf(&b, "; microsoft code %ld", ev->ms_code);
		if (ev->ms)
			buf_printf(&b, " \"%s\"", ev->ms->phrase);
		buf_printf(&b, " (from %s)",
		           strcmp(ev->ms_source, "reason-text") == 0
		               ? "the Reason text"
		           : strcmp(ev->ms_source, "phrase") == 0
		               ? "Microsoft's phrase"
		           : strcmp(ev->ms_source, "export") == 0
		               ? "the Teams call log's subcode"
		               : "the 560 rule: the SBC answered");
	} else if (ev->ncand > 1) {
		buf_adds(&b, "; microsoft code ambiguous:");
		for (i = 0; i < ev->ncand; i++)
			buf_printf(&b, " %ld", ev->cand[i]->code);
	}
	annot(r, b.p);
	event_explain(ev, &r->cause, &r->action, &doc);
	if (ev->ms && ev->ms->note) {
		buf_clear(&b);
		buf_printf(&b, "  note: %s", ev->ms->note);
		annot(r, b.p);
	}
	if (r->cause.len) {
		buf_clear(&b);
		buf_adds(&b, "  cause: ");
		add_esc(&b, r->cause.p, r->cause.len);
		annot(r, b.p);
	}
	if (r->action.len) {
		buf_clear(&b);
		buf_adds(&b, "  action: ");
		add_esc(&b, r->action.p, r->action.len);
		annot(r, b.p);
	}
	if (doc) {
		buf_clear(&b);
		buf_printf(&b, "  doc: %s", doc);
		annot(r, b.p);
	}
	buf_free(&b);
}

static void json_span(struct buf *b, const char *key, struct span s,
                      int null_if_empty)
{
	buf_printf(b, ",\"%s\":", key);
	json_str(b, null_if_empty && s.n == 0 ? NULL : s.p, s.n);
}

static void write_json(struct run *r, const struct event *ev)
{
	struct buf *b = &r->ob;
	const struct record *rec = ev->rec;
	const char *doc;
	char t[40];
	size_t i;

	buf_clear(b);
	buf_printf(b, "{\"event\":\"failure\",\"kind\":\"%s\"", ev->kind);
	json_span(b, "call_id", ev->call_id, 1);
	json_span(b, "method", ev->method, 1);
	buf_adds(b, ",\"cseq\":");
	if (ev->cseq >= 0)
		buf_printf(b, "%ld", ev->cseq);
	else
		buf_adds(b, "null");
	if (ev->status > 0)
		buf_printf(b, ",\"status\":%d", ev->status);
	else
		buf_adds(b, ",\"status\":null");
	json_span(b, "status_phrase", ev->status_phrase, ev->status == 0);
	logtime_iso(&rec->time, t, sizeof(t));
	buf_adds(b, ",\"time\":");
	json_str(b, rec->time.set ? t : NULL, strlen(t));
	buf_adds(b, ",\"file\":");
	json_str(b, ev->file, strlen(ev->file));
	buf_printf(b, ",\"line\":%llu,\"format\":",
	           (unsigned long long)rec->first_line);
	json_str(b, ev->format, strlen(ev->format));
	buf_printf(b, ",\"direction\":%s",
	           ev->dir == DIR_IN    ? "\"in\""
	           : ev->dir == DIR_OUT ? "\"out\""
	                                : "null");
	buf_adds(b, ",\"peer\":");
	json_str(b, ev->peer[0] ? ev->peer : NULL, strlen(ev->peer));
	json_span(b, "from", ev->from, 1);
	json_span(b, "to", ev->to, 1);
	buf_adds(b, ",\"reasons\":[");
	for (i = 0; i < ev->nreasons; i++) {
		const struct reason *rs = &ev->reasons[i];

		buf_adds(b, i ? ",{\"protocol\":" : "{\"protocol\":");
		json_str(b, rs->protocol, rs->protocol_len);
		buf_adds(b, ",\"cause\":");
		if (rs->cause >= 0)
			buf_printf(b, "%d", rs->cause);
		else
			buf_adds(b, "null");
		buf_adds(b, ",\"text\":");
		json_str(b, rs->has_text ? rs->text : NULL, rs->text_len);
		buf_adds(b, ",\"guid\":");
		json_str(b, rs->guid, rs->guid_len);
		buf_addc(b, '}');
	}
	buf_adds(b, "],\"q850\":");
	if (ev->q850 >= 0)
		buf_printf(b, "%d", ev->q850);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"q850_name\":");
	json_str(b, ev->q850e ? ev->q850e->name : NULL,
	         ev->q850e ? strlen(ev->q850e->name) : 0);
	buf_adds(b, ",\"ms_code\":");
	if (ev->ms_code >= 0)
		buf_printf(b, "%ld", ev->ms_code);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"ms_code_source\":");
	json_str(b, ev->ms_source, ev->ms_source ? strlen(ev->ms_source) : 0);
	buf_adds(b, ",\"ms_candidates\":[");
	for (i = 0; i < ev->ncand; i++)
		buf_printf(b, "%s%ld", i ? "," : "", ev->cand[i]->code);
	buf_adds(b, "],\"ms_phrase\":");
	json_str(b, ev->ms ? ev->ms->phrase : NULL,
	         ev->ms ? strlen(ev->ms->phrase) : 0);
	buf_printf(b, ",\"generated_by\":\"%s\"", gen_name(ev->gen));
	event_explain(ev, &r->cause, &r->action, &doc);
	buf_adds(b, ",\"cause\":");
	json_str(b, r->cause.len ? r->cause.p : NULL, r->cause.len);
	buf_adds(b, ",\"action\":");
	json_str(b, r->action.len ? r->action.p : NULL, r->action.len);
	buf_adds(b, ",\"doc\":");
	json_str(b, doc, doc ? strlen(doc) : 0);
	buf_adds(b, "}\n");
	fwrite(b->p, 1, b->len, r->out);
}

/* ---- stages ---- */

/* Annotated output of several inputs: a line that says whose lines
 * follow, as tail(1) heads them, when S's come after another's. */
static void out_from(struct run *r, const struct src *s)
{
	struct buf b = {0};

	if (!r->names || (r->shown && strcmp(r->shown, s->name) == 0))
		return;
	free(r->shown);
	r->shown = xstrdup(s->name);
	buf_adds(&b, "==> ");
	esc_text(&b, s->name, strlen(s->name), 0);
	buf_adds(&b, " <==");
	annot(r, b.p);
	buf_free(&b);
}

static void deliver_noise(struct src *s, const struct line *l)
{
	struct run *r = s->r;

	if (r->o.mode == OUT_ANNOTATED) {
		out_from(r, s);
		out_raw(r, l->p, l->len, l->eol);
	}
}

static void deliver_upto(struct src *s, uint64_t at, int nl)
{
	if (at > writer_upto()) {
		out_from(s->r, s);
		out_upto(s->r, at, nl);
	}
}

int filter_time(const char *arg, int year, long long *key)
{
	static const char *fmts[] = {"%Y-%m-%dT%H:%M:%S.%f%z",
	                             "%Y-%m-%dT%H:%M%z",
	                             "%Y-%m-%d %H:%M:%S.%f%z",
	                             "%Y-%m-%d %H:%M%z",
	                             "%Y-%m-%d",
	                             "%b %e %H:%M:%S.%f",
	                             "%b %e %H:%M"};
	struct logtime t;
	size_t i, n = strlen(arg);

	for (i = 0; i < ARRAY_LEN(fmts); i++) {
		if (logtime_parse_whole(fmts[i], arg, n, year, &t) != 0)
			continue;
		*key = logtime_key(&t);
		return 0;
	}
	return -1;
}

int filter_list(struct filter *f, int which, const char *arg)
{
	char *copy = xstrdup(arg), *w, *save = NULL;
	int rc = 0;

	for (w = strtok_r(copy, ",", &save); w && rc == 0;
	     w = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(w);
		char *e;
		long v;

		if (which == 's') {
			if (l == 3 && isdigit((unsigned char)w[0]) &&
			    (w[1] == 'x' || w[1] == 'X') &&
			    (w[2] == 'x' || w[2] == 'X'))
				v = w[0] - '0';
			else if ((v = strtol(w, &e, 10)) < 100 || v > 699 || *e)
				rc = -1;
			if (rc == 0 && f->nstatus < 31)
				f->status[f->nstatus++] = (int)v;
		} else if (which == 'm') {
			v = strtol(w, &e, 10);
			if (*e || v < 0 || l == 0)
				rc = -1;
			else if (f->nms < 31)
				f->ms_code[f->nms++] = v;
		} else {
			if (strcmp(w, "failed") == 0)
				f->kinds |= FK_FAILED;
			else if (strcmp(w, "canceled") == 0 ||
			         strcmp(w, "cancelled") == 0)
				f->kinds |= FK_CANCELED;
			else if (strcmp(w, "timeout") == 0)
				f->kinds |= FK_TIMEOUT;
			else if (strcmp(w, "dropped") == 0)
				f->kinds |= FK_DROPPED;
			else
				rc = -1;
		}
	}
	free(copy);
	return rc;
}

static int filter_pass(const struct filter *f, const struct event *ev)
{
	const struct logtime *lt = &ev->rec->time;
	int i, hit;

	if (f->since || f->until) {
		long long t = logtime_key(lt);

		/* a time of day that nothing dated (framer_clock) is no
		   moment either */
		if (!lt->set || !lt->has_date || (f->since && t < f->since) ||
		    (f->until && t > f->until))
			return 0;
	}
	if (f->nstatus) {
		for (hit = 0, i = 0; i < f->nstatus && !hit; i++)
			hit = f->status[i] < 10
			          ? ev->status / 100 == f->status[i]
			          : ev->status == f->status[i];
		if (!hit)
			return 0;
	}
	if (f->nms) {
		for (hit = 0, i = 0; i < f->nms && !hit; i++)
			hit = ev->ms_code == f->ms_code[i];
		if (!hit)
			return 0;
	}
	if (f->peer && strstr(ev->peer, f->peer) == NULL)
		return 0;
	if (f->kinds) {
		unsigned k = strcmp(ev->kind, "canceled") == 0  ? FK_CANCELED
		             : strcmp(ev->kind, "timeout") == 0 ? FK_TIMEOUT
		             : strcmp(ev->kind, "dropped") == 0 ? FK_DROPPED
		                                                : FK_FAILED;

		if (!(f->kinds & k))
			return 0;
	}
	return 1;
}

/* Counts a failure and writes it; RAW is what failures mode shows of it
 * (annotated mode has already passed it through). */
static void emit_event(struct run *r, const struct event *ev, const char *raw,
                       size_t rawlen)
{
	if (!filter_pass(&r->o.filter, ev))
		return;
	r->events++;
	summary_add(r->sum, ev);
	switch (r->o.mode) {
	case OUT_FAILURES:
		out_bytes(r, raw, rawlen);
		/* fall through */
	case OUT_ANNOTATED:
		write_annotation(r, ev);
		break;
	case OUT_JSON:
		write_json(r, ev);
		break;
	case OUT_SUMMARY:
		break;
	}
}

/* Teams admin center export rows: one CSV record (maybe several lines). */
static void export_line(struct src *s, const struct line *l)
{
	struct run *r = s->r;
	struct record rec;
	struct event ev;
	int k;

	if (s->xraw.len == 0)
		s->xfirst = l->no;
	if (r->o.mode == OUT_ANNOTATED)
		out_from(r, s);
	buf_add(&s->xraw, l->p, l->len + l->eol);
	if (l->piece && l->eol == 0)
		return; /* a piece of a long line: the rest follows */
	if (!csv_line(&s->csv, l->p, l->len))
		return;
	if (!s->csv.have_header) {
		if (export_header(&s->csv) < 0)
			diag_warn(s->name,
			          "line %llu: no 'Final SIP code' "
			          "column; rows are not analysed",
			          (unsigned long long)l->no);
		if (r->o.mode == OUT_ANNOTATED)
			out_bytes(r, s->xraw.p, s->xraw.len);
		buf_clear(&s->xraw);
		return;
	}
	k = export_event(&s->csv, r->kb, &rec, &ev, s->name);
	if (r->o.mode == OUT_ANNOTATED)
		out_bytes(r, s->xraw.p, s->xraw.len);
	if (k < 0) {
		summary_totals(r->sum)->unrecognised++;
	} else {
		summary_totals(r->sum)->calls++;
		if (k == 1) {
			rec.first_line = s->xfirst;
			rec.last_line = l->no;
			summary_time(r->sum, &rec.time);
			emit_event(r, &ev, s->xraw.p, s->xraw.len);
		}
	}
	buf_clear(&s->xraw);
}

/* --call: EV's explanation as the annotation would give it (malloc'd). */
static char *story_annotation(struct run *r, const struct event *ev)
{
	char *why = NULL;
	size_t wlen = 0;
	FILE *saved = r->out, *mem = open_memstream(&why, &wlen);
	int color = r->o.color, bol = r->out_bol;

	if (mem == NULL)
		die("out of memory");
	r->out = mem;
	r->o.color = 0;
	r->out_bol = 1;
	write_annotation(r, ev);
	fclose(mem);
	r->out = saved;
	r->o.color = color;
	r->out_bol = bol;
	return why;
}

/* An SBC that forwarded the INVITE answers it when its own Timer B ends
 * on the next hop, a little after 32 s from where the INVITE came in: an
 * answer up to 2 s late is still an answer, not a timeout as well. */
#define TIMER_B_WAIT (TIMER_B + 2LL * 1000000)

/* An INVITE the log went on past for more than Timer B without a final
 * response: a failure with no response to show. */
static void on_timeout(void *ctx, const struct invite_watch *w)
{
	struct run *r = ctx;
	struct record rec;
	struct event ev;

	memset(&rec, 0, sizeof(rec));
	rec.time = w->time;
	rec.dir = (enum dir)w->dir;
	rec.first_line = rec.last_line = w->line;
	memcpy(rec.peer, w->peer, sizeof(rec.peer));
	memset(&ev, 0, sizeof(ev));
	ev.kind = "timeout";
	ev.rec = &rec;
	ev.file = w->file;
	ev.format = w->format;
	ev.peer = rec.peer;
	ev.dir = rec.dir;
	ev.call_id.p = w->call_id;
	ev.call_id.n = strlen(w->call_id);
	ev.method.p = "INVITE";
	ev.method.n = 6;
	ev.cseq = w->cseq;
	ev.status_phrase.p = "";
	ev.from.p = w->from;
	ev.from.n = strlen(w->from);
	ev.to.p = w->to;
	ev.to.n = strlen(w->to);
	ev.q850 = -1;
	ev.ms_code = -1;
	ev.gen = GEN_UNKNOWN;
	ev.provisional = w->provisional;
	if (r->story) { /* --call: the why of the INVITE's story */
		char *why = story_annotation(r, &ev);

		story_explain(r->story, w->file, w->line, why);
		free(why);
		r->story_failed = 1;
		return;
	}
	emit_event(r, &ev, NULL, 0);
}

static void watch_invite(struct src *s, const struct sip_msg *m,
                         const struct record *rec)
{
	struct invite_watch w;
	const struct sip_hdr *cid = sip_header_id(m, SIP_HID_CALL_ID, 0), *h;
	const char *meth, *u;
	size_t mlen, un;
	char *id;

	memset(&w, 0, sizeof(w));
	if (cid == NULL || !rec->time.set ||
	    sip_cseq(m, &w.cseq, &meth, &mlen) < 0)
		return;
	w.t = logtime_key(&rec->time);
	w.time = rec->time;
	w.line = rec->first_line;
	w.dir = rec->dir;
	memcpy(w.peer, rec->peer[0] ? rec->peer : rec->dst, sizeof(w.peer));
	w.peer[sizeof(w.peer) - 1] = '\0';
	if ((h = sip_header_id(m, SIP_HID_FROM, 0)) != NULL) {
		sip_uri_user(h->val, h->vlen, &u, &un);
		span_copy(w.from, sizeof(w.from), u, un);
	}
	if ((h = sip_header_id(m, SIP_HID_TO, 0)) != NULL) {
		sip_uri_user(h->val, h->vlen, &u, &un);
		span_copy(w.to, sizeof(w.to), u, un);
	}
	id = xmemdup(cid->val, cid->vlen);
	w.call_id = id;
	w.file = (char *)s->name;
	w.format = s->fmt->name;
	calls_watch(s->r->calls, &w);
	free(id);
}

/* A BYE whose Reason says the call did not end normally: a Q.850 cause
 * other than 16 (normal clearing) and 31 (normal, unspecified), or a SIP
 * cause of 400 or more, in a value whose text does not say the call ended
 * normally (FreeSWITCH sends "cause=127;text=\"NORMAL_CLEARING\""). */
static int bye_abnormal(const struct sip_msg *m)
{
	struct reason rs[REASON_MAX];
	size_t n = 0, i;
	const struct sip_hdr *h;

	for (i = 0; (h = sip_header_id(m, SIP_HID_REASON, i)) != NULL; i++)
		n = reason_parse(h->val, h->vlen, rs, n);
	for (i = 0; i < n; i++) {
		if (rs[i].cause < 0 || reason_says_normal(&rs[i]))
			continue;
		if (span_ieq(rs[i].protocol, rs[i].protocol_len, "Q.850") &&
		    rs[i].cause != 16 && rs[i].cause != 31)
			return 1;
		if (span_ieq(rs[i].protocol, rs[i].protocol_len, "SIP") &&
		    rs[i].cause >= 400)
			return 1;
	}
	return 0;
}

/* --call: both passes over a parsed message of the inputs. */
static void story_record(struct src *s, const struct record *rec)
{
	struct run *r = s->r;
	struct sip_msg *m = &r->msg;
	struct event ev;
	enum verdict v;
	uint64_t first;
	char *why = NULL;
	int bye = 0;

	if (rec->truncated || !sip_parse(m, rec->text, rec->text_len))
		return;
	if (r->story_pass == 1) {
		story_scan(r->story, rec, m);
		return;
	}
	if (!story_wants(r->story, rec, m))
		return;
	v = calls_message(r->calls, m, rec->first_line, &first);
	if (!m->is_response && m->method_len == 3 &&
	    memcmp(m->method, "BYE", 3) == 0 && bye_abnormal(m))
		bye = 1;
	if (v == V_FAILED || v == V_CANCELED || bye) {
		event_build(&ev, r->kb, m, rec,
		            bye               ? "dropped"
		            : v == V_CANCELED ? "canceled"
		                              : "failed",
		            s->name, s->fmt->name);
		why = story_annotation(r, &ev);
		r->story_failed = 1;
	}
	story_add(r->story, rec, m, s->name, why);
	free(why);
	/* an INVITE of the call that the log goes on past with no answer
	   is told as the normal run tells it: a timeout (on_timeout) */
	if (!m->is_response && m->method_len == 6 &&
	    memcmp(m->method, "INVITE", 6) == 0)
		watch_invite(s, m, rec);
}

/* Requests other than INVITE, CANCEL and BYE play no part in a failure:
 * they are counted, not parsed.  Provisional responses are not only
 * counted: one to an INVITE ends its wait under Timer B (a call may ring
 * for minutes and still be answered), so headers_only() reads it. */
static int only_counted(const struct record *rec)
{
	int status;
	const char *meth;
	size_t mlen;

	if (rec->counted) /* decided on the framing thread */
		return rec->counted > 0;
	if (rec->truncated)
		return 0;
	if (rec->start_len) /* met by the framer: not looked for again */
		sip_start_fields(rec->text + rec->start_off, rec->start_len,
		                 &status, &meth, &mlen);
	else if (!sip_peek(rec->text, rec->text_len, &status, &meth, &mlen))
		return 0;
	return status == 0 &&
	       !(mlen == 6 && (memcmp(meth, "INVITE", 6) == 0 ||
	                       memcmp(meth, "CANCEL", 6) == 0)) &&
	       !(mlen == 3 && memcmp(meth, "BYE", 3) == 0);
}

/* Responses read from their headers alone, not parsed; 1 when REC was
 * one (it is then only counted).  The start line is the framer's, read
 * once; REC's text is whole up to its headers' end.
 * - A 2xx to a request other than INVITE ends no failure and no call's
 *   wait for an answer, and puts no OPTIONS keepalive's Call-ID in the
 *   call table.  (The 200 OKs to BYE and OPTIONS are a quarter of the
 *   messages the bench's AudioCodes log has parsed.)
 * - A provisional response tells only that its transaction is proceeding
 *   (an INVITE's wait is under Timer C now, not B); its Call-ID and CSeq
 *   tell which.
 * Anything else, or headers that cannot be read so, is parsed. */
static int headers_only(struct run *r, const struct record *rec)
{
	int status;
	const char *meth, *h, *e = rec->text + rec->text_len, *id;
	size_t mlen, n, idn;
	long num;

	if (rec->start_len == 0 || rec->truncated)
		return 0;
	h = rec->text + rec->start_off;
	sip_start_fields(h, rec->start_len, &status, &meth, &mlen);
	if (status < 100 || status > 299)
		return 0;
	/* the headers start after the start line's end */
	h = memchr(h + rec->start_len, '\n', (size_t)(e - h - rec->start_len));
	if (h == NULL)
		return 0;
	n = (size_t)(e - ++h);
	if (sip_peek_cseq(h, n, &num, &meth, &mlen) != 0)
		return 0;
	if (status >= 200) /* the test calls_message makes */
		return !(mlen == 6 && memcmp(meth, "INVITE", 6) == 0);
	if (sip_peek_value(h, n, SIP_HID_CALL_ID, &id, &idn) != 0 || idn == 0)
		return 0;
	calls_provisional(r->calls, id, idn, num, meth, mlen, status);
	return 1;
}

/* REC with its whole text, or with HEAD its text up to the end of its
 * headers (all the analysis reads): what the framer left escaped is undone
 * here, on the thread that analyses records (see framer.defer). */
static const struct record *whole_record(struct run *r,
                                         const struct record *rec,
                                         struct record *tmp, int head)
{
	if (rec->text_esc == 0)
		return rec;
	if (head)
		framer_head_text(rec, &r->wtext);
	else
		framer_whole_text(rec, &r->wtext);
	memcpy(tmp, rec, sizeof(*tmp));
	tmp->text = r->wtext.p;
	tmp->text_len = r->wtext.len;
	tmp->text_esc = 0;
	return tmp;
}

static void handle_record(struct src *s, const struct record *rec)
{
	struct run *r = s->r;
	struct sip_msg *m = &r->msg;
	enum verdict v;
	uint64_t first = 0;
	struct event ev;
	struct record whole;

	if (r->story) {
		story_record(s, whole_record(r, rec, &whole, 0));
		return;
	}
	summary_time(r->sum, &rec->time);
	/* counted, not parsed: only_counted reads the start line, never
	   left escaped; headers_only the headers, once made whole */
	if (only_counted(rec) ||
	    headers_only(r, rec = whole_record(r, rec, &whole, 1))) {
		summary_totals(r->sum)->messages++;
		if (r->o.mode == OUT_ANNOTATED)
			out_record(r, rec);
		return;
	}
	if (rec->truncated || !sip_parse(m, rec->text, rec->text_len)) {
		summary_totals(r->sum)->unrecognised++;
		if (r->o.mode == OUT_ANNOTATED)
			out_record(r, rec);
		return;
	}
	summary_totals(r->sum)->messages++;
	if (m->dropped_headers)
		diag_warn(s->name,
		          "line %llu: more than %d headers; %zu ignored",
		          (unsigned long long)rec->first_line, SIP_MAX_HEADERS,
		          m->dropped_headers);
	v = calls_message(r->calls, m, rec->first_line, &first);
	if (!m->is_response && m->method_len == 6 &&
	    memcmp(m->method, "INVITE", 6) == 0)
		watch_invite(s, m, rec);
	if (!m->is_response && m->method_len == 3 &&
	    memcmp(m->method, "BYE", 3) == 0 && bye_abnormal(m)) {
		if (r->o.mode == OUT_ANNOTATED)
			out_record(r, rec);
		if (calls_first_report(r->calls, m)) {
			event_build(&ev, r->kb, m, rec, "dropped", s->name,
			            s->fmt->name);
			emit_event(r, &ev, rec->raw, rec->raw_len);
		}
		return;
	}
	if (r->o.mode == OUT_ANNOTATED)
		out_record(r, rec);
	if (v == V_NONE)
		return;
	if (v == V_REPEAT) {
		if (r->o.mode == OUT_ANNOTATED) {
			char b[96];

			snprintf(b, sizeof(b),
			         "same failure as line %llu (relayed or "
			         "retransmitted)",
			         (unsigned long long)first);
			annot(r, b);
		}
		return;
	}
	event_build(&ev, r->kb, m, rec, v == V_CANCELED ? "canceled" : "failed",
	            s->name, s->fmt->name);
	emit_event(r, &ev, rec->raw, rec->raw_len);
}

static void deliver_record(struct src *s, const struct record *rec)
{
	struct run *r = s->r;
	long long now = logtime_key(&rec->time);

	if (r->o.mode == OUT_ANNOTATED) {
		out_from(r, s);
		if (rec->raw == NULL) /* RAW_SPAN: the lines before it */
			out_upto(r, rec->raw_off,
			         rec->raw_len ? 1 : rec->raw_nl);
	}
	if (rec->held) { /* a marker whose SIP text comes later */
		if (r->o.mode == OUT_ANNOTATED)
			out_record(r, rec);
		return;
	}
	calls_set_now(r->calls, now);
	handle_record(s, rec);
	if (now > r->last_time)
		r->last_time = now;
	calls_expire(r->calls, now, TIMER_B_WAIT, on_timeout, r);
}

/* ---- the second thread: records and noise lines, in order ----
 *
 * While a file is framed, what the framer hands on (records, lines outside
 * records, and the diagnostics given meanwhile on this thread) is copied
 * into batches that a second thread takes in order: calls, knowledge and
 * output run there, next to the framing.  Items are a header and their
 * bytes, each copy NUL-terminated as the framer's buffers are. */
enum { IT_RECORD, IT_NOISE, IT_DIAG, IT_UPTO };
_Static_assert(offsetof(struct record, part) ==
                   RECORD_FIXED + (RECORD_NMETA - 1) * META_LEN,
               "the metadata strings of a record are META_LEN apart");
/* The record's I-th metadata string.  Reached from the record's own
 * first byte: stepping from one member array into the next is not
 * something C allows a pointer to it. */
static inline char *meta_at(struct record *rec, int i)
{
	return (char *)rec + RECORD_FIXED + (size_t)i * META_LEN;
}

static inline const char *cmeta_at(const struct record *rec, int i)
{
	return (const char *)rec + RECORD_FIXED + (size_t)i * META_LEN;
}

struct item {
	int kind, errors;
	size_t n1, n2;
	unsigned char ml[RECORD_NMETA]; /* a record's metadata lengths */
};
_Static_assert(META_LEN <= 256, "a metadata length fits a byte");
/* A record's n2 with RAW_SPAN: no raw bytes, its raw_off and raw_len say
 * where they are in the input (raw_len 0: a held marker's record, whose
 * lines went before; raw_off is then where the lines passed on end). */
#define SPAN_ONLY SIZE_MAX

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	buf_add(b, p, n);
	buf_addc(b, '\0');
}

/* The diagnostics held since the last item. */
static void put_diags(struct src *s, struct buf *b)
{
	struct item it = {0};

	if (s->held.len == 0)
		return;
	it.kind = IT_DIAG;
	it.errors = diag_held_errors();
	it.n1 = s->held.len;
	buf_add(b, &it, sizeof(it));
	put_bytes(b, s->held.p, s->held.len);
	buf_clear(&s->held);
}

/* An item's header, after the diagnostics that came before it. */
static struct buf *put_item(struct src *s, int kind, size_t n1, size_t n2,
                            const size_t *ml)
{
	struct buf *b = handoff_buf(s->ho);
	struct item it = {0};
	int i;

	put_diags(s, b);
	it.kind = kind;
	it.n1 = n1;
	it.n2 = n2;
	for (i = 0; ml && i < RECORD_NMETA; i++)
		it.ml[i] = (unsigned char)ml[i];
	buf_add(b, &it, sizeof(it));
	return b;
}

/* RAW_SPAN: the lines outside records do not cross to the analysis
 * thread; it writes them with the record after them (out_upto).  This
 * item has the input written up to AT (where a line begins after a line
 * end if NL) before the diagnostics held, which come next. */
static void put_upto(struct src *s, uint64_t at, int nl)
{
	struct buf *b = handoff_buf(s->ho);
	struct item it = {0};

	it.kind = IT_UPTO;
	it.n2 = at;
	it.errors = nl;
	buf_add(b, &it, sizeof(it));
	put_diags(s, b);
	handoff_push(s->ho);
}

static void on_record(void *ctx, const struct record *rec)
{
	struct src *s = ctx;
	struct record c;
	struct buf *b;
	size_t ml[RECORD_NMETA], size = RECORD_FIXED, rawn;
	char *o;
	int i;

	if (s->ho == NULL) {
		deliver_record(s, rec);
		return;
	}
	memcpy(&c, rec, RECORD_FIXED);
	if (s->fr.keep_raw == RAW_SPAN) {
		if (rec->raw_len == 0) { /* a marker's, its lines passed on */
			c.raw_off = s->seen_to;
			c.raw_nl = s->tail_nl;
		} else {
			s->seen_to = rec->raw_off + rec->raw_len;
			s->tail_nl = rec->raw_nl;
		}
		if (s->held.len > 0)
			put_upto(s, c.raw_off, c.raw_len ? 1 : c.raw_nl);
	}
	/* decided here, once: the text of a message only counted need not
	   travel */
	if (!rec->held && !s->r->story) {
		c.counted = only_counted(rec) ? 1 : -1;
		if (c.counted > 0)
			c.text_len = 0;
	}
	/* one reservation, then plain copies: this runs for every record */
	for (i = 0; i < RECORD_NMETA; i++) { /* mostly short or empty */
		const char *m = cmeta_at(rec, i);

		ml[i] = m[0] ? strlen(m) : 0;
		size += ml[i] + 1;
	}
	/* a span: its place alone */
	rawn = s->fr.keep_raw == RAW_SPAN ? 0 : rec->raw_len;
	b = put_item(s, IT_RECORD, c.text_len,
	             s->fr.keep_raw == RAW_SPAN ? SPAN_ONLY : rawn, ml);
	buf_reserve(b, size + c.text_len + rawn + 2);
	o = b->p + b->len;
	memcpy(o, &c, RECORD_FIXED);
	o += RECORD_FIXED;
	for (i = 0; i < RECORD_NMETA; i++) {
		if (ml[i])
			memcpy(o, cmeta_at(rec, i), ml[i]);
		o[ml[i]] = '\0';
		o += ml[i] + 1;
	}
	memcpy(o, rec->text, c.text_len);
	o += c.text_len;
	*o++ = '\0';
	if (rawn) /* raw is NULL with RAW_SPAN */
		memcpy(o, rec->raw, rawn);
	o += rawn;
	*o++ = '\0';
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	handoff_push(s->ho);
}

static void on_noise(void *ctx, const struct line *l)
{
	struct src *s = ctx;
	struct buf *b;

	if (s->ho == NULL) {
		deliver_noise(s, l);
		return;
	}
	if (s->r->o.mode != OUT_ANNOTATED)
		return; /* nothing to write */
	if (s->fr.keep_raw == RAW_SPAN) {
		/* written with the next record, or at the end; diagnostics
		   given before it come after the lines before it */
		s->tail_nl = l->eol > 0;
		s->seen_to = l->off + l->len + l->eol;
		if (s->held.len > 0)
			put_upto(s, l->off, l->piece <= 1);
		return;
	}
	b = put_item(s, IT_NOISE, l->len + l->eol, 0, NULL);
	buf_add(b, l, sizeof(*l));
	put_bytes(b, l->p, l->len + l->eol);
	handoff_push(s->ho);
}

/* On the second thread: the items of one batch. */
static void take_batch(void *ctx, const char *p, size_t n)
{
	struct src *s = ctx;
	const char *e = p + n;
	int i;

	while (p < e) {
		struct item it;
		struct record rec;
		struct line l;

		memcpy(&it, p, sizeof(it));
		p += sizeof(it);
		switch (it.kind) {
		case IT_RECORD:
			memcpy(&rec, p, RECORD_FIXED);
			p += RECORD_FIXED;
			for (i = 0; i < RECORD_NMETA; i++) {
				char *m = meta_at(&rec, i);

				if (it.ml[i])
					memcpy(m, p, it.ml[i]);
				m[it.ml[i]] = '\0';
				p += it.ml[i] + 1;
			}
			rec.text = p;
			p += it.n1 + 1;
			rec.raw = it.n2 == SPAN_ONLY ? NULL : p;
			p += (it.n2 == SPAN_ONLY ? 0 : it.n2) + 1;
			deliver_record(s, &rec);
			break;
		case IT_NOISE:
			memcpy(&l, p, sizeof(l));
			p += sizeof(l);
			l.p = p;
			p += it.n1 + 1;
			deliver_noise(s, &l);
			break;
		case IT_UPTO:
			deliver_upto(s, it.n2, it.errors);
			break;
		default:
			diag_release(p, it.n1, it.errors);
			p += it.n1 + 1;
			break;
		}
	}
}

/* The annotated log is as big as the input: a third thread writes it,
 * from batches the analysis thread fills through a stdio stream of its
 * own (fopencookie).  A diagnostic waits until what came before it is
 * written.  One input is read at a time, so one writer is enough.
 *
 * A batch is a run of pieces, each a header and, for bytes, the bytes.
 * A file read as it is stored (input_verbatim) passes its own lines as
 * spans: the writer reads them again from the file (from the page cache,
 * where they were just read), so the log's bytes, nearly all of the
 * output, are not copied from thread to thread; the kernel copies them
 * from the file to the output itself where it can (copy_file_range). */
struct wpiece {
	uint64_t at; /* WP_BYTES: n bytes follow; else a span: n bytes of
	                the input at offset at */
	size_t n;
};
#define WP_BYTES  UINT64_MAX
#define SPAN_FULL (1024 * 1024) /* bytes of spans that fill a batch */
#define COPY_BUF  (256 * 1024)
#define NO_SPAN   SIZE_MAX /* writer.span: the last piece is not one */

static struct writer {
	struct handoff *ho;
	FILE *out, *real;
	int fd; /* real's descriptor, or -1: write through real */
	/* spans (the analysis thread's part) */
	int in_fd;        /* the input read again, or -1: no spans */
	off_t base;       /* where the input's first byte is in in_fd */
	const char *name; /* for the diagnostic of what was lost */
	size_t span;      /* where the batch's last piece is, if a span */
	size_t spanned;   /* bytes of the spans in the batch being filled */
	uint64_t upto;    /* the input written so far (out_upto) */
	/* the writer thread's part */
	int kcopy; /* 0 once copy_file_range failed: read and write */
	char *copy;
	uint64_t lost; /* bytes of spans the input no longer had */
	int lost_errno;
} writer = {.fd = -1, .in_fd = -1, .span = NO_SPAN};

static void write_bytes(struct writer *w, const char *p, size_t n)
{
	while (n > 0 && w->fd >= 0) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->fd = -1;
			break;
		}
		p += k;
		n -= (size_t)k;
	}
	if (n > 0)
		fwrite(p, 1, n, w->real);
}

/* N bytes of the input at AT, as they are there now.  copy_file_range
 * fails at once where it cannot work (output a pipe, a device, a file
 * opened to append, another file system on old kernels): then, and
 * after any error, pread and write, which tell an error of the input
 * from one of the output. */
static void write_span(struct writer *w, uint64_t at, size_t n)
{
	off_t off = w->base + (off_t)at;

	while (n > 0 && w->kcopy && w->fd >= 0) {
		ssize_t k = copy_file_range(w->in_fd, &off, w->fd, NULL, n, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->kcopy = 0; /* 0: the file is shorter; pread says */
			break;
		}
		n -= (size_t)k;
	}
	while (n > 0) {
		ssize_t k =
		    pread(w->in_fd, w->copy, n < COPY_BUF ? n : COPY_BUF, off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->lost += n;
			if (k < 0)
				w->lost_errno = errno;
			return;
		}
		write_bytes(w, w->copy, (size_t)k);
		off += k;
		n -= (size_t)k;
	}
}

/* On the writer thread.  Nothing waits in real's buffer while the writer
 * runs (all goes through writer.out), so a batch goes straight to the
 * descriptor: stdio would copy it once more.  After a failed write the
 * rest goes through real, which fails the same way and keeps the error
 * for main's check at exit. */
static void write_batch(void *ctx, const char *p, size_t n)
{
	struct writer *w = ctx;
	const char *e = p + n;

	while (p < e) {
		struct wpiece h;

		memcpy(&h, p, sizeof(h));
		p += sizeof(h);
		if (h.at == WP_BYTES) {
			write_bytes(w, p, h.n);
			p += h.n;
		} else {
			write_span(w, h.at, h.n);
		}
	}
}

/* Hands the batch over when full: by its bytes, or by the bytes its spans
 * stand for, so that the writer keeps pace with the input. */
static void writer_push(void)
{
	struct buf *b = handoff_buf(writer.ho);

	if (writer.spanned >= SPAN_FULL)
		handoff_give(writer.ho);
	else
		handoff_push(writer.ho);
	if (handoff_buf(writer.ho) != b) { /* handed over */
		writer.span = NO_SPAN;
		writer.spanned = 0;
	}
}

static void put_piece(uint64_t at, const char *p, size_t n)
{
	struct wpiece h = {at, n};
	struct buf *b = handoff_buf(writer.ho);

	buf_add(b, &h, sizeof(h));
	if (p)
		buf_add(b, p, n);
}

/* The log's own bytes, most of an annotated log: with a writer thread,
 * appended to its batch at once (after what stdio holds, to keep the
 * order) instead of copied into writer.out's buffer and out again. */
static void out_log(struct run *r, const char *p, size_t n)
{
	if (writer.ho == NULL || r->out != writer.out) {
		fwrite(p, 1, n, r->out);
		return;
	}
	if (__fpending(writer.out) > 0)
		fflush(writer.out);
	put_piece(WP_BYTES, p, n);
	writer.span = NO_SPAN;
	writer_push();
}

static uint64_t writer_upto(void)
{
	return writer.upto;
}

/* RAW_SPAN: the input written up to AT (NL: where a line ends), as a
 * span that lengthens the batch's last piece when that is one. */
static void out_upto(struct run *r, uint64_t at, int nl)
{
	struct buf *b;
	struct wpiece h;

	if (at <= writer.upto)
		return;
	if (__fpending(writer.out) > 0)
		fflush(writer.out);
	b = handoff_buf(writer.ho);
	if (writer.span != NO_SPAN) {
		memcpy(&h, b->p + writer.span, sizeof(h));
		h.n += at - writer.upto;
		memcpy(b->p + writer.span, &h, sizeof(h));
	} else {
		writer.span = b->len;
		put_piece(writer.upto, NULL, at - writer.upto);
	}
	writer.spanned += at - writer.upto;
	writer.upto = at;
	r->out_bol = nl;
	writer_push();
}

static ssize_t writer_put(void *cookie, const char *p, size_t n)
{
	(void)cookie; /* &writer */
	put_piece(WP_BYTES, p, n);
	writer.span = NO_SPAN;
	writer_push();
	return (ssize_t)n;
}

static void writer_flush(void)
{
	fflush(writer.out);
	handoff_sync(writer.ho);
	writer.span = NO_SPAN;
	writer.spanned = 0;
	fflush(writer.real);
}

static void writer_start(struct run *r)
{
	static char vbuf[64 * 1024];
	cookie_io_functions_t io = {NULL, writer_put, NULL, NULL};

	if (r->o.mode != OUT_ANNOTATED || r->o.tty || writer.ho ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	fflush(r->out);
	writer.real = r->out;
	writer.fd = fileno(r->out);
	writer.ho = handoff_start("sipwhy-write", write_batch, &writer);
	if (writer.ho == NULL)
		return;
	writer.out = fopencookie(&writer, "w", io);
	if (writer.out == NULL) {
		handoff_end(writer.ho);
		writer.ho = NULL;
		return;
	}
	setvbuf(writer.out, vbuf, _IOFBF, sizeof(vbuf));
	r->out = writer.out;
	diag_flush_with(writer_flush);
}

static void writer_end(struct run *r)
{
	if (writer.ho == NULL)
		return;
	fclose(writer.out); /* hands its buffer over */
	handoff_end(writer.ho);
	r->out = writer.real;
	diag_flush_with(NULL);
	if (writer.lost)
		diag_error(writer.name,
		           "%llu bytes of the log are missing from the "
		           "annotated output: the file was cut short while "
		           "it was read%s%s",
		           (unsigned long long)writer.lost,
		           writer.lost_errno ? ": " : "",
		           writer.lost_errno ? strerror(writer.lost_errno)
		                             : "");
	free(writer.copy);
	memset(&writer, 0, sizeof(writer));
	writer.fd = writer.in_fd = -1;
	writer.span = NO_SPAN;
}

/* The analysis thread passes the log's lines as spans of FD's bytes from
 * BASE on (see struct wpiece). */
static void writer_spans(int fd, off_t base, const char *name)
{
	writer.in_fd = fd;
	writer.base = base;
	writer.name = name;
	writer.kcopy = 1;
	writer.copy = xmalloc(COPY_BUF);
}

static void pipeline_start(struct src *s)
{
	if (!s->want_ho || s->ho)
		return;
	s->ho = handoff_start("sipwhy-work", take_batch, s);
	if (s->ho == NULL)
		return;
	diag_hold(&s->held);
	writer_start(s->r);
}

static void pipeline_end(struct src *s)
{
	if (s->ho == NULL)
		return;
	if (s->fr.keep_raw == RAW_SPAN) /* the lines after the last record */
		put_upto(s, s->lines.fed, s->tail_nl);
	put_diags(s, handoff_buf(s->ho)); /* those after the last record */
	handoff_end(s->ho);
	s->ho = NULL;
	diag_unhold(); /* the writer's diagnostic goes straight out */
	writer_end(s->r);
	buf_free(&s->held);
}

static void start_framer(struct src *s)
{
	struct run *r = s->r;
	size_t i;
	off_t base;

	if (s->fmt == NULL)
		s->fmt = formats_pick(r->fs, s->scores);
	/* (a stop signal cut the input short: no verdict on it) */
	if (s->fmt == NULL && s->ndl > 0 && !follow_stop)
		diag_warn(s->name,
		          "lines 1-%llu: no format recognised (%zu bytes "
		          "read to detect one); read as generic SIP text "
		          "(-F names the format)",
		          (unsigned long long)s->dl[s->ndl - 1].no, s->det.len);
	if (s->fmt == NULL)
		s->fmt = formats_find(r->fs, "generic");
	if (s->fmt == NULL)
		die("no format recognises %s and there is no 'generic' format",
		    s->name);
	framer_init(&s->fr, s->fmt, s->name, s->year, s->ref_month,
	            r->o.mode == OUT_ANNOTATED || r->o.mode == OUT_FAILURES,
	            on_record, on_noise, s);
	if (s->end.set)
		framer_clock(&s->fr, &s->end);
	s->fr.defer = 1; /* the text is made whole in handle_record */
	s->fr.noise_out = r->o.mode == OUT_ANNOTATED;
	framer_sample(&s->fr, s->det.p, s->det.len);
	s->framing = 1;
	pipeline_start(s);
	/* a file read as it is stored: the writer reads the log's lines
	   again from it, where they are (struct wpiece) */
	if (s->ho && writer.ho && s->in &&
	    (base = input_verbatim(s->in)) >= 0) {
		s->fr.keep_raw = RAW_SPAN;
		writer_spans(input_fd(s->in), base, s->name);
	}
	for (i = 0; i < s->ndl; i++) {
		struct line l;

		l.p = s->det.p + s->dl[i].off;
		l.len = s->dl[i].len;
		l.eol = s->dl[i].eol;
		l.no = s->dl[i].no;
		l.piece = s->dl[i].piece;
		l.off = s->dl[i].at;
		framer_line(&s->fr, &l);
	}
	s->ndl = 0;
	buf_free(&s->det);
}

static void on_line(void *ctx, const struct line *l)
{
	struct src *s = ctx;
	struct run *r = s->r;

	s->nlines += l->piece <= 1; /* a long line's pieces: one line */
	if (s->framing) {
		framer_line(&s->fr, l);
		return;
	}
	if (s->exporting) {
		export_line(s, l);
		return;
	}
	if (l->no == 1 && s->ndl == 0 &&
	    (r->o.format ? strcmp(r->o.format, EXPORT_FORMAT) == 0
	                 : export_is_header(l->p, l->len))) {
		s->exporting = 1;
		csv_init(&s->csv);
		export_line(s, l);
		return;
	}
	if (s->ndl == s->dlcap) {
		s->dlcap = s->dlcap ? s->dlcap * 2 : 64;
		s->dl = xrealloc(s->dl, s->dlcap * sizeof(*s->dl));
	}
	s->dl[s->ndl].off = s->det.len;
	s->dl[s->ndl].len = l->len;
	s->dl[s->ndl].eol = l->eol;
	s->dl[s->ndl].no = l->no;
	s->dl[s->ndl].piece = l->piece;
	s->dl[s->ndl].at = l->off;
	s->ndl++;
	buf_add(&s->det, l->p, l->len + l->eol);
	if (l->piece || l->len > DETECT_LONG_LINE)
		s->det_long += l->len + l->eol;
	if (s->fmt == NULL && l->piece == 0) {
		const struct format *gave_up =
		    formats_score_line(r->fs, l->p, l->len, s->scores);

		if (gave_up && !s->detect_warned) {
			diag_warn(
			    s->name,
			    "line %llu: a pattern of format %s (%s) gave up "
			    "(match limit) while detecting the format",
			    (unsigned long long)l->no, gave_up->name,
			    gave_up->file);
			s->detect_warned = 1;
		}
	}
	if (s->fmt != NULL || s->ndl >= DETECT_LINES ||
	    s->det.len - s->det_long >= DETECT_BYTES ||
	    s->det_long >= DETECT_LONG_BYTES)
		start_framer(s);
}

void src_begin(struct run *r, struct src *s, const char *name, int year,
               int ref_month)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->name = name;
	s->year = year;
	s->ref_month = ref_month;
	s->fmt = r->o.format ? formats_find(r->fs, r->o.format) : NULL;
	s->scores = xcalloc(r->fs->n ? r->fs->n : 1, sizeof(*s->scores));
	lines_init(&s->lines, r->o.line_cap, on_line, s);
}

void src_begin_at(struct run *r, struct src *s, const char *name, time_t end)
{
	struct tm tm;

	localtime_r(&end, &tm);
	if (r->o.year)
		src_begin(r, s, name, r->o.year, 0);
	else
		src_begin(r, s, name, tm.tm_year + 1900, tm.tm_mon + 1);
	s->end.set = s->end.has_date = 1;
	s->end.year = s->year;
	s->end.mon = tm.tm_mon + 1;
	s->end.day = tm.tm_mday;
	s->end.hour = tm.tm_hour;
	s->end.min = tm.tm_min;
	s->end.sec = tm.tm_sec;
}

static void src_feed_at(struct src *s, const char *p, size_t n,
                        const uint32_t *brk, size_t nbrk)
{
	s->bytes += n;
	lines_feed_at(&s->lines, p, n, brk, nbrk);
}

void src_feed(struct src *s, const char *p, size_t n)
{
	src_feed_at(s, p, n, NULL, 0);
}

void src_idle(struct src *s)
{
	/* a live input does not wait for a full detection window, once some
	   format has recognised a line */
	if (!s->framing && !s->exporting && s->ndl > 0) {
		size_t i;

		for (i = 0; i < s->r->fs->n; i++)
			if (s->scores[i] > 0 || s->fmt) {
				start_framer(s);
				break;
			}
	}
	if (s->framing)
		framer_idle(&s->fr);
	fflush(s->r->out);
}

void src_end(struct src *s)
{
	struct run *r = s->r;
	struct summary_totals *t = summary_totals(r->sum);

	lines_finish(&s->lines);
	if (s->exporting) {
		if (s->xraw.len) { /* a quoted field never closed */
			diag_warn(s->name,
			          "line %llu: unterminated quoted field; the "
			          "last row is not analysed",
			          (unsigned long long)s->xfirst);
			summary_totals(r->sum)->unrecognised++;
			if (r->o.mode == OUT_ANNOTATED)
				out_bytes(r, s->xraw.p, s->xraw.len);
		}
		csv_free(&s->csv);
	} else {
		if (!s->framing)
			start_framer(s);
		framer_finish(&s->fr);
		framer_free(&s->fr);
		pipeline_end(s);
	}
	lines_free(&s->lines);
	fflush(r->out);
	t->inputs++;
	t->bytes += s->bytes;
	t->lines += s->nlines;
	free(s->scores);
	free(s->dl);
	buf_free(&s->det);
	buf_free(&s->xraw);
	s->scores = NULL;
	s->dl = NULL;
}

void run_begin(struct run *r, const char *name, int year, int ref_month)
{
	src_begin(r, &r->cur, name, year, ref_month);
}

void run_feed(struct run *r, const char *p, size_t n)
{
	src_feed(&r->cur, p, n);
}

void run_end(struct run *r)
{
	src_end(&r->cur);
}

int run_input(struct run *r, struct input *in)
{
	const char *chunk;
	struct stat st;
	time_t now = time(NULL);
	ssize_t n = 0;
	int rc = 0, ahead = 0;

	/* Logs without a year get the file's: its last write is the end of
	   the log (stdin and pipes: today). */
	if (fstat(input_fd(in), &st) == 0 && S_ISREG(st.st_mode)) {
		now = st.st_mtime;
		/* reading (and inflating) on the second core while this one
		   parses; a pipe's reads may wait, so pipes stay here */
		ahead = input_read_ahead(in) == 0;
	}
	src_begin_at(r, &r->cur, input_name(in), now);
	r->cur.in = in;
	/* a file's records are analysed on another thread while this one
	   frames the next ones, when a core is free for it: inflating
	   keeps the reader's core busy */
	r->cur.want_ho = ahead && sysconf(_SC_NPROCESSORS_ONLN) >=
	                              (input_is_gzip(in) ? 3 : 2);
	while (!follow_stop && (n = input_next(in, &chunk)) > 0) {
		size_t nbrk;
		const uint32_t *brk = input_breaks(in, &nbrk);

		src_feed_at(&r->cur, chunk, (size_t)n, brk, nbrk);
	}
	if (n < 0)
		rc = -1;
	run_end(r);
	return rc;
}

void run_summary(struct run *r)
{
	struct summary_totals *t = summary_totals(r->sum);
	uint64_t export_calls = t->calls;
	struct buf b = {0};

	if (r->o.summary == SUM_NONE)
		return;
	t->calls += calls_count(r->calls);
	if (r->o.summary == SUM_JSON || r->o.mode == OUT_JSON) {
		if (r->o.mode == OUT_ANNOTATED || r->o.mode == OUT_FAILURES) {
			/* keep the marker convention: JSON on a marker line */
			summary_json(r->sum, &b);
			if (b.len && b.p[b.len - 1] == '\n')
				b.p[--b.len] = '\0';
			annot(r, b.p);
		} else {
			summary_json(r->sum, &b);
			fwrite(b.p, 1, b.len, r->out);
		}
	} else {
		int prefix =
		    r->o.mode == OUT_ANNOTATED || r->o.mode == OUT_FAILURES;

		if (prefix && !r->out_bol)
			fputc('\n', r->out);
		if (r->o.summary == SUM_MARKDOWN) {
			struct buf md = {0};
			const char *p;

			summary_markdown(r->sum, &md);
			/* after a log, every line carries the marker */
			for (p = md.p; prefix && p && *p;) {
				const char *nl = strchr(p, '\n');

				buf_adds(&b, MARKER " ");
				buf_add(&b, p, (size_t)(nl - p) + 1);
				p = nl + 1;
			}
			if (!prefix)
				buf_add(&b, md.p, md.len);
			buf_free(&md);
		} else {
			summary_text(r->sum, &b, prefix ? MARKER " " : "");
		}
		fwrite(b.p, 1, b.len, r->out);
		r->out_bol = 1;
	}
	t->calls = export_calls;
	buf_free(&b);
	fflush(r->out);
}

void run_finish(struct run *r)
{
	/* INVITEs the log went on past by more than Timer B */
	calls_expire(r->calls, r->last_time, TIMER_B_WAIT, on_timeout, r);
	run_summary(r);
}
