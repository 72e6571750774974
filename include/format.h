/* format.h - log formats as data: one file per format under
 * patterns/formats/, compiled once with PCRE2 (see sipwhy-patterns(5)). */
#ifndef SIPWHY_FORMAT_H
#define SIPWHY_FORMAT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <string.h>

/* Ways line breaks and control bytes are escaped inside a log line; a
 * format may combine several (applied in this order, ANSI first). */
enum unescape {
	UNESC_NONE = 0,
	UNESC_ANSI = 1,   /* strip terminal colour sequences */
	UNESC_SYSLOG = 2, /* #ooo octal, as rsyslog writes control bytes */
	UNESC_LITERAL_CRLF = 4, /* a literal \r\n or \n */
	UNESC_DOT_CR = 8 /* ngrep: a '.' at the end of a line is the CR */
};

/* The named groups the framer reads, numbered once at compile time. */
enum rxg {
	RXG_TIME,
	RXG_DIR,
	RXG_PEER,
	RXG_SRC,
	RXG_DST,
	RXG_LOCAL,
	RXG_KEY,
	RXG_PART,
	RXG_SIP,
	RXG_SEQ,
	RXG_PEER_PORT,
	RXG_SRC_PORT,
	RXG_DST_PORT,
	RXG_N
};

struct rx {
	pcre2_code *code; /* NULL: not set */
	char *src;
	int g[RXG_N]; /* group number, 0 if absent, -1 if the name repeats */
	int first;    /* anchored: the byte every match starts with, or -1 */
	int lead;     /* not anchored: the same, or -1 */
	int jit;      /* compiled by the JIT: matched by pcre2_jit_match */
	int meta;     /* has a group that names an end, a key or a part */
};

#define FORMAT_MAX_FIELDS 8

struct format {
	char *name;
	char *description;
	char *file;
	int priority;
	char *literal; /* the start line must contain this, or NULL */
	size_t literal_len;
	size_t literal_key; /* its rarest-looking byte, searched first */
	struct rx detect;   /* lines counted for detection (default: start) */
	struct rx start;    /* a line that opens a record */
	struct rx end;      /* a line that closes a record, included in it */
	struct rx brk;      /* a line that closes a record and is not in it */
	struct rx before;   /* a line whose groups describe the next record */
	struct rx clock;    /* a line outside records whose dated stamp gives
	                       the time-of-day stamps after it their date */
	struct rx cont;     /* continues the held record of its key */
	struct rx seq;      /* a packet sequence number: gaps are losses */
	/* seq as PREFIX(?<seq>\d+)SUFFIX of plain text: matched by hand */
	char seq_pre[32], seq_suf[32];
	size_t seq_pre_len, seq_suf_len, seq_pre_key;
	int seq_simple;
	struct rx strip;   /* removed from the start of continuation lines */
	struct rx trailer; /* removed from the end of content lines */
	struct rx fields[FORMAT_MAX_FIELDS]; /* captures from pre-SIP lines */
	int nfields;
	unsigned unescape; /* enum unescape bits */
	int oneline;       /* a record is exactly its start line */
	int complete;      /* a record ends when its SIP message is complete */
	char *time_format;
	char *clock_format; /* the clock line's stamp */
};

struct formats {
	struct format **v;
	size_t n;
};

/* Loads every *.fmt file of DIR (sorted by name); a format whose name is
 * already loaded is replaced.  Returns 0, or -1 with file:line diagnostics. */
int formats_load_dir(struct formats *fs, const char *dir);
/* Parses one format file's text; used by the loader and the tests. */
struct format *format_parse(const char *file, const char *text, size_t len);
void format_free(struct format *f);
void formats_free(struct formats *fs);
const struct format *formats_find(const struct formats *fs, const char *name);
/* F's sequence number in P..P+N, as its 'sequence' pattern finds it:
 * 1 with *V set (-1 when too big), 0 if none, -2 when the pattern is not
 * of the simple form (use rx_match). */
int format_seq(const struct format *f, const char *p, size_t n, long long *v);
/* Where F's literal is in P..P+N, or NULL (P when F has an empty one). */
const char *literal_find(const struct format *f, const char *p, size_t n);
/* The first LIT (M bytes) in P..P+N, found by memchr on its byte K. */
static inline const char *find_keyed(const char *p, size_t n, const char *lit,
                                     size_t m, size_t k)
{
	const char *e = p + n, *q = p + k;

	if (m == 0)
		return p;
	if (n < m)
		return NULL;
	/* the key byte can only be at k .. n - m + k; a candidate is checked
	   in line (literals are short, and most candidates fail at once) */
	while (q <= e - m + k) {
		const char *s;
		size_t i;

		q = memchr(q, lit[k], (size_t)(e - m + k - q) + 1);
		if (q == NULL)
			return NULL;
		s = q - k;
		for (i = 0; i < m && s[i] == lit[i]; i++)
			;
		if (i == m)
			return s;
		q++;
	}
	return NULL;
}

/* The same as literal_find, memchr on the literal's byte KEY (an index
 * into it).  Inline: the framer asks it of every line. */
static inline const char *literal_find_by(const struct format *f, size_t key,
                                          const char *p, size_t n)
{
	if (key >= f->literal_len)
		key = f->literal_key;
	return find_keyed(p, n, f->literal, f->literal_len, key);
}
/* Which byte of F's literal is rarest in SAMPLE (N bytes of the log): the
 * one to search for.  Ties keep the literal's own choice. */
size_t literal_rarest(const struct format *f, const char *sample, size_t n);

/* Detection: score each line with format_detect_line for every format, then
 * pick with formats_pick.  scores has fs->n entries. */
/* Returns a format whose pattern gave up on the line (the match limit),
 * or NULL. */
const struct format *formats_score_line(const struct formats *fs, const char *p,
                                        size_t n, unsigned *scores);
const struct format *formats_pick(const struct formats *fs,
                                  const unsigned *scores);

/* Matching.  One match block per caller, reused across calls; it remembers
 * the subject of its last match for rx_group. */
struct rxm {
	pcre2_match_data *md;
	PCRE2_SIZE *ov; /* md's offsets (fixed for its life), and their pairs */
	uint32_t ovn;
	const char *subject;
	int error; /* PCRE2's code for the last -1 of rx_match */
};
void rxm_init(struct rxm *m);
void rxm_free(struct rxm *m);
/* 1 match, 0 none, -1 error (the match limit, for one): no diagnostic,
 * rx_error tells what, the caller where. */
int rx_match(const struct rx *rx, const char *p, size_t n, struct rxm *m);
/* Is P..P+N ruled out without calling PCRE2 (no pattern, or not the first
 * byte an anchored pattern needs)?  Patterns such as ^-{40} are tried on
 * every line of a record. */
static inline int rx_ruled_out(const struct rx *rx, const char *p, size_t n)
{
	return rx->code == NULL ||
	       (rx->first >= 0 && (n == 0 || (unsigned char)p[0] != rx->first));
}
const char *rx_error(const struct rxm *m, char *buf, size_t size);
/* The span of named group NAME of the last match; 0 if unset. */
int rx_group(const struct rx *rx, const struct rxm *m, const char *name,
             const char **gp, size_t *gn);
/* The same by group id (no name lookup: for the hot path).  A group the
 * pattern lacks (most patterns have few of them) is told inline. */
int rx_group_num(const struct rx *rx, const struct rxm *m, enum rxg id,
                 const char **gp, size_t *gn);
static inline int rx_group_id(const struct rx *rx, const struct rxm *m,
                              enum rxg id, const char **gp, size_t *gn)
{
	return rx->g[id] != 0 && rx_group_num(rx, m, id, gp, gn);
}
/* Offsets of the whole last match. */
void rx_span(const struct rxm *m, size_t *so, size_t *eo);

#endif
