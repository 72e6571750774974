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

/* Headers looked up on every message get an id at parse time. */
enum {
	HID_OTHER,
	HID_CALL_ID,
	HID_CSEQ,
	HID_FROM,
	HID_TO,
	HID_VIA,
	HID_CONTACT,
	HID_CONTENT_LENGTH,
	HID_CONTENT_TYPE,
	HID_REASON,
	HID_SERVER,
	HID_USER_AGENT
};

static const struct {
	int id;
	char compact;
	const char *name;
	size_t len;
} known[] = {
    {HID_CALL_ID, 'i', "call-id", 7},
    {HID_CSEQ, 0, "cseq", 4},
    {HID_FROM, 'f', "from", 4},
    {HID_TO, 't', "to", 2},
    {HID_VIA, 'v', "via", 3},
    {HID_CONTACT, 'm', "contact", 7},
    {HID_CONTENT_LENGTH, 'l', "content-length", 14},
    {HID_CONTENT_TYPE, 'c', "content-type", 12},
    {HID_REASON, 0, "reason", 6},
    {HID_SERVER, 0, "server", 6},
    {HID_USER_AGENT, 0, "user-agent", 10},
};

/* A header name (token characters, any case: a parsed name, or a name the
 * code asks for) against a known name in
 * small letters of the same length.  Among token characters only capital
 * letters turn into a small letter or '-' when bit 0x20 is set, so one OR
 * makes the comparison caseless. */
static int token_eq(const char *p, size_t n, const char *lname)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((char)(p[i] | 0x20) != lname[i])
			return 0;
	return 1;
}

static int header_id(const char *p, size_t n)
{
	size_t k;
	char c;

	if (n == 0)
		return HID_OTHER;
	c = (char)ascii_lower((unsigned char)p[0]);
	/* length and first letter leave one name, two for "c" and 7
	   (Call-ID, Contact): this runs for every header parsed */
	for (k = 0; k < ARRAY_LEN(known); k++) {
		if (n == 1 ? c == known[k].compact
		           : (n == known[k].len && c == known[k].name[0] &&
		              token_eq(p + 1, n - 1, known[k].name + 1)))
			return known[k].id;
	}
	return HID_OTHER;
}

/* RFC 3261 token characters: alphanumerics and -.!%*_+`'~ */
int sip_is_token_char(unsigned char c)
{
	static const unsigned char punct[256] = {
	    ['-'] = 1, ['.'] = 1, ['!'] = 1, ['%'] = 1,  ['*'] = 1,
	    ['_'] = 1, ['+'] = 1, ['`'] = 1, ['\''] = 1, ['~'] = 1};

	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || punct[c];
}

int sip_is_start_line(const char *p, size_t n)
{
	size_t i, sp1, sp2;

	span_trim(&p, &n);
	if (n >= 11 && (p[0] == 'S' || p[0] == 's') &&
	    span_ieq(p, 8, "SIP/2.0 ") && isdigit((unsigned char)p[8]) &&
	    isdigit((unsigned char)p[9]) && isdigit((unsigned char)p[10]) &&
	    (n == 11 || p[11] == ' '))
		return 1;
	if (n < 11 || !span_ieq(p + n - 8, 8, " SIP/2.0"))
		return 0;
	for (i = 0; i < n && isupper((unsigned char)p[i]); i++)
		;
	if (i == 0 || i >= n || p[i] != ' ')
		return 0;
	sp1 = i;
	for (sp2 = sp1 + 1; sp2 < n - 8 && p[sp2] != ' '; sp2++)
		;
	return sp2 == n - 8 && sp2 > sp1 + 1;
}

static int parse_start(struct sip_msg *m, const char *p, size_t n)
{
	span_trim(&p, &n);
	if (span_ieq(p, 8, "SIP/2.0 ")) {
		m->is_response = 1;
		m->status =
		    (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
		m->phrase = p + 11;
		m->phrase_len = n - 11;
		span_trim(&m->phrase, &m->phrase_len);
		return 1;
	}
	m->method = p;
	m->method_len = (size_t)((const char *)memchr(p, ' ', n) - p);
	m->uri = p + m->method_len + 1;
	m->uri_len = n - 8 - m->method_len - 1;
	return 1;
}

int sip_peek(const char *text, size_t len, int *status, const char **method,
             size_t *mlen)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *q = p;

		if (sip_is_start_line(p, n)) {
			span_trim(&q, &n);
			if (span_ieq(q, 8, "SIP/2.0 ")) {
				*status = (q[8] - '0') * 100 +
				          (q[9] - '0') * 10 + (q[10] - '0');
				*method = NULL;
				*mlen = 0;
			} else {
				*status = 0;
				*method = q;
				*mlen =
				    (size_t)((const char *)memchr(q, ' ', n) -
				             q);
			}
			return 1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
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
	m->dropped_headers = 0;
	m->body = NULL;
	m->body_len = 0;
	m->content_length = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)(le - p);
		const char *q = p;
		size_t qn = n;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (!started) {
			if (sip_is_start_line(p, n)) {
				parse_start(m, p, n);
				started = 1;
			}
			p = next;
			continue;
		}
		span_trim(&q, &qn);
		if (qn > 0 && q[qn - 1] == '\r')
			qn--;
		if (qn == 0) { /* the empty line: the body follows */
			m->body = next;
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
			const char *colon = memchr(p, ':', n);
			size_t i, nl_;

			if (colon == NULL) {
				p = next; /* not a header: ignore the line */
				continue;
			}
			nl_ = (size_t)(colon - p);
			while (nl_ > 0 &&
			       (p[nl_ - 1] == ' ' || p[nl_ - 1] == '\t'))
				nl_--;
			for (i = 0; i < nl_; i++)
				if (!sip_is_token_char((unsigned char)p[i]))
					break;
			if (nl_ == 0 || i < nl_) {
				p = next;
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
			last->val = colon + 1;
			last->vlen = (size_t)(p + n - (colon + 1));
			span_trim(&last->val, &last->vlen);
		}
		p = next;
	}
	if (!started)
		return 0;
	{
		const struct sip_hdr *cl = sip_header(m, "content-length", 0);

		if (cl)
			m->content_length =
			    (long)span_uint(cl->val, cl->vlen, 1L << 30);
	}
	return 1;
}

const struct sip_hdr *sip_header(const struct sip_msg *m, const char *name,
                                 size_t i)
{
	size_t nlen = strlen(name), k;
	/* queries use full names: a one-letter query is not a compact form */
	int id = nlen > 1 ? header_id(name, nlen) : HID_OTHER;
	char c = 0;

	if (id != HID_OTHER) {
		for (k = 0; k < m->nh; k++)
			if (m->h[k].id == id && i-- == 0)
				return &m->h[k];
		return NULL;
	}
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

int sip_cseq(const struct sip_msg *m, long *num, const char **meth,
             size_t *mlen)
{
	const struct sip_hdr *h = sip_header(m, "cseq", 0);
	const char *p, *e;
	long long v;

	if (h == NULL)
		return -1;
	p = h->val;
	e = h->val + h->vlen;
	while (p < e && isdigit((unsigned char)*p))
		p++;
	v = span_uint(h->val, (size_t)(p - h->val), 0x7fffffffLL);
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

void sip_uri_user(const char *v, size_t n, const char **up, size_t *un)
{
	const char *s = NULL, *p, *e = v + n;
	static const char *schemes[] = {"sips:", "sip:", "tel:"};
	size_t k;

	for (k = 0; k < ARRAY_LEN(schemes) && s == NULL; k++)
		s = span_icase_find(v, n, schemes[k]);
	if (s == NULL) {
		*up = v;
		*un = n;
		span_trim(up, un);
		return;
	}
	s = (const char *)memchr(s, ':', (size_t)(e - s)) + 1;
	for (p = s; p < e && *p != '@' && *p != ';' && *p != '>' && *p != ' ' &&
	            *p != '?';
	     p++)
		;
	if (p < e && *p == '@') {
		*up = s;
		*un = (size_t)(p - s);
		return;
	}
	/* tel: URIs and URIs without a user part: the number or host */
	*up = s;
	*un = (size_t)(p - s);
}

void sip_uri_host(const char *v, size_t n, const char **hp, size_t *hn)
{
	const char *s = span_icase_find(v, n, "sip:"), *e = v + n, *p;

	*hp = NULL;
	*hn = 0;
	if (s == NULL)
		s = span_icase_find(v, n, "sips:");
	if (s == NULL)
		return;
	s = (const char *)memchr(s, ':', (size_t)(e - s)) + 1;
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
