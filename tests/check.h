/* check.h - the unit test suites, one per module, run by check_main.c. */
#ifndef SIPWHY_CHECK_H
#define SIPWHY_CHECK_H

#include <check.h>
#include <string.h>

Suite *util_suite(void);
Suite *input_suite(void);
Suite *lines_suite(void);
Suite *format_suite(void);
Suite *framer_suite(void);
Suite *sip_suite(void);
Suite *reason_suite(void);
Suite *kb_suite(void);
Suite *calls_suite(void);
Suite *event_suite(void);
Suite *esc_suite(void);
Suite *run_suite(void);
Suite *export_suite(void);
Suite *utf16_suite(void);

/* A span (P, N) equals the string S. */
#define ck_assert_span(p, n, s)                                              \
	do {                                                                 \
		const char *sp_p_ = (p);                                     \
		size_t sp_n_ = (n);                                          \
		const char *sp_s_ = (s);                                     \
		ck_assert_msg(sp_p_ != NULL, "span is NULL, expected '%s'",  \
			      sp_s_);                                        \
		ck_assert_msg(sp_n_ == strlen(sp_s_) &&                      \
				      memcmp(sp_p_, sp_s_, sp_n_) == 0,      \
			      "span '%.*s' (%zu bytes), expected '%s'",      \
			      (int)sp_n_, sp_p_, sp_n_, sp_s_);              \
	} while (0)

/* The bytes of the file at PATH, NUL-terminated, in *N (malloc'd); the
 * test fails if it cannot be opened. */
char *test_slurp(const char *path, size_t *n);

/* The project's patterns/ directory (tests run from the top of the tree). */
#define PATTERNS_DIR "patterns"

#endif
