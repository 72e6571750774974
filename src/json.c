/* json.c - recursive descent over RFC 8259, with a depth limit so hostile
 * input cannot exhaust the stack. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_DEPTH 64

struct jp {
	const char *p, *e;
	char *err;
	size_t errsz;
	int failed;
};

static void fail(struct jp *j, const char *what)
{
	if (!j->failed)
		snprintf(j->err, j->errsz, "%s", what);
	j->failed = 1;
}

static void ws(struct jp *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	                       *j->p == '\r'))
		j->p++;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | cp >> 12));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | cp >> 18));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

static int hex4(struct jp *j, unsigned *v)
{
	int i;

	*v = 0;
	if (j->e - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = *j->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static char *string(struct jp *j)
{
	struct buf b = {0};

	j->p++; /* the quote */
	while (j->p < j->e && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;

		if (c < 0x20) {
			fail(j, "control character in a string");
			break;
		}
		if (c != '\\') {
			buf_addc(&b, (char)c);
			continue;
		}
		if (j->p >= j->e)
			break;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			buf_addc(&b, (char)c);
			break;
		case 'b':
			buf_addc(&b, '\b');
			break;
		case 'f':
			buf_addc(&b, '\f');
			break;
		case 'n':
			buf_addc(&b, '\n');
			break;
		case 'r':
			buf_addc(&b, '\r');
			break;
		case 't':
			buf_addc(&b, '\t');
			break;
		case 'u': {
			unsigned cp, lo;

			if (hex4(j, &cp) < 0) {
				fail(j, "bad \\u escape");
				break;
			}
			if (cp >= 0xd800 && cp < 0xdc00 && j->e - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u') {
				j->p += 2;
				if (hex4(j, &lo) == 0 && lo >= 0xdc00 &&
				    lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
			}
			put_utf8(&b, cp);
			break;
		}
		default:
			fail(j, "bad escape");
		}
	}
	if (j->p >= j->e)
		fail(j, "unterminated string");
	else
		j->p++;
	if (b.p == NULL)
		return xstrdup("");
	return b.p;
}

static const char *digits(const char *p, const char *e)
{
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* The length of the number at P as RFC 8259 writes one (-? int frac? exp?),
 * or 0.  Its digits may be as many as the text holds. */
static size_t number_len(const char *p, const char *e)
{
	const char *s = p;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		p = digits(p, e);
	else
		return 0;
	if (p < e && *p == '.') {
		if (++p >= e || *p < '0' || *p > '9')
			return 0;
		p = digits(p, e);
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9')
			return 0;
		p = digits(p, e);
	}
	return (size_t)(p - s);
}

static void number(struct jp *j, struct jv *v)
{
	size_t k = number_len(j->p, j->e);
	struct buf tmp = {0};

	if (k == 0) {
		fail(j, "bad value");
		return;
	}
	/* strtod reads the C locale's numbers: sipwhy never sets another */
	buf_add(&tmp, j->p, k);
	v->t = J_NUM;
	v->num = strtod(tmp.p, NULL);
	buf_free(&tmp);
	j->p += k;
}

static void value(struct jp *j, struct jv *v, int depth)
{
	memset(v, 0, sizeof(*v));
	ws(j);
	if (depth > MAX_DEPTH) {
		fail(j, "nested too deeply");
		return;
	}
	if (j->p >= j->e) {
		fail(j, "unexpected end");
		return;
	}
	if (*j->p == '{' || *j->p == '[') {
		int obj = *j->p == '{';
		char close = obj ? '}' : ']';

		v->t = obj ? J_OBJ : J_ARR;
		j->p++;
		ws(j);
		if (j->p < j->e && *j->p == close) {
			j->p++;
			return;
		}
		while (!j->failed) {
			char *key = NULL;

			ws(j);
			if (obj) {
				if (j->p >= j->e || *j->p != '"') {
					fail(j, "expected a member name");
					return;
				}
				key = string(j);
				ws(j);
				if (j->p >= j->e || *j->p != ':') {
					free(key);
					fail(j, "expected ':'");
					return;
				}
				j->p++;
			}
			v->items =
			    xrealloc(v->items, (v->n + 1) * sizeof(*v->items));
			if (obj) {
				v->keys = xrealloc(
				    v->keys, (v->n + 1) * sizeof(*v->keys));
				v->keys[v->n] = key;
			}
			/* counted before it is read, so a failure frees it */
			v->n++;
			value(j, &v->items[v->n - 1], depth + 1);
			ws(j);
			if (j->p < j->e && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->e && *j->p == close) {
				j->p++;
				return;
			}
			fail(j, obj ? "expected ',' or '}'"
			            : "expected ',' or ']'");
		}
		return;
	}
	if (*j->p == '"') {
		v->t = J_STR;
		v->str = string(j);
		return;
	}
	if (j->e - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
		j->p += 4;
		return;
	}
	if (j->e - j->p >= 4 && memcmp(j->p, "true", 4) == 0) {
		v->t = J_BOOL;
		v->num = 1;
		j->p += 4;
		return;
	}
	if (j->e - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
		v->t = J_BOOL;
		j->p += 5;
		return;
	}
	number(j, v);
}
struct jv *json_parse(const char *p, size_t n, char *err, size_t errsz)
{
	struct jp j = {p, p + n, err, errsz, 0};
	struct jv *v = xcalloc(1, sizeof(*v));

	value(&j, v, 1); /* the outermost value is at depth 1 */
	ws(&j);
	if (!j.failed && j.p != j.e)
		fail(&j, "text after the value");
	if (j.failed) {
		json_free(v);
		return NULL;
	}
	return v;
}

static void jv_clear(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jv_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void json_free(struct jv *v)
{
	if (v == NULL)
		return;
	jv_clear(v);
	free(v);
}

const struct jv *json_get(const struct jv *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->t != J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (obj->keys[i] && strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}
