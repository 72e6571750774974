/* check_export.c - the Teams admin center export: RFC 4180 records, the
 * columns found by name, rows turned into failure events, and the zip. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "check.h"
#include "export.h"

static int feed_all(struct csv *c, const char *text)
{
	const char *p = text;
	int records = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n && p[n - 1] == '\r')
			n--;
		records += csv_line(c, p, n);
		p = nl ? nl + 1 : p + strlen(p);
	}
	return records;
}

START_TEST(test_csv_quoting)
{
	struct csv c;

	csv_init(&c);
	ck_assert_int_eq(csv_line(&c, "a,\"b,c\",\"say \"\"hi\"\"\",,e", 24), 1);
	ck_assert_uint_eq(c.nfields, 5);
	ck_assert_str_eq(csv_field(&c, 0), "a");
	ck_assert_str_eq(csv_field(&c, 1), "b,c");
	ck_assert_str_eq(csv_field(&c, 2), "say \"hi\"");
	ck_assert_str_eq(csv_field(&c, 3), "");
	ck_assert_str_eq(csv_field(&c, 4), "e");
	ck_assert_str_eq(csv_field(&c, 9), "");
	/* a line break inside quotes continues the record */
	ck_assert_int_eq(csv_line(&c, "x,\"two", 6), 0);
	ck_assert_int_eq(csv_line(&c, "lines\",y", 8), 1);
	ck_assert_str_eq(csv_field(&c, 1), "two\nlines");
	ck_assert_str_eq(csv_field(&c, 2), "y");
	csv_free(&c);
}
END_TEST

START_TEST(test_header_by_name)
{
	struct csv c;

	ck_assert(export_is_header("\xef\xbb\xbf" "CorrelationId,Final SIP code", 31));
	ck_assert(export_is_header("Correlation ID,x,Final SIP code", 31));
	ck_assert(!export_is_header("Date,Time,Message", 17));
	csv_init(&c);
	/* the portal's labels, in another order, with a byte-order mark */
	ck_assert_int_eq(feed_all(&c, "\xef\xbb\xbf" "Final SIP phrase,Correlation ID,"
	                              "Final Microsoft subcode,Final SIP code,SBC FQDN\r\n"),
	                 1);
	ck_assert_int_eq(export_header(&c), 0);
	ck_assert_int_eq(c.col[XC_PHRASE], 0);
	ck_assert_int_eq(c.col[XC_CORRELATION], 1);
	ck_assert_int_eq(c.col[XC_SUBCODE], 2);
	ck_assert_int_eq(c.col[XC_SIP_CODE], 3);
	ck_assert_int_eq(c.col[XC_SUCCESS], -1);
	csv_free(&c);
	csv_init(&c);
	feed_all(&c, "Correlation ID,Success\n");
	ck_assert_int_eq(export_header(&c), -1); /* no final SIP code */
	csv_free(&c);
}
END_TEST

START_TEST(test_rows_to_events)
{
	struct kb kb;
	struct csv c;
	struct record rec;
	struct event ev;

	memset(&kb, 0, sizeof(kb));
	ck_assert_int_eq(kb_load_dir(&kb, PATTERNS_DIR), 0);
	csv_init(&c);
	feed_all(&c, "CorrelationId,Failure time,Success,Caller Number,Callee Number,"
	             "Final SIP code,Final Microsoft subcode,Final SIP Phrase,SBC FQDN\n");
	ck_assert_int_eq(export_header(&c), 0);
	feed_all(&c, "id-1,2025-11-21T10:02:14.250Z,No,+1555,+4420,480,10037,"
	             "No callee endpoints were found.,sbc.example\n");
	ck_assert_int_eq(export_event(&c, &kb, &rec, &ev, "f.csv"), 1);
	ck_assert_int_eq(ev.status, 480);
	ck_assert_int_eq(ev.ms_code, 10037);
	ck_assert_str_eq(ev.ms_source, "export");
	ck_assert_ptr_nonnull(ev.ms);
	ck_assert_int_eq(ev.gen, GEN_MICROSOFT);
	ck_assert_str_eq(ev.kind, "failed");
	ck_assert(rec.time.set && rec.time.year == 2025 && rec.time.usec == 250000);
	ck_assert_str_eq(rec.peer, "sbc.example");
	ck_assert_uint_eq(ev.call_id.n, 4);
	/* an SBC answer by the 560 rule, and a cancel */
	feed_all(&c, "id-2,2025-11-21T10:11:00Z,No,+1,+2,503,560503,x,sbc.example\n");
	ck_assert_int_eq(export_event(&c, &kb, &rec, &ev, "f.csv"), 1);
	ck_assert_int_eq(ev.gen, GEN_SBC);
	feed_all(&c, "id-3,,No,+1,+2,487,540200,Call completed elsewhere,s\n");
	ck_assert_int_eq(export_event(&c, &kb, &rec, &ev, "f.csv"), 1);
	ck_assert_str_eq(ev.kind, "canceled");
	ck_assert(!rec.time.set);
	/* a successful row, and a row without a final SIP code */
	feed_all(&c, "id-4,,Yes,+1,+2,200,540000,BYE,s\n");
	ck_assert_int_eq(export_event(&c, &kb, &rec, &ev, "f.csv"), 0);
	feed_all(&c, "id-5,,No,+1,+2,,,,s\n");
	ck_assert_int_eq(export_event(&c, &kb, &rec, &ev, "f.csv"), -1);
	csv_free(&c);
	kb_free(&kb);
}
END_TEST

static struct buf zipped;
static int nbegin, nend;

static void zbegin(void *ctx, const char *name)
{
	(void)ctx;
	nbegin++;
	ck_assert_ptr_nonnull(strstr(name, ":DirectRouting.calls.2025-11-21.csv"));
}
static void zfeed(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	buf_add(&zipped, p, n);
}
static void zend(void *ctx)
{
	(void)ctx;
	nend++;
}

START_TEST(test_zip)
{
	char path[] = "/tmp/sipwhy-zip-XXXXXX";
	int fd = mkstemp(path);
	zipFile z;
	const char *csv = "CorrelationId,Final SIP code\r\nid,480\r\n";

	ck_assert_int_ge(fd, 0);
	close(fd);
	z = zipOpen(path, APPEND_STATUS_CREATE);
	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(zipOpenNewFileInZip(z, "readme.txt", NULL, NULL, 0, NULL, 0,
	                                     NULL, Z_DEFLATED, 6), ZIP_OK);
	zipWriteInFileInZip(z, "not a csv", 9);
	zipCloseFileInZip(z);
	ck_assert_int_eq(zipOpenNewFileInZip(z, "DirectRouting.calls.2025-11-21.csv",
	                                     NULL, NULL, 0, NULL, 0, NULL,
	                                     Z_DEFLATED, 6), ZIP_OK);
	zipWriteInFileInZip(z, csv, (unsigned)strlen(csv));
	zipCloseFileInZip(z);
	zipClose(z, NULL);
	ck_assert(export_is_zip(path));
	ck_assert_int_eq(export_zip(path, zbegin, zfeed, zend, NULL), 0);
	ck_assert_int_eq(nbegin, 1); /* only the .csv member */
	ck_assert_int_eq(nend, 1);
	ck_assert_uint_eq(zipped.len, strlen(csv));
	ck_assert(memcmp(zipped.p, csv, zipped.len) == 0);
	/* a truncated zip is an error, not a crash */
	ck_assert_int_eq(truncate(path, 40), 0);
	ck_assert_int_eq(export_zip(path, zbegin, zfeed, zend, NULL), -1);
	unlink(path);
	ck_assert(!export_is_zip(FIXTURES "/generic.log"));
	buf_free(&zipped);
}
END_TEST

Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_add_test(tc, test_csv_quoting);
	tcase_add_test(tc, test_header_by_name);
	tcase_add_test(tc, test_rows_to_events);
	tcase_add_test(tc, test_zip);
	suite_add_tcase(s, tc);
	return s;
}
