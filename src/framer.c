/* framer.c - the record model of sipwhy-patterns(5): a record opens at a
 * line matching 'start', takes continuation lines, and closes at an 'end'
 * line (kept), a 'break' line (not kept), the next 'start', the end of the
 * input, or, for 'complete' formats, when its SIP message is whole by
 * Content-Length (RFC 3261 section 18.3).  Two ways of splitting one
 * message over several log entries are undone: entries that repeat the
 * same 'part' (Ribbon splits entries over 1800 bytes), and a marker record
 * whose SIP text arrives later in 'continue' lines of the same 'key'
 * (AudioCodes 7.40 sends the marker packet alone). */
#define _GNU_SOURCE
#include "framer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"

#define DEFAULT_MAX_RECORD (1024 * 1024)
#define TRAILER_WINDOW     256

void framer_init(struct framer *fr, const struct format *fmt, const char *name,
                 int year, int ref_month, int keep_raw, record_fn on_record,
                 noise_fn on_noise, void *ctx)
{
	memset(fr, 0, sizeof(*fr));
	fr->fmt = fmt;
	rxm_init(&fr->md);
	fr->name = name;
	fr->year = year;
	fr->ref_month = ref_month;
	fr->keep_raw = keep_raw;
	fr->max_record = DEFAULT_MAX_RECORD;
	fr->lit_key = fmt->literal_key;
	fr->stamp_has_year =
	    fmt->time_format &&
	    (strstr(fmt->time_format, "%Y") || strstr(fmt->time_format, "%s"));
	fr->on_record = on_record;
	fr->on_noise = on_noise;
	fr->ctx = ctx;
}

void framer_free(struct framer *fr)
{
	int i;

	rxm_free(&fr->md);
	buf_free(&fr->raw);
	buf_free(&fr->cur.text);
	for (i = 0; i < fr->nheld; i++) {
		buf_free(&fr->held[i]->text);
		free(fr->held[i]);
	}
	fr->nheld = 0;
}

/* The byte of the escape #ooo at H (4 bytes), or -1 if it is none. */
static inline int octal_escape(const char *h)
{
	if (h[1] < '0' || h[1] > '3' || h[2] < '0' || h[2] > '7' ||
	    h[3] < '0' || h[3] > '7')
		return -1;
	return (h[1] - '0') * 64 + (h[2] - '0') * 8 + (h[3] - '0');
}

/* rsyslog and syslog-ng write control bytes as #ooo.  The text only
 * shrinks, so it is written in place.  With HEAD it stops after the empty
 * line that ends a SIP message's headers (P starts a line). */
static void syslog_octal(const char *p, size_t n, struct buf *out, int head)
{
	const char *e = p + n, *s = p;
	char *o, *line;
	int c;

	buf_reserve(out, n);
	o = line = out->p + out->len;
	while (p < e) {
		const char *h = memchr(p, '#', (size_t)(e - p));

		if (h == NULL || e - h < 4)
			break;
		if ((c = octal_escape(h)) >= 0) {
			memcpy(o, s, (size_t)(h - s));
			o += h - s;
			*o++ = (char)c;
			p = s = h + 4;
			if (head && o[-1] == '\n') {
				if (sip_blank_line(line,
				                   (size_t)(o - 1 - line))) {
					e = s; /* nothing after it is copied */
					break;
				}
				line = o;
			}
		} else {
			p = h + 1;
		}
	}
	memcpy(o, s, (size_t)(e - s));
	o += e - s;
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
}

static void unescape_one(unsigned how, const char *p, size_t n, struct buf *out)
{
	const char *e = p + n, *s = p;

	switch (how) {
	case UNESC_ANSI:
		/* ESC [ parameters final-byte (ECMA-48 CSI), as sipgrep
		   colours its output */
		while (p < e) {
			const char *q = memchr(p, '\033', (size_t)(e - p));

			if (q == NULL || q + 1 >= e || q[1] != '[')
				break;
			buf_add(out, s, (size_t)(q - s));
			q += 2;
			while (q < e && (unsigned char)*q >= 0x20 &&
			       (unsigned char)*q <= 0x3f)
				q++;
			if (q < e)
				q++; /* the final byte */
			p = s = q;
		}
		buf_add(out, s, (size_t)(e - s));
		break;
	case UNESC_SYSLOG:
		syslog_octal(p, n, out, 0);
		break;
	case UNESC_LITERAL_CRLF:
		/* tshark's raw text: "...\r\n" written out literally */
		while (p + 1 < e) {
			if (p[0] == '\\' && (p[1] == 'n' || p[1] == 'r')) {
				buf_add(out, s, (size_t)(p - s));
				buf_addc(out, p[1] == 'n' ? '\n' : '\r');
				p = s = p + 2;
			} else {
				p++;
			}
		}
		buf_add(out, s, (size_t)(e - s));
		break;
	case UNESC_DOT_CR:
		/* ngrep shows the CR of CRLF as a '.' at the end of a line;
		   it becomes the CR again so body sizes stay right */
		if (n > 0 && e[-1] == '.') {
			buf_add(out, s, n - 1);
			buf_addc(out, '\r');
		} else {
			buf_add(out, s, n);
		}
		break;
	default:
		buf_add(out, p, n);
		break;
	}
}

void framer_unescape(unsigned how, const char *p, size_t n, struct buf *out)
{
	static struct buf a, b;
	static const unsigned order[] = {UNESC_ANSI, UNESC_SYSLOG,
	                                 UNESC_LITERAL_CRLF, UNESC_DOT_CR};
	const char *cp = p;
	size_t cn = n, i;
	struct buf *dst = &a;

	if ((how & (how - 1)) == 0) { /* none or one: no scratch needed */
		unescape_one(how, p, n, out);
		return;
	}
	for (i = 0; i < ARRAY_LEN(order); i++) {
		if (!(how & order[i]))
			continue;
		how &= ~order[i];
		if (how == 0) {
			unescape_one(order[i], cp, cn, out);
			return;
		}
		buf_clear(dst);
		unescape_one(order[i], cp, cn, dst);
		cp = dst->p;
		cn = dst->len;
		dst = dst == &a ? &b : &a;
	}
}

/* rx_match, with the match limit reported where it struck, once per input
 * and pattern key. */
static int fmatch_rx(struct framer *fr, const struct rx *rx, const char *p,
                     size_t n)
{
	int rc = rx_match(rx, p, n, &fr->md);

	if (rc < 0 && fr->limit_warnings < 5) {
		char msg[128];

		fr->limit_warnings++;
		diag_warn(fr->name,
		          "line %llu: a pattern of format %s (%s) gave up: %s; "
		          "the line is taken as not matching",
		          (unsigned long long)fr->lineno, fr->fmt->name,
		          fr->fmt->file, rx_error(&fr->md, msg, sizeof(msg)));
	}
	return rc;
}

static inline int fmatch(struct framer *fr, const struct rx *rx, const char *p,
                         size_t n)
{
	return rx_ruled_out(rx, p, n) ? 0 : fmatch_rx(fr, rx, p, n);
}

static void copy_group(struct framer *fr, const struct rx *rx, enum rxg id,
                       char *dst)
{
	const char *g;
	size_t gn;

	if (!rx_group_id(rx, &fr->md, id, &g, &gn))
		return;
	if (gn >= META_LEN)
		gn = META_LEN - 1;
	memcpy(dst, g, gn);
	dst[gn] = '\0';
}

/* "srcport: 5070" on a line of its own (Kamailio's sipdump), or a port
 * group of its own: the port is added to the address captured before it,
 * unless that has one.  An IPv6 address is put in brackets first
 * ([2001:db8::5]:5061), as SIP writes it with a port. */
static void add_port(struct framer *fr, const struct rx *rx, enum rxg id,
                     char *dst)
{
	const char *g, *colon;
	size_t gn, l;
	int v6 = 0;

	if (!rx_group_id(rx, &fr->md, id, &g, &gn))
		return;
	l = strlen(dst);
	if (l == 0)
		return;
	if (dst[0] == '[') { /* [v6], or [v6]:port already */
		if (strstr(dst, "]:") != NULL)
			return;
	} else if ((colon = strchr(dst, ':')) != NULL) {
		if (strchr(colon + 1, ':') == NULL)
			return; /* host:port already */
		v6 = 1;         /* two colons or more */
	}
	if (l + 1 + gn + 2 * (size_t)v6 >= META_LEN)
		return;
	if (v6) {
		memmove(dst + 1, dst, l);
		dst[0] = '[';
		dst[l + 1] = ']';
		l += 2;
	}
	dst[l] = ':';
	memcpy(dst + l + 1, g, gn);
	dst[l + 1 + gn] = '\0';
}

static enum dir dir_word(const char *g, size_t gn)
{
	char c;

	if (gn == 0)
		return DIR_UNKNOWN;
	c = (char)tolower((unsigned char)g[0]);
	if (c == 'i' || c == 'r') /* incoming, in, received, recv, rcv, rx */
		return DIR_IN;
	if (c == 'o' || c == 's' || c == 't') /* outgoing, sent, snd, tx */
		return DIR_OUT;
	return DIR_UNKNOWN;
}

/* Stamps without a year: a log that ends in January holds December's
 * lines of the year before. */
static void fix_year(struct framer *fr, struct logtime *t)
{
	if (fr->stamp_has_year || !t->has_date)
		return;
	if (fr->ref_month) {
		if (t->mon > fr->ref_month)
			t->year--;
		return;
	}
	if (fr->last_month && t->mon + 6 < fr->last_month)
		fr->year_bump++;
	fr->last_month = t->mon;
	t->year += fr->year_bump;
}

void framer_clock(struct framer *fr, const struct logtime *end)
{
	fr->clock = *end;
	fr->clock_end = 1;
}

/* A stamp read: a year when it has none, a date when it is a time of
 * day, and it dates the time-of-day stamps after it. */
static void stamp_read(struct framer *fr, struct logtime *t)
{
	if (t->has_date) {
		fix_year(fr, t);
		return;
	}
	if (!fr->clock.set)
		return;
	logtime_date(t, &fr->clock, fr->clock_end);
	fr->clock = *t;
	fr->clock_end = 0;
}

/* A line outside records: a clock line's dated stamp dates what follows
 * (when stamps are dated at all: a log's times are all dated or none). */
static void noise_line(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;
	const char *g;
	size_t gn;
	struct logtime t;

	if (f->clock.code && fr->clock.set &&
	    fmatch(fr, &f->clock, l->p, l->len) == 1 &&
	    rx_group_id(&f->clock, &fr->md, RXG_TIME, &g, &gn) &&
	    logtime_parse(f->clock_format, g, gn, fr->year, &t) == 0 &&
	    t.has_date) {
		fr->clock = t;
		fr->clock_end = 0;
	}
	fr->on_noise(fr->ctx, l);
}

/* Take the metadata groups of the last match of RX into REC. */
static void capture(struct framer *fr, const struct rx *rx, struct record *rec)
{
	const char *g;
	size_t gn;

	if (rx_group_id(rx, &fr->md, RXG_DIR, &g, &gn))
		rec->dir = dir_word(g, gn);
	if (rx->meta) { /* a trailer or a field mostly has none of them */
		copy_group(fr, rx, RXG_PEER, rec->peer);
		copy_group(fr, rx, RXG_SRC, rec->src);
		copy_group(fr, rx, RXG_DST, rec->dst);
		copy_group(fr, rx, RXG_LOCAL, rec->local);
		copy_group(fr, rx, RXG_KEY, rec->key);
		copy_group(fr, rx, RXG_PART, rec->part);
		add_port(fr, rx, RXG_PEER_PORT, rec->peer);
		add_port(fr, rx, RXG_SRC_PORT, rec->src);
		add_port(fr, rx, RXG_DST_PORT, rec->dst);
	}
	if (!rec->time.set && fr->fmt->time_format &&
	    rx_group_id(rx, &fr->md, RXG_TIME, &g, &gn) &&
	    logtime_parse_memo(&fr->tmemo, fr->fmt->time_format, g, gn,
	                       fr->year, &rec->time) == 0)
		stamp_read(fr, &rec->time);
}

static int header_like(const char *p, size_t n)
{
	size_t i = 0;

	if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return 1; /* folding */
	if (n == 0 || !isalpha((unsigned char)p[0]))
		return 0;
	while (i < n && sip_is_token_char((unsigned char)p[i]))
		i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/* Do the 14 bytes at P read "content-length" in any case?  Two 8-byte
 * words (bytes 0-7 and 6-13), bit 0x20 set where the name has a letter:
 * only the two cases of a letter give that letter, and the '-' is
 * compared as it is.  This runs on every header line of a record. */
static int is_content_length_name(const char *p)
{
	static const char lw[] = "content-length";
	static const char m1[8] = {0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0};
	static const char m2[8] = {0x20, 0, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20};
	uint64_t a, b, la, lb, ma, mb;

	memcpy(&a, p, 8);
	memcpy(&b, p + 6, 8);
	memcpy(&la, lw, 8);
	memcpy(&lb, lw + 6, 8);
	memcpy(&ma, m1, 8);
	memcpy(&mb, m2, 8);
	return ((a | ma) ^ la) == 0 && ((b | mb) ^ lb) == 0;
}

/* "Content-Length:" or its compact form "l:", any case. */
static int is_content_length(const char *q, size_t qn)
{
	size_t i;

	if (qn >= 14 && is_content_length_name(q))
		i = 14;
	else if (qn >= 1 && (q[0] == 'l' || q[0] == 'L'))
		i = 1;
	else
		return 0;
	while (i < qn && (q[i] == ' ' || q[i] == '\t'))
		i++;
	return i < qn && q[i] == ':';
}

/* Feed the complete text lines not seen yet to the Content-Length
 * tracker.  EOL is the size each line end had on the wire.  With
 * TO_START it stops at the start line: whether the message is whole
 * matters to no one (a one-line record alone).  With LAST_NL the only
 * line break the unseen text can hold is its last byte: the format's
 * escapes make none, so each ends a line add_content added (no search on
 * every line of a record). */
static void track(struct asm *a, size_t eol, int to_start, int last_nl)
{
	while (a->scan < a->text.len && a->sip_state != 3 &&
	       !(to_start && a->sip_state == 1)) {
		const char *p = a->text.p + a->scan, *nl, *q;
		size_t n, qn;

		if (!last_nl)
			nl = memchr(p, '\n', a->text.len - a->scan);
		else if (a->text.p[a->text.len - 1] == '\n')
			nl = a->text.p + a->text.len - 1;
		else
			nl = NULL;

		if (nl == NULL)
			return; /* a partial line: wait for the rest */
		n = (size_t)(nl - p);
		a->scan += n + 1;
		q = p;
		qn = n;
		if (qn && q[qn - 1] == '\r')
			qn--;
		switch (a->sip_state) {
		case 0:
			if (sip_is_start_line(q, qn)) {
				a->sip_state = 1;
				a->rec.start_off = (size_t)(q - a->text.p);
				a->rec.start_len = qn;
			}
			break;
		case 1:
			/* most header lines: not blank, and not named
			   Content-Length or l (no trimming needed to see it) */
			if (qn > 0 && q[0] != ' ' && q[0] != '\t' &&
			    (q[0] | 0x20) != 'c' && (q[0] | 0x20) != 'l')
				break;
			span_trim(&q, &qn);
			if (qn == 0) {
				a->sip_state = a->body_left > 0 ? 2 : 3;
			} else if (is_content_length(q, qn)) {
				const char *v =
				    (const char *)memchr(q, ':', qn) + 1;
				size_t vn = qn - (size_t)(v - q);
				long long cl;

				span_trim(&v, &vn);
				cl = span_uint(v, vn, 1 << 30);
				if (cl >= 0)
					a->body_left = (long)cl;
				a->cl_zero = cl == 0;
			}
			break;
		case 2:
			/* a CR kept in the text is counted in n */
			a->body_left -=
			    (long)(n > 0 && p[n - 1] == '\r' ? n + 1 : n + eol);
			if (a->body_left <= 0)
				a->sip_state = 3;
			break;
		}
	}
}

static size_t wire_eol(const struct framer *fr, const struct line *l)
{
	if (fr->fmt->unescape &
	    (UNESC_SYSLOG | UNESC_LITERAL_CRLF | UNESC_DOT_CR))
		return 1; /* the CR, if any, is in the text */
	return l->eol ? l->eol : 1;
}

static void peer_from_ends(struct record *rec)
{
	/* captures that name both ends: the peer is the far one */
	if (rec->peer[0] || rec->dir == DIR_UNKNOWN)
		return;
	strcpy(rec->peer, rec->dir == DIR_IN ? rec->src : rec->dst);
}

static void emit(struct framer *fr, struct asm *a, const char *raw,
                 size_t rawlen)
{
	peer_from_ends(&a->rec);
	a->rec.raw = raw ? raw : rawlen ? NULL : ""; /* NULL: a span */
	a->rec.raw_len = rawlen;
	a->rec.raw_off = fr->raw_off;
	a->rec.text = a->text.p ? a->text.p : "";
	a->rec.text_len = a->text.len;
	fr->on_record(fr->ctx, &a->rec);
}

static void release_held(struct framer *fr, int i)
{
	struct asm *a = fr->held[i];

	a->rec.held = 0;
	emit(fr, a, NULL, 0); /* its lines were passed on already */
	buf_free(&a->text);
	free(a);
	memmove(&fr->held[i], &fr->held[i + 1],
	        (size_t)(fr->nheld - i - 1) * sizeof(fr->held[0]));
	fr->nheld--;
}

static int find_held(struct framer *fr, const char *key)
{
	int i;

	for (i = 0; i < fr->nheld; i++)
		if (strcmp(fr->held[i]->rec.key, key) == 0)
			return i;
	return -1;
}

/* The open record, with its raw bytes or (RAW_SPAN) their place only. */
static void emit_raw(struct framer *fr)
{
	emit(fr, &fr->cur, fr->keep_raw == RAW_SPAN ? NULL : fr->raw.p,
	     fr->raw_n);
}

static void close_record(struct framer *fr)
{
	struct asm *a;

	if (!fr->open)
		return;
	fr->open = 0;
	if (fr->cur.nl_pending) { /* not continued: its line ends */
		buf_addc(&fr->cur.text, '\n');
		track(&fr->cur, 1, 0, 0);
		fr->cur.nl_pending = 0;
	}
	if (fr->fmt->cont.code && fr->cur.sip_state == 0 &&
	    fr->cur.rec.key[0] && !fr->cur.rec.truncated) {
		/* a marker alone: its SIP text comes in 'continue' lines */
		int i = find_held(fr, fr->cur.rec.key);

		if (i >= 0)
			release_held(fr, i);
		if (fr->nheld == FRAMER_MAX_HELD)
			release_held(fr, 0);
		fr->cur.rec.held = 1;
		emit_raw(fr);
		a = xmalloc(sizeof(*a));
		*a = fr->cur;
		a->rec.held = 0;
		fr->held[fr->nheld++] = a;
		memset(&fr->cur.text, 0, sizeof(fr->cur.text));
	} else {
		emit_raw(fr);
		buf_clear(&fr->cur.text);
	}
	buf_clear(&fr->raw);
	fr->raw_n = 0;
}

/* A line too long to analyse among the open record's headers: the record
 * goes on after it, without it, so that the headers after it (Call-ID,
 * Reason) still count.  Where the lines before it are written out now,
 * they go first, as a held marker's do, so the output keeps the input's
 * order; elsewhere the record keeps them, the long line left out. */
static void cut(struct framer *fr)
{
	/* (a span cannot leave the line out) */
	if ((!fr->noise_out && fr->keep_raw != RAW_SPAN) || fr->raw_n == 0)
		return;
	fr->cur.rec.held = 1; /* its lines alone, nothing analysed */
	emit_raw(fr);
	fr->cur.rec.held = 0;
	buf_clear(&fr->raw);
	fr->raw_n = 0;
}

/* The record's lines are consecutive lines of the input (a line that is
 * not the open record's closes it first), so where they are is one
 * span: RAW_SPAN passes that alone, without their bytes. */
static void add_raw(struct framer *fr, const struct line *l)
{
	if (fr->keep_raw == RAW_NONE)
		return;
	if (fr->raw_n == 0)
		fr->raw_off = l->off;
	fr->raw_n += l->len + l->eol;
	if (fr->keep_raw == RAW_BYTES)
		buf_add(&fr->raw, l->p, l->len + l->eol);
	fr->cur.rec.raw_nl = l->eol > 0;
}

/* A one-line record is looked at only up to its SIP start line (see
 * track): the escapes are undone up to the line break after it, and the
 * rest of the text is kept as it is, for the thread that analyses the
 * record to undo (framer_whole_text), if the record is analysed at all.
 * The text is cut only right after an escaped line break (#012), which no
 * other escape overlaps, so undoing it in two parts gives the same text. */
static void defer_unescape(struct asm *a, const char *p, size_t n, size_t eol)
{
	const char *e = p + n;
	size_t done = 0;

	while (done < n && a->sip_state == 0) {
		const char *nl = p + done;
		size_t end;

		while ((nl = memchr(nl, '#', (size_t)(e - nl))) != NULL &&
		       (e - nl < 4 || memcmp(nl + 1, "012", 3) != 0))
			nl++;
		end = nl ? (size_t)(nl - p) + 4 : n;

		unescape_one(UNESC_SYSLOG, p + done, end - done, &a->text);
		done = end;
		track(a, eol, 1, 0);
	}
	if (done < n) {
		a->rec.text_esc = a->text.len;
		buf_add(&a->text, p + done, n - done);
	}
}

/* REC's text with its escaped part undone, to its end or (HEAD) to the
 * empty line after the headers; the escaped part starts on a line of its
 * own, after the start line. */
static void undeferred(const struct record *rec, struct buf *out, int head)
{
	size_t k = rec->text_esc;

	buf_clear(out);
	if (k == 0 || k > rec->text_len) {
		buf_add(out, rec->text, rec->text_len);
		return;
	}
	buf_add(out, rec->text, k);
	syslog_octal(rec->text + k, rec->text_len - k, out, head);
}

void framer_whole_text(const struct record *rec, struct buf *out)
{
	undeferred(rec, out, 0);
}

void framer_head_text(const struct record *rec, struct buf *out)
{
	undeferred(rec, out, 1);
}

/* Add a line's content (from offset OFF) to A's text; NEWLINE ends it
 * with a line break (not for a packet that may stop mid-line). */
static void add_content(struct framer *fr, struct asm *a, const struct line *l,
                        size_t off, int first, int newline)
{
	const struct format *f = fr->fmt;
	const char *p = l->p + off;
	size_t n = l->len - off, so, eo;
	int i;
	/* a one-line record closes on its line, unless a later entry of the
	   same 'part' may continue it: then, and for held markers, whether
	   the message is whole decides; else only its start line is read */
	int to_start = f->oneline && a == &fr->cur && !a->rec.part[0];

	/* an entry that a split one may continue (its 'part' again) ends
	   without a line break until it is known not to be continued: it
	   was cut where it reached its size, mid-line as often as not */
	a->nl_pending = 0;
	if (newline && f->oneline && a->rec.part[0]) {
		a->nl_pending = 1;
		newline = 0;
	}

	if (!first && f->strip.code && fmatch(fr, &f->strip, p, n) == 1) {
		rx_span(&fr->md, &so, &eo);
		if (so == 0) {
			p += eo;
			n -= eo;
		}
	}
	if (f->trailer.code) {
		/* a trailer ends the line: only its last bytes are searched,
		   or a regex would be tried at every offset of a long line */
		size_t w = n > TRAILER_WINDOW ? n - TRAILER_WINDOW : 0;

		if (fmatch(fr, &f->trailer, p + w, n - w) == 1) {
			capture(fr, &f->trailer, &a->rec);
			rx_span(&fr->md, &so, &eo);
			n = w + so;
			/* the blanks that set it apart go with it */
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
		}
	}
	if (a->sip_state == 0 && f->nfields > 0 && !sip_is_start_line(p, n))
		for (i = 0; i < f->nfields; i++)
			if (fmatch(fr, &f->fields[i], p, n) == 1)
				capture(fr, &f->fields[i], &a->rec);
	if (fr->defer && to_start && f->unescape == UNESC_SYSLOG &&
	    a->sip_state == 0)
		defer_unescape(a, p, n, wire_eol(fr, l));
	else if (f->unescape == 0) /* most formats, on every line */
		buf_add(&a->text, p, n);
	else
		framer_unescape(f->unescape, p, n, &a->text);
	/* a literal \r\n already ended the line (tshark's raw text) */
	if (newline && !((f->unescape & UNESC_LITERAL_CRLF) && a->text.len &&
	                 a->text.p[a->text.len - 1] == '\n'))
		buf_addc(&a->text, '\n');
	a->rec.last_line = l->no;
	/* only these escapes turn bytes of a line into a line break */
	track(a, wire_eol(fr, l), to_start,
	      !(f->unescape & (UNESC_SYSLOG | UNESC_LITERAL_CRLF)));
}

static void reset_asm(struct asm *a, const struct line *l)
{
	/* the metadata strings are emptied, not wiped: this runs for every
	   record and they are most of its size */
	memset(&a->rec, 0, RECORD_FIXED);
	a->rec.peer[0] = a->rec.src[0] = a->rec.dst[0] = '\0';
	a->rec.local[0] = a->rec.key[0] = a->rec.part[0] = '\0';
	a->sip_state = 0;
	a->cl_zero = 0;
	a->body_left = 0;
	a->scan = 0;
	a->nl_pending = 0;
	buf_clear(&a->text);
	a->rec.dir = DIR_UNKNOWN;
	a->rec.first_line = a->rec.last_line = l->no;
}

/* Where the SIP text starts on a matched line: group 'sip', or after the
 * match.  Read before anything else reuses the match data. */
static size_t text_offset(struct framer *fr, const struct rx *rx,
                          const struct line *l)
{
	const char *g;
	size_t gn, so, eo;

	if (rx_group_id(rx, &fr->md, RXG_SIP, &g, &gn))
		return (size_t)(g - l->p);
	rx_span(&fr->md, &so, &eo);
	return eo;
}

static void size_over(struct framer *fr)
{
	if (fr->cur.rec.text_esc && fr->cur.text.len > fr->max_record) {
		/* the limit is on the text as analysed: undo the rest */
		struct buf whole = {0};

		fr->cur.rec.text = fr->cur.text.p;
		fr->cur.rec.text_len = fr->cur.text.len;
		framer_whole_text(&fr->cur.rec, &whole);
		buf_clear(&fr->cur.text);
		buf_add(&fr->cur.text, whole.p, whole.len);
		buf_free(&whole);
		fr->cur.rec.text_esc = 0;
	}
	if (fr->raw_n <= fr->max_record && fr->cur.text.len <= fr->max_record)
		return;
	diag_warn(fr->name,
	          "line %llu: record longer than %zu bytes; not "
	          "analysed",
	          (unsigned long long)fr->cur.rec.first_line, fr->max_record);
	fr->cur.rec.truncated = 1;
	close_record(fr);
}

/* After every line added to the open record: mostly nothing to do. */
static inline void check_size(struct framer *fr)
{
	if (fr->raw_n > fr->max_record || fr->cur.text.len > fr->max_record)
		size_over(fr);
}

/* A 'before' line describes the record that starts on one of the next
 * two lines (Kamailio's xlog line, then the message it logged). */
#define BEFORE_REACH 2

static void open_record(struct framer *fr, const struct line *l)
{
	size_t off = text_offset(fr, &fr->fmt->start, l);

	reset_asm(&fr->cur, l);
	fr->open = 1;
	buf_clear(&fr->raw);
	fr->raw_n = 0;
	if (fr->before_line && l->no - fr->before_line <= BEFORE_REACH) {
		struct record *b = &fr->before, *c = &fr->cur.rec;

		c->time = b->time;
		c->dir = b->dir;
		memcpy(c->peer, b->peer, META_LEN);
		memcpy(c->src, b->src, META_LEN);
		memcpy(c->dst, b->dst, META_LEN);
		memcpy(c->local, b->local, META_LEN);
		memcpy(c->key, b->key, META_LEN);
	}
	fr->before_line = 0;
	capture(fr, &fr->fmt->start, &fr->cur.rec);
	add_raw(fr, l);
	add_content(fr, &fr->cur, l, off, 1, 1);
	check_size(fr);
}

static int is_start(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;

	if (f->literal && literal_find_by(f, fr->lit_key, l->p, l->len) == NULL)
		return 0;
	return fmatch(fr, &f->start, l->p, l->len) == 1;
}

/* A 'continue' line: the next piece of a held marker's SIP text. */
static int continue_line(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;
	char key[META_LEN]; /* not zeroed: this runs for most lines */
	size_t off;
	int i;

	if (f->cont.code == NULL || fr->nheld == 0 ||
	    fmatch(fr, &f->cont, l->p, l->len) != 1)
		return 0;
	key[0] = '\0';
	copy_group(fr, &f->cont, RXG_KEY, key);
	i = find_held(fr, key);
	if (i < 0)
		return 0;
	off = text_offset(fr, &f->cont, l);
	close_record(fr);
	fr->on_noise(fr->ctx, l);
	add_content(fr, fr->held[i], l, off, 1, 0);
	if (fr->held[i]->sip_state == 3 ||
	    fr->held[i]->text.len > fr->max_record)
		release_held(fr, i);
	return 1;
}

/* AudioCodes numbers its syslog packets ([S=n]): a jump means packets
 * were lost on the way, and with them perhaps a failure. */
static void check_sequence(struct framer *fr, const struct line *l)
{
	const char *g;
	size_t gn;
	long long v;

	int rc = format_seq(fr->fmt, l->p, l->len, &v);

	if (rc == 0 || (rc == 1 && v < 0))
		return;
	if (rc == -2 &&
	    (fmatch(fr, &fr->fmt->seq, l->p, l->len) != 1 ||
	     !rx_group_id(&fr->fmt->seq, &fr->md, RXG_SEQ, &g, &gn) ||
	     (v = span_uint(g, gn, 1LL << 62)) < 0))
		return;
	if (fr->last_seq && (unsigned long long)v > fr->last_seq + 1) {
		unsigned long long n = (unsigned long long)v - fr->last_seq - 1;

		fr->lost += n;
		if (++fr->gaps <= 10)
			diag_warn(
			    fr->name,
			    "line %llu: sequence jumps from %llu to %lld: "
			    "%llu packet%s lost",
			    (unsigned long long)l->no, fr->last_seq, v, n,
			    n == 1 ? "" : "s");
	}
	fr->last_seq = (unsigned long long)v; /* a restart begins anew */
}

/* A split entry cut inside a #ooo escape: the escape's first bytes, which
 * ended the text as they were, are taken back and the escape undone with
 * the first bytes of the next entry's text P; how many of those it took.
 * Undone in one piece, the escape would have been undone too. */
static size_t join_escape(struct asm *a, const char *p, size_t n)
{
	char e[4];
	size_t j;
	int c;

	for (j = 1; j <= 3 && j <= a->text.len; j++) {
		const char *t = a->text.p + a->text.len - j;

		if (*t != '#')
			continue;
		if (4 - j > n)
			return 0;
		memcpy(e, t, j);
		memcpy(e + j, p, 4 - j);
		if ((c = octal_escape(e)) < 0)
			return 0;
		a->text.len -= j;
		buf_addc(&a->text, (char)c);
		return 4 - j;
	}
	return 0;
}

/* The next entry of a split message: its text from OFF goes on where the
 * open record's stopped, not on a line of its own. */
static void continue_entry(struct framer *fr, const struct line *l, size_t off,
                           int newline)
{
	if (fr->fmt->oneline && (fr->fmt->unescape & UNESC_SYSLOG))
		off += join_escape(&fr->cur, l->p + off, l->len - off);
	add_raw(fr, l);
	add_content(fr, &fr->cur, l, off, 1, newline);
	check_size(fr);
}

/* A 'break' line: 1 when it is a bare header continuing the open record
 * (a split entry: Ribbon repeats only the time stamp and sequence, its
 * 'part'), which it is then added to; 0 when it is another entry's, -1
 * when it is no break line. */
static int split_entry(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;
	char part[META_LEN];

	if (fmatch(fr, &f->brk, l->p, l->len) != 1)
		return -1;
	part[0] = '\0';
	copy_group(fr, &f->brk, RXG_PART, part);
	if (!part[0] || strcmp(part, fr->cur.rec.part) != 0)
		return 0;
	/* (a .TRC's bare header ends its line: the text is on the next) */
	continue_entry(fr, l, text_offset(fr, &f->brk, l), f->oneline);
	return 1;
}

void framer_sample(struct framer *fr, const char *p, size_t n)
{
	fr->lit_key = literal_rarest(fr->fmt, p, n);
}

void framer_line(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;

	fr->lineno = l->no;
	if (f->seq.code && l->piece == 0)
		check_sequence(fr, l);

	if (l->piece) {
		if (l->piece == 1)
			diag_warn(fr->name,
			          "line %llu: longer than %zu bytes; not "
			          "analysed",
			          (unsigned long long)l->no, l->len);
		if (fr->open && fr->cur.sip_state == 1 && !f->oneline) {
			if (l->piece == 1)
				cut(fr);
		} else {
			close_record(fr);
		}
		fr->on_noise(fr->ctx, l);
		return;
	}
	if (fr->open && f->end.code && fr->cur.sip_state != 0 &&
	    fmatch(fr, &f->end, l->p, l->len) == 1) {
		add_raw(fr, l);
		fr->cur.rec.last_line = l->no;
		close_record(fr);
		return;
	}
	if (is_start(fr, l)) {
		char part[META_LEN];
		int i;

		part[0] = '\0';
		copy_group(fr, &f->start, RXG_PART, part);
		if (fr->open && part[0] &&
		    strcmp(part, fr->cur.rec.part) == 0) {
			/* the next entry of a split message */
			continue_entry(fr, l, text_offset(fr, &f->start, l), 1);
			return;
		}
		if (fr->open)
			close_record(fr); /* leaves the match data alone */
		if (fr->nheld) {
			char key[META_LEN];

			key[0] = '\0';
			copy_group(fr, &f->start, RXG_KEY, key);
			if (key[0] && (i = find_held(fr, key)) >= 0)
				release_held(fr, i);
		}
		open_record(fr, l);
		/* a one-line record waits for the next line only when that
		   line may continue it (same 'part', message not complete) */
		if (fr->open && f->oneline &&
		    (!fr->cur.rec.part[0] || fr->cur.sip_state == 3))
			close_record(fr);
		else if (fr->open && f->complete && fr->cur.sip_state == 3)
			close_record(fr);
		return;
	}
	if (fr->open && f->oneline && f->brk.code && split_entry(fr, l) > 0)
		return; /* over syslog too, Ribbon splits long entries */
	if (fr->open && f->oneline)
		close_record(fr);
	if (continue_line(fr, l))
		return;
	if (f->before.code && fmatch(fr, &f->before, l->p, l->len) == 1) {
		close_record(fr);
		memset(&fr->before, 0, sizeof(fr->before));
		fr->before.dir = DIR_UNKNOWN;
		capture(fr, &f->before, &fr->before);
		if (fr->before.peer[0] == '\0' && fr->before.dir != DIR_UNKNOWN)
			strcpy(fr->before.peer, fr->before.dir == DIR_IN
			                            ? fr->before.src
			                            : fr->before.dst);
		fr->before_line = l->no;
		fr->on_noise(fr->ctx, l);
		return;
	}
	if (fr->open && f->brk.code) {
		int k = split_entry(fr, l);

		if (k > 0)
			return;
		if (k == 0) {
			close_record(fr);
			fr->on_noise(fr->ctx, l);
			return;
		}
	}
	if (fr->open && f->complete && fr->cur.sip_state == 1 &&
	    !header_like(l->p, l->len)) {
		const char *q = l->p;
		size_t qn = l->len;

		span_trim(&q, &qn);
		if (qn > 0) { /* not a header: the message ended early */
			close_record(fr);
			noise_line(fr, l);
			return;
		}
	}
	if (fr->open) {
		add_raw(fr, l);
		add_content(fr, &fr->cur, l, 0, 0, 1);
		check_size(fr);
		if (fr->open && f->complete && fr->cur.sip_state == 3) {
			close_record(fr);
		}
		return;
	}
	noise_line(fr, l);
}

void framer_finish(struct framer *fr)
{
	if (fr->gaps > 10)
		diag_warn(fr->name,
		          "%u sequence gaps in all, %llu packets lost",
		          fr->gaps, fr->lost);
	close_record(fr);
	while (fr->nheld > 0)
		release_held(fr, 0);
}

void framer_idle(struct framer *fr)
{
	/* only a message known to be whole: a half-written one waits.  Its
	   headers with a Content-Length of 0 are whole after the quiet too:
	   syslog drops the empty line that would end them (Cisco CUBE) */
	if (fr->open && (fr->cur.sip_state == 3 ||
	                 (fr->cur.sip_state == 1 && fr->cur.cl_zero)))
		close_record(fr);
}
