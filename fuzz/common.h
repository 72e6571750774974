/* common.h - shared by the libFuzzer harnesses: the shipped patterns
 * loaded once, a reader of the fuzzer's bytes, and the oracles every
 * harness can apply (terminal-safe text, valid UTF-8, valid JSON). */
#ifndef SIPWHY_FUZZ_COMMON_H
#define SIPWHY_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "kb.h"
#include "util.h"

#ifndef PATTERNS_DIR
#define PATTERNS_DIR "patterns"
#endif

/* An oracle failed: print why and abort, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz oracle failed: %s:%d: ",         \
			        __FILE__, __LINE__);                           \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* An oracle for a bug already reported can be turned off while fuzzing
 * goes on for others: SIPWHY_FUZZ_IGNORE=name,name (see fuzz/run.sh). */
static int fz_ignored(const char *name)
{
	const char *e = getenv("SIPWHY_FUZZ_IGNORE"), *p;
	size_t n = strlen(name);

	for (p = e; p && *p; p++) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0') &&
		    (p == e || p[-1] == ','))
			return 1;
	}
	return 0;
}

#define FUZZ_CHECK_KNOWN(name, cond, ...)                                      \
	do {                                                                   \
		if (!fz_ignored(name))                                         \
			FUZZ_CHECK(cond, __VA_ARGS__);                         \
	} while (0)

/* The shipped tables and formats, loaded on first use and kept for the
 * life of the process (they are read-only afterwards). */
static struct kb fz_kb;
static struct formats fz_fs;
static int fz_loaded;

static void fuzz_load_patterns(void)
{
	const char *dir = getenv("SIPWHY_FUZZ_PATTERNS");

	if (fz_loaded)
		return;
	if (dir == NULL)
		dir = PATTERNS_DIR;
	memset(&fz_kb, 0, sizeof(fz_kb));
	if (kb_load_dir(&fz_kb, dir) < 0) {
		fprintf(stderr, "fuzz: cannot load the tables of %s\n", dir);
		abort();
	}
	{
		struct buf b = {0};

		buf_printf(&b, "%s/formats", dir);
		if (formats_load_dir(&fz_fs, b.p) < 0 || fz_fs.n == 0) {
			fprintf(stderr, "fuzz: cannot load %s\n", b.p);
			abort();
		}
		buf_free(&b);
	}
	fz_loaded = 1;
}

/* Consume bytes from the front of the input. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static unsigned fz_byte(struct fz *f)
{
	unsigned v;

	if (f->n == 0)
		return 0;
	v = f->p[0];
	f->p++;
	f->n--;
	return v;
}

static unsigned fz_u16(struct fz *f)
{
	unsigned hi = fz_byte(f);

	return (hi << 8) | fz_byte(f);
}

/* An exact-size heap copy so AddressSanitizer sees any read past the end
 * (a copy of zero bytes is still a valid, distinct pointer). */
static char *fz_copy(const void *p, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (c == NULL)
		abort();
	if (n)
		memcpy(c, p, n);
	return c;
}

/* A small deterministic generator for chunk sizes. */
static uint32_t fz_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Length of a valid UTF-8 sequence at P (1-4), 0 when invalid (overlong,
 * surrogate, beyond U+10FFFF or cut short).  *CP gets the code point. */
static size_t fz_utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/* Text that may reach a terminal: valid UTF-8, no C0 control but tab and
 * line feed, no DEL, no C1 control (as U+0080..U+009F), no bidirectional
 * control and no line or paragraph separator. */
static void fz_check_terminal_safe(const char *what, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t l = fz_utf8(u + i, n - i, &cp);

		FUZZ_CHECK(l > 0, "%s: invalid UTF-8 byte 0x%02x at %zu", what,
		           u[i], i);
		FUZZ_CHECK(!(cp < 0x20 && cp != '\n' && cp != '\t') &&
		               !(cp >= 0x7f && cp <= 0x9f) && cp != 0x061c &&
		               cp != 0x200e && cp != 0x200f &&
		               !(cp >= 0x2028 && cp <= 0x202e) &&
		               !(cp >= 0x2066 && cp <= 0x2069),
		           "%s: control U+%04X at byte %zu", what, (unsigned)cp,
		           i);
		i += l;
	}
}

/* ---- a strict JSON checker (RFC 8259), for one value ---- */
struct fzj {
	const unsigned char *p, *e;
	int depth;
};

static void fzj_ws(struct fzj *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	                       *j->p == '\r'))
		j->p++;
}

static int fzj_value(struct fzj *j);

static int fzj_string(struct fzj *j)
{
	if (j->p >= j->e || *j->p != '"')
		return 0;
	j->p++;
	while (j->p < j->e && *j->p != '"') {
		uint32_t cp;
		size_t l;

		if (*j->p == '\\') {
			j->p++;
			if (j->p >= j->e)
				return 0;
			if (*j->p == 'u') {
				int k;

				for (k = 1; k <= 4; k++)
					if (j->p + k >= j->e ||
					    !strchr("0123456789abcdefABCDEF",
					            j->p[k]) ||
					    j->p[k] == '\0')
						return 0;
				j->p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *j->p) || *j->p == '\0')
				return 0;
			j->p++;
			continue;
		}
		if (*j->p < 0x20)
			return 0; /* a raw control character */
		l = fz_utf8(j->p, (size_t)(j->e - j->p), &cp);
		if (l == 0)
			return 0;
		j->p += l;
	}
	if (j->p >= j->e)
		return 0;
	j->p++;
	return 1;
}

static int fzj_number(struct fzj *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->e && *j->p == '-')
		j->p++;
	if (j->p >= j->e)
		return 0;
	if (*j->p == '0') {
		j->p++;
	} else if (*j->p >= '1' && *j->p <= '9') {
		while (j->p < j->e && *j->p >= '0' && *j->p <= '9')
			j->p++;
	} else {
		return 0;
	}
	if (j->p < j->e && *j->p == '.') {
		j->p++;
		if (j->p >= j->e || *j->p < '0' || *j->p > '9')
			return 0;
		while (j->p < j->e && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->e && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->e || *j->p < '0' || *j->p > '9')
			return 0;
		while (j->p < j->e && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static int fzj_lit(struct fzj *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->e - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int fzj_value(struct fzj *j)
{
	int ok = 1;

	fzj_ws(j);
	if (j->p >= j->e)
		return 0;
	if (++j->depth > 64)
		return 0;
	switch (*j->p) {
	case '{':
		j->p++;
		fzj_ws(j);
		if (j->p < j->e && *j->p == '}') {
			j->p++;
			break;
		}
		for (;;) {
			fzj_ws(j);
			if (!fzj_string(j))
				return 0;
			fzj_ws(j);
			if (j->p >= j->e || *j->p != ':')
				return 0;
			j->p++;
			if (!fzj_value(j))
				return 0;
			fzj_ws(j);
			if (j->p < j->e && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->e && *j->p == '}') {
				j->p++;
				break;
			}
			return 0;
		}
		break;
	case '[':
		j->p++;
		fzj_ws(j);
		if (j->p < j->e && *j->p == ']') {
			j->p++;
			break;
		}
		for (;;) {
			if (!fzj_value(j))
				return 0;
			fzj_ws(j);
			if (j->p < j->e && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->e && *j->p == ']') {
				j->p++;
				break;
			}
			return 0;
		}
		break;
	case '"':
		ok = fzj_string(j);
		break;
	case 't':
		ok = fzj_lit(j, "true");
		break;
	case 'f':
		ok = fzj_lit(j, "false");
		break;
	case 'n':
		ok = fzj_lit(j, "null");
		break;
	default:
		ok = fzj_number(j);
	}
	j->depth--;
	return ok;
}

/* Is P..P+N exactly one JSON value (blanks around allowed)? */
static int fz_is_json(const char *p, size_t n)
{
	struct fzj j;

	j.p = (const unsigned char *)p;
	j.e = j.p + n;
	j.depth = 0;
	if (!fzj_value(&j))
		return 0;
	fzj_ws(&j);
	return j.p == j.e;
}

/* Every line of P..P+N is one JSON value. */
static void fz_check_json_lines(const char *what, const char *p, size_t n)
{
	const char *e = p + n;
	size_t lineno = 0;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);

		lineno++;
		FUZZ_CHECK(fz_is_json(p, len), "%s: line %zu is not JSON: %.*s",
		           what, lineno, (int)(len > 300 ? 300 : len), p);
		p = nl ? nl + 1 : e;
	}
}

#endif
