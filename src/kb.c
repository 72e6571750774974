/* kb.c - load the knowledge tables (tab-separated, columns found by the
 * header row's names) and look failures up in them.  Microsoft's phrases
 * drift between articles and live traffic (case, a trailing period,
 * "cancelled", HRESULT values), so phrases are compared normalised. */
#include "kb.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"

#define MAX_COLS 16

static void normalize(const char *p, size_t n, struct buf *out, int mask);

void kb_normalize(const char *p, size_t n, struct buf *out)
{
	normalize(p, n, out, 1);
}

/* The same without masking numbers: an exact phrase keeps its HRESULT. */
static void normalize(const char *p, size_t n, struct buf *out, int mask)
{
	size_t i = 0;
	int space = 0;

	buf_clear(out);
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (isalnum(c)) {
			if (space && out->len > 0)
				buf_addc(out, ' ');
			space = 0;
			if (mask && c == '0' && i + 1 < n &&
			    (p[i + 1] == 'x' || p[i + 1] == 'X') && i + 2 < n &&
			    isxdigit((unsigned char)p[i + 2])) {
				i += 2;
				while (i < n && isxdigit((unsigned char)p[i]))
					i++;
				buf_addc(out, '#');
				continue;
			}
			if (mask && isdigit(c)) {
				while (i < n && isdigit((unsigned char)p[i]))
					i++;
				buf_addc(out, '#');
				continue;
			}
			while (i < n && isalnum((unsigned char)p[i])) {
				buf_addc(out,
				         (char)tolower((unsigned char)p[i]));
				i++;
			}
			/* British spelling in some articles and traces */
			if (out->len >= 9 && memcmp(out->p + out->len - 9,
			                            "cancelled", 9) == 0) {
				memcpy(out->p + out->len - 3, "ed", 2);
				out->len -= 1;
				out->p[out->len] = '\0';
			}
			continue;
		}
		space = 1;
		i++;
	}
}

struct row {
	char *col[MAX_COLS];
	int ncol;
};

static int col_index(char **names, int n, const char *want)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return i;
	return -1;
}

static long parse_long(const char *s, int *ok)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	*ok = *s != '\0' && *e == '\0' && errno == 0;
	return v;
}

/* Table text is shown as it is kept: a control character or invalid
 * UTF-8 in a table (anyone's -K directory) is kept escaped, as a log's
 * text is, so nothing from a table reaches a terminal raw either. */
static char *text_dup(const char *s)
{
	struct buf b = {0};

	esc_text(&b, s, strlen(s), 0);
	return b.p ? b.p : xstrdup("");
}

static int is_plain(const char *s)
{
	struct buf b = {0};
	int same;

	esc_text(&b, s, strlen(s), 0);
	same = strcmp(b.p ? b.p : "", s) == 0;
	buf_free(&b);
	return same;
}

static char *dup_or_null(const char *s)
{
	return *s ? text_dup(s) : NULL;
}

static void ms_free(struct ms_entry *e)
{
	free(e->phrase);
	free(e->norm);
	free(e->exact);
	free(e->cause);
	free(e->action);
	free(e->doc);
	free(e->note);
}

static const char *known_ms[] = {"ms_code",      "sip_code", "phrase",
                                 "generated_by", "cause",    "action",
                                 "doc",          "aliases",  "note"};
static const char *known_sip[] = {"code", "phrase", "rfc", "meaning", "action"};
static const char *known_q[] = {"cause", "name", "sip", "meaning", "action"};

static int known_col(const char **known, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(known[i], name) == 0)
			return 1;
	return 0;
}

/* STRICT adds the checks of `sipwhy kb check`: unknown columns, duplicate
 * keys within the file, codes that contradict their SIP status, empty
 * explanations and links that are not https addresses. */
static int load(struct kb *kb, const char *table, const char *file,
                const char *text, size_t len, int strict)
{
	unsigned seen[700];
	size_t base = kb->nms;
	const char *p = text, *end = text + len;
	char *names[MAX_COLS];
	int nnames = 0, i, bad = 0;
	unsigned lineno = 0;
	struct buf norm = {0};
	static const char *required_ms[] = {
	    "ms_code", "sip_code", "phrase", "generated_by",
	    "cause",   "action",   "doc"};
	static const char *required_sip[] = {"code", "phrase", "meaning",
	                                     "action"};
	static const char *required_q[] = {"cause", "name", "meaning",
	                                   "action"};
	const char **req, **known;
	size_t nreq, nknown;

	memset(seen, 0, sizeof(seen));
	if (strcmp(table, "microsoft") == 0) {
		req = required_ms;
		nreq = ARRAY_LEN(required_ms);
		known = known_ms;
		nknown = ARRAY_LEN(known_ms);
	} else if (strcmp(table, "sip-status") == 0) {
		req = required_sip;
		nreq = ARRAY_LEN(required_sip);
		known = known_sip;
		nknown = ARRAY_LEN(known_sip);
	} else {
		req = required_q;
		nreq = ARRAY_LEN(required_q);
		known = known_q;
		nknown = ARRAY_LEN(known_q);
	}
#define ERR(...)                                                               \
	do {                                                                   \
		struct buf why_ = {0};                                         \
                                                                               \
		buf_printf(&why_, __VA_ARGS__);                                \
		diag_say("%s:%u: error: %s", file, lineno, why_.p);            \
		buf_free(&why_);                                               \
		bad = 1;                                                       \
	} while (0)
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xmemdup(p, n), *s;
		struct row r = {{0}, 0};

		p = nl ? nl + 1 : end;
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#') {
			free(line);
			continue;
		}
		for (s = line; r.ncol < MAX_COLS;) {
			char *t = strchr(s, '\t');

			r.col[r.ncol++] = s;
			if (t == NULL)
				break;
			*t = '\0';
			s = t + 1;
		}
		if (nnames == 0) {
			size_t k;
			int missing = 0;

			for (i = 0; i < r.ncol; i++)
				names[nnames++] = xstrdup(r.col[i]);
			for (k = 0; k < nreq; k++)
				if (col_index(names, nnames, req[k]) < 0) {
					ERR("header row lacks column '%s'",
					    req[k]);
					missing = 1;
				}
			for (i = 0; strict && i < nnames; i++)
				if (!known_col(known, nknown, names[i]))
					ERR("unknown column '%s'", names[i]);
			free(line);
			if (missing)
				break;
			continue;
		}
		if (r.ncol != nnames) {
			ERR("%d fields, the header has %d", r.ncol, nnames);
			free(line);
			continue;
		}
		for (i = 0; strict && i < r.ncol; i++)
			if (!is_plain(r.col[i]))
				ERR("column '%s' holds a control character or "
				    "invalid UTF-8 (kept escaped)",
				    names[i]);
#define COL(name)                                                              \
	(col_index(names, nnames, name) >= 0                                   \
	     ? r.col[col_index(names, nnames, name)]                           \
	     : "")
		if (strcmp(table, "microsoft") == 0) {
			struct ms_entry e;
			int ok1, ok2;
			size_t k;
			const char *gb = COL("generated_by"), *al;

			memset(&e, 0, sizeof(e));
			e.code = parse_long(COL("ms_code"), &ok1);
			e.sip = (int)parse_long(COL("sip_code"), &ok2);
			if (!ok1 || !ok2 || e.code < 0 || e.sip < 0 ||
			    e.sip > 699) {
				ERR("ms_code and sip_code must be numbers");
				free(line);
				continue;
			}
			if (strcmp(gb, "sbc") != 0 &&
			    strcmp(gb, "microsoft") != 0) {
				ERR("generated_by must be sbc or microsoft");
				free(line);
				continue;
			}
			e.by_sbc = strcmp(gb, "sbc") == 0;
			e.line = lineno;
			if (strict && e.code / 1000 == 560 &&
			    e.code % 1000 != e.sip)
				ERR("code %ld means the SBC answered SIP %ld, "
				    "but sip_code is %d",
				    e.code, e.code % 1000, e.sip);
			if (strict && e.code / 1000 == 560 && !e.by_sbc)
				ERR("code %ld starts with 560, so "
				    "generated_by must be sbc",
				    e.code);
			if (strict && *COL("phrase") == '\0')
				ERR("empty phrase");
			if (strict &&
			    (*COL("cause") == '\0' || *COL("action") == '\0'))
				ERR("empty cause or action");
			if (strict && *COL("doc") &&
			    strncmp(COL("doc"), "https://", 8) != 0)
				ERR("doc is not an https:// address");
			e.phrase = text_dup(COL("phrase"));
			kb_normalize(e.phrase, strlen(e.phrase), &norm);
			e.norm = xstrdup(norm.p ? norm.p : "");
			normalize(e.phrase, strlen(e.phrase), &norm, 0);
			e.exact = xstrdup(norm.p ? norm.p : "");
			e.cause = dup_or_null(COL("cause"));
			e.action = dup_or_null(COL("action"));
			e.doc = dup_or_null(COL("doc"));
			e.note = dup_or_null(COL("note"));
			for (al = COL("aliases");
			     *al && e.naliases < KB_MAX_ALIASES;) {
				int ok;
				char tmp[24];
				size_t l = strcspn(al, ",");

				if (l >= sizeof(tmp))
					l = sizeof(tmp) - 1;
				memcpy(tmp, al, l);
				tmp[l] = '\0';
				e.aliases[e.naliases] = parse_long(tmp, &ok);
				if (!ok)
					ERR("alias '%s' is not a number", tmp);
				else
					e.naliases++;
				al += l;
				if (*al == ',')
					al++;
			}
			for (k = 0; k < kb->nms; k++)
				if (kb->ms[k].code == e.code &&
				    kb->ms[k].sip == e.sip &&
				    strcmp(kb->ms[k].norm, e.norm) == 0)
					break;
			if (k < kb->nms && k >= base && strict)
				ERR("duplicate of line %u (same code, SIP "
				    "status and phrase)",
				    kb->ms[k].line);
			if (k < kb->nms) {
				ms_free(&kb->ms[k]);
			} else {
				kb->ms = xrealloc(kb->ms, (kb->nms + 1) *
				                              sizeof(*kb->ms));
				kb->nms++;
			}
			kb->ms[k] = e;
		} else if (strcmp(table, "sip-status") == 0) {
			int ok;
			long code = parse_long(COL("code"), &ok);
			struct sip_entry *e;

			if (!ok || code < 100 || code > 699) {
				ERR("code must be a SIP status from 100 to "
				    "699");
				free(line);
				continue;
			}
			if (strict && seen[code])
				ERR("duplicate of line %u", seen[code]);
			if (strict && *COL("phrase") == '\0')
				ERR("empty phrase");
			seen[code] = lineno;
			e = kb->sip[code];
			if (e) {
				free(e->phrase);
				free(e->rfc);
				free(e->meaning);
				free(e->action);
			} else {
				e = kb->sip[code] = xcalloc(1, sizeof(*e));
			}
			e->code = (int)code;
			e->phrase = text_dup(COL("phrase"));
			e->rfc = dup_or_null(COL("rfc"));
			e->meaning = dup_or_null(COL("meaning"));
			e->action = dup_or_null(COL("action"));
		} else {
			int ok, oks;
			long cause = parse_long(COL("cause"), &ok);
			long sip = parse_long(COL("sip"), &oks);
			struct q850_entry *e;

			if (!ok || cause < 0 || cause > 127) {
				ERR("cause must be a Q.850 cause from 0 to "
				    "127");
				free(line);
				continue;
			}
			if (strict && seen[cause])
				ERR("duplicate of line %u", seen[cause]);
			if (strict && *COL("sip") &&
			    (!oks || sip < 100 || sip > 699))
				ERR("sip must be empty or a SIP status");
			if (strict && *COL("name") == '\0')
				ERR("empty name");
			seen[cause] = lineno;
			e = kb->q850[cause];
			if (e) {
				free(e->name);
				free(e->meaning);
				free(e->action);
			} else {
				e = kb->q850[cause] = xcalloc(1, sizeof(*e));
			}
			e->cause = (int)cause;
			e->name = text_dup(COL("name"));
			e->sip = oks ? (int)sip : 0;
			e->meaning = dup_or_null(COL("meaning"));
			e->action = dup_or_null(COL("action"));
		}
#undef COL
		free(line);
	}
#undef ERR
	if (nnames == 0 && !bad) {
		diag_say("%s: error: no header row", file);
		bad = 1;
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	buf_free(&norm);
	return bad ? -1 : 0;
}

int kb_load_text(struct kb *kb, const char *table, const char *file,
                 const char *text, size_t len)
{
	return load(kb, table, file, text, len, 0);
}

int kb_check_text(struct kb *kb, const char *table, const char *file,
                  const char *text, size_t len)
{
	return load(kb, table, file, text, len, 1);
}

static int load_dir(struct kb *kb, const char *dir, int strict, int *nfiles)
{
	static const char *tables[][2] = {{"microsoft", "microsoft.tsv"},
	                                  {"sip-status", "sip-status.tsv"},
	                                  {"q850", "q850.tsv"}};
	size_t t;
	int rc = 0;

	for (t = 0; t < ARRAY_LEN(tables); t++) {
		struct buf path = {0}, text = {0};
		FILE *fp;
		char tmp[8192];
		size_t n;

		buf_printf(&path, "%s/%s", dir, tables[t][1]);
		fp = fopen(path.p, "rb");
		if (fp == NULL) {
			if (errno != ENOENT) {
				diag_say("%s: error: %s", path.p,
				         strerror(errno));
				rc = -1;
			}
			buf_free(&path);
			continue;
		}
		while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
			buf_add(&text, tmp, n);
		fclose(fp);
		(*nfiles)++;
		if (load(kb, tables[t][0], path.p, text.p ? text.p : "",
		         text.len, strict) < 0)
			rc = -1;
		buf_free(&path);
		buf_free(&text);
	}
	return rc;
}

int kb_load_dir(struct kb *kb, const char *dir)
{
	int n = 0;

	return load_dir(kb, dir, 0, &n);
}

int kb_check_dir(struct kb *kb, const char *dir, int *nfiles)
{
	return load_dir(kb, dir, 1, nfiles);
}

void kb_free(struct kb *kb)
{
	size_t i;

	for (i = 0; i < kb->nms; i++)
		ms_free(&kb->ms[i]);
	free(kb->ms);
	for (i = 0; i < ARRAY_LEN(kb->sip); i++)
		if (kb->sip[i]) {
			free(kb->sip[i]->phrase);
			free(kb->sip[i]->rfc);
			free(kb->sip[i]->meaning);
			free(kb->sip[i]->action);
			free(kb->sip[i]);
		}
	for (i = 0; i < ARRAY_LEN(kb->q850); i++)
		if (kb->q850[i]) {
			free(kb->q850[i]->name);
			free(kb->q850[i]->meaning);
			free(kb->q850[i]->action);
			free(kb->q850[i]);
		}
	memset(kb, 0, sizeof(*kb));
}

const struct ms_entry *kb_ms_code(const struct kb *kb, long code, int sip,
                                  const char *phrase, size_t plen)
{
	const struct ms_entry *best = NULL;
	int best_score = -1;
	struct buf norm = {0};
	size_t i;
	int a;

	if (phrase)
		kb_normalize(phrase, plen, &norm);
	for (i = 0; i < kb->nms; i++) {
		const struct ms_entry *e = &kb->ms[i];
		int score, hit = e->code == code;

		for (a = 0; a < e->naliases && !hit; a++)
			hit = e->aliases[a] == code;
		/* "0 / 408 Establishment timeout" says nothing of 0 / 503 */
		if (!hit || (code == 0 && e->sip != sip))
			continue;
		score = (e->code == code ? 4 : 0) +
		        (sip && e->sip == sip ? 2 : 0) +
		        (norm.len && strcmp(e->norm, norm.p) == 0 ? 8 : 0);
		if (score > best_score) {
			best = e;
			best_score = score;
		}
	}
	buf_free(&norm);
	return best;
}

/* Does the shorter of A and B start the longer one, at a word boundary? */
static int word_prefix(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	const char *s = la < lb ? a : b, *l = la < lb ? b : a;
	size_t ls = la < lb ? la : lb;

	return ls >= 8 && strncmp(s, l, ls) == 0 &&
	       (l[ls] == ' ' || l[ls] == '\0');
}

size_t kb_ms_phrase(const struct kb *kb, int sip, const char *text, size_t n,
                    const struct ms_entry **out, size_t max)
{
	struct buf norm = {0}, exact = {0};
	long codes[64];
	size_t i, k, found = 0;
	int pass;

	kb_normalize(text, n, &norm);
	normalize(text, n, &exact, 0);
	if (norm.len == 0) {
		buf_free(&norm);
		buf_free(&exact);
		return 0;
	}
	/* passes 0-1: the same words and numbers, this status then any;
	   2-3: the same words with numbers masked; 4-5: one phrase starts
	   the other at a word boundary */
	for (pass = 0; pass < 6 && found == 0; pass++)
		for (i = 0; i < kb->nms; i++) {
			const struct ms_entry *e = &kb->ms[i];
			int hit;

			if (pass % 2 == 0 && e->sip != sip)
				continue;
			if (pass < 2)
				hit = strcmp(e->exact, exact.p) == 0;
			else if (pass < 4)
				hit = strcmp(e->norm, norm.p) == 0;
			else
				hit = word_prefix(e->norm, norm.p);
			if (!hit)
				continue;
			for (k = 0; k < found && k < ARRAY_LEN(codes); k++)
				if (codes[k] == e->code)
					break;
			if (k < found && k < ARRAY_LEN(codes))
				continue;
			if (found < ARRAY_LEN(codes))
				codes[found] = e->code;
			if (found < max)
				out[found] = e;
			found++;
		}
	buf_free(&norm);
	buf_free(&exact);
	return found;
}

const struct sip_entry *kb_sip(const struct kb *kb, int code)
{
	return code >= 0 && code < (int)ARRAY_LEN(kb->sip) ? kb->sip[code]
	                                                   : NULL;
}

const struct q850_entry *kb_q850(const struct kb *kb, int cause)
{
	return cause >= 0 && cause < (int)ARRAY_LEN(kb->q850) ? kb->q850[cause]
	                                                      : NULL;
}
