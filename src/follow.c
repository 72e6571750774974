/* follow.c - the live loop.  Files are read with read(2) as they grow; at
 * their end the path is looked at again: another file under the name
 * (rotation by rename) means the old one is drained, closed and the new
 * one read from its start; a file shorter than what was read (copytruncate)
 * is read again from its start.  Nothing from the old file is dropped and
 * nothing is read twice; the bytes of all generations go through one line
 * and record state, so a message cut by the rotation stays one message.
 * A file whose first bytes are UTF-16 (utf16.h) is read as UTF-8.  A file
 * on stdin is followed by its descriptor alone. */
#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "utf16.h"
#include "util.h"

#define CHUNK           (256 * 1024)
#define ROTATE_GRACE_MS 2000 /* an old file read on after a rotation */
#define DECODED         (CHUNK / 2 * 3 + 16) /* a chunk of UTF-16 as UTF-8 */
#define TICK_MS         100

volatile sig_atomic_t follow_stop, follow_report;

static void on_stop(int sig)
{
	(void)sig;
	follow_stop = 1;
}

static void on_report(int sig)
{
	(void)sig;
	follow_report = 1;
}

void follow_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop; /* no SA_RESTART: poll and read return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_report;
	sigaction(SIGUSR1, &sa, NULL);
}

struct follower {
	const char *path; /* NULL: stdin */
	const char *name; /* the path, or (stdin) */
	int fd;
	struct input *in; /* stdin or a gzip file: plain or gzip */
	dev_t dev;
	ino_t ino;
	off_t off;
	int order;      /* UTF16_*, -1 before the first bytes are read */
	struct utf16 u; /* for a UTF-16 file */
	int started, waiting_said, done;
	int open_errno;    /* why the path last failed to open */
	int gone_said;     /* said the path no longer leads to it */
	int regular;       /* a regular file: it can be truncated and rotated */
	long long last_ms; /* when it last gave bytes (or began) */
	int idled;         /* src_idle has run since then */
	long long replaced_ms; /* when a new file was seen at the path while
	                          this one is open, 0 if none */
	int wd;                /* its inotify watch, -1 if none */
	struct src s;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void start(struct run *r, struct follower *f, const char *name)
{
	if (f->started)
		return;
	src_begin_at(r, &f->s, name, time(NULL));
	f->started = 1;
}

/* The end of a UTF-16 file's text: a half character left is shown. */
static void utf16_end(struct follower *f, char *dec)
{
	int odd;
	size_t w;

	if (f->order <= UTF16_NONE)
		return;
	w = utf16_finish(&f->u, dec, &odd);
	utf16_report(&f->u, f->name, odd);
	if (w)
		src_feed(&f->s, dec, w);
}

/* Bytes read from a file, decoded when it is UTF-16. */
static void feed(struct follower *f, char *chunk, size_t n, char *dec)
{
	size_t pos = 0; /* past a byte-order mark */

	if (f->order < 0) /* the first bytes of the file */
		f->order =
		    utf16_start(&f->u, (const unsigned char *)chunk, n, &pos);
	if (f->order == UTF16_NONE) {
		src_feed(&f->s, chunk, n);
		return;
	}
	while (pos < n) {
		size_t used,
		    w = utf16_decode(&f->u, (const unsigned char *)chunk + pos,
		                     n - pos, &used, dec, DECODED);

		if (w)
			src_feed(&f->s, dec, w);
		pos += used;
	}
}

/* Line ends in FD's bytes from AT to OFF, so that a file followed from
 * its end numbers its lines as they are in it (1 GB of log, cached:
 * about 0.1 s).  A UTF-16 file's are its code units U+000A. */
static uint64_t lines_before(int fd, off_t at, off_t off, int order)
{
	static char b[1 << 16];
	uint64_t n = 0;

	while (at < off) {
		size_t want = off - at < (off_t)sizeof(b) ? (size_t)(off - at)
		                                          : sizeof(b);
		ssize_t got = pread(fd, b, want, at);
		size_t i;

		if (got <= 0)
			break;
		if (order <= UTF16_NONE) {
			const char *p = b, *e = b + got;

			while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
				n++;
				p++;
			}
		} else { /* units start at even offsets: WANT is even */
			for (i = 0; i + 1 < (size_t)got; i += 2)
				n += order == UTF16_LE
				         ? b[i] == '\n' && b[i + 1] == 0
				         : b[i] == 0 && b[i + 1] == '\n';
		}
		at += got;
	}
	return n;
}

/* inotify (Linux): a write to a followed file wakes the loop at once,
 * not at the next tick, so that what a writer appends is read before a
 * copytruncate right after it can take it away.  Without it (another
 * system, no watch left) the tick alone does. */
static int notify_fd = -1;

static void watch(struct follower *f)
{
#ifdef __linux__
	/* standard input's file is watched through its descriptor's link */
	if (notify_fd >= 0 && f->wd < 0)
		f->wd = inotify_add_watch(
		    notify_fd, f->path ? f->path : "/proc/self/fd/0",
		    IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
#else
	(void)f;
#endif
}

static void unwatch(struct follower *f)
{
#ifdef __linux__
	if (f->wd >= 0)
		inotify_rm_watch(notify_fd, f->wd);
#endif
	f->wd = -1;
}

/* FD, open on a file: read from its end (AT_END) or from BASE, where
 * its reading begins (the start of a named file, standard input's
 * offset).  A gzip-compressed file is read once, as without -f. */
static int adopt(struct run *r, struct follower *f, int at_end, off_t base)
{
	struct stat st;
	uint64_t before = 0;

	if (fstat(f->fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		diag_error(f->name, "cannot follow: %s",
		           S_ISDIR(st.st_mode) ? "is a directory"
		                               : strerror(errno));
		if (f->path)
			close(f->fd);
		f->fd = -1;
		f->done = 1;
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		unsigned char m[2];

		if (pread(f->fd, m, 2, base) == 2 && m[0] == 0x1f &&
		    m[1] == 0x8b) {
			/* a compressed log is done growing: read it whole,
			   inflated, as without -f */
			diag_warn(f->name, "gzip-compressed: read once from "
			                   "its start, not followed");
			if (f->path)
				close(f->fd);
			f->fd = -1;
			f->in = input_open(f->path ? f->path : "-");
			if (f->in == NULL) {
				f->done = 1;
				return -1;
			}
			start(r, f, f->name);
			return 0;
		}
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->regular = S_ISREG(st.st_mode);
	f->off = base;
	f->order = -1;
	if (at_end && S_ISREG(st.st_mode)) {
		unsigned char head[64];
		ssize_t n = pread(f->fd, head, sizeof(head), base);
		size_t bom;

		f->off = lseek(f->fd, 0, SEEK_END);
		if (f->off < base) /* shorter than where stdin stood */
			base = 0;
		if (n > 0)
			f->order = utf16_start(&f->u, head, (size_t)n, &bom);
		if (f->order > UTF16_NONE) {
			/* read from the start of a unit */
			if ((f->off - base) % 2)
				f->off = lseek(f->fd, f->off - 1, SEEK_SET);
			f->u.consumed = (uint64_t)(f->off - base);
		}
		before = lines_before(f->fd, base, f->off, f->order);
	}
	watch(f);
	if (f->waiting_said)
		diag_warn(f->name, "appeared; following it");
	f->waiting_said = 0;
	start(r, f, f->name);
	lines_restart(&f->s.lines, before); /* a new file: its own lines */
	return 0;
}

static int open_file(struct run *r, struct follower *f, int at_end)
{
	/* a FIFO's open would wait for a writer, and hold up every other
	   input: its reads wait for nothing either (EAGAIN) */
	f->fd = open(f->path, O_RDONLY | O_NONBLOCK);
	if (f->fd < 0) {
		f->open_errno = errno;
		if (!f->waiting_said)
			diag_warn(f->path, "%s; waiting for it to appear",
			          strerror(errno));
		f->waiting_said = 1;
		return -1;
	}
	return adopt(r, f, at_end, 0);
}

/* Standard input: a regular file (sipwhy -f < sbc.log) is followed as a
 * named one is, from where its offset stands, but by its descriptor, as
 * tail -f follows it: no path to look at again for a rotation.  Anything
 * else (a pipe, a terminal) is read as it comes, until it ends. */
static void open_stdin(struct run *r, struct follower *f, int at_end)
{
	struct stat st;
	off_t base;

	f->name = "(stdin)";
	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) &&
	    (base = lseek(0, 0, SEEK_CUR)) >= 0) {
		f->fd = 0;
		adopt(r, f, at_end, base);
		return;
	}
	f->in = input_open("-");
	start(r, f, f->name);
}

/* Truncated in place (copytruncate): read again from the start. */
static void read_again(struct follower *f, char *dec)
{
	diag_warn(f->name, "truncated; reading it again from the start");
	utf16_end(f, dec);
	lseek(f->fd, 0, SEEK_SET);
	f->off = 0;
	f->order = -1; /* its first bytes are read again */
	lines_restart(&f->s.lines, 0);
}

/* At the end of what is there: rotated, truncated, or just quiet? */
static void look_again(struct follower *f, char *dec)
{
	struct stat st;

	if (f->path == NULL) { /* standard input: truncated, or quiet */
		if (fstat(f->fd, &st) == 0 && st.st_size < f->off)
			read_again(f, dec);
		return;
	}
	if (stat(f->path, &st) < 0) {
		/* renamed away or deleted, no new file yet: the old one is
		   kept, as its writer may still write to it */
		if (!f->gone_said)
			diag_warn(f->path,
			          "%s: renamed away or deleted; reading on "
			          "the open file until a new one appears",
			          strerror(errno));
		f->gone_said = 1;
		return;
	}
	f->gone_said = 0;
	if (st.st_dev != f->dev || st.st_ino != f->ino) {
		/* The writer may go on writing to the old file until it
		   reopens (logrotate's postrotate signal comes after the
		   rename): the old one is read until it has been quiet for
		   ROTATE_GRACE_MS, then the new one from its start. */
		if (f->replaced_ms == 0)
			f->replaced_ms = now_ms();
		if (now_ms() - f->replaced_ms < ROTATE_GRACE_MS)
			return;
		diag_warn(f->path, "replaced by a new file (rotated); "
		                   "reading the new one from its start");
		utf16_end(f, dec);
		unwatch(f);
		close(f->fd);
		f->fd = -1;
		f->replaced_ms = 0;
		return;
	}
	if (f->regular && st.st_size < f->off)
		read_again(f, dec); /* (a FIFO has no size) */
}

/* Reads what is there; 1 if anything was read. */
static int pump(struct run *r, struct follower *f, char *chunk, char *dec,
                const struct follow_opts *fo)
{
	ssize_t n;

	if (f->done)
		return 0;
	if (f->in) { /* stdin, or a gzip file */
		struct pollfd p = {input_fd(f->in), POLLIN, 0};

		if (poll(&p, 1, 0) <= 0)
			return 0;
		n = input_read(f->in, chunk, CHUNK);
		if (n <= 0) {
			f->done = 1;
			return 0;
		}
		src_feed(&f->s, chunk, (size_t)n);
		return 1;
	}
	if (f->fd < 0 && (open_file(r, f, 0) < 0 || f->in))
		return 0; /* not there yet; or gzip, read from now on */
	n = read(f->fd, chunk, CHUNK);
	if (n > 0) {
		if (f->replaced_ms)
			f->replaced_ms = now_ms(); /* not quiet yet */
		f->off += n;
		feed(f, chunk, (size_t)n, dec);
		return 1;
	}
	if (n < 0 && errno != EINTR && errno != EAGAIN) {
		diag_error(f->name, "read error: %s", strerror(errno));
		f->done = 1;
		return 0;
	}
	look_again(f, dec);
	(void)fo;
	return 0;
}

/* Waits a tick, or less when the standard input has bytes or a watched
 * file changed.  OUT, when not -1, is an output pipe or socket: 1 when its
 * reader has gone. */
static int wait_turn(const struct follower *fs, int nf, int out)
{
	struct pollfd p[3];
	int n = 0, i;

	for (i = 0; i < nf; i++)
		if (fs[i].path == NULL && fs[i].in && !fs[i].done) {
			p[n++] = (struct pollfd){0, POLLIN, 0};
			break;
		}
	if (notify_fd >= 0)
		p[n++] = (struct pollfd){notify_fd, POLLIN, 0};
	if (out >= 0)
		p[n++] = (struct pollfd){out, 0, 0}; /* errors come anyway */
	if (poll(p, (nfds_t)n, TICK_MS) <= 0)
		return 0;
	if (notify_fd >= 0) { /* what changed is read by the next pumps */
		char ev[4096];

		while (read(notify_fd, ev, sizeof(ev)) > 0)
			;
	}
	if (out < 0)
		return 0;
	return (p[n - 1].revents & (POLLERR | POLLHUP)) != 0;
}

void follow_run(struct run *r, int npaths, char **paths,
                const struct follow_opts *fo)
{
	int nf = npaths > 0 ? npaths : 1, i, live;
	struct follower *fs = xcalloc((size_t)nf, sizeof(*fs));
	char *chunk = xmalloc(CHUNK), *dec = xmalloc(DECODED);
	long long next =
	    fo->summary_every ? now_ms() + fo->summary_every * 1000LL : 0;
	struct stat st;
	int out_pipe = fstat(fileno(r->out), &st) == 0 &&
	               (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));

#ifdef __linux__
	notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#endif
	for (i = 0; i < nf; i++) {
		fs[i].fd = -1;
		fs[i].wd = -1;
		fs[i].last_ms = now_ms();
		if (npaths == 0 || strcmp(paths[i], "-") == 0) {
			open_stdin(r, &fs[i], !fo->from_start);
		} else {
			fs[i].path = fs[i].name = paths[i];
			open_file(r, &fs[i], !fo->from_start);
		}
	}
	for (;;) {
		int got = 0;
		long long now;

		if (follow_stop)
			break;
		if (follow_report) {
			follow_report = 0;
			run_summary(r);
		}
		now = now_ms();
		if (next && now >= next) {
			run_summary(r);
			next += fo->summary_every * 1000LL;
		}
		for (live = 0, i = 0; i < nf; i++) {
			/* a growing file is read in turns, a chunk each */
			if (pump(r, &fs[i], chunk, dec, fo)) {
				fs[i].last_ms = now;
				fs[i].idled = 0;
				got = 1;
			}
			live += !fs[i].done;
		}
		if (live == 0)
			break;
		/* nobody reads what follows (a closed pipe, with SIGPIPE
		   ignored): stop, as tail does, instead of reading on */
		if ((got && fflush(r->out) != 0) || ferror(r->out))
			break;
		/* each input's quiet is its own: a busy file does not hold
		   back another's last message; once for each lull */
		for (i = 0; i < nf; i++)
			if (fs[i].started && !fs[i].idled &&
			    now - fs[i].last_ms >= fo->idle_ms) {
				src_idle(&fs[i].s);
				fs[i].idled = 1;
			}
		if (got)
			continue;
		if (wait_turn(fs, nf, out_pipe ? fileno(r->out) : -1)) {
			/* the reader of a pipe went away (sipwhy -f | head
			   -1): end as a write would, at once, not at the
			   next failure of a quiet log */
			raise(SIGPIPE);
			break; /* SIGPIPE ignored */
		}
	}
	for (i = 0; i < nf; i++) {
		/* an input never read is an input that could not be read */
		if (fs[i].path && !fs[i].started && !fs[i].done)
			diag_error(fs[i].path,
			           "never opened while followed (%s): nothing "
			           "was read from it",
			           strerror(fs[i].open_errno));
		if (fs[i].fd >= 0)
			utf16_end(&fs[i], dec);
		if (fs[i].started)
			src_end(&fs[i].s);
		if (fs[i].fd >= 0)
			close(fs[i].fd);
		input_close(fs[i].in);
	}
	if (notify_fd >= 0) /* and its watches with it */
		close(notify_fd);
	notify_fd = -1;
	free(chunk);
	free(dec);
	free(fs);
}
