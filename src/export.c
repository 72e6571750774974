/* export.c - Teams admin center exports.  The CSV is RFC 4180: fields
 * separated by commas, quoted fields may hold commas, line breaks and
 * doubled quotes; the file may start with a byte-order mark and use CRLF.
 * The portal and the export name columns slightly differently ("Final SIP
 * code", "Correlation ID", Graph's "finalSipCode"), so names are compared
 * with case, spaces and punctuation removed. */
#include "export.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unzip.h>

#include "logtime.h"

/* Normalised header names of each column, by preference. */
static const char *const names[XC_NCOLS][4] = {
    [XC_CORRELATION] = {"correlationid", "sharedcorrelationid", NULL},
    [XC_SUCCESS] = {"success", NULL},
    [XC_SIP_CODE] = {"finalsipcode", NULL},
    [XC_SUBCODE] = {"finalmicrosoftsubcode", "callendsubreason",
                    "microsoftsubcode", NULL},
    [XC_PHRASE] = {"finalsipphrase", "finalsipcodephrase", NULL},
    [XC_INVITE_TIME] = {"invitetime", "invitedatetime", NULL},
    [XC_FAILURE_TIME] = {"failuretime", "failuredatetime", NULL},
    [XC_CALLER] = {"callernumber", NULL},
    [XC_CALLEE] = {"calleenumber", NULL},
    [XC_SBC] = {"sbcfqdn", "trunkfullyqualifieddomainname", NULL},
    [XC_CALL_TYPE] = {"calltype", NULL},
};

static void norm_name(const char *p, size_t n, char *out, size_t size)
{
	size_t i, k = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	for (i = 0; i < n && k + 1 < size; i++)
		if (isalnum((unsigned char)p[i]))
			out[k++] = (char)tolower((unsigned char)p[i]);
	out[k] = '\0';
}

int export_is_header(const char *p, size_t n)
{
	char low[4096];

	norm_name(p, n, low, sizeof(low));
	return strstr(low, "finalsipcode") != NULL &&
	       strstr(low, "correlationid") != NULL;
}

void csv_init(struct csv *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < XC_NCOLS; i++)
		c->col[i] = -1;
}

void csv_free(struct csv *c)
{
	buf_free(&c->rec);
	buf_free(&c->fields);
}

static void split(struct csv *c)
{
	const char *p = c->rec.p ? c->rec.p : "", *e = p + c->rec.len;

	buf_clear(&c->fields);
	c->nfields = 0;
	for (;;) {
		if (c->nfields < EXPORT_MAX_FIELDS)
			c->off[c->nfields] = c->fields.len;
		if (p < e && *p == '"') {
			for (p++; p < e; p++) {
				if (*p == '"') {
					if (p + 1 < e && p[1] == '"') {
						buf_addc(&c->fields, '"');
						p++;
						continue;
					}
					p++;
					break;
				}
				buf_addc(&c->fields, *p);
			}
			/* anything between the closing quote and the comma
			   is kept, as lenient readers do */
			while (p < e && *p != ',')
				buf_addc(&c->fields, *p++);
		} else {
			const char *s = p;

			while (p < e && *p != ',')
				p++;
			buf_add(&c->fields, s, (size_t)(p - s));
		}
		buf_addc(&c->fields, '\0');
		if (c->nfields < EXPORT_MAX_FIELDS)
			c->nfields++;
		if (p >= e)
			break;
		p++; /* the comma */
	}
}

int csv_line(struct csv *c, const char *p, size_t n)
{
	size_t i;

	if (c->rec.len > 0 || c->inq)
		buf_addc(&c->rec, '\n'); /* a line break inside quotes */
	buf_add(&c->rec, p, n);
	for (i = 0; i < n; i++)
		if (p[i] == '"')
			c->inq = !c->inq;
	if (c->inq && c->rec.len < 1024 * 1024)
		return 0;
	c->inq = 0;
	split(c);
	buf_clear(&c->rec);
	return 1;
}

const char *csv_field(const struct csv *c, int i)
{
	if (i < 0 || (size_t)i >= c->nfields)
		return "";
	return c->fields.p + c->off[i];
}

int export_header(struct csv *c)
{
	size_t f;
	int k, j;
	char low[256];

	for (k = 0; k < XC_NCOLS; k++)
		for (j = 0; names[k][j] && c->col[k] < 0; j++)
			for (f = 0; f < c->nfields; f++) {
				const char *v = csv_field(c, (int)f);

				norm_name(v, strlen(v), low, sizeof(low));
				if (strcmp(low, names[k][j]) == 0) {
					c->col[k] = (int)f;
					break;
				}
			}
	c->have_header = 1;
	return c->col[XC_SIP_CODE] >= 0 ? 0 : -1;
}

static struct span fld(const struct csv *c, enum export_col k)
{
	struct span s;

	s.p = csv_field(c, c->col[k]);
	s.n = strlen(s.p);
	span_trim(&s.p, &s.n);
	return s;
}

static void parse_time(struct span s, struct logtime *t)
{
	/* ISO 8601: 2025-11-21T09:14:05.647Z, or with a space, or with an
	 * offset (turned into UTC) */
	if (logtime_parse("%Y-%m-%dT%H:%M:%S.%f%z", s.p, s.n, 0, t) == 0 ||
	    logtime_parse("%Y-%m-%d %H:%M:%S.%f%z", s.p, s.n, 0, t) == 0)
		return;
	memset(t, 0, sizeof(*t));
}

int export_event(const struct csv *c, const struct kb *kb, struct record *rec,
                 struct event *ev, const char *file)
{
	struct span code = fld(c, XC_SIP_CODE), ok = fld(c, XC_SUCCESS);
	struct span sub = fld(c, XC_SUBCODE), ph = fld(c, XC_PHRASE);
	struct span sbc = fld(c, XC_SBC);
	long long status = span_uint(code.p, code.n, 999);
	long long ms = span_uint(sub.p, sub.n, 999999999);
	int failed;

	if (status < 0)
		return -1;
	if (ok.n)
		failed = span_ieq(ok.p, ok.n, "no") ||
		         span_ieq(ok.p, ok.n, "false") ||
		         span_ieq(ok.p, ok.n, "0");
	else
		failed = status >= 400;
	if (!failed)
		return 0;
	memset(rec, 0, sizeof(*rec));
	rec->dir = DIR_UNKNOWN;
	parse_time(fld(c, XC_FAILURE_TIME), &rec->time);
	if (!rec->time.set)
		parse_time(fld(c, XC_INVITE_TIME), &rec->time);
	if (sbc.n >= META_LEN)
		sbc.n = META_LEN - 1;
	memcpy(rec->peer, sbc.p, sbc.n);
	memset(ev, 0, sizeof(*ev));
	/* answered, and still a failure: it ended badly after answer */
	ev->kind = status == 487                   ? "canceled"
	           : status >= 200 && status < 300 ? "dropped"
	                                           : "failed";
	ev->rec = rec;
	ev->file = file;
	ev->format = "teams-export";
	ev->peer = rec->peer;
	ev->dir = rec->dir;
	ev->call_id = fld(c, XC_CORRELATION);
	ev->method.p = "INVITE";
	ev->method.n = 6;
	ev->cseq = -1;
	ev->status = (int)status;
	ev->status_phrase = ph;
	ev->from = fld(c, XC_CALLER);
	ev->to = fld(c, XC_CALLEE);
	ev->q850 = -1;
	ev->sipe = kb_sip(kb, (int)status);
	ev->ms_code = ms;
	ev->gen = GEN_MICROSOFT;
	if (ms >= 0) {
		ev->ms_source = "export";
		ev->ms = kb_ms_code(kb, ms, (int)status, ph.p, ph.n);
		if (ev->ms)
			ev->gen = ev->ms->by_sbc ? GEN_SBC : GEN_MICROSOFT;
		else if (ms / 1000 == 560)
			ev->gen = GEN_SBC;
	}
	ev->ms_text = ph;
	return 1;
}

int export_is_zip(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char m[4];
	int z;

	if (fp == NULL)
		return 0;
	z = fread(m, 1, 4, fp) == 4 && memcmp(m, "PK\x03\x04", 4) == 0;
	fclose(fp);
	return z;
}

int export_zip(const char *path, void (*begin)(void *ctx, const char *name),
               void (*feed)(void *ctx, const char *p, size_t n),
               void (*end)(void *ctx), void *ctx)
{
	unzFile z = unzOpen64(path);
	int rc = 0, r, members = 0;
	char *chunk;

	if (z == NULL) {
		diag_error(path, "not a readable zip file");
		return -1;
	}
	chunk = xmalloc(65536);
	for (r = unzGoToFirstFile(z); r == UNZ_OK; r = unzGoToNextFile(z)) {
		char name[512];
		unz_file_info64 info;
		struct buf full = {0};
		size_t l;
		int n;

		/* minizip leaves a name that fills the buffer without its
		   NUL: leave room for one */
		if (unzGetCurrentFileInfo64(z, &info, name, sizeof(name) - 1,
		                            NULL, 0, NULL, 0) != UNZ_OK)
			break;
		name[sizeof(name) - 1] = '\0';
		l = strlen(name);
		if (l < 4 || strcasecmp(name + l - 4, ".csv") != 0)
			continue;
		buf_printf(&full, "%s:%s", path, name);
		if (unzOpenCurrentFile(z) != UNZ_OK) {
			diag_error(full.p, "cannot read this zip member");
			rc = -1;
			buf_free(&full);
			continue;
		}
		members++;
		begin(ctx, full.p);
		while ((n = unzReadCurrentFile(z, chunk, 65536)) > 0)
			feed(ctx, chunk, (size_t)n);
		if (n < 0) {
			diag_error(full.p, "corrupt zip member (error %d)", n);
			rc = -1;
		}
		if (unzCloseCurrentFile(z) == UNZ_CRCERROR) {
			diag_error(full.p, "zip member fails its CRC check");
			rc = -1;
		}
		end(ctx);
		buf_free(&full);
	}
	if (r != UNZ_END_OF_LIST_OF_FILE && r != UNZ_OK) {
		diag_error(path, "corrupt zip directory (error %d)", r);
		rc = -1;
	}
	if (members == 0 && rc == 0)
		diag_warn(path, "no .csv file in this zip");
	free(chunk);
	unzClose(z);
	return rc;
}
