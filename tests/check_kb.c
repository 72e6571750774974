/* check_kb.c - the knowledge tables (kb.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kb.h"
#include "util.h"

/* ---- helpers ---- */

/* Runs kb_load_text with stderr sent to a temporary file; the diagnostics
   are returned in ERR (may be NULL). */
static int load(struct kb *kb, const char *table, const char *text,
		struct buf *err)
{
	FILE *tmp = tmpfile();
	int saved, rc;

	ck_assert_ptr_nonnull(tmp);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(tmp), 2), 0);
	rc = kb_load_text(kb, table, "t.tsv", text, strlen(text));
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, 2), 0);
	close(saved);
	if (err) {
		char chunk[512];
		size_t n;

		buf_clear(err);
		rewind(tmp);
		while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
			buf_add(err, chunk, n);
	}
	fclose(tmp);
	return rc;
}

static void norm_is(const char *in, const char *want)
{
	struct buf b = {0};

	kb_normalize(in, strlen(in), &b);
	ck_assert_msg(b.len == strlen(want) &&
			      (b.len == 0 || memcmp(b.p, want, b.len) == 0),
		      "kb_normalize(\"%s\") = \"%s\", expected \"%s\"", in,
		      b.p ? b.p : "", want);
	buf_free(&b);
}

#define MS_HDR "ms_code\tsip_code\tphrase\tgenerated_by\tcause\taction\tdoc\taliases\tnote\n"
#define SIP_HDR "code\tphrase\trfc\tmeaning\taction\n"
#define Q_HDR "cause\tname\tsip\tmeaning\taction\n"

/* ---- kb_normalize ---- */

START_TEST(test_normalize_case_punct)
{
	norm_is("No callee endpoints were found.", "no callee endpoints were found");
	norm_is("NO CALLEE Endpoints were FOUND", "no callee endpoints were found");
	norm_is("Get Outbound routing - No viable path (Forbidden)",
		"get outbound routing no viable path forbidden");
	norm_is("  Forbidden;  Call rejected!!  ", "forbidden call rejected");
	norm_is("Unable to deliver INVITE/ACK: The requested name is valid",
		"unable to deliver invite ack the requested name is valid");
	norm_is("SdpParsingFailure", "sdpparsingfailure");
	norm_is("", "");
	norm_is(" .;,- ", "");
}
END_TEST

START_TEST(test_normalize_cancelled)
{
	norm_is("Call cancelled", "call canceled");
	norm_is("CANCELLED.", "canceled");
	norm_is("Participant call leg has been cancelled because",
		"participant call leg has been canceled because");
	norm_is("canceled", "canceled");
	/* only the word, not a longer one that holds it */
	norm_is("cancelledx", "cancelledx");
}
END_TEST

START_TEST(test_normalize_numbers)
{
	norm_is("HRESULT=0x80090322", "hresult #");
	norm_is("outgoing TLS negotiation failed; HRESULT=0x80090322 CERT_E_WRONG_USAGE",
		"outgoing tls negotiation failed hresult # cert e wrong usage");
	norm_is("TLS decryption failed; HRESULT=590615", "tls decryption failed hresult #");
	norm_is("0X1F and 0xdeadBEEF", "# and #");
	norm_is("error 404 at 12:30.", "error # at # #");
	norm_is("510482 Loop detected", "# loop detected");
	/* HRESULT values differ between article and trace: same result */
	{
		struct buf a = {0}, b = {0};
		const char *x = "failed; HRESULT=0x80090326", *y = "Failed: hresult=0x80096004.";

		kb_normalize(x, strlen(x), &a);
		kb_normalize(y, strlen(y), &b);
		ck_assert_str_eq(a.p, b.p);
		buf_free(&a);
		buf_free(&b);
	}
}
END_TEST

START_TEST(test_normalize_reuses_buffer)
{
	struct buf b = {0};

	kb_normalize("first words here", 16, &b);
	ck_assert_str_eq(b.p, "first words here");
	kb_normalize("Second", 6, &b);
	ck_assert_str_eq(b.p, "second");
	ck_assert_uint_eq(b.len, 6);
	/* the length is honoured: no NUL needed, nothing read past it */
	kb_normalize("abc.def", 3, &b);
	ck_assert_str_eq(b.p, "abc");
	buf_free(&b);
}
END_TEST

/* ---- kb_load_text: the microsoft table ---- */

START_TEST(test_load_microsoft)
{
	struct kb kb = {0};
	struct buf err = {0};
	const char *t = "# a comment\n"
			"# another\n" MS_HDR
			"10037\t480\tNo callee endpoints were found\tmicrosoft\tNo endpoint.\tCheck the user.\thttps://doc/480\t\t\n"
			"560503\t503\tService unavailable\tsbc\tSBC busy.\tCheck the SBC.\thttps://doc/503\t\tsome note\n";
	const struct ms_entry *e;

	ck_assert_int_eq(load(&kb, "microsoft", t, &err), 0);
	ck_assert_uint_eq(err.len, 0);
	ck_assert_uint_eq(kb.nms, 2);
	e = kb_ms_code(&kb, 10037, 0, NULL, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, 10037);
	ck_assert_int_eq(e->sip, 480);
	ck_assert_str_eq(e->phrase, "No callee endpoints were found");
	ck_assert_str_eq(e->norm, "no callee endpoints were found");
	ck_assert_int_eq(e->by_sbc, 0);
	ck_assert_str_eq(e->cause, "No endpoint.");
	ck_assert_str_eq(e->action, "Check the user.");
	ck_assert_str_eq(e->doc, "https://doc/480");
	ck_assert_ptr_null(e->note);
	ck_assert_int_eq(e->naliases, 0);
	e = kb_ms_code(&kb, 560503, 503, NULL, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->by_sbc, 1);
	ck_assert_str_eq(e->note, "some note");
	ck_assert_ptr_null(kb_ms_code(&kb, 12345, 0, NULL, 0));
	kb_free(&kb);
	ck_assert_uint_eq(kb.nms, 0);
	buf_free(&err);
}
END_TEST

START_TEST(test_load_columns_by_name)
{
	/* columns found by the header's names, in any order; CRLF lines */
	struct kb kb = {0};
	const char *t = "phrase\tdoc\taction\tcause\tgenerated_by\tsip_code\tms_code\r\n"
			"Loop detected\thttps://d\tA\tC\tmicrosoft\t500\t510482\r\n";
	const struct ms_entry *e;

	ck_assert_int_eq(load(&kb, "microsoft", t, NULL), 0);
	e = kb_ms_code(&kb, 510482, 500, NULL, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->sip, 500);
	ck_assert_str_eq(e->phrase, "Loop detected");
	ck_assert_str_eq(e->doc, "https://d");
	ck_assert_int_eq(e->naliases, 0);
	kb_free(&kb);
}
END_TEST

START_TEST(test_load_missing_column)
{
	struct kb kb = {0};
	struct buf err = {0};
	/* no "doc" column */
	const char *t = "ms_code\tsip_code\tphrase\tgenerated_by\tcause\taction\n"
			"10037\t480\tNo callee endpoints were found\tmicrosoft\tC\tA\n";

	ck_assert_int_eq(load(&kb, "microsoft", t, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.p, "t.tsv:1:"));
	ck_assert_ptr_nonnull(strstr(err.p, "doc"));
	kb_free(&kb);
	ck_assert_int_eq(load(&kb, "sip-status", "code\tphrase\tmeaning\n", NULL), -1);
	kb_free(&kb);
	ck_assert_int_eq(load(&kb, "q850", "cause\tname\tmeaning\n", NULL), -1);
	kb_free(&kb);
	buf_free(&err);
}
END_TEST

START_TEST(test_load_no_header)
{
	struct kb kb = {0};

	ck_assert_int_eq(load(&kb, "microsoft", "", NULL), -1);
	ck_assert_int_eq(load(&kb, "sip-status", "# only a comment\n\n", NULL), -1);
	kb_free(&kb);
}
END_TEST

START_TEST(test_load_field_count)
{
	struct kb kb = {0};
	struct buf err = {0};
	const char *t = MS_HDR
		"10037\t480\tNo callee endpoints were found\tmicrosoft\tC\tA\thttps://d\t\t\n"
		"10191\t480\tRouting to voicemail is disabled in policy\tmicrosoft\tC\tA\n"
		"10140\t480\tCall to bot is rejected\tmicrosoft\tC\tA\thttps://d\t\t\n";

	ck_assert_int_eq(load(&kb, "microsoft", t, &err), -1);
	/* the bad row is named by its line number */
	ck_assert_ptr_nonnull(strstr(err.p, "t.tsv:3:"));
	/* the good rows around it are still loaded, the bad one is not */
	ck_assert_ptr_nonnull(kb_ms_code(&kb, 10037, 480, NULL, 0));
	ck_assert_ptr_nonnull(kb_ms_code(&kb, 10140, 480, NULL, 0));
	ck_assert_ptr_null(kb_ms_code(&kb, 10191, 480, NULL, 0));
	kb_free(&kb);
	/* too many fields */
	ck_assert_int_eq(load(&kb, "sip-status", SIP_HDR "480\tTemporarily Unavailable\tRFC 3261\tM\tA\textra\n", NULL), -1);
	ck_assert_ptr_null(kb_sip(&kb, 480));
	kb_free(&kb);
	ck_assert_int_eq(load(&kb, "q850", Q_HDR "31\tNormal, unspecified\t480\tM\n", NULL), -1);
	ck_assert_ptr_null(kb_q850(&kb, 31));
	kb_free(&kb);
	buf_free(&err);
}
END_TEST

START_TEST(test_load_bad_numbers)
{
	struct kb kb = {0};

	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "abc\t480\tP\tmicrosoft\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "10037\t48O\tP\tmicrosoft\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "10037x\t480\tP\tmicrosoft\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "-5\t480\tP\tmicrosoft\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "10037\t700\tP\tmicrosoft\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "\t480\tP\tmicrosoft\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_uint_eq(kb.nms, 0);
	ck_assert_int_eq(load(&kb, "sip-status", SIP_HDR "4x0\tP\t\tM\tA\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "sip-status", SIP_HDR "99\tP\t\tM\tA\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "sip-status", SIP_HDR "700\tP\t\tM\tA\n", NULL), -1);
	ck_assert_ptr_null(kb_sip(&kb, 99));
	ck_assert_int_eq(load(&kb, "q850", Q_HDR "thirty\tN\t\tM\tA\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "q850", Q_HDR "128\tN\t\tM\tA\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "q850", Q_HDR "-1\tN\t\tM\tA\n", NULL), -1);
	ck_assert_ptr_null(kb_q850(&kb, 127));
	/* alias that is not a number */
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "540415\t415\tUnsupported Media Type\tmicrosoft\tC\tA\td\t51041x\t\n", NULL), -1);
	kb_free(&kb);
}
END_TEST

START_TEST(test_load_bad_generated_by)
{
	struct kb kb = {0};
	struct buf err = {0};

	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "10037\t480\tP\tteams\tC\tA\td\t\t\n", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.p, "generated_by"));
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "10037\t480\tP\t\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR "10037\t480\tP\tSBC\tC\tA\td\t\t\n", NULL), -1);
	ck_assert_uint_eq(kb.nms, 0);
	kb_free(&kb);
	buf_free(&err);
}
END_TEST

/* ---- the other two tables ---- */

START_TEST(test_load_sip_status)
{
	struct kb kb = {0};
	const char *t = "# comment\n" SIP_HDR
		"480\tTemporarily Unavailable\tRFC 3261\tNobody answers.\tCheck registration.\n"
		"603\tDecline\t\t\t\n";
	const struct sip_entry *e;

	ck_assert_int_eq(load(&kb, "sip-status", t, NULL), 0);
	e = kb_sip(&kb, 480);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, 480);
	ck_assert_str_eq(e->phrase, "Temporarily Unavailable");
	ck_assert_str_eq(e->rfc, "RFC 3261");
	ck_assert_str_eq(e->meaning, "Nobody answers.");
	ck_assert_str_eq(e->action, "Check registration.");
	e = kb_sip(&kb, 603);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->phrase, "Decline");
	ck_assert_ptr_null(e->rfc);
	ck_assert_ptr_null(e->meaning);
	ck_assert_ptr_null(e->action);
	ck_assert_ptr_null(kb_sip(&kb, 404));
	ck_assert_ptr_null(kb_sip(&kb, -1));
	ck_assert_ptr_null(kb_sip(&kb, 700));
	ck_assert_ptr_null(kb_sip(&kb, 100000));
	kb_free(&kb);
	ck_assert_ptr_null(kb_sip(&kb, 480));
}
END_TEST

START_TEST(test_load_q850)
{
	struct kb kb = {0};
	const char *t = Q_HDR
		"31\tNormal, unspecified\t480\tNormal.\tNothing.\n"
		"127\tInterworking, unspecified\t\tM\tA\n"
		"0\tZero\t\tM\tA\n";
	const struct q850_entry *e;

	ck_assert_int_eq(load(&kb, "q850", t, NULL), 0);
	e = kb_q850(&kb, 31);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->cause, 31);
	ck_assert_str_eq(e->name, "Normal, unspecified");
	ck_assert_int_eq(e->sip, 480);
	ck_assert_str_eq(e->meaning, "Normal.");
	ck_assert_str_eq(e->action, "Nothing.");
	e = kb_q850(&kb, 127);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->sip, 0);
	ck_assert_ptr_nonnull(kb_q850(&kb, 0));
	ck_assert_ptr_null(kb_q850(&kb, 16));
	ck_assert_ptr_null(kb_q850(&kb, 128));
	ck_assert_ptr_null(kb_q850(&kb, -1));
	kb_free(&kb);
}
END_TEST

/* ---- later rows override earlier ones ---- */

START_TEST(test_override)
{
	struct kb kb = {0};
	const struct ms_entry *e;

	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"10037\t480\tNo callee endpoints were found\tmicrosoft\tOld cause\tOld action\td\t\t\n", NULL), 0);
	/* same code, status and (normalised) phrase: replaces the row */
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"10037\t480\tNo Callee Endpoints Were Found.\tsbc\tNew cause\tNew action\td2\t\t\n", NULL), 0);
	ck_assert_uint_eq(kb.nms, 1);
	e = kb_ms_code(&kb, 10037, 480, NULL, 0);
	ck_assert_str_eq(e->cause, "New cause");
	ck_assert_str_eq(e->action, "New action");
	ck_assert_str_eq(e->doc, "d2");
	ck_assert_int_eq(e->by_sbc, 1);
	/* within one text too */
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"10037\t480\tno callee endpoints were found\tmicrosoft\tThird\tA\td\t\t\n"
		"10037\t480\tNO CALLEE ENDPOINTS WERE FOUND\tmicrosoft\tFourth\tA\td\t\t\n", NULL), 0);
	ck_assert_uint_eq(kb.nms, 1);
	ck_assert_str_eq(kb_ms_code(&kb, 10037, 480, NULL, 0)->cause, "Fourth");
	/* another phrase for the same code is a new row */
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"10037\t480\tSomething else entirely\tmicrosoft\tOther\tA\td\t\t\n", NULL), 0);
	ck_assert_uint_eq(kb.nms, 2);

	ck_assert_int_eq(load(&kb, "sip-status", SIP_HDR "480\tOld\t\tOld meaning\tOld action\n", NULL), 0);
	ck_assert_int_eq(load(&kb, "sip-status", SIP_HDR "480\tNew\tRFC 1\tNew meaning\t\n", NULL), 0);
	ck_assert_str_eq(kb_sip(&kb, 480)->phrase, "New");
	ck_assert_str_eq(kb_sip(&kb, 480)->meaning, "New meaning");
	ck_assert_ptr_null(kb_sip(&kb, 480)->action);

	ck_assert_int_eq(load(&kb, "q850", Q_HDR "31\tOld name\t480\tM\tA\n31\tNew name\t\tM2\tA2\n", NULL), 0);
	ck_assert_str_eq(kb_q850(&kb, 31)->name, "New name");
	ck_assert_str_eq(kb_q850(&kb, 31)->meaning, "M2");
	ck_assert_int_eq(kb_q850(&kb, 31)->sip, 0);
	kb_free(&kb);
}
END_TEST

/* ---- kb_ms_code ---- */

START_TEST(test_aliases)
{
	struct kb kb = {0};
	const struct ms_entry *e;

	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"540415\t415\tUnsupported Media Type\tmicrosoft\tC\tA\td\t510415\t\n"
		"540500\t500\tInternal Server Error\tmicrosoft\tC\tA\td\t510544,510545\t\n", NULL), 0);
	e = kb_ms_code(&kb, 510415, 0, NULL, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, 540415);
	ck_assert_int_eq(e->naliases, 1);
	ck_assert_int_eq(e->aliases[0], 510415);
	e = kb_ms_code(&kb, 510545, 500, NULL, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, 540500);
	ck_assert_int_eq(e->naliases, 2);
	ck_assert_ptr_nonnull(kb_ms_code(&kb, 510544, 0, NULL, 0));
	ck_assert_ptr_null(kb_ms_code(&kb, 510546, 0, NULL, 0));
	/* a row of its own wins over an alias */
	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"510544\t500\tGet Outbound Direct routing - no trunk config found\tmicrosoft\tC\tA\td\t\t\n", NULL), 0);
	ck_assert_int_eq(kb_ms_code(&kb, 510544, 500, NULL, 0)->code, 510544);
	kb_free(&kb);
}
END_TEST

START_TEST(test_ms_code_prefers)
{
	struct kb kb = {0};
	const struct ms_entry *e;
	const char *p;

	ck_assert_int_eq(load(&kb, "microsoft", MS_HDR
		"510532\t403\tGet Inbound Direct Routing - RuntimeApi trunk config not found for customer\tmicrosoft\tFirst\tA\td\t\t\n"
		"510532\t403\tNo trunk config was found\tmicrosoft\tSecond\tA\td\t\t\n"
		"531000\t410\tSdpParsingFailure\tmicrosoft\tAt 410\tA\td\t\t\n"
		"531000\t488\tInternalDiagCode: CannotSupportAnyMedia\tmicrosoft\tAt 488\tA\td\t\t\n", NULL), 0);
	p = "no trunk config was found.";
	e = kb_ms_code(&kb, 510532, 403, p, strlen(p));
	ck_assert_str_eq(e->cause, "Second");
	p = "Get Inbound Direct Routing - RuntimeApi trunk config not found for customer";
	e = kb_ms_code(&kb, 510532, 0, p, strlen(p));
	ck_assert_str_eq(e->cause, "First");
	/* the SIP status chooses when the phrase does not */
	ck_assert_str_eq(kb_ms_code(&kb, 531000, 488, NULL, 0)->cause, "At 488");
	ck_assert_str_eq(kb_ms_code(&kb, 531000, 410, NULL, 0)->cause, "At 410");
	p = "sdpparsingfailure";
	ck_assert_str_eq(kb_ms_code(&kb, 531000, 488, p, strlen(p))->cause, "At 410");
	/* an unknown phrase still finds the code */
	p = "words nobody wrote";
	ck_assert_int_eq(kb_ms_code(&kb, 510532, 403, p, strlen(p))->code, 510532);
	kb_free(&kb);
}
END_TEST

/* ---- kb_ms_phrase ---- */

static struct kb phrase_kb;

static void phrase_setup(void)
{
	memset(&phrase_kb, 0, sizeof(phrase_kb));
	ck_assert_int_eq(load(&phrase_kb, "microsoft", MS_HDR
		"10037\t480\tNo callee endpoints were found\tmicrosoft\tC\tA\td\t\t\n"
		"10191\t480\tRouting to voicemail is disabled in policy\tmicrosoft\tC\tA\td\t\t\n"
		"549002\t504\tUnable to deliver INVITE: Invalid Request/Response line\tmicrosoft\tC\tA\td\t\t\n"
		"549018\t504\tUnable to deliver INVITE: Invalid Request/Response line\tmicrosoft\tC\tA\td\t\t\n"
		"569018\t504\tUnable to deliver INVITE: Invalid Request/Response line\tmicrosoft\tC\tA\td\t\t\n"
		"569002\t504\tUnable to deliver INVITE: outgoing TLS negotiation failed; HRESULT=0x80096004\tmicrosoft\tC\tA\td\t\t\n"
		"569002\t504\tUnable to deliver ACK: outgoing TLS negotiation failed; HRESULT=0x80096004\tmicrosoft\tC\tA\td\t\t\n"
		"540420\t420\tBad Extension\tmicrosoft\tC\tA\td\t\t\n"
		"560420\t420\tBad Extension\tsbc\tC\tA\td\t\t\n"
		"111\t486\tBusy everywhere now\tmicrosoft\tC\tA\td\t\t\n"
		"222\t600\tBusy everywhere now\tmicrosoft\tC\tA\td\t\t\n"
		"540000\t0\tBYE\tmicrosoft\tC\tA\td\t\t\n"
		"510560\t403\tUser is not Enterprise Voice enabled\tmicrosoft\tC\tA\td\t\t\n"
		"510560\t403\tUser is not Enterprise Voice enabled. User is not allowed to make user based dial out\tmicrosoft\tC\tA\td\t\t\n"
		"333\t480\tShared by two statuses\tmicrosoft\tC\tA\td\t\t\n"
		"333\t486\tShared by two statuses\tmicrosoft\tC\tA\td\t\t\n", NULL), 0);
}

static void phrase_teardown(void) { kb_free(&phrase_kb); }

static size_t phr(int sip, const char *text, const struct ms_entry **out,
		  size_t max)
{
	return kb_ms_phrase(&phrase_kb, sip, text, strlen(text), out, max);
}

static int has_code(const struct ms_entry **out, size_t n, long code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (out[i]->code == code)
			return 1;
	return 0;
}

START_TEST(test_phrase_exact)
{
	const struct ms_entry *out[8];

	ck_assert_uint_eq(phr(480, "No callee endpoints were found", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10037);
	ck_assert_uint_eq(phr(480, "Routing to voicemail is disabled in policy", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10191);
}
END_TEST

START_TEST(test_phrase_loose)
{
	const struct ms_entry *out[8];

	ck_assert_uint_eq(phr(480, "No callee endpoints were found.", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10037);
	ck_assert_uint_eq(phr(480, "NO CALLEE ENDPOINTS WERE FOUND", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10037);
	ck_assert_uint_eq(phr(480, "  no callee endpoints, were found!! ", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10037);
	/* another status: found by the any-status pass */
	ck_assert_uint_eq(phr(404, "No callee endpoints were found.", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10037);
	/* another HRESULT value than the table's */
	ck_assert_uint_eq(phr(504, "Unable to deliver INVITE: outgoing TLS negotiation failed; HRESULT=0x80090326", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 569002);
	/* more words after the phrase: a word prefix */
	ck_assert_uint_eq(phr(480, "Routing to voicemail is disabled in policy for this user", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 10191);
	/* ... but not inside a word */
	ck_assert_uint_eq(phr(480, "No callee endpoints were foundation", out, 8), 0);
}
END_TEST

START_TEST(test_phrase_ambiguous)
{
	const struct ms_entry *out[8];
	size_t n;

	n = phr(504, "Unable to deliver INVITE: Invalid Request/Response line", out, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert(has_code(out, n, 549002));
	ck_assert(has_code(out, n, 549018));
	ck_assert(has_code(out, n, 569018));
	/* one entry per code: 569002 has two rows, one matches */
	n = phr(504, "unable to deliver invite outgoing tls negotiation failed hresult 0x1", out, 8);
	ck_assert_uint_eq(n, 1);
	n = phr(420, "Bad Extension", out, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert(has_code(out, n, 540420));
	ck_assert(has_code(out, n, 560420));
	ck_assert(out[0] != out[1]);
	/* several rows of one code match: one result, not one per row */
	n = phr(603, "Shared by two statuses", out, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0]->code, 333);
	n = phr(403, "User is not Enterprise Voice enabled. User is not allowed", out, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0]->code, 510560);
	/* OUT is smaller than the candidates: still more than one, and OUT
	   holds only what fits */
	out[1] = NULL;
	n = phr(504, "Unable to deliver INVITE: Invalid Request/Response line.", out, 1);
	ck_assert_uint_gt(n, 1);
	ck_assert_ptr_null(out[1]);
	ck_assert(out[0]->code == 549002 || out[0]->code == 549018 ||
		  out[0]->code == 569018);
}
END_TEST

START_TEST(test_phrase_status_first)
{
	const struct ms_entry *out[8];
	size_t n;

	ck_assert_uint_eq(phr(486, "Busy everywhere now", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 111);
	ck_assert_uint_eq(phr(600, "Busy everywhere now.", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 222);
	n = phr(603, "Busy everywhere now", out, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert(has_code(out, n, 111) && has_code(out, n, 222));
}
END_TEST

START_TEST(test_phrase_none)
{
	const struct ms_entry *out[8];

	ck_assert_uint_eq(phr(480, "Completely different words", out, 8), 0);
	ck_assert_uint_eq(phr(480, "", out, 8), 0);
	ck_assert_uint_eq(phr(480, " ... ", out, 8), 0);
	/* prefixes shorter than 8 characters do not count */
	ck_assert_uint_eq(phr(480, "No", out, 8), 0);
	ck_assert_uint_eq(phr(0, "BYE now please", out, 8), 0);
	ck_assert_uint_eq(phr(0, "BYE.", out, 8), 1);
	ck_assert_int_eq(out[0]->code, 540000);
}
END_TEST

/* ---- the real tables ---- */

static int col_of(char **names, int n, const char *want)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return i;
	ck_abort_msg("microsoft.tsv has no column %s", want);
	return -1;
}

START_TEST(test_real_tables)
{
	struct kb kb = {0};
	size_t len, rows = 0;
	char *text, *line, *save = NULL;
	char *names[32];
	int nnames = 0, ci = -1, cs = -1, cp = -1;
	struct buf n1 = {0}, n2 = {0}, dotted = {0};

	ck_assert_int_eq(kb_load_dir(&kb, PATTERNS_DIR), 0);
	ck_assert_uint_gt(kb.nms, 50);
	ck_assert_ptr_nonnull(kb_sip(&kb, 480));
	ck_assert_str_eq(kb_sip(&kb, 480)->phrase, "Temporarily Unavailable");
	ck_assert_ptr_nonnull(kb_q850(&kb, 31));
	ck_assert_str_eq(kb_q850(&kb, 31)->name, "Normal, unspecified");

	text = test_slurp(PATTERNS_DIR "/microsoft.tsv", &len);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[32], *s = line, *t;
		int nf = 0;
		long code, sip;
		const struct ms_entry *e, *out[64];
		size_t k, i;

		if (line[0] == '#' || line[0] == '\0' || line[0] == '\r')
			continue;
		t = strchr(line, '\r');
		if (t)
			*t = '\0';
		for (;;) {
			ck_assert_int_lt(nf, 32);
			f[nf++] = s;
			t = strchr(s, '\t');
			if (t == NULL)
				break;
			*t = '\0';
			s = t + 1;
		}
		if (nnames == 0) {
			memcpy(names, f, sizeof(f[0]) * (size_t)nf);
			nnames = nf;
			ci = col_of(names, nnames, "ms_code");
			cs = col_of(names, nnames, "sip_code");
			cp = col_of(names, nnames, "phrase");
			continue;
		}
		ck_assert_int_eq(nf, nnames);
		code = strtol(f[ci], NULL, 10);
		sip = strtol(f[cs], NULL, 10);
		rows++;

		e = kb_ms_code(&kb, code, (int)sip, f[cp], strlen(f[cp]));
		ck_assert_msg(e != NULL, "kb_ms_code(%ld, %ld, \"%s\") found nothing",
			      code, sip, f[cp]);
		ck_assert_msg(e->code == code && e->sip == sip,
			      "kb_ms_code(%ld, %ld, \"%s\") gave %ld/%d", code, sip,
			      f[cp], e->code, e->sip);
		kb_normalize(f[cp], strlen(f[cp]), &n1);
		ck_assert_msg(strcmp(e->norm, n1.p) == 0,
			      "kb_ms_code(%ld, %ld, \"%s\") gave the phrase \"%s\"",
			      code, sip, f[cp], e->phrase);

		buf_clear(&dotted);
		buf_adds(&dotted, f[cp]);
		buf_addc(&dotted, '.');
		k = kb_ms_phrase(&kb, (int)sip, dotted.p, dotted.len, out, 64);
		ck_assert_msg(k >= 1 && k <= 64,
			      "kb_ms_phrase(%ld, \"%s\") = %zu", sip, dotted.p, k);
		for (i = 0; i < k && out[i]->code != code; i++)
			;
		ck_assert_msg(i < k, "kb_ms_phrase(%ld, \"%s\"): %zu results, not %ld",
			      sip, dotted.p, k, code);
		/* each result has the phrase asked for */
		for (i = 0; i < k; i++) {
			kb_normalize(out[i]->phrase, strlen(out[i]->phrase), &n2);
			ck_assert_str_eq(n2.p, n1.p);
		}
	}
	ck_assert_uint_gt(rows, 50);
	ck_assert_uint_eq(rows, kb.nms);
	free(text);
	buf_free(&n1);
	buf_free(&n2);
	buf_free(&dotted);
	kb_free(&kb);
}
END_TEST

START_TEST(test_real_known_rows)
{
	struct kb kb = {0};
	const struct ms_entry *out[8];
	const char *p = "Unable to deliver INVITE: Invalid Request/Response line";
	size_t n;

	ck_assert_int_eq(kb_load_dir(&kb, PATTERNS_DIR), 0);
	ck_assert_int_eq(kb_ms_code(&kb, 510415, 0, NULL, 0)->code, 540415);
	ck_assert_int_eq(kb_ms_code(&kb, 560503, 503, NULL, 0)->by_sbc, 1);
	ck_assert_int_eq(kb_ms_code(&kb, 10037, 480, NULL, 0)->by_sbc, 0);
	n = kb_ms_phrase(&kb, 504, p, strlen(p), out, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert(has_code(out, n, 549002) && has_code(out, n, 549018) &&
		  has_code(out, n, 569018));
	kb_free(&kb);
}
END_TEST

START_TEST(test_load_dir_missing_and_bad)
{
	struct kb kb = {0};
	char dir[] = "/tmp/sipwhy-kb-XXXXXX";
	struct buf path = {0};
	FILE *fp;
	int saved;
	int rc;

	/* a directory without tables: nothing loaded, no error */
	ck_assert_int_eq(kb_load_dir(&kb, "/nonexistent/sipwhy-patterns"), 0);
	ck_assert_uint_eq(kb.nms, 0);
	ck_assert_ptr_null(kb_sip(&kb, 480));

	/* a malformed table: -1 */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	buf_printf(&path, "%s/q850.tsv", dir);
	fp = fopen(path.p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(Q_HDR "31\tNormal, unspecified\t480\tM\tA\n999\tBad\t\tM\tA\n", fp);
	fclose(fp);
	fflush(stderr);
	saved = dup(2);
	fp = fopen("/dev/null", "w");
	dup2(fileno(fp), 2);
	rc = kb_load_dir(&kb, dir);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(fp);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(kb_q850(&kb, 31));
	unlink(path.p);
	rmdir(dir);
	buf_free(&path);
	kb_free(&kb);
}
END_TEST

Suite *kb_suite(void)
{
	Suite *s = suite_create("kb");
	TCase *tc;

	tc = tcase_create("normalize");
	tcase_add_test(tc, test_normalize_case_punct);
	tcase_add_test(tc, test_normalize_cancelled);
	tcase_add_test(tc, test_normalize_numbers);
	tcase_add_test(tc, test_normalize_reuses_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, test_load_microsoft);
	tcase_add_test(tc, test_load_columns_by_name);
	tcase_add_test(tc, test_load_sip_status);
	tcase_add_test(tc, test_load_q850);
	tcase_add_test(tc, test_override);
	suite_add_tcase(s, tc);

	tc = tcase_create("load_errors");
	tcase_add_test(tc, test_load_missing_column);
	tcase_add_test(tc, test_load_no_header);
	tcase_add_test(tc, test_load_field_count);
	tcase_add_test(tc, test_load_bad_numbers);
	tcase_add_test(tc, test_load_bad_generated_by);
	tcase_add_test(tc, test_load_dir_missing_and_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("ms_code");
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_ms_code_prefers);
	suite_add_tcase(s, tc);

	tc = tcase_create("ms_phrase");
	tcase_add_checked_fixture(tc, phrase_setup, phrase_teardown);
	tcase_add_test(tc, test_phrase_exact);
	tcase_add_test(tc, test_phrase_loose);
	tcase_add_test(tc, test_phrase_ambiguous);
	tcase_add_test(tc, test_phrase_status_first);
	tcase_add_test(tc, test_phrase_none);
	suite_add_tcase(s, tc);

	tc = tcase_create("real_tables");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_real_tables);
	tcase_add_test(tc, test_real_known_rows);
	suite_add_tcase(s, tc);
	return s;
}
