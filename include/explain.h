/* explain.h - `sipwhy explain`: what a bare code or phrase means. */
#ifndef SIPWHY_EXPLAIN_H
#define SIPWHY_EXPLAIN_H

#include <stdio.h>

#include "kb.h"

/* Explains each argument: a Microsoft code (560487, 10037, 0), a SIP
 * status (480), a Q.850 cause (q850:31), a pair (480/10037) or a phrase.
 * Returns 0 when every argument was explained, 1 when one was not. */
int explain_args(const struct kb *kb, int argc, char **argv, FILE *out);

#endif
