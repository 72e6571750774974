/* utf16.h - UTF-16 text (what Windows PowerShell's > and Notepad's
 * "Unicode" write) read as UTF-8, so that a log saved that way is analysed
 * like any other.  Found by its byte-order mark, or, without one, by ASCII
 * text whose every other byte is zero. */
#ifndef SIPWHY_UTF16_H
#define SIPWHY_UTF16_H

#include <stddef.h>
#include <stdint.h>

enum { UTF16_NONE, UTF16_LE, UTF16_BE };

/* How the text starting with P[0..N) is encoded: UTF16_LE or UTF16_BE by
 * a byte-order mark (*BOM set to 2, the bytes to skip) or by at least 8
 * code units of tab, line break or printable ASCII filling the first 64
 * bytes or all of them (*BOM set to 0); UTF16_NONE otherwise.  Looking at
 * the first 64 bytes of a text, or all of a shorter one, decides. */
int utf16_detect(const unsigned char *p, size_t n, size_t *bom);
/* Could more bytes after P[0..N) change what utf16_detect says?  0 once
 * there are 64, a byte-order mark, or bytes that are neither order's
 * ASCII ("he" of "hello"): a text's first read mostly settles it. */
int utf16_open(const unsigned char *p, size_t n);

struct utf16 {
	int order; /* UTF16_LE or UTF16_BE */
	int nbyte; /* 1: byte holds the first half of a unit */
	unsigned char byte;
	unsigned hi;        /* a high surrogate waiting for its pair, or 0 */
	uint64_t bad;       /* unpaired surrogates replaced by U+FFFD */
	uint64_t first_bad; /* the input offset of the first of them */
	uint64_t consumed;  /* input bytes decoded so far */
};

void utf16_init(struct utf16 *u, int order);
/* utf16_detect on a text's first bytes P[0..N); when it is UTF-16, U is
 * made ready to decode it from *BOM on (offsets counted from P).  Returns
 * the order, or UTF16_NONE. */
int utf16_start(struct utf16 *u, const unsigned char *p, size_t n, size_t *bom);
/* Decodes IN[0..N) into OUT as UTF-8, whole characters only, at most CAP
 * bytes; returns the bytes written and sets *USED to the input bytes
 * taken (fewer than N when OUT is full).  A unit or surrogate pair split
 * between calls is carried over.  Unpaired surrogates become U+FFFD. */
size_t utf16_decode(struct utf16 *u, const unsigned char *in, size_t n,
                    size_t *used, char *out, size_t cap);
/* At the end of the text: what is still carried (a lone byte, a high
 * surrogate) becomes U+FFFD in OUT (room for 6 bytes).  Returns the bytes
 * written; *ODD is set to 1 when a lone byte was left. */
size_t utf16_finish(struct utf16 *u, char *out, int *odd);
/* Warns, as NAME, of what utf16_finish and utf16_decode replaced: the
 * unpaired surrogates (how many, the first one's byte offset in the whole
 * text: consumed starts at the byte-order mark's end) and an ODD byte. */
void utf16_report(const struct utf16 *u, const char *name, int odd);

#endif
