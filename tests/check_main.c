/* check_main.c - one runner for every suite.  CK_RUN_SUITE, CK_RUN_CASE,
 * CK_FORK=no and CK_VERBOSITY work as Check documents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "util.h"

char *test_slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = {0};
	char chunk[4096];
	size_t k;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	buf_add(&b, "", 0); /* an empty file: "" */
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, k);
	fclose(fp);
	*n = b.len;
	return b.p;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_add_suite(sr, input_suite());
	srunner_add_suite(sr, lines_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, framer_suite());
	srunner_add_suite(sr, sip_suite());
	srunner_add_suite(sr, reason_suite());
	srunner_add_suite(sr, kb_suite());
	srunner_add_suite(sr, calls_suite());
	srunner_add_suite(sr, event_suite());
	srunner_add_suite(sr, esc_suite());
	srunner_add_suite(sr, run_suite());
	srunner_add_suite(sr, export_suite());
	srunner_add_suite(sr, utf16_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
