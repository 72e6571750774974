/* framer.c - the record model of sipwhy-patterns(5): a record opens at a
 * line matching 'start', takes continuation lines, and closes at an 'end'
 * line (kept), a 'break' line (not kept), the next 'start', the end of the
 * input, or, for 'complete' formats, when its SIP message is whole by
 * Content-Length (RFC 3261 section 18.3). */
#define _GNU_SOURCE
#include "framer.h"

#include <ctype.h>
#include <string.h>

#include "sip.h"

#define DEFAULT_MAX_RECORD (1024 * 1024)

void framer_init(struct framer *fr, const struct format *fmt, const char *name,
                 int year, int keep_raw, record_fn on_record, noise_fn on_noise,
                 void *ctx)
{
	memset(fr, 0, sizeof(*fr));
	fr->fmt = fmt;
	rxm_init(&fr->md);
	fr->name = name;
	fr->year = year;
	fr->keep_raw = keep_raw;
	fr->max_record = DEFAULT_MAX_RECORD;
	fr->on_record = on_record;
	fr->on_noise = on_noise;
	fr->ctx = ctx;
}

void framer_free(struct framer *fr)
{
	rxm_free(&fr->md);
	buf_free(&fr->raw);
	buf_free(&fr->text);
}

void framer_unescape(enum unescape how, const char *p, size_t n,
                     struct buf *out)
{
	const char *e = p + n, *s = p;

	switch (how) {
	case UNESC_SYSLOG:
		/* rsyslog and syslog-ng write control bytes as #ooo */
		while (p < e) {
			const char *h = memchr(p, '#', (size_t)(e - p));

			if (h == NULL || e - h < 4)
				break;
			if (h[1] >= '0' && h[1] <= '3' && h[2] >= '0' &&
			    h[2] <= '7' && h[3] >= '0' && h[3] <= '7') {
				buf_add(out, s, (size_t)(h - s));
				buf_addc(out, (char)((h[1] - '0') * 64 +
				                     (h[2] - '0') * 8 +
				                     (h[3] - '0')));
				p = s = h + 4;
			} else {
				p = h + 1;
			}
		}
		buf_add(out, s, (size_t)(e - s));
		break;
	case UNESC_LITERAL_CRLF:
		while (p + 1 < e) {
			if (p[0] == '\\' && (p[1] == 'n' || p[1] == 'r')) {
				buf_add(out, s, (size_t)(p - s));
				if (p[1] == 'n')
					buf_addc(out, '\n');
				p = s = p + 2;
			} else {
				p++;
			}
		}
		buf_add(out, s, (size_t)(e - s));
		break;
	case UNESC_DOT_CR:
		/* ngrep shows the CR of CRLF as a '.' at the end of a line */
		if (n > 0 && e[-1] == '.')
			n--;
		buf_add(out, s, n);
		break;
	default:
		buf_add(out, p, n);
		break;
	}
}

static void copy_group(struct framer *fr, const struct rx *rx,
                       const char *gname, char *dst)
{
	const char *g;
	size_t gn;

	if (!rx_group(rx, &fr->md, gname, &g, &gn))
		return;
	if (gn >= META_LEN)
		gn = META_LEN - 1;
	memcpy(dst, g, gn);
	dst[gn] = '\0';
}

static enum dir dir_word(const char *g, size_t gn)
{
	char c;

	if (gn == 0)
		return DIR_UNKNOWN;
	c = (char)tolower((unsigned char)g[0]);
	if (c == 'i' || c == 'r') /* incoming, in, received, recv, rcv, rx */
		return DIR_IN;
	if (c == 'o' || c == 's' ||
	    c == 't') /* outgoing, sent, snd, tx, transmitting */
		return DIR_OUT;
	return DIR_UNKNOWN;
}

/* Take the metadata groups of the last match of RX. */
static void capture(struct framer *fr, const struct rx *rx)
{
	const char *g;
	size_t gn;

	if (rx_group(rx, &fr->md, "dir", &g, &gn))
		fr->rec.dir = dir_word(g, gn);
	copy_group(fr, rx, "peer", fr->rec.peer);
	copy_group(fr, rx, "src", fr->rec.src);
	copy_group(fr, rx, "dst", fr->rec.dst);
	copy_group(fr, rx, "local", fr->rec.local);
	copy_group(fr, rx, "key", fr->rec.key);
	if (!fr->rec.time.set && fr->fmt->time_format &&
	    rx_group(rx, &fr->md, "time", &g, &gn))
		(void)logtime_parse(fr->fmt->time_format, g, gn, fr->year,
		                    &fr->rec.time);
}

static int header_like(const char *p, size_t n)
{
	size_t i = 0;

	if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return 1; /* folding */
	if (n == 0 || !isalpha((unsigned char)p[0]))
		return 0;
	while (i < n &&
	       (isalnum((unsigned char)p[i]) || strchr("-.!%*_+`'~", p[i])))
		i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/* "Content-Length:" or its compact form "l:", any case. */
static int is_content_length(const char *q, size_t qn)
{
	size_t i;

	if (qn >= 14 && span_ieq(q, 14, "content-length"))
		i = 14;
	else if (qn >= 1 && (q[0] == 'l' || q[0] == 'L'))
		i = 1;
	else
		return 0;
	while (i < qn && (q[i] == ' ' || q[i] == '\t'))
		i++;
	return i < qn && q[i] == ':';
}

/* Feed newly added text lines to the Content-Length tracker.  EOL is the
 * size of the physical line end, for the body count. */
static void track(struct framer *fr, size_t eol)
{
	while (fr->scan < fr->text.len && fr->sip_state != 3) {
		const char *p = fr->text.p + fr->scan;
		const char *nl = memchr(p, '\n', fr->text.len - fr->scan);
		size_t n = nl ? (size_t)(nl - p) : fr->text.len - fr->scan;
		const char *q = p;
		size_t qn = n;

		fr->scan += n + (nl ? 1 : 0);
		if (qn && q[qn - 1] == '\r')
			qn--;
		switch (fr->sip_state) {
		case 0:
			if (sip_is_start_line(q, qn))
				fr->sip_state = 1;
			break;
		case 1:
			span_trim(&q, &qn);
			if (qn == 0) {
				fr->sip_state = fr->body_left > 0 ? 2 : 3;
			} else if (is_content_length(q, qn)) {
				const char *v =
				    (const char *)memchr(q, ':', qn) + 1;
				size_t vn = qn - (size_t)(v - q);
				long long cl;

				span_trim(&v, &vn);
				cl = span_uint(v, vn, 1 << 30);
				if (cl >= 0)
					fr->body_left = (long)cl;
			}
			break;
		case 2:
			fr->body_left -= (long)(n + eol);
			if (fr->body_left <= 0)
				fr->sip_state = 3;
			break;
		}
	}
}

static void close_record(struct framer *fr)
{
	if (!fr->open)
		return;
	fr->rec.raw = fr->raw.p ? fr->raw.p : "";
	fr->rec.raw_len = fr->raw.len;
	fr->rec.text = fr->text.p ? fr->text.p : "";
	fr->rec.text_len = fr->text.len;
	fr->on_record(fr->ctx, &fr->rec);
	fr->open = 0;
	buf_clear(&fr->raw);
	buf_clear(&fr->text);
}

static void add_raw(struct framer *fr, const struct line *l)
{
	if (!fr->keep_raw)
		return;
	buf_add(&fr->raw, l->p, l->len + l->eol);
	fr->rec.raw_nl = l->eol > 0;
}

/* Add a line's content (from offset OFF) to the record's text. */
static void add_content(struct framer *fr, const struct line *l, size_t off,
                        int first)
{
	const struct format *f = fr->fmt;
	const char *p = l->p + off;
	size_t n = l->len - off, so, eo;
	int i;

	if (!first && f->strip.code &&
	    rx_match(&f->strip, p, n, &fr->md) == 1) {
		rx_span(&fr->md, &so, &eo);
		if (so == 0) {
			p += eo;
			n -= eo;
		}
	}
	if (f->trailer.code && rx_match(&f->trailer, p, n, &fr->md) == 1) {
		capture(fr, &f->trailer);
		rx_span(&fr->md, &so, &eo);
		n = so;
	}
	if (fr->sip_state == 0 && f->nfields > 0 && !sip_is_start_line(p, n))
		for (i = 0; i < f->nfields; i++)
			if (rx_match(&f->fields[i], p, n, &fr->md) == 1)
				capture(fr, &f->fields[i]);
	framer_unescape(f->unescape, p, n, &fr->text);
	buf_addc(&fr->text, '\n');
	fr->rec.last_line = l->no;
	if (f->complete)
		track(fr, l->eol ? l->eol : 1);
	else if (fr->sip_state == 0 && sip_is_start_line(p, n))
		fr->sip_state = 1; /* only used to stop field captures */
	if (fr->raw.len > fr->max_record || fr->text.len > fr->max_record) {
		diag_warn(fr->name,
		          "line %llu: record longer than %zu bytes; not "
		          "analysed",
		          (unsigned long long)fr->rec.first_line,
		          fr->max_record);
		fr->rec.truncated = 1;
		close_record(fr);
	}
}

static void open_record(struct framer *fr, const struct line *l)
{
	const char *g;
	size_t gn, so, eo, off;

	memset(&fr->rec, 0, sizeof(fr->rec));
	fr->rec.dir = DIR_UNKNOWN;
	fr->rec.first_line = fr->rec.last_line = l->no;
	fr->open = 1;
	fr->sip_state = 0;
	fr->body_left = 0;
	fr->scan = 0;
	buf_clear(&fr->raw);
	buf_clear(&fr->text);
	rx_span(&fr->md, &so, &eo);
	/* the SIP text starts at group 'sip' when there is one, else after
	   the match; read its offset before capture() reuses md */
	off = rx_group(&fr->fmt->start, &fr->md, "sip", &g, &gn)
	          ? (size_t)(g - l->p)
	          : eo;
	capture(fr, &fr->fmt->start);
	add_raw(fr, l);
	add_content(fr, l, off, 1);
}

static int is_start(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;

	if (f->literal &&
	    memmem(l->p, l->len, f->literal, f->literal_len) == NULL)
		return 0;
	return rx_match(&f->start, l->p, l->len, &fr->md) == 1;
}

void framer_line(struct framer *fr, const struct line *l)
{
	const struct format *f = fr->fmt;

	if (l->piece) {
		if (l->piece == 1)
			diag_warn(fr->name,
			          "line %llu: longer than %zu bytes; not "
			          "analysed",
			          (unsigned long long)l->no, l->len);
		close_record(fr);
		fr->on_noise(fr->ctx, l);
		return;
	}
	if (fr->open && f->end.code &&
	    rx_match(&f->end, l->p, l->len, &fr->md) == 1) {
		add_raw(fr, l);
		fr->rec.last_line = l->no;
		close_record(fr);
		return;
	}
	if (is_start(fr, l)) {
		close_record(fr);
		open_record(fr, l);
		if (fr->open &&
		    (f->oneline || (f->complete && fr->sip_state == 3)))
			close_record(fr);
		return;
	}
	if (fr->open && f->brk.code &&
	    rx_match(&f->brk, l->p, l->len, &fr->md) == 1) {
		close_record(fr);
		fr->on_noise(fr->ctx, l);
		return;
	}
	if (fr->open && f->complete && fr->sip_state == 1 &&
	    !header_like(l->p, l->len)) {
		const char *q = l->p;
		size_t qn = l->len;

		span_trim(&q, &qn);
		if (qn > 0) { /* not a header: the message ended early */
			close_record(fr);
			fr->on_noise(fr->ctx, l);
			return;
		}
	}
	if (fr->open) {
		add_raw(fr, l);
		add_content(fr, l, 0, 0);
		if (fr->open && f->complete && fr->sip_state == 3)
			close_record(fr);
		return;
	}
	fr->on_noise(fr->ctx, l);
}

void framer_finish(struct framer *fr)
{
	close_record(fr);
}
