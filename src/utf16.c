/* utf16.c - UTF-16 read as UTF-8: detection and a streaming decoder. */
#include "utf16.h"

#include <string.h>

#include "util.h"

static int text_byte(unsigned char c)
{
	return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f);
}

int utf16_detect(const unsigned char *p, size_t n, size_t *bom)
{
	size_t i, units;
	int le = 1, be = 1;

	*bom = 0;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*bom = 2;
		return UTF16_LE;
	}
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*bom = 2;
		return UTF16_BE;
	}
	if (n > 64)
		n = 64;
	units = n / 2;
	if (units < 8)
		return UTF16_NONE;
	for (i = 0; i < units * 2; i += 2) {
		le &= text_byte(p[i]) && p[i + 1] == 0;
		be &= p[i] == 0 && text_byte(p[i + 1]);
	}
	return le ? UTF16_LE : be ? UTF16_BE : UTF16_NONE;
}

int utf16_open(const unsigned char *p, size_t n)
{
	size_t i;
	int le = 1, be = 1;

	if (n < 2)
		return 1; /* half a byte-order mark, perhaps */
	if (n >= 64 || (p[0] == 0xff && p[1] == 0xfe) ||
	    (p[0] == 0xfe && p[1] == 0xff))
		return 0;
	for (i = 0; i < n / 2 * 2 && (le || be); i++) { /* whole units */
		le &= i % 2 == 0 ? text_byte(p[i]) : p[i] == 0;
		be &= i % 2 == 0 ? p[i] == 0 : text_byte(p[i]);
	}
	return le || be;
}

void utf16_init(struct utf16 *u, int order)
{
	memset(u, 0, sizeof(*u));
	u->order = order;
}

int utf16_start(struct utf16 *u, const unsigned char *p, size_t n, size_t *bom)
{
	int order = utf16_detect(p, n, bom);

	if (order != UTF16_NONE) {
		utf16_init(u, order);
		u->consumed = *bom;
	}
	return order;
}

static size_t put_utf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static void bad_at(struct utf16 *u, uint64_t off)
{
	if (u->bad++ == 0)
		u->first_bad = off;
}

size_t utf16_decode(struct utf16 *u, const unsigned char *in, size_t n,
                    size_t *used, char *out, size_t cap)
{
	size_t i = 0, w = 0;
	size_t lo = u->order == UTF16_LE ? 0 : 1; /* the low byte's place */

	while (i < n) {
		unsigned char b0, b1;
		unsigned unit, hi = u->hi;
		size_t take, k = 0;
		int low;
		uint64_t at; /* where the unit starts in the whole text */
		char tmp[8];

		/* ASCII, nothing carried: a byte per unit, the usual case */
		while (!u->nbyte && !u->hi && i + 1 < n && w < cap &&
		       in[i + 1 - lo] == 0 && in[i + lo] < 0x80) {
			out[w++] = (char)in[i + lo];
			i += 2;
		}
		if (i >= n)
			break;
		if (u->nbyte) {
			b0 = u->byte, b1 = in[i], take = 1;
			at = u->consumed + i - 1;
		} else if (i + 1 < n) {
			b0 = in[i], b1 = in[i + 1], take = 2;
			at = u->consumed + i;
		} else { /* half a unit: kept for the next call */
			u->byte = in[i];
			u->nbyte = 1;
			i++;
			break;
		}
		unit = u->order == UTF16_LE ? (unsigned)b0 | (unsigned)b1 << 8
		                            : (unsigned)b0 << 8 | (unsigned)b1;
		low = unit >= 0xdc00 && unit <= 0xdfff;
		if (hi && low) {
			k = put_utf8(tmp,
			             0x10000 +
			                 ((unsigned long)(hi - 0xd800) << 10) +
			                 (unit - 0xdc00));
			hi = 0;
		} else {
			if (hi) { /* a high surrogate without its pair */
				k = put_utf8(tmp, 0xfffd);
				hi = 0;
			}
			if (unit >= 0xd800 && unit <= 0xdbff)
				hi = unit;
			else if (low)
				k += put_utf8(tmp + k, 0xfffd);
			else
				k += put_utf8(tmp + k, unit);
		}
		if (k > cap - w)
			break; /* not taken: OUT is full */
		/* the unpaired surrogates this step replaced */
		if (u->hi && !low)
			bad_at(u, at - 2);
		if (!u->hi && low)
			bad_at(u, at);
		memcpy(out + w, tmp, k);
		w += k;
		u->hi = hi;
		u->nbyte = 0;
		i += take;
	}
	u->consumed += i;
	*used = i;
	return w;
}

void utf16_report(const struct utf16 *u, const char *name, int odd)
{
	if (u->bad > 0)
		diag_warn(name,
		          "%llu unpaired UTF-16 surrogates shown as U+FFFD, "
		          "the first at byte offset %llu",
		          (unsigned long long)u->bad,
		          (unsigned long long)u->first_bad);
	if (odd)
		diag_warn(name,
		          "UTF-16 text ends in half a character (an odd "
		          "number of bytes, %llu); shown as U+FFFD",
		          (unsigned long long)u->consumed);
}

size_t utf16_finish(struct utf16 *u, char *out, int *odd)
{
	size_t w = 0;

	*odd = u->nbyte;
	if (u->hi) {
		bad_at(u, u->consumed - u->nbyte - 2);
		w += put_utf8(out, 0xfffd);
		u->hi = 0;
	}
	if (u->nbyte) {
		w += put_utf8(out + w, 0xfffd);
		u->nbyte = 0;
	}
	return w;
}
