/* check.h - the unit test suites, one per module, run by check_main.c. */
#ifndef SIPWHY_CHECK_H
#define SIPWHY_CHECK_H

#include <check.h>

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

/* The project's patterns/ directory (tests run from the top of the tree). */
#define PATTERNS_DIR "patterns"

#endif
