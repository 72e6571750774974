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

int logtime_parse(const char *fmt, const char *s, size_t n, int year,
                  struct logtime *t)
{
	const char *p = s, *e = s + n;
	int v;

	memset(t, 0, sizeof(*t));
	t->year = year;
	t->mon = 1;
	t->day = 1;
	for (; *fmt; fmt++) {
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
		case '%':
			if (p >= e || *p != '%')
				return -1;
			p++;
			break;
		default:
			return -1;
		}
	}
	(void)v;
	t->set = 1;
	return 0;
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
	long long k;

	if (!t->set)
		return 0;
	k = ((((long long)t->year * 13 + t->mon) * 32 + t->day) * 24 +
	     t->hour) *
	        60 +
	    t->min;
	return (k * 61 + t->sec) * 1000000LL + t->usec;
}
