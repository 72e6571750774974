/* import.c - a reader for Microsoft's troubleshooting articles: front
 * matter, a "# SIP response code NNN" title, then one "## <ms> <sip>
 * <phrase>" section per entry with bullets for the Microsoft code, the SIP
 * code, sometimes an error message, and the suggested actions.  The
 * articles have known defects (MICROSOFT-CODES.md in the project's
 * references): heading and body codes that differ, entries filed under the
 * wrong SIP article, editors' notes left in the text, mojibake, duplicate
 * or conflicting entries, code lines not in bold.  Each is reported with
 * file:line, and the output is repaired where the repair is sure. */
#include "import.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esc.h"
#include "util.h"

#define DOC_BASE                                                               \
	"https://learn.microsoft.com/en-us/microsoftteams/troubleshoot/"       \
	"phone-system/direct-routing/"

struct entry {
	char *file;
	unsigned line; /* of the heading */
	long code, body_code;
	int sip, body_sip;
	char *phrase;
	char *message; /* the "Error message" bullet, if any */
	struct buf actions;
	char *doc;
	int dup; /* reported as a duplicate: not written again */
};

struct importer {
	struct entry *v;
	size_t n;
	int defects;
	const char *file;
	unsigned line;
};

static void defect(struct importer *im, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void defect(struct importer *im, unsigned line, const char *fmt, ...)
{
	va_list ap;
	struct buf why = {0};
	int n;

	im->defects++;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		buf_reserve(&why, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(why.p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	diag_say("%s:%u: defect: %s", im->file, line, why.p ? why.p : "");
	buf_free(&why);
}

/* UTF-8 read as Windows-1252 and written again as UTF-8. */
static const struct {
	const char *bad, *good;
} mojibake[] = {
    {"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2", "'"}, /* ’ */
    {"\xc3\xa2\xe2\x82\xac\xcb\x9c", "'"},     /* ‘ */
    {"\xc3\xa2\xe2\x82\xac\xc5\x93", "\""},    /* “ */
    {"\xc3\xa2\xe2\x82\xac\xc2\x9d", "\""},    /* ” */
    {"\xc3\xa2\xe2\x82\xac\xe2\x80\x9c", "-"}, /* – */
    {"\xc3\xa2\xe2\x82\xac\xe2\x80\x9d", "-"}, /* — */
    {"\xc3\xa2\xe2\x82\xac\xc2\xa6", "..."},   /* … */
    {"\xc3\x82\xc2\xa0", " "},                 /* no-break space */
};

/* Repairs mojibake in place (the text only shrinks); 1 if any was found. */
static int repair(char *s)
{
	int found = 0;
	size_t k;

	for (k = 0; k < ARRAY_LEN(mojibake); k++) {
		char *p;
		size_t bl = strlen(mojibake[k].bad),
		       gl = strlen(mojibake[k].good);

		while ((p = strstr(s, mojibake[k].bad)) != NULL) {
			memcpy(p, mojibake[k].good, gl);
			memmove(p + gl, p + bl, strlen(p + bl) + 1);
			found = 1;
		}
	}
	return found;
}

/* An editor's note left in the text: "(Lu: Is there ...?)". */
static int strip_editor_note(char *s)
{
	char *p = s;

	while ((p = strchr(p, '(')) != NULL) {
		char *q = p + 1, *close;

		while (isalpha((unsigned char)*q))
			q++;
		if (q > p + 1 && q - p <= 16 && q[0] == ':' && q[1] == ' ' &&
		    isupper((unsigned char)p[1]) &&
		    (close = strchr(q, ')')) != NULL) {
			while (p > s && p[-1] == ' ')
				p--;
			memmove(p, close + 1, strlen(close + 1) + 1);
			return 1;
		}
		p++;
	}
	return 0;
}

/* Markdown to one plain line: links keep their text, emphasis and code
 * marks go, runs of blanks become one space. */
static void plain(const char *s, struct buf *out)
{
	int space = 0;

	while (*s) {
		if (*s == '[') {
			const char *rb = strchr(s, ']');

			if (rb && rb[1] == '(' && strchr(rb, ')')) {
				struct buf inner = {0};

				if (space && out->len &&
				    out->p[out->len - 1] != ' ')
					buf_addc(out, ' ');
				space = 0;
				buf_add(&inner, s + 1, (size_t)(rb - s - 1));
				plain(inner.p ? inner.p : "", out);
				buf_free(&inner);
				s = strchr(rb, ')') + 1;
				continue;
			}
		}
		if (*s == '*' || *s == '`') {
			s++;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			space = 1;
			s++;
			continue;
		}
		if (space && out->len && out->p[out->len - 1] != ' ')
			buf_addc(out, ' ');
		space = 0;
		buf_addc(out, *s++);
	}
}

static char *trimmed(const char *p)
{
	const char *e;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return xmemdup(p, (size_t)(e - p));
}

/* "- Label: value": what follows the label, or NULL for another line. */
static const char *bullet(const char *line, const char *label)
{
	const char *p = line;
	size_t l = strlen(label);

	while (*p == ' ')
		p++;
	if (*p != '-' && *p != '*')
		return NULL;
	p++;
	while (*p == ' ')
		p++;
	return strncasecmp(p, label, l) == 0 ? p + l : NULL;
}

/* "- Microsoft response code: **510482**" -> 510482 and bold or not. */
static int bullet_number(const char *line, const char *label, long *v,
                         int *bold)
{
	const char *p = bullet(line, label);

	if (p == NULL)
		return 0;
	while (*p == ' ')
		p++;
	*bold = strncmp(p, "**", 2) == 0;
	while (*p == '*' || *p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	*v = strtol(p, NULL, 10);
	return 1;
}

static int bullet_text(const char *line, const char *label, char **out)
{
	const char *p = bullet(line, label);
	struct buf b = {0};

	if (p == NULL)
		return 0;
	plain(p, &b);
	*out = b.p ? b.p : xstrdup("");
	return 1;
}

static int article_sip(const char *path)
{
	const char *b = strrchr(path, '/'), *p;

	b = b ? b + 1 : path;
	p = strstr(b, "codes-");
	if (p && isdigit((unsigned char)p[6]) && isdigit((unsigned char)p[7]) &&
	    isdigit((unsigned char)p[8]) && !isdigit((unsigned char)p[9]))
		return atoi(p + 6);
	return 0;
}

static char *doc_url(const char *path)
{
	const char *b = strrchr(path, '/');
	struct buf u = {0};
	size_t l;

	b = b ? b + 1 : path;
	l = strlen(b);
	if (l > 3 && strcmp(b + l - 3, ".md") == 0)
		l -= 3;
	buf_adds(&u, DOC_BASE);
	buf_add(&u, b, l);
	return u.p;
}

static void finish_entry(struct importer *im, struct entry *e, int art_sip)
{
	if (e->body_code >= 0 && e->body_code != e->code)
		defect(im, e->line,
		       "heading says %ld but the body's code line says %ld; "
		       "keeping %ld with %ld as an alias",
		       e->code, e->body_code, e->code, e->body_code);
	if (e->body_code < 0)
		defect(im, e->line, "entry %ld has no Microsoft code line",
		       e->code);
	if (e->body_sip >= 0 && e->body_sip != e->sip)
		defect(im, e->line, "heading says SIP %d but the body says %d",
		       e->sip, e->body_sip);
	if (art_sip && e->sip != art_sip)
		defect(im, e->line,
		       "entry %ld %d is filed in the article for SIP %d",
		       e->code, e->sip, art_sip);
	if (e->message) {
		struct buf a = {0}, b = {0};

		buf_adds(&a, e->phrase);
		buf_adds(&b, e->message);
		while (a.len && a.p[a.len - 1] == '.')
			a.p[--a.len] = '\0';
		while (b.len && b.p[b.len - 1] == '.')
			b.p[--b.len] = '\0';
		if (strcmp(a.p, b.p) != 0)
			defect(im, e->line,
			       "the error message \"%s\" differs from the "
			       "heading's phrase",
			       e->message);
		else if (strcmp(e->phrase, e->message) != 0)
			defect(im, e->line,
			       "the error message differs from the heading's "
			       "phrase by a trailing period");
		buf_free(&a);
		buf_free(&b);
	}
	if (e->actions.len == 0)
		defect(im, e->line, "entry %ld has no suggested actions",
		       e->code);
}

static int read_article(struct importer *im, const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int front = 0, in_actions = 0, art_sip = article_sip(path);
	struct entry *e = NULL;
	struct buf intro = {0};
	size_t first = im->n, i;

	if (fp == NULL) {
		diag_say("%s: error: %s", path, strerror(errno));
		return -1;
	}
	im->file = path;
	while ((n = getline(&line, &cap, fp)) > 0) {
		long v;
		int bold;
		char *rest;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (repair(line))
			defect(im, lineno,
			       "mojibake (UTF-8 read as "
			       "Windows-1252) repaired");
		if (lineno == 1 && strcmp(line, "---") == 0) {
			front = 1;
			continue;
		}
		if (front) {
			if (strcmp(line, "---") == 0)
				front = 0;
			continue;
		}
		if (strncmp(line, "# ", 2) == 0) {
			const char *d = line + 2;

			while (*d && !isdigit((unsigned char)*d))
				d++;
			if (!art_sip && isdigit((unsigned char)*d))
				art_sip = atoi(d);
			continue;
		}
		if (strncmp(line, "## ", 3) == 0) {
			const char *p = line + 3;
			char *end;
			long code = strtol(p, &end, 10);
			long sip;

			if (e)
				finish_entry(im, e, art_sip);
			e = NULL;
			in_actions = 0;
			if (end == p || *end != ' ')
				continue; /* "## More information" */
			p = end;
			sip = strtol(p, &end, 10);
			if (end == p || *end != ' ' || sip < 0 || sip > 699)
				continue;
			im->v = xrealloc(im->v, (im->n + 1) * sizeof(*im->v));
			e = &im->v[im->n++];
			memset(e, 0, sizeof(*e));
			e->file = xstrdup(path);
			e->line = lineno;
			e->code = code;
			e->sip = (int)sip;
			e->body_code = e->body_sip = -1;
			e->phrase = trimmed(end);
			e->doc = doc_url(path);
			continue;
		}
		if (e == NULL) {
			buf_adds(&intro, line);
			buf_addc(&intro, ' ');
			continue;
		}
		if (bullet_number(line, "Microsoft response code:", &v,
		                  &bold)) {
			e->body_code = v;
			if (!bold)
				defect(im, lineno,
				       "code line of %ld not in bold "
				       "like the others",
				       e->code);
			in_actions = 0;
		} else if (bullet_number(line, "SIP response code:", &v,
		                         &bold)) {
			e->body_sip = (int)v;
			in_actions = 0;
		} else if (bullet_text(line, "Error message:", &e->message)) {
			in_actions = 0;
		} else if (bullet_text(line, "Suggested actions:", &rest)) {
			/* text may follow on the same line */
			if (*rest)
				buf_adds(&e->actions, rest);
			free(rest);
			in_actions = 1;
		} else if (in_actions && *line) {
			char *t = trimmed(line);
			char *s = t;

			if (strip_editor_note(s))
				defect(im, lineno,
				       "an editor's note was left "
				       "in the text; removed");
			if (*s == '-' || *s == '*') {
				s++;
				if (e->actions.len)
					buf_adds(
					    &e->actions,
					    e->actions.p[e->actions.len - 1] ==
					            '.'
					        ? " "
					        : "; ");
			} else if (e->actions.len) {
				buf_addc(&e->actions, ' ');
			}
			plain(s, &e->actions);
			free(t);
		}
	}
	if (e)
		finish_entry(im, e, art_sip);
	/* a code the introduction names but no entry has (the 415 article
	   names 510415 while its only entry is 540415) */
	if (intro.p && im->n > first) {
		const char *p = intro.p;

		while (*p) {
			if (isdigit((unsigned char)*p) &&
			    (p == intro.p || !isalnum((unsigned char)p[-1]))) {
				char *end;
				long code = strtol(p, &end, 10);

				if (end - p == 6 &&
				    !isalnum((unsigned char)*end)) {
					for (i = first; i < im->n; i++)
						if (im->v[i].code == code)
							break;
					if (i == im->n)
						defect(
						    im, 1,
						    "the introduction names "
						    "%ld, which no entry has",
						    code);
				}
				p = end;
				continue;
			}
			p++;
		}
	}
	if (im->n == first)
		defect(im, lineno, "no '## <code> <sip> <phrase>' entry found");
	buf_free(&intro);
	free(line);
	fclose(fp);
	return 0;
}

/* A table field: tabs and line ends are blanks there, and any other
 * control character or invalid UTF-8 is written escaped, so the table
 * loads and shows nothing raw (its paths, in the comment, too). */
static void field(FILE *out, const char *s)
{
	struct buf b = {0}, e = {0};

	for (; *s; s++)
		buf_addc(&b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
	esc_text(&e, b.p ? b.p : "", b.len, 0);
	if (e.len)
		fwrite(e.p, 1, e.len, out);
	buf_free(&b);
	buf_free(&e);
}

int import_articles(int npaths, char **paths, FILE *out)
{
	struct importer im;
	int i, rc = 0;
	size_t a, b;

	memset(&im, 0, sizeof(im));
	for (i = 0; i < npaths; i++)
		if (read_article(&im, paths[i]) < 0)
			rc = 2;
	/* duplicates and conflicts across everything read */
	for (a = 0; a < im.n; a++)
		for (b = a + 1; b < im.n; b++) {
			struct entry *x = &im.v[a], *y = &im.v[b];

			im.file = y->file;
			if (x->dup || y->dup)
				continue;
			if (x->code == y->code && x->sip == y->sip &&
			    strcasecmp(x->phrase, y->phrase) == 0) {
				defect(&im, y->line,
				       "duplicate of the entry at %s:%u; "
				       "written once",
				       x->file, x->line);
				y->dup = 1;
			} else if (x->code == y->code && x->sip != y->sip)
				defect(&im, y->line,
				       "code %ld is also listed with SIP %d "
				       "at %s:%u",
				       y->code, x->sip, x->file, x->line);
			else if (x->code != y->code &&
			         strcasecmp(x->phrase, y->phrase) == 0)
				defect(&im, y->line,
				       "the phrase is also listed under code "
				       "%ld at %s:%u",
				       x->code, x->file, x->line);
		}
	fprintf(out, "# Imported by sipwhy kb import from:");
	for (i = 0; i < npaths; i++) {
		fputc(' ', out);
		field(out, paths[i]);
	}
	fprintf(out, "\n# The cause and action columns hold the articles' "
	             "own text: a local copy, not for redistribution.\n");
	fprintf(out, "ms_code\tsip_code\tphrase\tgenerated_by\tcause\taction\t"
	             "doc\taliases\tnote\n");
	for (a = 0; a < im.n; a++) {
		struct entry *e = &im.v[a];
		char *dot;
		const char *act = e->actions.p ? e->actions.p : "";
		struct buf cause = {0};

		if (e->dup)
			continue;
		/* the first sentence of the actions often states the cause */
		dot = strstr(act, ". ");
		if (strncmp(act, "This error", 10) == 0 && dot) {
			buf_add(&cause, act, (size_t)(dot - act) + 1);
			act = dot + 2;
		} else {
			buf_adds(&cause, "See the article.");
		}
		fprintf(out, "%ld\t%d\t", e->code, e->sip);
		field(out, e->phrase);
		fprintf(out, "\t%s\t",
		        e->code / 1000 == 560 ? "sbc" : "microsoft");
		field(out, cause.p);
		fputc('\t', out);
		field(out, act);
		fputc('\t', out);
		field(out, e->doc);
		fputc('\t', out);
		if (e->body_code >= 0 && e->body_code != e->code)
			fprintf(out, "%ld\theading and body codes differ",
			        e->body_code);
		else
			fputc('\t', out);
		fputc('\n', out);
		buf_free(&cause);
	}
	for (a = 0; a < im.n; a++) {
		free(im.v[a].file);
		free(im.v[a].phrase);
		free(im.v[a].message);
		free(im.v[a].doc);
		buf_free(&im.v[a].actions);
	}
	free(im.v);
	if (rc == 0 && im.defects)
		rc = 1;
	diag_say("kb import: %zu entries, %d defects", im.n, im.defects);
	return rc;
}
