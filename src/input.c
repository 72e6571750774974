/* input.c - plain or gzip bytes from a file or stdin.  inflate is driven by
 * hand rather than through gzread so that truncation, corruption and junk
 * after the last member are each reported with the input's name and offset
 * (gzread silently ignores trailing junk).  UTF-16 text, plain or gzipped,
 * is handed over as UTF-8 (utf16.h). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "follow.h"
#include "handoff.h"
#include "lines.h"
#include "utf16.h"
#include "util.h"

#define INBUF (256 * 1024)

enum { ST_START, ST_PLAIN, ST_GZIP, ST_END, ST_FAILED };

/* The text's encoding, decided by its first bytes */
#define UBUF (64 * 1024)
enum { ENC_UNKNOWN, ENC_BYTES, ENC_UTF16 };

/* The reader thread's ring: it fills slots ahead of the main thread,
 * which takes them in order.  A slot keeps the diagnostics its read gave
 * so they are written where they belong among the main thread's. */
#define NSLOT    8
#define SLOT_CAP (256 * 1024)
#define SLOT_BRK 8192 /* line breaks noted per slot; more: none noted */

struct slot {
	char *p;
	ssize_t n;
	uint32_t *brk; /* offsets of the line breaks in p[0..n) */
	size_t nbrk;
	struct buf diags;
	int errors;
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot slot[NSLOT];
	unsigned filled, taken; /* slots filled and taken so far */
	int holding;            /* the main thread holds slot taken-1 */
	int stop;               /* the main thread wants no more */
	int ended;              /* the last slot held 0 or -1 */
};

struct input {
	int fd;
	char *name;
	off_t base; /* the fd's offset when opened; -1: not a regular file */
	int state;
	int gzip;
	int eof;          /* the fd is at its end */
	int stopped;      /* a stop signal came while waiting for bytes */
	uint64_t raw;     /* bytes read from fd */
	uint64_t members; /* gzip members completed */
	z_stream zs;
	int zinit;
	unsigned char *in; /* INBUF bytes */
	size_t inpos, inlen;
	struct ahead *ahead; /* reads done by a second thread */
	const uint32_t *brk; /* the line breaks of input_next's chunk */
	size_t nbrk;
	int enc;           /* ENC_* */
	unsigned char *ub; /* the first bytes; UTF-16 bytes to decode */
	size_t upos, ulen; /* what of ub is still to hand over or decode */
	struct utf16 u;    /* the decoder's state */
	char pend[8];      /* decoded, for a caller with little room */
	size_t pendpos, pendlen;
	int uend; /* the UTF-16 text has ended */
};

struct input *input_fdopen(int fd, const char *name)
{
	struct input *in = xcalloc(1, sizeof(*in));
	struct stat st;

	in->fd = fd;
	in->name = xstrdup(name);
	in->base = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
	               ? lseek(fd, 0, SEEK_CUR)
	               : -1;
	in->in = xmalloc(INBUF);
	in->state = ST_START;
	return in;
}

struct input *input_open(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return input_fdopen(0, "(stdin)");
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		diag_error(path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	return input_fdopen(fd, path);
}

const char *input_name(const struct input *in)
{
	return in->name;
}
int input_is_gzip(const struct input *in)
{
	return in->gzip;
}
uint64_t input_raw_bytes(const struct input *in)
{
	return in->raw;
}
int input_fd(const struct input *in)
{
	return in->fd;
}

off_t input_verbatim(const struct input *in)
{
	if (in->base < 0 || in->gzip || in->enc != ENC_BYTES)
		return -1;
	return in->base;
}

/* A read interrupted by a stop signal (SIGINT, SIGTERM): what came so far
 * is all there is, as at the end of the input, so that a pipe's writer
 * that sends nothing more does not hold sipwhy.  1 if so. */
static int stop_waiting(struct input *in)
{
	if (!follow_stop)
		return 0;
	in->stopped = 1;
	in->eof = 1;
	return 1;
}

/* Refill in->in keeping unread bytes; returns bytes available, -1 on error. */
static ssize_t fill(struct input *in)
{
	ssize_t n;

	if (in->inpos > 0 && in->inpos < in->inlen)
		memmove(in->in, in->in + in->inpos, in->inlen - in->inpos);
	in->inlen -= in->inpos;
	in->inpos = 0;
	while (!in->eof && in->inlen < INBUF) {
		n = read(in->fd, in->in + in->inlen, INBUF - in->inlen);
		if (n < 0) {
			if (errno == EINTR && stop_waiting(in))
				break;
			if (errno == EINTR)
				continue;
			diag_error(in->name, "read error: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			in->eof = 1;
			break;
		}
		in->inlen += (size_t)n;
		in->raw += (uint64_t)n;
		break; /* a pipe returns what it has; do not wait for more */
	}
	return (ssize_t)in->inlen;
}

static int is_gzip_magic(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static ssize_t read_plain(struct input *in, char *buf, size_t cap)
{
	size_t n;

	/* once the bytes looked at for the magic are handed over, read
	   straight into the caller's buffer: no second copy */
	while (in->inpos == in->inlen && !in->eof) {
		ssize_t r = read(in->fd, buf, cap);

		if (r < 0 && errno == EINTR && stop_waiting(in))
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag_error(in->name, "read error: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			in->eof = 1;
		in->raw += (uint64_t)r;
		return r;
	}
	n = in->inlen - in->inpos;
	if (n == 0)
		return 0;
	if (n > cap)
		n = cap;
	memcpy(buf, in->in + in->inpos, n);
	in->inpos += n;
	return (ssize_t)n;
}

/* Not gzip after a member's end: said with where it starts, and how
 * long it is when the file's size tells (what is left of a pipe is not
 * read only to be counted). */
static void trailing(struct input *in)
{
	uint64_t at = in->raw - in->inlen + in->inpos; /* from the start */
	struct stat st;

	if (in->base >= 0 && fstat(in->fd, &st) == 0 &&
	    (uint64_t)st.st_size >= (uint64_t)in->base + at)
		diag_warn(in->name,
		          "byte %llu: %llu bytes of trailing data after gzip "
		          "member %llu ignored",
		          (unsigned long long)at,
		          (unsigned long long)((uint64_t)st.st_size -
		                               (uint64_t)in->base - at),
		          (unsigned long long)in->members);
	else
		diag_warn(in->name,
		          "byte %llu: trailing data after gzip member %llu "
		          "ignored",
		          (unsigned long long)at,
		          (unsigned long long)in->members);
}

static ssize_t read_gzip(struct input *in, char *buf, size_t cap)
{
	int ret;
	size_t before;

	for (;;) {
		if (in->inpos == in->inlen) {
			if (fill(in) < 0)
				return -1;
			if (in->inlen == 0 && in->stopped) {
				in->state = ST_END; /* not damage: a stop */
				return 0;
			}
			if (in->inlen == 0) {
				diag_error(in->name,
				           "truncated gzip data (ends inside "
				           "member %llu after %llu compressed "
				           "bytes)",
				           (unsigned long long)in->members + 1,
				           (unsigned long long)in->raw);
				in->state = ST_FAILED;
				return -1;
			}
		}
		in->zs.next_in = in->in + in->inpos;
		in->zs.avail_in = (uInt)(in->inlen - in->inpos);
		in->zs.next_out = (unsigned char *)buf;
		in->zs.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
		before = in->zs.avail_in;
		ret = inflate(&in->zs, Z_NO_FLUSH);
		in->inpos += before - in->zs.avail_in;
		if (ret == Z_STREAM_END) {
			size_t got = (size_t)((char *)in->zs.next_out - buf);

			in->members++;
			/* Another member follows, junk follows, or the end. */
			if (in->inlen - in->inpos < 2 && !in->eof)
				fill(in);
			if (in->inpos == in->inlen) {
				in->state = ST_END;
			} else if (is_gzip_magic(in->in + in->inpos,
			                         in->inlen - in->inpos)) {
				inflateReset(&in->zs);
			} else {
				trailing(in);
				in->state = ST_END;
			}
			if (got > 0)
				return (ssize_t)got;
			if (in->state == ST_END)
				return 0;
			continue;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			diag_error(in->name,
			           "corrupt gzip data near compressed byte "
			           "%llu: %s",
			           (unsigned long long)(in->raw - in->inlen +
			                                in->inpos),
			           in->zs.msg ? in->zs.msg : zError(ret));
			in->state = ST_FAILED;
			return -1;
		}
		if ((char *)in->zs.next_out != buf)
			return (ssize_t)((char *)in->zs.next_out - buf);
		/* No output: inflate needs more input (the loop refills). */
		if (in->inpos < in->inlen && ret == Z_BUF_ERROR) {
			/* should not happen with free output space */
			diag_error(in->name, "gzip inflate made no progress");
			in->state = ST_FAILED;
			return -1;
		}
	}
}

/* Plain or gzip, by the first two bytes. */
static int detect(struct input *in)
{
	if (fill(in) < 0) {
		in->state = ST_FAILED;
		return -1;
	}
	/* A pipe may hand over a single byte first. */
	while (in->inlen == 1 && !in->eof)
		if (fill(in) < 0) {
			in->state = ST_FAILED;
			return -1;
		}
	if (is_gzip_magic(in->in, in->inlen)) {
		in->gzip = 1;
		if (inflateInit2(&in->zs, 15 + 16) != Z_OK)
			die("zlib initialisation failed");
		in->zinit = 1;
		in->state = ST_GZIP;
	} else {
		in->state = ST_PLAIN;
	}
	return 0;
}

/* The bytes as they are stored, inflated if gzip. */
static ssize_t read_bytes(struct input *in, char *buf, size_t cap)
{
	switch (in->state) {
	case ST_START:
		if (detect(in) < 0)
			return -1;
		return read_bytes(in, buf, cap);
	case ST_PLAIN: {
		ssize_t n = read_plain(in, buf, cap);

		if (n < 0)
			in->state = ST_FAILED;
		return n;
	}
	case ST_GZIP: {
		ssize_t n = read_gzip(in, buf, cap);

		if (n < 0)
			in->state = ST_FAILED;
		return n;
	}
	case ST_END:
		return 0;
	default:
		return -1;
	}
}

/* The first bytes decide whether the text is UTF-16: 64 of them, or all if
 * fewer, or as few as settle it (a pipe's first few bytes must not wait
 * for more); they wait in ub to be handed over or decoded. */
static int decide(struct input *in)
{
	size_t bom;

	if (in->ub == NULL)
		in->ub = xmalloc(UBUF);
	while (utf16_open(in->ub, in->ulen)) {
		ssize_t n =
		    read_bytes(in, (char *)in->ub + in->ulen, UBUF - in->ulen);

		if (n < 0 && in->ulen == 0)
			return -1;
		if (n <= 0)
			break; /* an error comes again with the next read */
		in->ulen += (size_t)n;
	}
	if (utf16_start(&in->u, in->ub, in->ulen, &bom) == UTF16_NONE) {
		in->enc = ENC_BYTES;
		return 0;
	}
	in->enc = ENC_UTF16;
	in->upos = bom;
	return 0;
}

static ssize_t read_utf16(struct input *in, char *buf, size_t cap)
{
	for (;;) {
		size_t used, w;

		if (in->pendpos < in->pendlen) {
			w = in->pendlen - in->pendpos;
			if (w > cap)
				w = cap;
			memcpy(buf, in->pend + in->pendpos, w);
			in->pendpos += w;
			return (ssize_t)w;
		}
		if (in->upos == in->ulen) {
			ssize_t n;
			int odd;

			if (in->uend)
				return 0;
			n = read_bytes(in, (char *)in->ub, UBUF);
			in->upos = in->ulen = 0;
			if (n < 0)
				return -1;
			if (n == 0) {
				in->uend = 1;
				in->pendpos = 0;
				in->pendlen =
				    utf16_finish(&in->u, in->pend, &odd);
				utf16_report(&in->u, in->name, odd);
				continue;
			}
			in->ulen = (size_t)n;
		}
		w = utf16_decode(&in->u, in->ub + in->upos, in->ulen - in->upos,
		                 &used, buf, cap);
		in->upos += used;
		if (w > 0)
			return (ssize_t)w;
		if (used == 0) { /* no room for the next character here */
			in->pendpos = 0;
			in->pendlen = utf16_decode(&in->u, in->ub + in->upos,
			                           in->ulen - in->upos, &used,
			                           in->pend, sizeof(in->pend));
			in->upos += used;
		}
	}
}

ssize_t input_read(struct input *in, char *buf, size_t cap)
{
	size_t n;

	if (cap == 0)
		return 0;
	if (in->enc == ENC_UNKNOWN && decide(in) < 0)
		return -1;
	if (in->enc == ENC_UTF16)
		return read_utf16(in, buf, cap);
	if (in->upos == in->ulen)
		return read_bytes(in, buf, cap);
	n = in->ulen - in->upos; /* the bytes decide() looked at */
	if (n > cap)
		n = cap;
	memcpy(buf, in->ub + in->upos, n);
	in->upos += n;
	return (ssize_t)n;
}

/* The line breaks of a slot, found on the reader's thread while the
 * slot is in its cache: of a plain file's three threads the one that
 * splits lines is the busiest.  Inflating is the busiest of all, so a
 * gzip file's slots come without. */
static void find_breaks(const struct input *in, struct slot *sl)
{
	if (in->gzip)
		sl->nbrk = (size_t)-1; /* none noted: they are searched */
	else if (sl->n <= 0)
		sl->nbrk = 0;
	else
		sl->nbrk =
		    lines_breaks(sl->p, (size_t)sl->n, sl->brk, SLOT_BRK);
}

static void *read_ahead(void *arg)
{
	struct input *in = arg;
	struct ahead *a = in->ahead;

	thread_begin("sipwhy-read");
	for (;;) {
		struct slot *sl;

		pthread_mutex_lock(&a->mu);
		while (a->filled - a->taken == NSLOT && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		sl = &a->slot[a->filled % NSLOT];
		pthread_mutex_unlock(&a->mu);
		/* the slot is the reader's until filled moves past it */
		diag_hold(&sl->diags);
		sl->n = input_read(in, sl->p, SLOT_CAP);
		sl->errors = diag_unhold();
		find_breaks(in, sl);
		pthread_mutex_lock(&a->mu);
		a->filled++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (sl->n <= 0)
			return NULL;
	}
}

int input_read_ahead(struct input *in)
{
	struct ahead *a;
	int i;

	if (in->ahead)
		return 0;
	/* known before the thread starts: input_is_gzip may be asked */
	if (in->state == ST_START)
		detect(in); /* a failure is met again by the first read */
	a = xcalloc(1, sizeof(*a));
	for (i = 0; i < NSLOT; i++) {
		a->slot[i].p = xmalloc(SLOT_CAP);
		a->slot[i].brk = xmalloc(SLOT_BRK * sizeof(uint32_t));
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	in->ahead = a;
	if (pthread_create(&a->thread, NULL, read_ahead, in) != 0) {
		for (i = 0; i < NSLOT; i++) {
			free(a->slot[i].p);
			free(a->slot[i].brk);
		}
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a);
		in->ahead = NULL;
		return -1;
	}
	return 0;
}

ssize_t input_next(struct input *in, const char **p)
{
	static char *chunk;
	struct ahead *a = in->ahead;
	struct slot *sl;

	if (a == NULL) {
		if (chunk == NULL)
			chunk = xmalloc(SLOT_CAP);
		*p = chunk;
		return input_read(in, chunk, SLOT_CAP);
	}
	pthread_mutex_lock(&a->mu);
	if (a->holding) { /* done with the slot handed out last */
		a->holding = 0;
		a->taken++;
		/* the reader, once it has filled every slot, sleeps until
		   half of them are free again: one wake-up (a context switch
		   on a busy machine) for NSLOT / 2 reads, not one each */
		if (a->filled - a->taken == NSLOT / 2)
			pthread_cond_broadcast(&a->cv);
	}
	if (a->ended) {
		pthread_mutex_unlock(&a->mu);
		return 0;
	}
	while (a->filled == a->taken)
		pthread_cond_wait(&a->cv, &a->mu);
	sl = &a->slot[a->taken % NSLOT];
	a->holding = 1;
	pthread_mutex_unlock(&a->mu);
	diag_release(sl->diags.p, sl->diags.len, sl->errors);
	buf_clear(&sl->diags);
	if (sl->n <= 0)
		a->ended = 1;
	*p = sl->p;
	in->brk = sl->nbrk == (size_t)-1 ? NULL : sl->brk;
	in->nbrk = sl->nbrk;
	return sl->n;
}

void input_close(struct input *in)
{
	if (in == NULL)
		return;
	if (in->ahead) {
		struct ahead *a = in->ahead;
		int i;

		pthread_mutex_lock(&a->mu);
		a->stop = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
		for (i = 0; i < NSLOT; i++) {
			free(a->slot[i].p);
			free(a->slot[i].brk);
			buf_free(&a->slot[i].diags);
		}
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a);
	}
	if (in->zinit)
		inflateEnd(&in->zs);
	if (in->fd > 0)
		close(in->fd);
	free(in->in);
	free(in->ub);
	free(in->name);
	free(in);
}

const uint32_t *input_breaks(const struct input *in, size_t *n)
{
	*n = in->nbrk;
	return in->brk;
}
