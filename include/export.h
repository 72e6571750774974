/* export.h - Microsoft Teams admin center exports: the Direct Routing
 * usage report (DirectRouting.calls.<date>.csv, RFC 4180, columns found by
 * name) and the Calls.Export.<id>.zip that holds it. */
#ifndef SIPWHY_EXPORT_H
#define SIPWHY_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "kb.h"
#include "util.h"

enum export_col {
	XC_CORRELATION,
	XC_SUCCESS,
	XC_SIP_CODE,
	XC_SUBCODE,
	XC_PHRASE,
	XC_INVITE_TIME,
	XC_FAILURE_TIME,
	XC_CALLER,
	XC_CALLEE,
	XC_SBC,
	XC_CALL_TYPE,
	XC_NCOLS
};

#define EXPORT_MAX_FIELDS 64

/* A CSV reader fed physical lines; a record may span several lines when a
 * quoted field holds a line break. */
struct csv {
	struct buf rec;    /* the record's text so far */
	int inq;           /* inside a quoted field at the end of rec */
	struct buf fields; /* unquoted fields, each NUL-terminated */
	size_t off[EXPORT_MAX_FIELDS];
	size_t nfields;
	int col[XC_NCOLS]; /* field index of each column, -1 if absent */
	int have_header;
};

/* Is this the first line of a Teams Direct Routing export (a header row
 * naming the final SIP code and the correlation id)? */
int export_is_header(const char *p, size_t n);
void csv_init(struct csv *c);
void csv_free(struct csv *c);
/* Adds one line (without its end).  1 when a record is complete (its
 * fields are then in c->fields), 0 when the record goes on. */
int csv_line(struct csv *c, const char *p, size_t n);
/* The I-th field of the complete record ("" when absent). */
const char *csv_field(const struct csv *c, int i);
/* After the header record: find the columns by name.  -1 when the
 * columns a failure needs are missing. */
int export_header(struct csv *c);
/* A data record: 1 and EV filled when the row is an unsuccessful call, 0
 * for a successful one, -1 for a row without a final SIP code.  REC is
 * filled with the row's time and peer (the SBC) for EV to point at. */
int export_event(const struct csv *c, const struct kb *kb, struct record *rec,
                 struct event *ev, const char *file);

/* Reads every .csv member of the zip file PATH into FEED, wrapped by BEGIN
 * and END with the member's name; -1 after a diagnostic. */
int export_zip(const char *path, void (*begin)(void *ctx, const char *name),
               void (*feed)(void *ctx, const char *p, size_t n),
               void (*end)(void *ctx), void *ctx);
int export_is_zip(const char *path);

#endif
