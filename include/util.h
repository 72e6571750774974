/* util.h - allocation that never returns NULL, growable byte buffers and the
 * one place diagnostics are written. */
#ifndef SIPWHY_UTIL_H
#define SIPWHY_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ASCII lower case without the locale (tolower() is a call per byte) */
static inline unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Allocation failure is fatal: these print a diagnostic and exit(2). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdup(const void *p, size_t n); /* NUL-terminated copy */

/* Growth with overflow check: returns the new capacity >= need. */
size_t grow_cap(size_t cap, size_t need);

/* A growable byte buffer.  p is NUL-terminated when cap > 0 (so len <
 * cap then). */
struct buf {
	char *p;
	size_t len, cap;
};
/* Room for EXTRA more bytes and the NUL: the check is inline (buffers
 * grow on every line of a record), the growth is not. */
void buf_grow(struct buf *b, size_t extra);
static inline void buf_reserve(struct buf *b, size_t extra)
{
	if (extra >= b->cap - b->len) /* cap 0: len 0, always grows */
		buf_grow(b, extra);
}
static inline void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}
static inline void buf_addc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_clear(struct buf *b);
void buf_free(struct buf *b);

/* Diagnostics: "sipwhy: WHERE: warning: ..." on stderr.  WHERE may be NULL.
 * diag_error raises the exit status to 2; diag_warn does not.  Text coming
 * from a log must go through esc_* before it reaches these. */
extern const char *progname;
void diag_warn(const char *where, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void diag_error(const char *where, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "sipwhy: " and the message, made safe like the others, counted as
 * nothing: usage errors and the loaders' reports, whose callers decide
 * the exit status.  No line end in FMT. */
void diag_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int diag_errors(void); /* number of diag_error calls so far */
/* Diagnostics written later, in their place among another thread's: between
 * diag_hold(B) and diag_unhold() this thread's diagnostics are appended to
 * B; diag_held_errors() and diag_unhold() return how many were errors
 * since last asked.  diag_release(P, N, ERRORS) writes held text (or holds
 * it again, if this thread holds its own). */
void diag_hold(struct buf *b);
int diag_held_errors(void);
int diag_unhold(void);
void diag_release(const char *p, size_t n, int errors);
/* Before a diagnostic is written, FN (not NULL) instead of fflush(stdout):
 * for output that another thread writes. */
void diag_flush_with(void (*fn)(void));
void diag_quiet(int on); /* suppress warnings (not errors) */

/* Case-insensitive comparison of a span with a NUL-terminated ASCII word. */
int span_ieq(const char *p, size_t n, const char *word);
/* Parse an unsigned decimal span; -1 if empty, not digits, or > max. */
long long span_uint(const char *p, size_t n, long long max);
/* Trim ASCII spaces and tabs from both ends of a span (inline: it runs
 * for every header line). */
static inline void span_trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}
/* Copy a span into DST of CAP bytes (CAP > 0) as a string, cut to fit. */
static inline void span_copy(char *dst, size_t cap, const char *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}
/* Case-insensitive search for needle (ASCII) in a span. */
const char *span_icase_find(const char *p, size_t n, const char *needle);

#endif
