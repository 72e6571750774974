/* logtime.c - log time stamps.  Most SBC logs carry no year (syslog's
 * "Mar  6 13:34:49.416", AudioCodes' "[Time:19-12@12:45:02.514]"); the
 * caller supplies one. */
#include "logtime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* ASCII digits only, whatever the locale (and without its table: this
 * runs for every record) */
static inline int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline int num(const char **p, const char *e, int maxd, int *out)
{
	int v = 0, d = 0;

	while (*p < e && d < maxd && is_digit(**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		d++;
	}
	if (d == 0)
		return -1;
	*out = v;
	return 0;
}

static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

/* %z: "Z", or an offset "+hh:mm", "+hhmm" or "+hh" (or '-') east of UTC
 * into T->zone; nothing when there is neither (the time is then UTC). */
static int zone(const char **pp, const char *e, struct logtime *t)
{
	const char *p = *pp;
	int h = 0, m = 0, sign;

	if (p < e && (*p == 'Z' || *p == 'z')) {
		*pp = p + 1;
		t->zone = 0;
		return 0;
	}
	if (p >= e || (*p != '+' && *p != '-'))
		return 0;
	sign = *p++ == '-' ? -1 : 1;
	if (e - p < 2 || !is_digit(p[0]) || !is_digit(p[1]))
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (p < e && *p == ':')
		p++;
	if (e - p >= 2 && is_digit(p[0]) && is_digit(p[1])) {
		m = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
	} else if (p[-1] == ':') {
		return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	t->zone = sign * (h * 60 + m);
	*pp = p;
	return 0;
}

/* Reads S (P..E) as FMT up to FEND into T; P moves past what was read. */
static int parse_part(const char *fmt, const char *fend, const char **pp,
                      const char *e, struct logtime *t)
{
	const char *p = *pp;

	for (; fmt < fend; fmt++) {
		if (*fmt == '.' && fmt + 2 < fend && fmt[1] == '%' &&
		    fmt[2] == 'f' && (p >= e || *p != '.')) {
			t->usec = 0; /* no fraction: ".%f" reads nothing */
			fmt += 2;
			continue;
		}
		if (*fmt == ' ') {
			if (p >= e || (*p != ' ' && *p != '\t'))
				return -1;
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		if (*fmt != '%') {
			if (p >= e || *p != *fmt)
				return -1;
			p++;
			continue;
		}
		switch (*++fmt) {
		case 'Y':
			if (num(&p, e, 4, &t->year) < 0)
				return -1;
			t->has_date = 1;
			break;
		case 'm':
			if (num(&p, e, 2, &t->mon) < 0 || t->mon < 1 ||
			    t->mon > 12)
				return -1;
			t->has_date = 1;
			break;
		case 'e':
			while (p < e && *p == ' ')
				p++;
			/* fall through */
		case 'd':
			if (num(&p, e, 2, &t->day) < 0 || t->day < 1 ||
			    t->day > 31)
				return -1;
			t->has_date = 1;
			break;
		case 'b': {
			const char *m;
			char low[4];
			int i;

			if (e - p < 3)
				return -1;
			for (i = 0; i < 3; i++)
				low[i] = (char)tolower((unsigned char)p[i]);
			low[3] = '\0';
			m = strstr(months, low);
			if (m == NULL || (m - months) % 3 != 0)
				return -1;
			t->mon = (int)(m - months) / 3 + 1;
			p += 3;
			t->has_date = 1;
			break;
		}
		case 'H':
			if (num(&p, e, 2, &t->hour) < 0 || t->hour > 23)
				return -1;
			break;
		case 'M':
			if (num(&p, e, 2, &t->min) < 0 || t->min > 59)
				return -1;
			break;
		case 'S':
			if (num(&p, e, 2, &t->sec) < 0 || t->sec > 60)
				return -1;
			break;
		case 'f': {
			long f = 0;
			int d = 0;

			while (p < e && is_digit(*p)) {
				if (d < 6) {
					f = f * 10 + (*p - '0');
					d++;
				}
				p++;
			}
			if (d == 0)
				return -1;
			while (d++ < 6)
				f *= 10;
			t->usec = f;
			break;
		}
		case 's': {
			long long epoch = 0;
			int d = 0;
			time_t tt;
			struct tm tm;

			while (p < e && is_digit(*p) && d < 12) {
				epoch = epoch * 10 + (*p++ - '0');
				d++;
			}
			if (d == 0)
				return -1;
			tt = (time_t)epoch;
			if (gmtime_r(&tt, &tm) == NULL)
				return -1;
			t->year = tm.tm_year + 1900;
			t->mon = tm.tm_mon + 1;
			t->day = tm.tm_mday;
			t->hour = tm.tm_hour;
			t->min = tm.tm_min;
			t->sec = tm.tm_sec;
			t->has_date = 1;
			if (p < e && *p == '.') {
				long f = 0;

				p++;
				d = 0;
				while (p < e && is_digit(*p)) {
					if (d < 6) {
						f = f * 10 + (*p - '0');
						d++;
					}
					p++;
				}
				while (d > 0 && d++ < 6)
					f *= 10;
				t->usec = f;
			}
			break;
		}
		case 'z':
			if (zone(&p, e, t) < 0)
				return -1;
			break;
		case '%':
			if (p >= e || *p != '%')
				return -1;
			p++;
			break;
		default:
			return -1;
		}
	}
	*pp = p;
	return 0;
}

/* Days from 0000-03-01 to Y-M-D in the proleptic Gregorian calendar
 * (the civil-from-days arithmetic of Howard Hinnant's date algorithms),
 * counted from March so that February's length comes last. */
static long long days(long long y, int m, int d)
{
	long long era, yoe, doy;

	if (m < 1)
		m = 1; /* a time of day without a date */
	if (d < 1)
		d = 1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}

/* The date DAYS days after 0000-03-01: the inverse of days(). */
static void civil(long long z, struct logtime *t)
{
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;

	t->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	t->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(yoe + era * 400 + (t->mon <= 2));
}

/* A stamp read: set, and in UTC when it named its zone.  A time of day
 * without a date keeps its clock (there is no day to move to). */
static int done(struct logtime *t)
{
	t->set = 1;
	if (t->zone != 0 && t->has_date) {
		long long m = t->hour * 60LL + t->min - t->zone;
		long long d = m >= 0 ? m / 1440 : -((1439 - m) / 1440);

		m -= d * 1440;
		t->hour = (int)(m / 60);
		t->min = (int)(m % 60);
		if (d != 0)
			civil(days(t->year, t->mon, t->day) + d, t);
	}
	t->zone = 0;
	return 0;
}

static void init(struct logtime *t, int year)
{
	memset(t, 0, sizeof(*t));
	t->year = year;
	t->mon = 1;
	t->day = 1;
}

/* Where FMT's first alternative ends: its '|', or its end. */
static const char *alt_end(const char *fmt)
{
	const char *f = fmt;

	while (*f && *f != '|')
		f += f[0] == '%' && f[1] ? 2 : 1;
	return f;
}

/* S as FMT, each of its alternatives in turn; all of S when WHOLE, else
 * a prefix. */
static int parse(const char *fmt, const char *s, size_t n, int year,
                 struct logtime *t, int whole)
{
	for (;;) {
		const char *p = s, *fend = alt_end(fmt);

		init(t, year);
		if (parse_part(fmt, fend, &p, s + n, t) == 0 &&
		    (!whole || p == s + n))
			return done(t);
		if (*fend != '|')
			return -1;
		fmt = fend + 1;
	}
}

int logtime_parse(const char *fmt, const char *s, size_t n, int year,
                  struct logtime *t)
{
	return parse(fmt, s, n, year, t, 0);
}

int logtime_parse_whole(const char *fmt, const char *s, size_t n, int year,
                        struct logtime *t)
{
	return parse(fmt, s, n, year, t, 1);
}

/* Where the first %f of FMT's first alternative starts, if a character
 * matched as itself (not a blank, which matches any number of them) comes
 * just before it: the '.' of "%S.%f".  Each conversion reads at most one
 * byte past its own, so what FMT reads up to there depends only on the
 * bytes up to and with that character.  NULL otherwise. */
static const char *fraction_cut(const char *fmt)
{
	const char *f;
	int lit = 0; /* the last thing in FMT matches one byte as itself */

	for (f = fmt; *f && *f != '|'; f++) {
		if (*f != '%') {
			lit = *f != ' ';
			continue;
		}
		if (f[1] == 'f')
			return lit ? f : NULL;
		if (f[1] == '\0')
			return NULL;
		lit = f[1] == '%';
		f++; /* %Y, %%, ... */
	}
	return NULL;
}

int logtime_parse_memo(struct logtime_memo *m, const char *fmt, const char *s,
                       size_t n, int year, struct logtime *t)
{
	const char *p = s, *e = s + n, *cut, *end;

	if (m->fmt == fmt && m->year == year && m->len > 0 && n >= m->len &&
	    memcmp(s, m->head, m->len) == 0) {
		/* the same text before the fraction: the same fields of the
		   first alternative (the others are tried when it fails) */
		*t = m->t;
		p = s + m->len;
		if (parse_part(m->cut, m->end, &p, e, t) == 0)
			return done(t);
		return *m->end == '|' ? logtime_parse(fmt, s, n, year, t) : -1;
	}
	cut = fraction_cut(fmt);
	if (cut == NULL)
		return logtime_parse(fmt, s, n, year, t);
	m->fmt = NULL; /* until a new head is noted */
	init(t, year);
	if (parse_part(fmt, cut, &p, e, t) < 0) /* no fraction, or no match */
		return logtime_parse(fmt, s, n, year, t);
	end = alt_end(cut);
	if ((size_t)(p - s) <= sizeof(m->head)) {
		m->fmt = fmt;
		m->year = year;
		m->cut = cut;
		m->end = end;
		m->len = (size_t)(p - s);
		memcpy(m->head, s, m->len);
		m->t = *t;
	}
	if (parse_part(cut, end, &p, e, t) == 0)
		return done(t);
	return *end == '|' ? logtime_parse(fmt, s, n, year, t) : -1;
}

void logtime_iso(const struct logtime *t, char *out, size_t size)
{
	if (!t->set) {
		if (size)
			out[0] = '\0';
		return;
	}
	if (t->has_date)
		snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		         t->year % 10000, t->mon, t->day, t->hour, t->min,
		         t->sec, t->usec / 1000);
	else
		snprintf(out, size, "%02d:%02d:%02d.%03ld", t->hour, t->min,
		         t->sec, t->usec / 1000);
}

long long logtime_key(const struct logtime *t)
{
	long long s;

	if (!t->set)
		return 0;
	/* + 60: 0000-01-01 (January and February of a leap year) is 0 */
	s = (days(t->year, t->mon, t->day) + 60) * 86400LL + t->hour * 3600LL +
	    t->min * 60LL + t->sec;
	return s * 1000000LL + t->usec + 1;
}

/* Microseconds since the start of T's day. */
static long long logtime_day(const struct logtime *t)
{
	return ((t->hour * 60LL + t->min) * 60 + t->sec) * 1000000LL + t->usec;
}

void logtime_date(struct logtime *t, const struct logtime *ref, int ref_is_end)
{
	const long long half = 12LL * 3600 * 1000000;
	long long d = days(ref->year, ref->mon, ref->day);
	long long diff = logtime_day(t) - logtime_day(ref);

	if (ref_is_end ? diff > 0 : diff > half)
		d--; /* before REF, on the day before */
	else if (!ref_is_end && diff < -half)
		d++; /* past midnight */
	civil(d, t);
	t->has_date = 1;
}
