/* reason.c - Reason header values.  The grammar is RFC 3326 section 2:
 *   reason-value = protocol *(SEMI reason-params)
 * but real devices add spaces before ';' and '=' (Microsoft's proxy sends
 * "Q.850 ;cause=63 ;text=..."), put ';' inside the quoted text (GUID;phrase),
 * leave text unquoted, and send several values in one header. */
#include "reason.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

/* 8-4-4-4-12 hex digits */
static size_t guid_len(const char *p, size_t n)
{
	static const int groups[] = {8, 4, 4, 4, 12};
	size_t i = 0, g, k;

	for (g = 0; g < 5; g++) {
		for (k = 0; k < (size_t)groups[g]; k++, i++)
			if (i >= n || !is_hex(p[i]))
				return 0;
		if (g < 4) {
			if (i >= n || p[i] != '-')
				return 0;
			i++;
		}
	}
	return i;
}

static void split_text(struct reason *r)
{
	const char *p = r->text, *e = r->text + r->text_len;
	size_t g;

	r->guid = NULL;
	r->guid_len = 0;
	r->code = -1;
	r->code_digits = 0;
	p = skip_ws(p, e);
	g = guid_len(p, (size_t)(e - p));
	if (g > 0 && (p + g == e || p[g] == ';' || p[g] == ' ' || p[g] == ',' ||
	              p[g] == ':')) {
		r->guid = p;
		r->guid_len = g;
		p += g;
		while (p < e &&
		       (*p == ';' || *p == ' ' || *p == ',' || *p == ':'))
			p++;
	}
	/* A code at the start of the text: "510482 Loop detected" */
	if (p < e && isdigit((unsigned char)*p)) {
		const char *d = p;
		long v = 0;

		while (d < e && isdigit((unsigned char)*d) && d - p < 9)
			v = v * 10 + (*d++ - '0');
		if (d == e || *d == ' ' || *d == ';' || *d == ':' ||
		    *d == '-') {
			r->code = v;
			r->code_digits = (int)(d - p);
			p = d;
			while (p < e && (*p == ' ' || *p == ';' || *p == ':' ||
			                 *p == '-'))
				p++;
		}
	}
	r->phrase = p;
	r->phrase_len = (size_t)(e - p);
	span_trim(&r->phrase, &r->phrase_len);
}

size_t reason_parse(const char *v, size_t n, struct reason *r, size_t have)
{
	const char *p = v, *e = v + n;

	while (p < e && have < REASON_MAX) {
		struct reason *cur = &r[have];
		const char *s;

		p = skip_ws(p, e);
		if (p >= e)
			break;
		if (*p == ',') {
			p++;
			continue;
		}
		memset(cur, 0, sizeof(*cur));
		cur->cause = -1;
		cur->code = -1;
		s = p;
		while (p < e && *p != ';' && *p != ',' && *p != ' ' &&
		       *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		cur->protocol = s;
		cur->protocol_len = (size_t)(p - s);
		for (;;) {
			const char *name, *val;
			size_t nl, vl;

			p = skip_ws(p, e);
			if (p >= e || *p == ',')
				break;
			if (*p != ';') { /* junk: skip to the next separator */
				while (p < e && *p != ';' && *p != ',')
					p++;
				continue;
			}
			p = skip_ws(p + 1, e);
			name = p;
			while (p < e && *p != '=' && *p != ';' && *p != ',' &&
			       *p != ' ' && *p != '\t')
				p++;
			nl = (size_t)(p - name);
			p = skip_ws(p, e);
			val = NULL;
			vl = 0;
			if (p < e && *p == '=') {
				p = skip_ws(p + 1, e);
				if (p < e && *p == '"') {
					/* quoted-string with \-escapes: may
					   hold ';' and ',' */
					val = ++p;
					while (p < e && *p != '"') {
						if (*p == '\\' && p + 1 < e)
							p++;
						p++;
					}
					vl = (size_t)(p - val);
					if (p < e)
						p++;
				} else {
					val = p;
					/* Unquoted: a token by the RFC, but
					   texts with spaces are sent too. */
					while (p < e && *p != ';' && *p != ',')
						p++;
					vl = (size_t)(p - val);
					span_trim(&val, &vl);
				}
			}
			if (span_ieq(name, nl, "cause") && val) {
				long long c = span_uint(val, vl, 999999);

				cur->cause = c < 0 ? -1 : (int)c;
			} else if (span_ieq(name, nl, "text") && val) {
				cur->text = val;
				cur->text_len = vl;
				cur->has_text = 1;
			}
		}
		if (cur->has_text)
			split_text(cur);
		have++;
	}
	return have;
}

int reason_says_normal(const struct reason *r)
{
	static const char *const normal[] = {
	    "normalclearing", "normalcallclearing", "normalunspecified"};
	char w[24];
	size_t i, k = 0;

	if (!r->has_text)
		return 0;
	for (i = 0; i < r->phrase_len; i++) {
		unsigned char c = (unsigned char)r->phrase[i];

		if (!isalnum(c))
			continue;
		if (k + 1 >= sizeof(w))
			return 0;
		w[k++] = (char)ascii_lower(c);
	}
	w[k] = '\0';
	for (i = 0; i < sizeof(normal) / sizeof(normal[0]); i++)
		if (strcmp(w, normal[i]) == 0)
			return 1;
	return 0;
}
