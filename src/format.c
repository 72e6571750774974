/* format.c - load and compile the log format files (patterns/formats/),
 * score lines for format detection, and the PCRE2 match helpers. */
#define _GNU_SOURCE
#include "format.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "util.h"

/* Match limits keep a catastrophic user regex from hanging a run. */
#define RX_MATCH_LIMIT 200000
#define RX_DEPTH_LIMIT 10000

static pcre2_match_context *mctx;

static pcre2_match_context *match_context(void)
{
	if (mctx == NULL) {
		mctx = pcre2_match_context_create(NULL);
		if (mctx == NULL)
			die("out of memory");
		pcre2_set_match_limit(mctx, RX_MATCH_LIMIT);
		pcre2_set_depth_limit(mctx, RX_DEPTH_LIMIT);
	}
	return mctx;
}

void rxm_init(struct rxm *m)
{
	m->md = pcre2_match_data_create(32, NULL);
	if (m->md == NULL)
		die("out of memory");
	/* asked once: two calls into the library for every group read */
	m->ov = pcre2_get_ovector_pointer(m->md);
	m->ovn = pcre2_get_ovector_count(m->md);
	m->subject = NULL;
}

void rxm_free(struct rxm *m)
{
	pcre2_match_data_free(m->md);
	m->md = NULL;
	m->ov = NULL;
	m->ovn = 0;
}

int rx_match(const struct rx *rx, const char *p, size_t n, struct rxm *m)
{
	int rc;
	size_t from = 0;

	if (rx_ruled_out(rx, p, n))
		return 0;
	if (rx->lead >= 0) {
		/* no match starts before it; the subject stays P..P+N, so
		   lookbehinds and \b see what they saw */
		const char *q = memchr(p, rx->lead, n);

		if (q == NULL)
			return 0;
		from = (size_t)(q - p);
	}
	m->subject = p;
	/* the JIT's own entry skips checks that cost as much as a short
	   match; limits and errors are the same */
	rc = rx->jit ? pcre2_jit_match(rx->code, (PCRE2_SPTR)p, n, from, 0,
	                               m->md, match_context())
	             : pcre2_match(rx->code, (PCRE2_SPTR)p, n, from, 0, m->md,
	                           match_context());
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
		return 0;
	m->error = rc; /* the caller says where (rx_error) */
	return -1;
}

static const char *const rxg_names[RXG_N] = {
    "time", "dir", "peer", "src",       "dst",      "local",   "key",
    "part", "sip", "seq",  "peer_port", "src_port", "dst_port"};

static int group_at(const struct rxm *m, int num, const char **gp, size_t *gn);

int rx_group_num(const struct rx *rx, const struct rxm *m, enum rxg id,
                 const char **gp, size_t *gn)
{
	if (rx->g[id] < 0) /* a name used twice: let PCRE2 find the set one */
		return rx_group(rx, m, rxg_names[id], gp, gn);
	return group_at(m, rx->g[id], gp, gn);
}

int rx_group(const struct rx *rx, const struct rxm *m, const char *name,
             const char **gp, size_t *gn)
{
	int num;
	PCRE2_SPTR first, last;
	int size = pcre2_substring_nametable_scan(rx->code, (PCRE2_SPTR)name,
	                                          &first, &last);

	if (size <= 0)
		return 0;
	/* with duplicate names, the first group of that name that is set */
	for (; first <= last; first += size) {
		num = (first[0] << 8) | first[1];
		if (group_at(m, num, gp, gn))
			return 1;
	}
	return 0;
}

static int group_at(const struct rxm *m, int num, const char **gp, size_t *gn)
{
	const PCRE2_SIZE *ov = m->ov;

	if (num <= 0 || (uint32_t)num >= m->ovn)
		return 0;
	if (ov[2 * num] == PCRE2_UNSET)
		return 0;
	*gp = m->subject + ov[2 * num];
	*gn = ov[2 * num + 1] - ov[2 * num];
	return 1;
}

const char *rx_error(const struct rxm *m, char *buf, size_t size)
{
	pcre2_get_error_message(m->error, (PCRE2_UCHAR *)buf, size);
	return buf;
}

void rx_span(const struct rxm *m, size_t *so, size_t *eo)
{
	const PCRE2_SIZE *ov = m->ov;

	*so = ov[0];
	*eo = ov[1];
}

static int rx_compile(struct rx *rx, const char *src, const char *file,
                      unsigned lineno)
{
	int err, i;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];

	pcre2_code_free(rx->code); /* a key given twice: the last wins */
	free(rx->src);
	rx->code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
	                         PCRE2_DUPNAMES, &err, &off, NULL);
	rx->src = xstrdup(src);
	if (rx->code == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		diag_say("%s:%u: error: regex at offset %zu: %s", file, lineno,
		         (size_t)off, (char *)msg);
		return -1;
	}
	for (i = 0; i < RXG_N; i++) {
		PCRE2_SPTR first, last;
		int size = pcre2_substring_nametable_scan(
		    rx->code, (PCRE2_SPTR)rxg_names[i], &first, &last);

		rx->g[i] = size <= 0       ? 0
		           : first != last ? -1
		                           : (first[0] << 8) | first[1];
	}
	{
		/* the groups framer.c's capture() copies into a record */
		static const enum rxg meta[] = {
		    RXG_PEER, RXG_SRC,       RXG_DST,      RXG_LOCAL,   RXG_KEY,
		    RXG_PART, RXG_PEER_PORT, RXG_SRC_PORT, RXG_DST_PORT};
		size_t k;

		rx->meta = 0;
		for (k = 0; k < ARRAY_LEN(meta); k++)
			if (rx->g[meta[k]])
				rx->meta = 1;
	}
	/* An anchored pattern with a fixed first byte (^-{40}, tried on
	   every line of a record) is ruled out without calling PCRE2; one
	   not anchored (\[Time:..., a line's trailer) is tried from the
	   first such byte on, found by memchr, faster than the JIT's own
	   search.  Letters are left to PCRE2, which knows if (?i) applies. */
	{
		uint32_t opts = 0, type = 0, unit = 0;

		rx->first = rx->lead = -1;
		if (pcre2_pattern_info(rx->code, PCRE2_INFO_ALLOPTIONS,
		                       &opts) == 0 &&
		    pcre2_pattern_info(rx->code, PCRE2_INFO_FIRSTCODETYPE,
		                       &type) == 0 &&
		    type == 1 &&
		    pcre2_pattern_info(rx->code, PCRE2_INFO_FIRSTCODEUNIT,
		                       &unit) == 0 &&
		    unit < 128 && !isalpha((int)unit)) {
			if (opts & PCRE2_ANCHORED)
				rx->first = (int)unit;
			else
				rx->lead = (int)unit;
		}
	}
	/* JIT is an optimisation: if it fails the interpreter still works. */
	rx->jit = pcre2_jit_compile(rx->code, PCRE2_JIT_COMPLETE) == 0;
	return 0;
}

static void rx_free(struct rx *rx)
{
	pcre2_code_free(rx->code);
	free(rx->src);
	rx->code = NULL;
	rx->src = NULL;
}

void format_free(struct format *f)
{
	int i;

	if (f == NULL)
		return;
	free(f->name);
	free(f->description);
	free(f->file);
	free(f->literal);
	free(f->time_format);
	free(f->clock_format);
	rx_free(&f->detect);
	rx_free(&f->start);
	rx_free(&f->end);
	rx_free(&f->brk);
	rx_free(&f->cont);
	rx_free(&f->seq);
	rx_free(&f->before);
	rx_free(&f->clock);
	rx_free(&f->strip);
	rx_free(&f->trailer);
	for (i = 0; i < f->nfields; i++)
		rx_free(&f->fields[i]);
	free(f);
}

static int parse_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	         strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* A name or description is shown: kept escaped like a log's text. */
static void set_text(char **dst, const char *v)
{
	struct buf b = {0};

	esc_text(&b, v, strlen(v), 0);
	free(*dst);
	*dst = b.p ? b.p : xstrdup("");
}

/* Which byte of a literal to look for first: log text is mostly letters,
 * digits and spaces, so punctuation is rarer than capitals, capitals than
 * small letters. */
static size_t literal_key(const char *lit, size_t n)
{
	size_t i, best = 0;
	int bs = -1;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)lit[i];
		int sc = c == ' '     ? 0
		         : islower(c) ? 1
		         : isdigit(c) ? 2
		         : isupper(c) ? 3
		                      : 4;

		if (sc > bs) {
			bs = sc;
			best = i;
		}
	}
	return best;
}

/* One character of plain text in a pattern: a character that is not
 * special, or a punctuation character escaped. */
static int plain_char(const char **src, char *out)
{
	const char *p = *src;

	if (p[0] == '\\' && p[1] && !isalnum((unsigned char)p[1]) &&
	    (unsigned char)p[1] < 128) {
		*out = p[1];
		*src = p + 2;
		return 1;
	}
	if (p[0] && (unsigned char)p[0] < 128 &&
	    !iscntrl((unsigned char)p[0]) &&
	    strchr(".^$|()[]{}*+?\\#", p[0]) == NULL) {
		*out = p[0];
		*src = p + 1;
		return 1;
	}
	return 0;
}

/* A 'sequence' pattern PREFIX(?<seq>\d+)SUFFIX, PREFIX not empty and
 * SUFFIX not starting with a digit, both plain text (AudioCodes'
 * \[S=(?<seq>\d+)\]), is matched by hand: it is tried on every line. */
static void simple_seq(struct format *f, const char *src)
{
	static const char mid[] = "(?<seq>\\d+)";
	const char *p = src;
	char c;

	f->seq_simple = 0;
	f->seq_pre_len = f->seq_suf_len = 0;
	while (strncmp(p, mid, sizeof(mid) - 1) != 0) {
		if (f->seq_pre_len == sizeof(f->seq_pre) || !plain_char(&p, &c))
			return;
		f->seq_pre[f->seq_pre_len++] = c;
	}
	p += sizeof(mid) - 1;
	while (*p) {
		if (f->seq_suf_len == sizeof(f->seq_suf) || !plain_char(&p, &c))
			return;
		f->seq_suf[f->seq_suf_len++] = c;
	}
	if (f->seq_pre_len == 0 ||
	    (f->seq_suf_len && isdigit((unsigned char)f->seq_suf[0])))
		return;
	f->seq_pre_key = literal_key(f->seq_pre, f->seq_pre_len);
	f->seq_simple = 1;
}

int format_seq(const struct format *f, const char *p, size_t n, long long *v)
{
	const char *e = p + n, *q = p;
	size_t pl = f->seq_pre_len, sl = f->seq_suf_len;

	if (!f->seq_simple)
		return -2;
	/* the leftmost PREFIX followed by digits and SUFFIX, as PCRE2; a
	   digit must follow the prefix, so the last byte is no start */
	while (q < e) {
		const char *d, *x;

		q = find_keyed(q, (size_t)(e - q) - 1, f->seq_pre, pl,
		               f->seq_pre_key);
		if (q == NULL)
			return 0;
		unsigned long long u = 0;

		d = q + pl;
		for (x = d; x < e && (unsigned)(*x - '0') < 10; x++)
			u = u * 10 + (unsigned)(*x - '0'); /* wraps past 19 */
		if (x > d && (size_t)(e - x) >= sl &&
		    memcmp(x, f->seq_suf, sl) == 0) {
			/* up to 18 digits: below 2^62, read on the way */
			*v = x - d <= 18
			         ? (long long)u
			         : span_uint(d, (size_t)(x - d), 1LL << 62);
			return 1;
		}
		q++;
	}
	return 0;
}

const char *literal_find(const struct format *f, const char *p, size_t n)
{
	return find_keyed(p, n, f->literal, f->literal_len, f->literal_key);
}

size_t literal_rarest(const struct format *f, const char *sample, size_t n)
{
	size_t count[256] = {0}, i, best = f->literal_key;

	if (f->literal == NULL || f->literal_len == 0)
		return 0;
	for (i = 0; i < n; i++)
		count[(unsigned char)sample[i]]++;
	for (i = 0; i < f->literal_len; i++)
		if (count[(unsigned char)f->literal[i]] <
		    count[(unsigned char)f->literal[best]])
			best = i;
	return best;
}

/* Undo the C-like escapes allowed in a literal: \t \\ \xHH. */
static char *unescape_literal(const char *v, size_t *len)
{
	char *out = xmalloc(strlen(v) + 1), *o = out;

	while (*v) {
		if (v[0] == '\\' && v[1] == 't') {
			*o++ = '\t';
			v += 2;
		} else if (v[0] == '\\' && v[1] == '\\') {
			*o++ = '\\';
			v += 2;
		} else if (v[0] == '\\' && v[1] == 'x' && v[2] && v[3]) {
			char hex[3] = {v[2], v[3], 0};

			*o++ = (char)strtol(hex, NULL, 16);
			v += 4;
		} else {
			*o++ = *v++;
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}

struct format *format_parse(const char *file, const char *text, size_t len)
{
	struct format *f = xcalloc(1, sizeof(*f));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int bad = 0;

	f->file = xstrdup(file);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line, *key, *val;
		size_t kl;

		lineno++;
		line = xmemdup(p, n);
		p = nl ? nl + 1 : end;
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
		                 line[n - 1] == '\t'))
			line[--n] = '\0';
		key = line;
		while (*key == ' ' || *key == '\t')
			key++;
		if (*key == '\0' || *key == '#') {
			free(line);
			continue;
		}
		kl = strcspn(key, " \t");
		val = key + kl;
		if (*val)
			*val++ = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
#define ERR(...)                                                               \
	do {                                                                   \
		struct buf why_ = {0};                                         \
                                                                               \
		buf_printf(&why_, __VA_ARGS__);                                \
		diag_say("%s:%u: error: %s", file, lineno, why_.p);            \
		buf_free(&why_);                                               \
		bad = 1;                                                       \
	} while (0)
		if (*val == '\0') {
			ERR("'%s' needs a value", key);
		} else if (strcmp(key, "name") == 0) {
			if (strspn(val,
			           "abcdefghijklmnopqrstuvwxyz0123456789-_.") !=
			    strlen(val))
				ERR("name '%s': use lower-case letters, digits "
				    "and - _ .",
				    val);
			set_text(&f->name, val);
		} else if (strcmp(key, "description") == 0) {
			set_text(&f->description, val);
		} else if (strcmp(key, "priority") == 0) {
			char *e;
			long v = strtol(val, &e, 10);

			if (*e || v < -1000 || v > 1000)
				ERR("priority must be a number from -1000 to "
				    "1000");
			f->priority = (int)v;
		} else if (strcmp(key, "literal") == 0) {
			free(f->literal);
			f->literal = unescape_literal(val, &f->literal_len);
			f->literal_key =
			    literal_key(f->literal, f->literal_len);
		} else if (strcmp(key, "detect") == 0) {
			bad |= rx_compile(&f->detect, val, file, lineno);
		} else if (strcmp(key, "start") == 0) {
			bad |= rx_compile(&f->start, val, file, lineno);
		} else if (strcmp(key, "end") == 0) {
			bad |= rx_compile(&f->end, val, file, lineno);
		} else if (strcmp(key, "break") == 0) {
			bad |= rx_compile(&f->brk, val, file, lineno);
		} else if (strcmp(key, "strip") == 0) {
			bad |= rx_compile(&f->strip, val, file, lineno);
		} else if (strcmp(key, "trailer") == 0) {
			bad |= rx_compile(&f->trailer, val, file, lineno);
		} else if (strcmp(key, "field") == 0) {
			if (f->nfields == FORMAT_MAX_FIELDS)
				ERR("at most %d field lines",
				    FORMAT_MAX_FIELDS);
			else
				bad |= rx_compile(&f->fields[f->nfields++], val,
				                  file, lineno);
		} else if (strcmp(key, "unescape") == 0) {
			char *w, *save = NULL;

			f->unescape = UNESC_NONE;
			for (w = strtok_r(val, ", ", &save); w;
			     w = strtok_r(NULL, ", ", &save)) {
				if (strcmp(w, "none") == 0)
					continue;
				else if (strcmp(w, "ansi") == 0)
					f->unescape |= UNESC_ANSI;
				else if (strcmp(w, "syslog-octal") == 0)
					f->unescape |= UNESC_SYSLOG;
				else if (strcmp(w, "literal-crlf") == 0)
					f->unescape |= UNESC_LITERAL_CRLF;
				else if (strcmp(w, "dot-cr") == 0)
					f->unescape |= UNESC_DOT_CR;
				else
					ERR("unescape takes none, ansi, "
					    "syslog-octal, literal-crlf or "
					    "dot-cr, not '%s'",
					    w);
			}
		} else if (strcmp(key, "before") == 0) {
			bad |= rx_compile(&f->before, val, file, lineno);
		} else if (strcmp(key, "sequence") == 0) {
			bad |= rx_compile(&f->seq, val, file, lineno);
			simple_seq(f, val);
		} else if (strcmp(key, "continue") == 0) {
			bad |= rx_compile(&f->cont, val, file, lineno);
		} else if (strcmp(key, "oneline") == 0) {
			if (parse_bool(val, &f->oneline) < 0)
				ERR("oneline must be yes or no");
		} else if (strcmp(key, "complete") == 0) {
			if (parse_bool(val, &f->complete) < 0)
				ERR("complete must be yes or no");
		} else if (strcmp(key, "time-format") == 0) {
			set_str(&f->time_format, val);
		} else if (strcmp(key, "clock") == 0) {
			bad |= rx_compile(&f->clock, val, file, lineno);
		} else if (strcmp(key, "clock-format") == 0) {
			set_str(&f->clock_format, val);
		} else {
			ERR("unknown key '%s'", key);
		}
#undef ERR
		free(line);
	}
	if (!bad && f->name == NULL) {
		diag_say("%s: error: no 'name' line", file);
		bad = 1;
	}
	if (!bad && f->start.code == NULL) {
		diag_say("%s: error: no 'start' line", file);
		bad = 1;
	}
	if (!bad && (f->clock.code == NULL) != (f->clock_format == NULL)) {
		diag_say("%s: error: 'clock' and 'clock-format' go together",
		         file);
		bad = 1;
	}
	if (bad) {
		format_free(f);
		return NULL;
	}
	if (f->description == NULL)
		f->description = xstrdup(f->name);
	return f;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct buf *b)
{
	FILE *fp = fopen(path, "rb");
	char tmp[8192];
	size_t n;

	if (fp == NULL) {
		diag_say("%s: error: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(b, tmp, n);
	fclose(fp);
	return 0;
}

int formats_load_dir(struct formats *fs, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, i, j;
	int rc = 0;

	if (d == NULL) {
		diag_say("%s: error: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".fmt") == 0) {
			names = xrealloc(names, (nn + 1) * sizeof(*names));
			names[nn++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (nn > 1) /* none: names is NULL, which qsort may not be given */
		qsort(names, nn, sizeof(*names), cmpstr);
	for (i = 0; i < nn; i++) {
		struct buf path = {0}, text = {0};
		struct format *f;

		buf_printf(&path, "%s/%s", dir, names[i]);
		if (read_file(path.p, &text) < 0) {
			rc = -1;
		} else if ((f = format_parse(path.p, text.p ? text.p : "",
		                             text.len)) == NULL) {
			rc = -1;
		} else {
			for (j = 0; j < fs->n; j++)
				if (strcmp(fs->v[j]->name, f->name) == 0)
					break;
			if (j < fs->n) {
				format_free(fs->v[j]);
			} else {
				fs->v = xrealloc(fs->v,
				                 (fs->n + 1) * sizeof(*fs->v));
				fs->n++;
			}
			fs->v[j] = f;
		}
		buf_free(&path);
		buf_free(&text);
		free(names[i]);
	}
	free(names);
	return rc;
}

void formats_free(struct formats *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		format_free(fs->v[i]);
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
	if (mctx) {
		pcre2_match_context_free(mctx);
		mctx = NULL;
	}
}

const struct format *formats_find(const struct formats *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i]->name, name) == 0)
			return fs->v[i];
	return NULL;
}

const struct format *formats_score_line(const struct formats *fs, const char *p,
                                        size_t n, unsigned *scores)
{
	static struct rxm md;
	const struct format *failed = NULL;
	size_t i;
	int rc;

	if (md.md == NULL)
		rxm_init(&md);
	for (i = 0; i < fs->n; i++) {
		const struct format *f = fs->v[i];

		if (f->detect.code)
			rc = rx_match(&f->detect, p, n, &md);
		else if (f->literal == NULL || literal_find(f, p, n))
			rc = rx_match(&f->start, p, n, &md);
		else
			rc = 0;
		if (rc == 1)
			scores[i]++;
		else if (rc < 0)
			failed = f;
	}
	return failed;
}

const struct format *formats_pick(const struct formats *fs,
                                  const unsigned *scores)
{
	const struct format *best = NULL;
	unsigned bs = 0;
	size_t i;
	int pass;

	/* A format with a negative priority is a fallback: it is chosen only
	   when no other format recognised a line. */
	for (pass = 0; pass < 2 && best == NULL; pass++)
		for (i = 0; i < fs->n; i++) {
			if (scores[i] == 0 ||
			    (pass == 0) != (fs->v[i]->priority >= 0))
				continue;
			if (best == NULL || scores[i] > bs ||
			    (scores[i] == bs &&
			     fs->v[i]->priority > best->priority)) {
				best = fs->v[i];
				bs = scores[i];
			}
		}
	return best;
}
