/* story.c - collect one call's messages and draw its ladder. */
#define _GNU_SOURCE
#include "story.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "util.h"

#define MAX_SET  64   /* Call-IDs and keys of one call's legs */
#define MAX_MSGS 2000 /* messages kept for one story */
#define MAX_COLS 6
#define COLW     22

struct smsg {
	char *time, *from, *to, *label, *where, *text, *why;
};

/* Byte strings with their lengths: a Call-ID may hold a NUL. */
struct set {
	char *p[MAX_SET];
	size_t len[MAX_SET];
	int n;
};

struct story {
	char *target;
	struct set ids, keys;
	struct smsg *m;
	size_t n;
	int truncated;
	int target_is_id; /* a message's Call-ID is the target (ids.p[0]) */
};

struct story *story_new(const char *target)
{
	struct story *st = xcalloc(1, sizeof(*st));

	st->target = xstrdup(target);
	st->ids.len[0] = strlen(target);
	st->ids.p[st->ids.n++] = xstrdup(target);
	return st;
}

void story_free(struct story *st)
{
	int i;
	size_t k;

	if (st == NULL)
		return;
	for (i = 0; i < st->ids.n; i++)
		free(st->ids.p[i]);
	for (i = 0; i < st->keys.n; i++)
		free(st->keys.p[i]);
	for (k = 0; k < st->n; k++) {
		free(st->m[k].time);
		free(st->m[k].from);
		free(st->m[k].to);
		free(st->m[k].label);
		free(st->m[k].where);
		free(st->m[k].text);
		free(st->m[k].why);
	}
	free(st->m);
	free(st->target);
	free(st);
}

static int in_set(const struct set *set, const char *p, size_t len)
{
	int i;

	for (i = 0; i < set->n; i++)
		if (set->len[i] == len && memcmp(set->p[i], p, len) == 0)
			return 1;
	return 0;
}

static void add_set(struct set *set, const char *p, size_t len)
{
	if (len == 0 || set->n == MAX_SET || in_set(set, p, len))
		return;
	set->len[set->n] = len;
	set->p[set->n++] = xmemdup(p, len);
}

static const struct sip_hdr *call_id(const struct sip_msg *m)
{
	return sip_header_id(m, SIP_HID_CALL_ID, 0);
}

/* The target is the Call-ID P as sipwhy shows it: a Call-ID with a
 * control byte or invalid UTF-8 in it (a NUL, say) cannot be typed as it
 * is, but can be copied from an annotation, \x00 and all. */
static int shown_as(const struct story *st, const char *p, size_t n)
{
	struct buf b = {0};
	int same;

	/* esc_text changes only what it writes as \xNN */
	if (strchr(st->target, '\\') == NULL)
		return 0;
	esc_text(&b, p, n, 0);
	same = b.len == st->ids.len[0] && memcmp(b.p, st->target, b.len) == 0;
	buf_free(&b);
	return same;
}

void story_scan(struct story *st, const struct record *rec,
                const struct sip_msg *m)
{
	const struct sip_hdr *id = call_id(m);

	if (id == NULL)
		return;
	/* the target is a Call-ID (as it is, or as sipwhy shows it), or
	   Microsoft's GUID (x-i= in its Contact, or in the Reason text) as
	   the Teams admin center shows the correlation */
	if (story_wants(st, rec, m) || shown_as(st, id->val, id->vlen) ||
	    (st->ids.len[0] >= 8 &&
	     memmem(rec->text, rec->text_len, st->target, st->ids.len[0]))) {
		add_set(&st->ids, id->val, id->vlen);
		add_set(&st->keys, rec->key, strlen(rec->key));
	}
}

int story_wants(const struct story *st, const struct record *rec,
                const struct sip_msg *m)
{
	const struct sip_hdr *id = call_id(m);

	return (id && in_set(&st->ids, id->val, id->vlen)) ||
	       (rec->key[0] && in_set(&st->keys, rec->key, strlen(rec->key)));
}

static char *safe(const char *p, size_t n)
{
	struct buf b = {0};

	esc_text(&b, p, n, 0);
	return b.p ? b.p : xstrdup("");
}

/* "FILE line LINE", made safe: where a kept message was read. */
static char *where(const char *file, uint64_t line)
{
	struct buf b = {0};

	esc_text(&b, file, strlen(file), 0);
	buf_printf(&b, " line %llu", (unsigned long long)line);
	return b.p;
}

void story_add(struct story *st, const struct record *rec,
               const struct sip_msg *m, const char *file,
               const char *explanation)
{
	struct smsg *s;
	struct buf b = {0};
	char t[40];
	const char *local = rec->local[0] ? rec->local : "SBC";
	const struct sip_hdr *id = call_id(m);
	const char *p, *e;

	if (!story_wants(st, rec, m))
		return;
	if (id) {
		add_set(&st->ids, id->val, id->vlen);
		if (id->vlen == st->ids.len[0] &&
		    memcmp(id->val, st->target, id->vlen) == 0)
			st->target_is_id = 1;
	}
	if (st->n == MAX_MSGS) {
		st->truncated = 1;
		return;
	}
	st->m = xrealloc(st->m, (st->n + 1) * sizeof(*st->m));
	s = &st->m[st->n++];
	memset(s, 0, sizeof(*s));
	logtime_iso(&rec->time, t, sizeof(t));
	s->time = xstrdup(rec->time.set ? t : "");
	if (rec->src[0] && rec->dst[0]) {
		s->from = safe(rec->src, strlen(rec->src));
		s->to = safe(rec->dst, strlen(rec->dst));
	} else if (rec->dir == DIR_IN) {
		s->from = safe(rec->peer[0] ? rec->peer : "peer",
		               strlen(rec->peer[0] ? rec->peer : "peer"));
		s->to = safe(local, strlen(local));
	} else if (rec->dir == DIR_OUT) {
		s->from = safe(local, strlen(local));
		s->to = safe(rec->peer[0] ? rec->peer : "peer",
		             strlen(rec->peer[0] ? rec->peer : "peer"));
	} else {
		s->from = xstrdup("?");
		s->to = xstrdup("?");
	}
	if (m->is_response) {
		buf_printf(&b, "%d ", m->status);
		esc_text(&b, m->phrase, m->phrase_len, 0);
	} else {
		esc_text(&b, m->method, m->method_len, 0);
	}
	s->label = b.p;
	s->where = where(file, rec->first_line);
	memset(&b, 0, sizeof(b));
	memset(&b, 0, sizeof(b));
	/* the SIP text from its start line on, made safe */
	for (p = rec->text, e = rec->text + rec->text_len; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

		if (b.len || sip_is_start_line(p, n)) {
			if (n && p[n - 1] == '\r')
				n--;
			esc_text(&b, p, n, 1);
			buf_addc(&b, '\n');
		}
		p = nl ? nl + 1 : e;
	}
	while (b.len > 1 && b.p[b.len - 1] == '\n' && b.p[b.len - 2] == '\n')
		b.p[--b.len] = '\0';
	s->text = b.p ? b.p : xstrdup("");
	s->why = explanation ? xstrdup(explanation) : NULL;
}

void story_explain(struct story *st, const char *file, uint64_t line,
                   const char *explanation)
{
	char *w = where(file, line);
	size_t k;

	for (k = 0; k < st->n; k++)
		if (st->m[k].why == NULL && strcmp(st->m[k].where, w) == 0) {
			st->m[k].why = xstrdup(explanation);
			break;
		}
	free(w);
}

static int col_of(char **cols, int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(cols[i], name) == 0)
			return i;
	if (*n == MAX_COLS)
		return *n - 1; /* more ends than columns: the last one */
	cols[*n] = (char *)name;
	return (*n)++;
}

static void ladder(struct story *st, FILE *out)
{
	char *cols[MAX_COLS];
	int nc = 0, i;
	size_t k;

	for (k = 0; k < st->n; k++) {
		col_of(cols, &nc, st->m[k].from);
		col_of(cols, &nc, st->m[k].to);
	}
	fprintf(out, "%-24s", "");
	for (i = 0; i < nc; i++)
		fprintf(out, "%-*.*s", COLW, COLW - 1, cols[i]);
	fputc('\n', out);
	for (k = 0; k < st->n; k++) {
		int a = col_of(cols, &nc, st->m[k].from);
		int b = col_of(cols, &nc, st->m[k].to);
		int lo = a < b ? a : b, hi = a < b ? b : a, c;
		char line[MAX_COLS * COLW + 2];
		size_t w = (size_t)nc * COLW, pos, l;
		const char *lab = st->m[k].label;

		memset(line, ' ', w);
		line[w] = '\0';
		for (c = 0; c < nc; c++)
			line[c * COLW] = '|';
		if (a != b) {
			for (pos = (size_t)lo * COLW + 1;
			     pos < (size_t)hi * COLW; pos++)
				line[pos] = '-';
			if (a < b)
				line[hi * COLW - 1] = '>';
			else
				line[lo * COLW + 1] = '<';
			/* the label in the middle of the arrow */
			l = strlen(lab);
			if (l > (size_t)(hi - lo) * COLW - 4)
				l = (size_t)(hi - lo) * COLW - 4;
			pos = (size_t)lo * COLW + 2 +
			      ((size_t)(hi - lo) * COLW - 4 - l) / 2;
			memcpy(line + pos, lab, l);
		}
		fprintf(out, "%-24s%s\n",
		        st->m[k].time[0]
		            ? st->m[k].time +
		                  (strlen(st->m[k].time) > 11 ? 11 : 0)
		            : "",
		        line);
	}
}

static void mermaid(struct story *st, FILE *out)
{
	char *cols[MAX_COLS];
	int nc = 0, i;
	size_t k;

	for (k = 0; k < st->n; k++) {
		col_of(cols, &nc, st->m[k].from);
		col_of(cols, &nc, st->m[k].to);
	}
	fputs("```mermaid\nsequenceDiagram\n", out);
	for (i = 0; i < nc; i++)
		fprintf(out, "    participant P%d as %s\n", i, cols[i]);
	for (k = 0; k < st->n; k++) {
		const char *l;

		fprintf(out,
		        "    P%d->>P%d: ", col_of(cols, &nc, st->m[k].from),
		        col_of(cols, &nc, st->m[k].to));
		/* ';' and '#' have meanings in Mermaid messages, and a
		   backtick could end its block */
		for (l = st->m[k].label; *l; l++)
			fputc(*l == ';' || *l == '#' ? ','
			      : *l == '`'            ? '\''
			                             : *l,
			      out);
		fputc('\n', out);
	}
	fputs("```\n", out);
}

/* S (a Call-ID, or the argument given) made safe for a terminal. */
static void put_safe(FILE *out, const char *s)
{
	struct buf b = {0};

	esc_text(&b, s, strlen(s), 0);
	if (b.len)
		fwrite(b.p, 1, b.len, out);
	buf_free(&b);
}

/* S (made safe already) as Markdown text: no markup from the log. */
static void put_md(FILE *out, const char *s)
{
	struct buf b = {0};

	esc_md(&b, s);
	if (b.len)
		fwrite(b.p, 1, b.len, out);
	buf_free(&b);
}

static void fence(FILE *out, int n)
{
	while (n-- > 0)
		fputc('`', out);
}

/* S as a Markdown code span: `S`, or ``S`` and so on when S has
 * backticks, with blanks inside when it starts or ends with one. */
static void put_code(FILE *out, const char *s)
{
	struct buf b = {0};
	int n;
	const char *t;

	esc_text(&b, s, strlen(s), 0);
	t = b.p ? b.p : "";
	n = md_ticks(t) + 1;
	fence(out, n);
	if (*t == '`' || (b.len && t[b.len - 1] == '`'))
		fprintf(out, " %s ", t);
	else
		fputs(t, out);
	fence(out, n);
	buf_free(&b);
}

/* TEXT (made safe already, ending in a line end) as a fenced block. */
static void put_block(FILE *out, const char *text)
{
	int n = md_ticks(text) + 1;

	if (n < 3)
		n = 3;
	fence(out, n);
	fputc('\n', out);
	fputs(text, out);
	fence(out, n);
	fputc('\n', out);
}

/* A Markdown heading's end " (WHERE)", then TEXT as a fenced block. */
static void put_where_block(FILE *out, const char *where, const char *text)
{
	fputs(" (", out);
	put_md(out, where);
	fputs(")\n\n", out);
	put_block(out, text);
}

/* The legs' Call-IDs, each after a blank, as PUT writes them. */
static void put_legs(const struct story *st, FILE *out,
                     void (*put)(FILE *, const char *))
{
	int i;

	/* the target is no leg when it is Microsoft's GUID */
	for (i = st->target_is_id ? 0 : 1; i < st->ids.n; i++) {
		struct buf b = {0};

		/* shown whole (PUT's own escaping changes nothing more) */
		esc_text(&b, st->ids.p[i], st->ids.len[i], 0);
		fputc(' ', out);
		put(out, b.p ? b.p : "");
		buf_free(&b);
	}
	fputs("\n\n", out);
}

size_t story_print(struct story *st, FILE *out, int markdown)
{
	size_t k;

	if (st->n == 0)
		return 0;
	if (markdown) {
		fputs("## The call ", out);
		put_code(out, st->target);
		fputs("\n\nLegs (Call-IDs):", out);
		put_legs(st, out, put_code);
		mermaid(st, out);
		fputs("\n```\n", out);
		ladder(st, out);
		fputs("```\n", out);
		for (k = 0; k < st->n; k++)
			if (st->m[k].why) {
				fputs("\n### ", out);
				put_md(out, st->m[k].label);
				put_where_block(out, st->m[k].where,
				                st->m[k].why);
			}
		fputs("\n### Messages\n", out);
		for (k = 0; k < st->n; k++) {
			fputc('\n', out);
			put_md(out, st->m[k].time);
			fputc(' ', out);
			put_md(out, st->m[k].from);
			fputs(" -> ", out);
			put_md(out, st->m[k].to);
			put_where_block(out, st->m[k].where, st->m[k].text);
		}
	} else {
		fputs("sipwhy: the call ", out);
		put_safe(out, st->target);
		fputs("\n  legs (Call-IDs):", out);
		put_legs(st, out, put_safe);
		ladder(st, out);
		for (k = 0; k < st->n; k++)
			if (st->m[k].why)
				fprintf(out, "\n%s (%s)\n%s", st->m[k].label,
				        st->m[k].where, st->m[k].why);
		for (k = 0; k < st->n; k++)
			fprintf(out, "\n--- %s %s -> %s (%s)\n%s",
			        st->m[k].time, st->m[k].from, st->m[k].to,
			        st->m[k].where, st->m[k].text);
	}
	if (st->truncated)
		fprintf(out, "\n(more than %d messages: the rest left out)\n",
		        MAX_MSGS);
	return st->n;
}
