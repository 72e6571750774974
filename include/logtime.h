/* logtime.h - read a log's time stamp with a small strptime-like format and
 * write it as ISO 8601. */
#ifndef SIPWHY_LOGTIME_H
#define SIPWHY_LOGTIME_H

#include <stddef.h>

struct logtime {
	int set;
	int year, mon, day, hour, min, sec; /* mon 1-12 */
	long usec;
	int has_date;
	int zone; /* while reading: %z's minutes east of UTC */
};

/* Conversions: %Y year, %m month, %d or %e day (leading space allowed), %b
 * month name, %H %M %S, %f fraction (1-9 digits), %s epoch seconds (with an
 * optional .fraction), %z a zone ("Z", "+hh:mm", "+hhmm", "+hh"; none is
 * UTC), %% a percent, a space matches one or more blanks; other characters
 * match themselves, except that ".%f" reads nothing from a stamp without
 * its '.' (no fraction).  FMT may hold alternatives separated by '|',
 * tried in turn ("%b %e %H:%M:%S|%H:%M:%S").  YEAR is used when the format has
 * no %Y.  A stamp with a zone and a date comes out in UTC.  0 on success, -1
 * when S does not fit the format. */
int logtime_parse(const char *fmt, const char *s, size_t n, int year,
                  struct logtime *t);
/* logtime_parse that reads all of S or fails. */
int logtime_parse_whole(const char *fmt, const char *s, size_t n, int year,
                        struct logtime *t);
/* logtime_parse for a run of stamps that share their text up to the
 * fraction (AudioCodes' "19-12@12:45:02." for many records): the fields
 * read from that text are kept in M (zeroed at first) and reused.  The
 * same result as logtime_parse, always. */
struct logtime_memo {
	const char *fmt, *cut, *end; /* the format, its %f, its end */
	int year;
	size_t len; /* bytes of head; 0: nothing noted */
	char head[40];
	struct logtime t; /* the fields read from head */
};
int logtime_parse_memo(struct logtime_memo *m, const char *fmt, const char *s,
                       size_t n, int year, struct logtime *t);
/* "2025-11-22T08:31:27.123Z" (milliseconds); "" when unset.  out >= 32. */
void logtime_iso(const struct logtime *t, char *out, size_t size);
/* Microseconds since 0000-01-01 (proleptic Gregorian) plus 1, so that
 * differences are durations; 0 when unset. */
long long logtime_key(const struct logtime *t);
/* T, a time of day, takes its date from REF, a dated stamp: REF's date or
 * the day before or after, whichever puts T within twelve hours of REF.
 * With REF_IS_END, REF is when the log ends (its file's last write), and T
 * takes the last date that does not put it after REF. */
void logtime_date(struct logtime *t, const struct logtime *ref, int ref_is_end);

#endif
