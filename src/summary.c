/* summary.c - aggregate failure events.  The number of groups and peers is
 * capped so hostile input cannot grow memory without bound; what does not
 * fit is counted under "other". */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "json.h"
#include "util.h"

#define MAX_GROUPS   512
#define MAX_PEERS    256
#define MAX_EXAMPLES 3

/* The first and last time stamps of a set of records, with their
 * logtime_key: it grows with every record. */
struct times {
	struct logtime first, last;
	long long kfirst, klast;
};

struct group {
	int status;
	long ms_code; /* -1 */
	int q850;     /* -1 */
	char *phrase;
	char *norm; /* grouping key part */
	uint64_t count;
	enum gen gen;
	struct times when;
	char *ex_id[MAX_EXAMPLES], *ex_guid[MAX_EXAMPLES];
	int nex;
	char *action, *doc;
	uint64_t order;
};

struct peer {
	char *name;
	uint64_t count;
};

struct summary {
	struct summary_totals t;
	struct times range; /* of the whole log */
	struct group *g;
	size_t ng;
	uint64_t other_groups;
	struct peer *p;
	size_t np;
	uint64_t other_peers;
	uint64_t dir[3]; /* in, out, unknown */
	struct buf cause, action, norm;
	struct buf esc; /* a text as kept: the summary keeps them escaped */
};

struct summary *summary_new(void)
{
	return xcalloc(1, sizeof(struct summary));
}

void summary_free(struct summary *s)
{
	size_t i;
	int k;

	if (s == NULL)
		return;
	for (i = 0; i < s->ng; i++) {
		free(s->g[i].phrase);
		free(s->g[i].norm);
		free(s->g[i].action);
		free(s->g[i].doc);
		for (k = 0; k < s->g[i].nex; k++) {
			free(s->g[i].ex_id[k]);
			free(s->g[i].ex_guid[k]);
		}
	}
	free(s->g);
	for (i = 0; i < s->np; i++)
		free(s->p[i].name);
	free(s->p);
	buf_free(&s->cause);
	buf_free(&s->action);
	buf_free(&s->norm);
	buf_free(&s->esc);
	free(s);
}

struct summary_totals *summary_totals(struct summary *s)
{
	return &s->t;
}

/* W grows to take F as first and L as last time, if set. */
static void times_widen(struct times *w, const struct logtime *f,
                        const struct logtime *l)
{
	long long kf = logtime_key(f), kl = l == f ? kf : logtime_key(l);

	if (f->set && (!w->first.set || kf < w->kfirst)) {
		w->first = *f;
		w->kfirst = kf;
	}
	if (l->set && (!w->last.set || kl > w->klast)) {
		w->last = *l;
		w->klast = kl;
	}
}

void summary_time(struct summary *s, const struct logtime *t)
{
	times_widen(&s->range, t, t);
}

static char *dup_esc(const char *p, size_t n)
{
	struct buf b = {0};

	esc_text(&b, p, n, 0);
	return b.p ? b.p : xstrdup("");
}

/* P..P+N as the summary keeps texts, in S's scratch buffer. */
static const char *kept(struct summary *s, const char *p, size_t n)
{
	buf_clear(&s->esc);
	esc_text(&s->esc, p, n, 0);
	return s->esc.p ? s->esc.p : "";
}

void summary_add(struct summary *s, const struct event *ev)
{
	const char *phrase = "";
	size_t plen = 0, i;
	struct group *g = NULL;
	const char *doc;
	const struct logtime *t = &ev->rec->time;
	int di;

	if (strcmp(ev->kind, "canceled") == 0)
		s->t.canceled++;
	else if (strcmp(ev->kind, "timeout") == 0)
		s->t.timeout++;
	else if (strcmp(ev->kind, "dropped") == 0)
		s->t.dropped++;
	else
		s->t.failed++;
	if (ev->ms) {
		phrase = ev->ms->phrase;
		plen = strlen(phrase);
	} else if (ev->ms_text.n) {
		phrase = ev->ms_text.p;
		plen = ev->ms_text.n;
	} else if (ev->sipe) {
		phrase = ev->sipe->phrase;
		plen = strlen(phrase);
	} else if (strcmp(ev->kind, "timeout") == 0) {
		phrase = "no final response (timeout)";
		plen = strlen(phrase);
	}
	if (strcmp(ev->kind, "dropped") == 0 && !ev->ms && ev->ms_text.n == 0) {
		phrase = ev->status > 0 ? "failed after answer"
		                        : "ended abnormally (BYE)";
		plen = strlen(phrase);
	}
	/* grouped by the phrase as kept, as merge groups it */
	phrase = kept(s, phrase, plen);
	plen = strlen(phrase);
	kb_normalize(phrase, plen, &s->norm);
	for (i = 0; i < s->ng; i++)
		if (s->g[i].status == ev->status &&
		    s->g[i].ms_code == ev->ms_code &&
		    (ev->ms_code >= 0 || s->g[i].q850 == ev->q850) &&
		    strcmp(s->g[i].norm, s->norm.p ? s->norm.p : "") == 0) {
			g = &s->g[i];
			break;
		}
	if (g == NULL && s->ng == MAX_GROUPS) {
		s->other_groups++;
	} else {
		if (g == NULL) {
			s->g = xrealloc(s->g, (s->ng + 1) * sizeof(*s->g));
			g = &s->g[s->ng];
			memset(g, 0, sizeof(*g));
			g->order = s->ng++;
			g->status = ev->status;
			g->ms_code = ev->ms_code;
			g->q850 = ev->ms_code >= 0 ? -1 : ev->q850;
			g->phrase = xstrdup(phrase);
			g->norm = xstrdup(s->norm.p ? s->norm.p : "");
			g->gen = ev->gen;
			event_explain(ev, &s->cause, &s->action, &doc);
			g->action = xstrdup(s->action.p ? s->action.p : "");
			g->doc = doc ? xstrdup(doc) : NULL;
		}
		g->count++;
		if (g->gen != ev->gen)
			g->gen = GEN_UNKNOWN; /* mixed */
		times_widen(&g->when, t, t);
		if (g->nex < MAX_EXAMPLES) {
			const char *id = kept(s, ev->call_id.p, ev->call_id.n);
			int k, seen = 0;

			for (k = 0; k < g->nex; k++)
				seen |= strcmp(g->ex_id[k], id) == 0;
			if (!seen) {
				g->ex_id[g->nex] = xstrdup(id);
				g->ex_guid[g->nex] =
				    ev->guid.n ? dup_esc(ev->guid.p, ev->guid.n)
				               : NULL;
				g->nex++;
			}
		}
	}
	if (ev->peer[0]) {
		const char *name = kept(s, ev->peer, strlen(ev->peer));
		struct peer *pp = NULL;

		for (i = 0; i < s->np; i++)
			if (strcmp(s->p[i].name, name) == 0)
				pp = &s->p[i];
		if (pp == NULL && s->np < MAX_PEERS) {
			s->p = xrealloc(s->p, (s->np + 1) * sizeof(*s->p));
			pp = &s->p[s->np++];
			pp->name = xstrdup(name);
			pp->count = 0;
		}
		if (pp)
			pp->count++;
		else
			s->other_peers++;
	}
	di = ev->dir == DIR_IN ? 0 : ev->dir == DIR_OUT ? 1 : 2;
	s->dir[di]++;
}

/* Most frequent first; ties by content, not by order of appearance, so a
 * merged summary sorts like one run over all the inputs. */
static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (x->ms_code != y->ms_code)
		return x->ms_code < y->ms_code ? -1 : 1;
	if (x->q850 != y->q850)
		return x->q850 < y->q850 ? -1 : 1;
	return strcmp(x->norm, y->norm);
}

static int peer_cmp(const void *a, const void *b)
{
	const struct peer *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void sort(struct summary *s)
{
	if (s->ng > 1)
		qsort(s->g, s->ng, sizeof(*s->g), group_cmp);
	if (s->np > 1)
		qsort(s->p, s->np, sizeof(*s->p), peer_cmp);
}

static double share(const struct summary *s, uint64_t n)
{
	uint64_t all =
	    s->t.failed + s->t.canceled + s->t.timeout + s->t.dropped;

	return all ? 100.0 * (double)n / (double)all : 0.0;
}

static void group_code(const struct group *g, struct buf *b)
{
	if (g->status == 0 && g->q850 >= 0)
		buf_printf(b, "q850:%d", g->q850);
	else if (g->status == 0)
		buf_adds(b, "-");
	else if (g->ms_code >= 0)
		buf_printf(b, "%d/%ld", g->status, g->ms_code);
	else if (g->q850 >= 0)
		buf_printf(b, "%d/q850:%d", g->status, g->q850);
	else
		buf_printf(b, "%d", g->status);
}

void summary_text(struct summary *s, struct buf *out, const char *pf)
{
	char a[40], b[40];
	size_t i;
	int k;
	struct buf code = {0};

	sort(s);
	buf_printf(out, "%ssipwhy summary\n", pf);
	buf_printf(
	    out,
	    "%s  inputs %llu, %llu bytes, %llu lines, %llu SIP "
	    "messages, %llu calls\n",
	    pf, (unsigned long long)s->t.inputs, (unsigned long long)s->t.bytes,
	    (unsigned long long)s->t.lines, (unsigned long long)s->t.messages,
	    (unsigned long long)s->t.calls);
	buf_printf(out,
	           "%s  failed %llu, canceled %llu, timed out %llu, dropped "
	           "%llu, unrecognised records %llu\n",
	           pf, (unsigned long long)s->t.failed,
	           (unsigned long long)s->t.canceled,
	           (unsigned long long)s->t.timeout,
	           (unsigned long long)s->t.dropped,
	           (unsigned long long)s->t.unrecognised);
	logtime_iso(&s->range.first, a, sizeof(a));
	logtime_iso(&s->range.last, b, sizeof(b));
	if (s->range.first.set)
		buf_printf(out, "%s  time %s .. %s\n", pf, a, b);
	if (s->ng == 0) {
		buf_printf(out, "%s  no failures\n", pf);
		buf_free(&code);
		return;
	}
	buf_printf(
	    out, "%s\n%sfailures by cause (status/code), most frequent first\n",
	    pf, pf);
	for (i = 0; i < s->ng; i++) {
		const struct group *g = &s->g[i];

		buf_clear(&code);
		group_code(g, &code);
		buf_printf(out, "%s  %4llu  %5.1f%%  %-16s %s  [%s]\n", pf,
		           (unsigned long long)g->count, share(s, g->count),
		           code.p, g->phrase[0] ? g->phrase : "-",
		           gen_name(g->gen));
		if (g->when.first.set) {
			logtime_iso(&g->when.first, a, sizeof(a));
			logtime_iso(&g->when.last, b, sizeof(b));
			buf_printf(out, "%s        first %s, last %s\n", pf, a,
			           b);
		}
		for (k = 0; k < g->nex; k++)
			buf_printf(out, "%s        call %s%s%s%s\n", pf,
			           g->ex_id[k], g->ex_guid[k] ? " (guid " : "",
			           g->ex_guid[k] ? g->ex_guid[k] : "",
			           g->ex_guid[k] ? ")" : "");
		if (g->action[0])
			buf_printf(out, "%s        action: %s\n", pf,
			           g->action);
		if (g->doc)
			buf_printf(out, "%s        doc: %s\n", pf, g->doc);
	}
	if (s->other_groups)
		buf_printf(out, "%s  %4llu  %5.1f%%  (other causes)\n", pf,
		           (unsigned long long)s->other_groups,
		           share(s, s->other_groups));
	if (s->np) {
		buf_printf(out, "%s\n%sfailures by peer\n", pf, pf);
		for (i = 0; i < s->np; i++)
			buf_printf(out, "%s  %4llu  %s\n", pf,
			           (unsigned long long)s->p[i].count,
			           s->p[i].name);
		if (s->other_peers)
			buf_printf(out, "%s  %4llu  (other peers)\n", pf,
			           (unsigned long long)s->other_peers);
	}
	buf_printf(
	    out,
	    "%s\n%sfailures by direction: in %llu, out %llu, unknown %llu\n",
	    pf, pf, (unsigned long long)s->dir[0],
	    (unsigned long long)s->dir[1], (unsigned long long)s->dir[2]);
	buf_free(&code);
}

static void json_time(struct buf *out, const struct logtime *t)
{
	char a[40];

	logtime_iso(t, a, sizeof(a));
	if (t->set)
		json_str(out, a, strlen(a));
	else
		buf_adds(out, "null");
}

void summary_json(struct summary *s, struct buf *out)
{
	size_t i;
	int k;

	sort(s);
	buf_printf(
	    out,
	    "{\"event\":\"summary\",\"inputs\":%llu,\"bytes\":%llu,"
	    "\"lines\":%llu,\"sip_messages\":%llu,\"calls\":%llu,"
	    "\"failed\":%llu,\"canceled\":%llu,\"timeout\":%llu,"
	    "\"dropped\":%llu,\"unrecognised\":%llu,\"time_first\":",
	    (unsigned long long)s->t.inputs, (unsigned long long)s->t.bytes,
	    (unsigned long long)s->t.lines, (unsigned long long)s->t.messages,
	    (unsigned long long)s->t.calls, (unsigned long long)s->t.failed,
	    (unsigned long long)s->t.canceled, (unsigned long long)s->t.timeout,
	    (unsigned long long)s->t.dropped,
	    (unsigned long long)s->t.unrecognised);
	json_time(out, &s->range.first);
	buf_adds(out, ",\"time_last\":");
	json_time(out, &s->range.last);
	buf_adds(out, ",\"groups\":[");
	for (i = 0; i < s->ng; i++) {
		const struct group *g = &s->g[i];

		buf_printf(out, "%s{\"status\":%d,\"ms_code\":", i ? "," : "",
		           g->status);
		if (g->ms_code >= 0)
			buf_printf(out, "%ld", g->ms_code);
		else
			buf_adds(out, "null");
		buf_adds(out, ",\"q850\":");
		if (g->q850 >= 0)
			buf_printf(out, "%d", g->q850);
		else
			buf_adds(out, "null");
		buf_adds(out, ",\"phrase\":");
		json_str(out, g->phrase, strlen(g->phrase));
		buf_printf(out,
		           ",\"count\":%llu,\"share\":%.1f,\"generated_by\":\"%"
		           "s\",\"first\":",
		           (unsigned long long)g->count, share(s, g->count),
		           gen_name(g->gen));
		json_time(out, &g->when.first);
		buf_adds(out, ",\"last\":");
		json_time(out, &g->when.last);
		buf_adds(out, ",\"examples\":[");
		for (k = 0; k < g->nex; k++) {
			buf_adds(out, k ? ",{\"call_id\":" : "{\"call_id\":");
			json_str(out, g->ex_id[k], strlen(g->ex_id[k]));
			buf_adds(out, ",\"guid\":");
			json_str(out, g->ex_guid[k],
			         g->ex_guid[k] ? strlen(g->ex_guid[k]) : 0);
			buf_addc(out, '}');
		}
		buf_adds(out, "],\"action\":");
		json_str(out, g->action[0] ? g->action : NULL,
		         strlen(g->action));
		buf_adds(out, ",\"doc\":");
		json_str(out, g->doc, g->doc ? strlen(g->doc) : 0);
		buf_addc(out, '}');
	}
	buf_printf(out, "],\"other_groups\":%llu,\"by_peer\":[",
	           (unsigned long long)s->other_groups);
	for (i = 0; i < s->np; i++) {
		buf_adds(out, i ? ",{\"peer\":" : "{\"peer\":");
		json_str(out, s->p[i].name, strlen(s->p[i].name));
		buf_printf(out, ",\"count\":%llu}",
		           (unsigned long long)s->p[i].count);
	}
	buf_printf(
	    out,
	    "],\"by_direction\":{\"in\":%llu,\"out\":%llu,\"unknown\":%llu}}\n",
	    (unsigned long long)s->dir[0], (unsigned long long)s->dir[1],
	    (unsigned long long)s->dir[2]);
}

/* A table cell: pipes escaped, line breaks flattened (GFM tables). */
static void md_cell(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_adds(out, "\\|");
		else if (*s == '\n' || *s == '\r')
			buf_addc(out, ' ');
		else
			buf_addc(out, *s);
	}
}

/* Text from a log as a code span in a table cell: fenced with more
 * backticks than it holds in a row (padded when it starts or ends with
 * one), its pipes escaped (GFM splits cells before code spans). */
static void md_code(struct buf *out, const char *s)
{
	int most = md_ticks(s), n;
	size_t len = strlen(s);

	for (n = 0; n <= most; n++)
		buf_addc(out, '`');
	if (len && (s[0] == '`' || s[len - 1] == '`'))
		buf_addc(out, ' ');
	md_cell(out, s);
	if (len && (s[0] == '`' || s[len - 1] == '`'))
		buf_addc(out, ' ');
	for (n = 0; n <= most; n++)
		buf_addc(out, '`');
}

void summary_markdown(struct summary *s, struct buf *out)
{
	char a[40], b[40];
	size_t i;
	int k;
	struct buf code = {0};
	uint64_t all =
	    s->t.failed + s->t.canceled + s->t.timeout + s->t.dropped;

	sort(s);
	buf_adds(out, "## sipwhy summary\n\n");
	/* the paragraph a reader of the ticket needs first */
	if (s->ng == 0) {
		buf_printf(out,
		           "No failed call was found in %llu SIP messages "
		           "(%llu calls).\n\n",
		           (unsigned long long)s->t.messages,
		           (unsigned long long)s->t.calls);
	} else {
		/* the most frequent failure that is not a cancel */
		const struct group *g = &s->g[0];
		size_t ties = 0;

		for (i = 0; i < s->ng; i++)
			if (s->g[i].status != 487) {
				g = &s->g[i];
				break;
			}
		/* groups as frequent as it: none of them stands out */
		for (i = 0; i < s->ng; i++)
			if (s->g[i].count == g->count &&
			    (s->g[i].status != 487 || g->status == 487))
				ties++;
		group_code(g, &code);
		buf_printf(out,
		           "%llu failures in %llu calls (%llu failed, %llu "
		           "canceled, %llu timed out, %llu dropped). ",
		           (unsigned long long)all,
		           (unsigned long long)s->t.calls,
		           (unsigned long long)s->t.failed,
		           (unsigned long long)s->t.canceled,
		           (unsigned long long)s->t.timeout,
		           (unsigned long long)s->t.dropped);
		if (ties > 1) {
			char how[32];

			snprintf(how, sizeof(how), "%llu times",
			         (unsigned long long)g->count);
			buf_printf(out,
			           "No failure stands out: %zu causes occur %s "
			           "each; the first in the table is **",
			           ties,
			           g->count == 1   ? "once"
			           : g->count == 2 ? "twice"
			                           : how);
		} else {
			buf_adds(out, "The most frequent failure is **");
		}
		md_cell(out, code.p);
		if (g->phrase[0]) {
			buf_adds(out, " ");
			esc_md(out, g->phrase);
		}
		buf_printf(out, "** (%llu, %.1f%%), ",
		           (unsigned long long)g->count, share(s, g->count));
		if (g->gen == GEN_MICROSOFT)
			buf_adds(out,
			         "produced by Microsoft's side: start with "
			         "the Teams or tenant configuration it "
			         "points to");
		else if (g->gen == GEN_SBC)
			buf_adds(out,
			         "produced by the SBC: start with the SBC's "
			         "configuration and logs");
		else
			buf_adds(out,
			         "produced by the far end or a peer of the "
			         "SBC: start with that trunk");
		buf_adds(out, g->action[0] ? ". First step: " : ".");
		if (g->action[0]) {
			md_cell(out, g->action);
			if (g->action[strlen(g->action) - 1] != '.')
				buf_addc(out, '.');
		}
		buf_adds(out, "\n\n");
	}
	logtime_iso(&s->range.first, a, sizeof(a));
	logtime_iso(&s->range.last, b, sizeof(b));
	buf_adds(out,
	         "| inputs | bytes | lines | SIP messages | calls | failed "
	         "| canceled | timed out | dropped | unrecognised | from "
	         "| to |\n");
	buf_adds(out,
	         "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
	         "\n");
	buf_printf(
	    out,
	    "| %llu | %llu | %llu | %llu | %llu | %llu | %llu | %llu | "
	    "%llu | %llu | %s | %s |\n\n",
	    (unsigned long long)s->t.inputs, (unsigned long long)s->t.bytes,
	    (unsigned long long)s->t.lines, (unsigned long long)s->t.messages,
	    (unsigned long long)s->t.calls, (unsigned long long)s->t.failed,
	    (unsigned long long)s->t.canceled, (unsigned long long)s->t.timeout,
	    (unsigned long long)s->t.dropped,
	    (unsigned long long)s->t.unrecognised, s->range.first.set ? a : "-",
	    s->range.last.set ? b : "-");
	if (s->ng > 0) {
		buf_adds(out, "### Failures by cause\n\n");
		buf_adds(
		    out,
		    "| count | share | status/code | phrase | generated by "
		    "| first | last | example calls | action | doc |\n");
		buf_adds(out, "|---:|---:|---|---|---|---|---|---|---|---|\n");
		for (i = 0; i < s->ng; i++) {
			const struct group *g = &s->g[i];

			buf_clear(&code);
			group_code(g, &code);
			buf_printf(out, "| %llu | %.1f%% | ",
			           (unsigned long long)g->count,
			           share(s, g->count));
			md_cell(out, code.p);
			buf_adds(out, " | ");
			esc_md(out, g->phrase[0] ? g->phrase : "-");
			buf_printf(out, " | %s | ", gen_name(g->gen));
			logtime_iso(&g->when.first, a, sizeof(a));
			logtime_iso(&g->when.last, b, sizeof(b));
			buf_printf(out, "%s | %s | ",
			           g->when.first.set ? a : "-",
			           g->when.last.set ? b : "-");
			for (k = 0; k < g->nex; k++) {
				buf_adds(out, k ? "<br>" : "");
				md_code(out, g->ex_id[k]);
				if (g->ex_guid[k]) {
					buf_adds(out, " (guid ");
					md_code(out, g->ex_guid[k]);
					buf_adds(out, ")");
				}
			}
			buf_adds(out, " | ");
			md_cell(out, g->action[0] ? g->action : "-");
			buf_adds(out, " | ");
			if (g->doc) {
				buf_adds(out, "[article](");
				md_cell(out, g->doc);
				buf_adds(out, ")");
			} else {
				buf_adds(out, "-");
			}
			buf_adds(out, " |\n");
		}
		if (s->other_groups)
			buf_printf(
			    out,
			    "| %llu | %.1f%% | (other causes) | | | | | | "
			    "| |\n",
			    (unsigned long long)s->other_groups,
			    share(s, s->other_groups));
		buf_addc(out, '\n');
	}
	if (s->np > 0) {
		buf_adds(
		    out,
		    "### Failures by peer\n\n| peer | count |\n|---|---:|\n");
		for (i = 0; i < s->np; i++) {
			buf_adds(out, "| ");
			esc_md(out, s->p[i].name);
			buf_printf(out, " | %llu |\n",
			           (unsigned long long)s->p[i].count);
		}
		buf_addc(out, '\n');
	}
	if (all > 0)
		buf_printf(out,
		           "### Failures by direction\n\n| in | out | unknown "
		           "|\n|---:|---:|---:|\n| %llu | %llu | %llu |\n",
		           (unsigned long long)s->dir[0],
		           (unsigned long long)s->dir[1],
		           (unsigned long long)s->dir[2]);
	buf_free(&code);
}

/* ---- merging summaries written by -s json ---- */

/* What merge adds must be what sipwhy writes: a count a whole number from
 * 0 to 2^53 (what a double holds exactly), a status, Microsoft code or
 * Q.850 cause a whole number in its range or null.  Anything else (a
 * negative count, 1e300, "5") would make a wrong total, or a conversion
 * C leaves undefined; the file is refused, naming the member. */
#define MAX_COUNT 9007199254740992.0

static int whole(const struct jv *v, double lo, double hi)
{
	return v->t == J_NUM && v->num >= lo && v->num <= hi &&
	       (double)(int64_t)v->num == v->num;
}

static int check_count(const struct jv *o, const char *k, const char *where,
                       struct buf *why)
{
	const struct jv *v = json_get(o, k);

	if (v == NULL || whole(v, 0, MAX_COUNT))
		return 0;
	buf_printf(why, "%s%s is not a count", where, k);
	return -1;
}

static int check_code(const struct jv *o, const char *k, double lo, double hi,
                      const char *where, struct buf *why)
{
	const struct jv *v = json_get(o, k);

	if (v == NULL || v->t == J_NULL || whole(v, lo, hi))
		return 0;
	buf_printf(why, "%s%s is not a number from %.0f to %.0f or null", where,
	           k, lo, hi);
	return -1;
}

static int check_array(const struct jv *v, const char *k, struct buf *why)
{
	if (v == NULL || v->t == J_ARR)
		return 0;
	buf_printf(why, "%s is not an array", k);
	return -1;
}

static int check_summary(const struct jv *o, struct buf *why)
{
	static const char *const counts[] = {
	    "inputs",  "bytes",        "lines",       "sip_messages",
	    "calls",   "failed",       "canceled",    "timeout",
	    "dropped", "unrecognised", "other_groups"};
	const struct jv *groups = json_get(o, "groups");
	const struct jv *peers = json_get(o, "by_peer");
	const struct jv *dir = json_get(o, "by_direction");
	struct buf at = {0};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]) && rc == 0; i++)
		rc = check_count(o, counts[i], "", why);
	if (rc == 0)
		rc = check_array(groups, "groups", why);
	if (rc == 0)
		rc = check_array(peers, "by_peer", why);
	for (i = 0; rc == 0 && groups && i < groups->n; i++) {
		const struct jv *g = &groups->items[i];

		buf_clear(&at);
		buf_printf(&at, "groups[%zu].", i);
		rc = check_count(g, "count", at.p, why);
		if (rc == 0)
			rc = check_code(g, "status", -1, 999, at.p, why);
		if (rc == 0)
			rc = check_code(g, "ms_code", 0, 999999, at.p, why);
		if (rc == 0)
			rc = check_code(g, "q850", 0, 255, at.p, why);
	}
	for (i = 0; rc == 0 && peers && i < peers->n; i++) {
		buf_clear(&at);
		buf_printf(&at, "by_peer[%zu].", i);
		rc = check_count(&peers->items[i], "count", at.p, why);
	}
	if (rc == 0 && dir) {
		rc = check_count(dir, "in", "by_direction.", why);
		if (rc == 0)
			rc = check_count(dir, "out", "by_direction.", why);
		if (rc == 0)
			rc = check_count(dir, "unknown", "by_direction.", why);
	}
	buf_free(&at);
	return rc;
}

static uint64_t jnum(const struct jv *o, const char *k)
{
	const struct jv *v = json_get(o, k);

	return v && v->t == J_NUM ? (uint64_t)v->num : 0;
}

static long jcode(const struct jv *o, const char *k)
{
	const struct jv *v = json_get(o, k);

	return v && v->t == J_NUM ? (long)v->num : -1;
}

static const char *jstr(const struct jv *o, const char *k)
{
	const struct jv *v = json_get(o, k);

	return v && v->t == J_STR ? v->str : NULL;
}

/* A string member as the summary keeps its texts: safe for a terminal
 * (what sipwhy wrote is so already, and stays as it was). */
static char *jdup(const struct jv *o, const char *k)
{
	const char *s = jstr(o, k);

	return s ? dup_esc(s, strlen(s)) : xstrdup("");
}

static void jtime(const struct jv *o, const char *k, struct logtime *t)
{
	const char *s = jstr(o, k);

	memset(t, 0, sizeof(*t));
	if (s)
		(void)logtime_parse("%Y-%m-%dT%H:%M:%S.%f", s, strlen(s), 0, t);
}

int summary_merge_json(struct summary *s, const struct jv *o, struct buf *why)
{
	const struct jv *groups = json_get(o, "groups");
	const struct jv *peers = json_get(o, "by_peer");
	const struct jv *dir = json_get(o, "by_direction");
	const char *ev = jstr(o, "event");
	struct logtime f, l;
	size_t i, j;
	int k, m;

	if (ev == NULL || strcmp(ev, "summary") != 0) {
		buf_adds(why, "no summary event");
		return -1;
	}
	if (check_summary(o, why) < 0)
		return -1;
	s->t.inputs += jnum(o, "inputs");
	s->t.bytes += jnum(o, "bytes");
	s->t.lines += jnum(o, "lines");
	s->t.messages += jnum(o, "sip_messages");
	s->t.calls += jnum(o, "calls");
	s->t.failed += jnum(o, "failed");
	s->t.canceled += jnum(o, "canceled");
	s->t.timeout += jnum(o, "timeout");
	s->t.dropped += jnum(o, "dropped");
	s->t.unrecognised += jnum(o, "unrecognised");
	s->other_groups += jnum(o, "other_groups");
	jtime(o, "time_first", &f);
	jtime(o, "time_last", &l);
	times_widen(&s->range, &f, &l);
	for (i = 0; groups && groups->t == J_ARR && i < groups->n; i++) {
		const struct jv *gj = &groups->items[i];
		const char *phrase = jstr(gj, "phrase"), *gen;
		const struct jv *ex = json_get(gj, "examples");
		struct group *g = NULL;
		int status = (int)jcode(gj, "status");
		long ms = jcode(gj, "ms_code");
		int q = (int)jcode(gj, "q850");

		if (phrase == NULL)
			phrase = "";
		if (status < 0)
			status = 0; /* timeouts and dropped calls */
		phrase = kept(s, phrase, strlen(phrase));
		kb_normalize(phrase, strlen(phrase), &s->norm);
		for (j = 0; j < s->ng; j++)
			if (s->g[j].status == status && s->g[j].ms_code == ms &&
			    s->g[j].q850 == q &&
			    strcmp(s->g[j].norm, s->norm.p ? s->norm.p : "") ==
			        0)
				g = &s->g[j];
		if (g == NULL && s->ng == MAX_GROUPS) {
			s->other_groups += jnum(gj, "count");
			continue;
		}
		gen = jstr(gj, "generated_by");
		if (g == NULL) {
			s->g = xrealloc(s->g, (s->ng + 1) * sizeof(*s->g));
			g = &s->g[s->ng];
			memset(g, 0, sizeof(*g));
			g->order = s->ng++;
			g->status = status;
			g->ms_code = ms;
			g->q850 = q;
			g->phrase = xstrdup(phrase);
			g->norm = xstrdup(s->norm.p ? s->norm.p : "");
			g->gen = gen && strcmp(gen, "microsoft") == 0
			             ? GEN_MICROSOFT
			         : gen && strcmp(gen, "sbc") == 0 ? GEN_SBC
			                                          : GEN_UNKNOWN;
			g->action = jdup(gj, "action");
			g->doc = jstr(gj, "doc") ? jdup(gj, "doc") : NULL;
		} else if (!gen || strcmp(gen, gen_name(g->gen)) != 0) {
			g->gen = GEN_UNKNOWN; /* mixed */
		}
		g->count += jnum(gj, "count");
		jtime(gj, "first", &f);
		jtime(gj, "last", &l);
		times_widen(&g->when, &f, &l);
		for (k = 0; ex && ex->t == J_ARR && (size_t)k < ex->n; k++) {
			const char *id = jstr(&ex->items[k], "call_id");
			const char *guid = jstr(&ex->items[k], "guid");
			int seen = 0;

			if (id == NULL || g->nex == MAX_EXAMPLES)
				continue;
			id = kept(s, id, strlen(id));
			for (m = 0; m < g->nex; m++)
				seen |= strcmp(g->ex_id[m], id) == 0;
			if (seen)
				continue;
			g->ex_id[g->nex] = xstrdup(id);
			g->ex_guid[g->nex] =
			    guid ? dup_esc(guid, strlen(guid)) : NULL;
			g->nex++;
		}
	}
	for (i = 0; peers && peers->t == J_ARR && i < peers->n; i++) {
		const char *name = jstr(&peers->items[i], "peer");
		struct peer *pp = NULL;

		if (name == NULL)
			continue;
		name = kept(s, name, strlen(name));
		for (j = 0; j < s->np; j++)
			if (strcmp(s->p[j].name, name) == 0)
				pp = &s->p[j];
		if (pp == NULL && s->np < MAX_PEERS) {
			s->p = xrealloc(s->p, (s->np + 1) * sizeof(*s->p));
			pp = &s->p[s->np++];
			pp->name = xstrdup(name);
			pp->count = 0;
		}
		if (pp)
			pp->count += jnum(&peers->items[i], "count");
		else
			s->other_peers += jnum(&peers->items[i], "count");
	}
	s->dir[0] += jnum(dir, "in");
	s->dir[1] += jnum(dir, "out");
	s->dir[2] += jnum(dir, "unknown");
	return 0;
}
