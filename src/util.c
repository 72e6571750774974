/* util.c - dying allocators, overflow-checked growth, diagnostics. */
#include "util.h"

#include "esc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *progname = "sipwhy";
static int nerrors;
static int quiet;
/* A reader thread keeps its diagnostics with the bytes they belong to;
 * the main thread writes them out in order (diag_release). */
static _Thread_local struct buf *held_diags;
static _Thread_local int held_errors;
static void (*output_flush)(void);

void diag_flush_with(void (*fn)(void))
{
	output_flush = fn;
}

/* What was written before a diagnostic comes out before it. */
static void flush_output(void)
{
	if (output_flush)
		output_flush();
	else
		fflush(stdout);
}

/* The whole diagnostic is made safe for a terminal: input names and
 * pattern text may hold control bytes too. */
static void vdiag(const char *level, const char *where, const char *fmt,
                  va_list ap)
{
	struct buf raw = {0}, safe = {0};
	va_list aq;
	int n;

	if (!held_diags)
		flush_output();
	if (where && level)
		buf_printf(&raw, "%s: %s: %s: ", progname, where, level);
	else if (level)
		buf_printf(&raw, "%s: %s: ", progname, level);
	else
		buf_printf(&raw, "%s: ", progname);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n > 0) {
		buf_reserve(&raw, (size_t)n);
		vsnprintf(raw.p + raw.len, (size_t)n + 1, fmt, ap);
		raw.len += (size_t)n;
	}
	esc_text(&safe, raw.p, raw.len, 1);
	buf_addc(&safe, '\n');
	if (held_diags)
		buf_add(held_diags, safe.p, safe.len);
	else
		fwrite(safe.p, 1, safe.len, stderr);
	buf_free(&raw);
	buf_free(&safe);
}

void diag_warn(const char *where, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vdiag("warning", where, fmt, ap);
	va_end(ap);
}

void diag_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(NULL, NULL, fmt, ap);
	va_end(ap);
}

void diag_error(const char *where, const char *fmt, ...)
{
	va_list ap;

	if (held_diags)
		held_errors++;
	else
		nerrors++;
	va_start(ap, fmt);
	vdiag("error", where, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

void diag_hold(struct buf *b)
{
	held_diags = b;
	held_errors = 0;
}

int diag_held_errors(void)
{
	int n = held_errors;

	held_errors = 0;
	return n;
}

int diag_unhold(void)
{
	held_diags = NULL;
	return diag_held_errors();
}

void diag_release(const char *p, size_t n, int errors)
{
	if (held_diags) { /* this thread's are held too: they go along */
		buf_add(held_diags, p, n);
		held_errors += errors;
		return;
	}
	if (n) {
		flush_output();
		fwrite(p, 1, n, stderr);
	}
	nerrors += errors;
}

int diag_errors(void)
{
	return nerrors;
}
void diag_quiet(int on)
{
	quiet = on;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *xmemdup(const void *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

size_t grow_cap(size_t cap, size_t need)
{
	if (need > SIZE_MAX / 2)
		die("size overflow (%zu bytes)", need);
	if (cap < 64)
		cap = 64;
	while (cap < need)
		cap *= 2;
	return cap;
}

void buf_grow(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		die("size overflow");
	if (b->len + extra + 1 > b->cap) {
		b->cap = grow_cap(b->cap, b->len + extra + 1);
		b->p = xrealloc(b->p, b->cap);
	}
}
void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int span_ieq(const char *p, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' || ascii_lower((unsigned char)p[i]) !=
		                           ascii_lower((unsigned char)word[i]))
			return 0;
	return word[n] == '\0';
}

long long span_uint(const char *p, size_t n, long long max)
{
	long long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	if (n <= 18) { /* below 10^18 < 2^63: no overflow to check for */
		for (i = 0; i < n; i++) {
			unsigned d = (unsigned)(unsigned char)p[i] - '0';

			if (d > 9)
				return -1;
			v = v * 10 + (long long)d;
		}
		return v <= max ? v : -1;
	}
	for (i = 0; i < n; i++) {
		int d;

		if (p[i] < '0' || p[i] > '9')
			return -1;
		d = p[i] - '0';
		/* checked before it is computed: no overflow */
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			return -1;
		v = v * 10 + d;
	}
	return v;
}

const char *span_icase_find(const char *p, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	if (m == 0)
		return p;
	for (i = 0; i + m <= n; i++)
		if (ascii_lower((unsigned char)p[i]) ==
		        ascii_lower((unsigned char)needle[0]) &&
		    span_ieq(p + i, m, needle))
			return p + i;
	return NULL;
}
