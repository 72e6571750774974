/* esc.c - escaping for terminals and for JSON. */
#include "esc.h"

#include <string.h>

size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static const char hexd[] = "0123456789abcdef";

static void hex_byte(struct buf *out, const char *pre, unsigned char c)
{
	buf_adds(out, pre);
	buf_addc(out, hexd[c >> 4]);
	buf_addc(out, hexd[c & 15]);
}

/* Is the valid L-byte UTF-8 character at S one to show escaped: a C1
 * control (U+0080-009F), or one that reorders or breaks what a terminal
 * shows around it: the bidirectional marks, embeddings, overrides and
 * isolates (U+061C, U+200E-200F, U+202A-202E, U+2066-2069) and the line
 * and paragraph separators (U+2028-2029)? */
static inline int hidden(const unsigned char *s, size_t l)
{
	if (l == 2)
		return (s[0] == 0xc2 && s[1] < 0xa0) ||
		       (s[0] == 0xd8 && s[1] == 0x9c);
	if (l == 3 && s[0] == 0xe2)
		return (s[1] == 0x80 && ((s[2] >= 0x8e && s[2] <= 0x8f) ||
		                         (s[2] >= 0xa8 && s[2] <= 0xae))) ||
		       (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9);
	return 0;
}

void esc_text(struct buf *out, const char *p, size_t n, int keep_tab)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;
	const unsigned char *run = s;

	buf_reserve(out, n);
	while (s < e) {
		unsigned char c = *s;
		size_t l;

		if (c >= 0x20 && c < 0x7f) {
			s++;
			continue;
		}
		if (c == '\t' && keep_tab) {
			s++;
			continue;
		}
		l = c >= 0x80 ? utf8_len(s, (size_t)(e - s)) : 0;
		if (l > 0 && !hidden(s, l)) {
			s += l;
			continue;
		}
		buf_add(out, run, (size_t)(s - run));
		if (l == 0)
			l = 1; /* a control, DEL or a byte of invalid UTF-8 */
		while (l-- > 0)
			hex_byte(out, "\\x", *s++);
		run = s;
	}
	buf_add(out, run, (size_t)(s - run));
}

void esc_json(struct buf *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;
	const unsigned char *run = s;

	buf_reserve(out, n);
	while (s < e) {
		unsigned char c = *s;
		size_t l;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			s++;
			continue;
		}
		l = c >= 0x80 ? utf8_len(s, (size_t)(e - s)) : 0;
		if (l > 0 && !hidden(s, l)) {
			s += l;
			continue;
		}
		buf_add(out, run, (size_t)(s - run));
		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)c);
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			hex_byte(out, "\\u00", c);
			s++;
		} else if (l > 0) { /* hidden(): U+0080-009F to U+2069 */
			unsigned cp =
			    l == 2 ? (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu)
			           : (s[0] & 0x0fu) << 12 |
			                 (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);

			hex_byte(out, "\\u", (unsigned char)(cp >> 8));
			hex_byte(out, "", (unsigned char)(cp & 0xff));
			s += l;
		} else {
			buf_adds(out, "\\ufffd");
			s++;
		}
		run = s;
	}
	buf_add(out, run, (size_t)(s - run));
}

static int md_alnum(char c)
{
	return (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

void esc_md(struct buf *out, const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		switch (*p) {
		case '_':
			if (p > s && md_alnum(p[-1]) && md_alnum(p[1]))
				break;
			/* fall through */
		case '\\':
		case '`':
		case '*':
		case '[':
		case ']':
		case '<':
		case '>':
		case '&':
		case '~':
		case '|':
			buf_addc(out, '\\');
			break;
		case ':': /* "https://": no autolink (GFM) */
			if (p[1] == '/' && p[2] == '/')
				buf_addc(out, '\\');
			break;
		case '.': /* "www.": no autolink either */
			if (p - s >= 3 && (p[-1] | 0x20) == 'w' &&
			    (p[-2] | 0x20) == 'w' && (p[-3] | 0x20) == 'w')
				buf_addc(out, '\\');
			break;
		case '\n':
		case '\r':
			buf_addc(out, ' ');
			continue;
		}
		buf_addc(out, *p);
	}
}

int md_ticks(const char *s)
{
	int run = 0, most = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	return most;
}

void json_str(struct buf *out, const char *p, size_t n)
{
	if (p == NULL) {
		buf_adds(out, "null");
		return;
	}
	buf_addc(out, '"');
	esc_json(out, p, n);
	buf_addc(out, '"');
}
