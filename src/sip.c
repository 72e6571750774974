/* sip.c - a forgiving SIP message parser (RFC 3261 section 7) for text
 * taken out of logs: line ends may be CRLF or LF, lines may carry trailing
 * spaces (AudioCodes 7.20 puts one before each escaped line break), header
 * names come in any case (Microsoft's proxy sends CALL-ID:). */
#include "sip.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

/* RFC 3261 section 7.3.3 and the IANA registry's compact forms. */
static const struct {
	char c;
	const char *name;
} compact[] = {
    {'i', "call-id"},
    {'f', "from"},
    {'t', "to"},
    {'v', "via"},
    {'m', "contact"},
    {'l', "content-length"},
    {'c', "content-type"},
    {'e', "content-encoding"},
    {'k', "supported"},
    {'s', "subject"},
    {'o', "event"},
    {'r', "refer-to"},
    {'b', "referred-by"},
    {'x', "session-expires"},
    {'u', "allow-events"},
    {'a', "accept-contact"},
    {'j', "reject-contact"},
    {'d', "request-disposition"},
    {'y', "identity"},
};

/* A header name (token characters, any case: a parsed name, or a name the
 * code asks for) against a known name in small letters of the same
 * length.  Among token characters only capital letters turn into a small
 * letter or '-' when bit 0x20 is set, so one OR makes the comparison
 * caseless. */
static int token_eq(const char *p, size_t n, const char *lname)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((char)(p[i] | 0x20) != lname[i])
			return 0;
	return 1;
}

/* The id of a header name.  This runs for every header parsed: the length
 * and the first letter leave at most one known name to compare. */
static int header_id(const char *p, size_t n)
{
	char c = n ? (char)(p[0] | 0x20) : 0; /* a letter in small */

#define IS(len, name, id)                                                      \
	(token_eq(p + 1, (len)-1, (name) + 1) ? (id) : SIP_HID_OTHER)
	switch (n) {
	case 1: /* compact forms (RFC 3261 section 7.3.3) */
		switch (c) {
		case 'i':
			return SIP_HID_CALL_ID;
		case 'f':
			return SIP_HID_FROM;
		case 't':
			return SIP_HID_TO;
		case 'v':
			return SIP_HID_VIA;
		case 'm':
			return SIP_HID_CONTACT;
		case 'l':
			return SIP_HID_CONTENT_LENGTH;
		case 'c':
			return SIP_HID_CONTENT_TYPE;
		}
		break;
	case 2:
		if (c == 't')
			return IS(2, "to", SIP_HID_TO);
		break;
	case 3:
		if (c == 'v')
			return IS(3, "via", SIP_HID_VIA);
		break;
	case 4:
		if (c == 'c')
			return IS(4, "cseq", SIP_HID_CSEQ);
		if (c == 'f')
			return IS(4, "from", SIP_HID_FROM);
		break;
	case 6:
		if (c == 'r')
			return IS(6, "reason", SIP_HID_REASON);
		if (c == 's')
			return IS(6, "server", SIP_HID_SERVER);
		break;
	case 7:
		if (c == 'c' && (p[1] | 0x20) == 'a')
			return IS(7, "call-id", SIP_HID_CALL_ID);
		if (c == 'c')
			return IS(7, "contact", SIP_HID_CONTACT);
		break;
	case 10:
		if (c == 'u')
			return IS(10, "user-agent", SIP_HID_USER_AGENT);
		break;
	case 12:
		if (c == 'c')
			return IS(12, "content-type", SIP_HID_CONTENT_TYPE);
		break;
	case 14:
		if (c == 'c')
			return IS(14, "content-length", SIP_HID_CONTENT_LENGTH);
		break;
	}
#undef IS
	return SIP_HID_OTHER;
}

/* RFC 3261 token characters: alphanumerics and -.!%*_+`'~ */
static const unsigned char token[256] = {
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1,  ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1,  ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1,  ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,  ['x'] = 1,
    ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1,  ['D'] = 1,
    ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,  ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,  ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['0'] = 1,  ['1'] = 1,
    ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['-'] = 1, ['.'] = 1, ['!'] = 1,  ['%'] = 1,
    ['*'] = 1, ['_'] = 1, ['+'] = 1, ['`'] = 1, ['\''] = 1, ['~'] = 1};

int sip_is_token_char(unsigned char c)
{
	return token[c];
}

/* "SIP/2.0" in any case: the 7 bytes at P */
static int sip20(const char *p)
{
	/* | 0x20 makes only the two cases of a letter into its small one */
	return (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' &&
	       (p[2] | 0x20) == 'p' && p[3] == '/' && p[4] == '2' &&
	       p[5] == '.' && p[6] == '0';
}

int sip_is_start_line(const char *p, size_t n)
{
	size_t i;

	span_trim(&p, &n);
	if (n < 11)
		return 0;
	if (sip20(p) && p[7] == ' ' && isdigit((unsigned char)p[8]) &&
	    isdigit((unsigned char)p[9]) && isdigit((unsigned char)p[10]) &&
	    (n == 11 || p[11] == ' '))
		return 1;
	/* METHOD SP Request-URI SP SIP/2.0 */
	if (p[n - 8] != ' ' || !sip20(p + n - 7))
		return 0;
	for (i = 0; i < n && isupper((unsigned char)p[i]); i++)
		;
	if (i == 0 || i >= n || p[i] != ' ')
		return 0;
	return n - 8 > i + 1 && memchr(p + i + 1, ' ', n - 8 - (i + 1)) == NULL;
}

int sip_start_fields(const char *p, size_t n, int *status, const char **method,
                     size_t *mlen)
{
	span_trim(&p, &n);
	if (sip20(p) && p[7] == ' ') {
		*status =
		    (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
		*method = NULL;
		*mlen = 0;
		return 1;
	}
	*status = 0;
	*method = p;
	*mlen = (size_t)((const char *)memchr(p, ' ', n) - p);
	return 0;
}

static void parse_start(struct sip_msg *m, const char *p, size_t n)
{
	span_trim(&p, &n);
	m->is_response =
	    sip_start_fields(p, n, &m->status, &m->method, &m->method_len);
	if (m->is_response) {
		m->phrase = p + 11;
		m->phrase_len = n - 11;
		span_trim(&m->phrase, &m->phrase_len);
	} else {
		m->uri = p + m->method_len + 1;
		m->uri_len = n - 8 - m->method_len - 1;
	}
}

int sip_peek(const char *text, size_t len, int *status, const char **method,
             size_t *mlen)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (sip_is_start_line(p, n)) {
			sip_start_fields(p, n, status, method, mlen);
			return 1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* The line at P (before END): its length without the LF and a CR before
 * it in *N, with the CR in *RAW; returns where the next line starts. */
static inline const char *line_at(const char *p, const char *end, size_t *n,
                                  size_t *raw)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	*raw = *n = (size_t)((nl ? nl : end) - p);
	if (*n > 0 && p[*n - 1] == '\r')
		(*n)--;
	return nl ? nl + 1 : end;
}

/* Is the line P..P+N (without its line end) a header: a name of token
 * characters, blanks, a colon?  The name is *NLEN bytes, *COLON where the
 * colon is. */
static int header_line(const char *p, size_t n, size_t *nlen,
                       const char **colon)
{
	size_t i = 0;

	while (i < n && token[(unsigned char)p[i]])
		i++;
	*nlen = i;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (*nlen == 0 || i == n || p[i] != ':')
		return 0;
	*colon = p + i;
	return 1;
}

int sip_parse(struct sip_msg *m, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct sip_hdr *last = NULL;
	int started = 0;

	m->is_response = 0;
	m->status = 0;
	m->phrase = m->method = m->uri = NULL;
	m->phrase_len = m->method_len = m->uri_len = 0;
	m->nh = 0;
	memset(m->first, 0, sizeof(m->first));
	m->dropped_headers = 0;
	m->body = NULL;
	m->body_len = 0;
	m->content_length = -1;
	while (p < end) {
		size_t n, raw;
		const char *next = line_at(p, end, &n, &raw);

		if (!started) {
			if (sip_is_start_line(p, n)) {
				parse_start(m, p, n);
				started = 1;
			}
			p = next;
			continue;
		}
		if (sip_blank_line(p, raw)) {
			m->body = next; /* the body follows */
			m->body_len = (size_t)(end - next);
			break;
		}
		if ((*p == ' ' || *p == '\t') && last) {
			/* folded continuation (RFC 3261 section 7.3.1) */
			last->vlen = (size_t)(p + n - last->val);
			p = next;
			continue;
		}
		{
			size_t nl_;
			const char *colon;

			if (!header_line(p, n, &nl_, &colon)) {
				p = next; /* not a header: ignore the line */
				continue;
			}
			if (m->nh == SIP_MAX_HEADERS) {
				m->dropped_headers++;
				last = NULL;
				p = next;
				continue;
			}
			last = &m->h[m->nh++];
			last->name = p;
			last->nlen = nl_;
			last->id = header_id(p, nl_);
			if (m->first[last->id] == 0)
				m->first[last->id] = (unsigned short)m->nh;
			last->val = colon + 1;
			last->vlen = (size_t)(p + n - (colon + 1));
			span_trim(&last->val, &last->vlen);
		}
		p = next;
	}
	if (!started)
		return 0;
	{
		const struct sip_hdr *cl =
		    sip_header_id(m, SIP_HID_CONTENT_LENGTH, 0);

		if (cl)
			m->content_length =
			    (long)span_uint(cl->val, cl->vlen, 1L << 30);
	}
	return 1;
}

const struct sip_hdr *sip_header_id(const struct sip_msg *m, enum sip_hid id,
                                    size_t i)
{
	size_t k;

	if (id <= SIP_HID_OTHER || id >= SIP_HID_N || m->first[id] == 0)
		return NULL;
	for (k = m->first[id] - 1u; k < m->nh; k++)
		if (m->h[k].id == (int)id && i-- == 0)
			return &m->h[k];
	return NULL;
}

const struct sip_hdr *sip_header(const struct sip_msg *m, const char *name,
                                 size_t i)
{
	size_t nlen = strlen(name), k;
	/* queries use full names: a one-letter query is not a compact form */
	int id = nlen > 1 ? header_id(name, nlen) : SIP_HID_OTHER;
	char c = 0;

	if (id != SIP_HID_OTHER)
		return sip_header_id(m, (enum sip_hid)id, i);
	for (k = 0; k < ARRAY_LEN(compact); k++)
		if (span_ieq(name, nlen, compact[k].name))
			c = compact[k].c;
	for (k = 0; k < m->nh; k++) {
		const struct sip_hdr *h = &m->h[k];

		if ((h->nlen == nlen && span_ieq(h->name, h->nlen, name)) ||
		    (c && h->nlen == 1 &&
		     tolower((unsigned char)h->name[0]) == c)) {
			if (i == 0)
				return h;
			i--;
		}
	}
	return NULL;
}

/* A CSeq value (trimmed): its number and method. */
static int cseq_value(const char *val, size_t vlen, long *num,
                      const char **meth, size_t *mlen)
{
	const char *p = val, *e = val + vlen;
	long long v;

	while (p < e && (unsigned)(*p - '0') < 10)
		p++;
	v = span_uint(val, (size_t)(p - val), 0x7fffffffLL);
	if (v < 0)
		return -1;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	*num = (long)v;
	*meth = p;
	*mlen = 0;
	while (p + *mlen < e && sip_is_token_char((unsigned char)p[*mlen]))
		(*mlen)++;
	return 0;
}

int sip_cseq(const struct sip_msg *m, long *num, const char **meth,
             size_t *mlen)
{
	const struct sip_hdr *h = sip_header_id(m, SIP_HID_CSEQ, 0);

	if (h == NULL)
		return -1;
	return cseq_value(h->val, h->vlen, num, meth, mlen);
}

/* Does a folded line continue the header whose line ends at P, as
 * sip_parse joins them: one before the next header or the end of the
 * headers, lines that are neither being skipped? */
static int folded_after(const char *p, const char *end)
{
	while (p < end) {
		size_t n, raw, nlen;
		const char *next = line_at(p, end, &n, &raw), *colon;

		if (sip_blank_line(p, raw))
			return 0;
		if (*p == ' ' || *p == '\t')
			return 1;
		if (header_line(p, n, &nlen, &colon))
			return 0;
		p = next;
	}
	return 0;
}

int sip_peek_cseq(const char *hdrs, size_t len, long *num, const char **meth,
                  size_t *mlen)
{
	const char *v;
	size_t vn;

	if (sip_peek_value(hdrs, len, SIP_HID_CSEQ, &v, &vn) < 0)
		return -1;
	return cseq_value(v, vn, num, meth, mlen);
}

/* Can a header line starting with C (lower case) be ID?  Most lines are
 * passed over by this test alone. */
static int may_be(int c, enum sip_hid id)
{
	switch (id) {
	case SIP_HID_CSEQ:
		return c == 'c';
	case SIP_HID_CALL_ID:
		return c == 'c' || c == 'i'; /* i: the compact form */
	default:
		return 1;
	}
}

int sip_peek_value(const char *hdrs, size_t len, enum sip_hid id,
                   const char **val, size_t *vlen)
{
	const char *p = hdrs, *end = hdrs + len;

	/* past this size the message may have more headers than sip_parse
	   keeps (each is at least a name, a colon and a line end) */
	if (len >= 3 * SIP_MAX_HEADERS)
		return -1;
	while (p < end) {
		size_t n, raw, nlen, vn;
		const char *next = line_at(p, end, &n, &raw), *colon, *v;

		if (sip_blank_line(p, raw))
			return -1;
		/* a folded line continues the header before it, as in
		   sip_parse: never the first one asked for, which returns
		   below */
		if (!may_be(*p | 0x20, id) ||
		    !header_line(p, n, &nlen, &colon) ||
		    (enum sip_hid)header_id(p, nlen) != id) {
			p = next;
			continue;
		}
		if (folded_after(next, end))
			return -1;
		v = colon + 1;
		vn = (size_t)(p + n - v);
		span_trim(&v, &vn);
		*val = v;
		*vlen = vn;
		return 0;
	}
	return -1;
}

/* The URI schemes a From, To or Contact value may carry, each found at its
 * first occurrence (in any case) by one pass over the value's colons: a
 * scheme is the three or four letters before a colon.  at[] points after
 * the colon, NULL where the scheme is absent. */
enum { SCHEME_SIPS, SCHEME_SIP, SCHEME_TEL, NSCHEMES };

static int icase3(const char *p, char a, char b, char c)
{
	/* with 0x20 set, only the two cases of a letter give that letter */
	return (p[0] | 0x20) == a && (p[1] | 0x20) == b && (p[2] | 0x20) == c;
}

static void uri_schemes(const char *v, size_t n, const char *at[NSCHEMES])
{
	const char *c = v, *e = v + n;
	size_t i;

	at[SCHEME_SIPS] = at[SCHEME_SIP] = at[SCHEME_TEL] = NULL;
	while (c < e && (c = memchr(c, ':', (size_t)(e - c))) != NULL) {
		i = (size_t)(c - v);
		if (i >= 4 && !at[SCHEME_SIPS] &&
		    icase3(c - 4, 's', 'i', 'p') && (c[-1] | 0x20) == 's')
			at[SCHEME_SIPS] = c + 1;
		else if (i >= 3 && !at[SCHEME_SIP] &&
		         icase3(c - 3, 's', 'i', 'p'))
			at[SCHEME_SIP] = c + 1;
		else if (i >= 3 && !at[SCHEME_TEL] &&
		         icase3(c - 3, 't', 'e', 'l'))
			at[SCHEME_TEL] = c + 1;
		c++;
	}
}

void sip_uri_user(const char *v, size_t n, const char **up, size_t *un)
{
	const char *at[NSCHEMES], *s, *p, *e = v + n;

	uri_schemes(v, n, at);
	s = at[SCHEME_SIPS]  ? at[SCHEME_SIPS]
	    : at[SCHEME_SIP] ? at[SCHEME_SIP]
	                     : at[SCHEME_TEL];
	if (s == NULL) {
		*up = v;
		*un = n;
		span_trim(up, un);
		return;
	}
	for (p = s; p < e && *p != '@' && *p != ';' && *p != '>' && *p != ' ' &&
	            *p != '?';
	     p++)
		;
	/* with or without a user part (a tel: URI, a bare host): up to the
	   '@' or the end of the number or host */
	*up = s;
	*un = (size_t)(p - s);
}

void sip_uri_host(const char *v, size_t n, const char **hp, size_t *hn)
{
	const char *at[NSCHEMES], *s, *e = v + n, *p;

	*hp = NULL;
	*hn = 0;
	uri_schemes(v, n, at);
	s = at[SCHEME_SIP] ? at[SCHEME_SIP] : at[SCHEME_SIPS];
	if (s == NULL)
		return;
	for (p = s; p < e && *p != '>' && *p != ';' && *p != ' '; p++)
		if (*p == '@')
			s = p + 1;
	for (p = s; p < e && *p != ':' && *p != '>' && *p != ';' && *p != ' ';
	     p++)
		if (*p == '[') { /* IPv6 reference */
			const char *rb = memchr(p, ']', (size_t)(e - p));

			if (rb)
				p = rb;
		}
	*hp = s;
	*hn = (size_t)(p - s);
}

void sip_via_host(const char *v, size_t n, const char **hp, size_t *hn)
{
	/* SIP/2.0/TLS host:port;params (RFC 3261 section 20.42) */
	const char *p = v, *e = v + n, *s;

	while (p < e && *p != ' ' && *p != '\t')
		p++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	s = p;
	if (p < e && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(e - p));

		p = rb ? rb + 1 : e;
	} else {
		while (p < e && *p != ':' && *p != ';' && *p != ',' &&
		       *p != ' ')
			p++;
	}
	*hp = s;
	*hn = (size_t)(p - s);
}
