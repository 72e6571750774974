/* follow.h - live logs: follow files like tail -F (growth, rotation by
 * rename, copytruncate, files that do not exist yet), a file or a pipe on
 * stdin, writing each annotation as soon as its message is complete. */
#ifndef SIPWHY_FOLLOW_H
#define SIPWHY_FOLLOW_H

#include <signal.h>

#include "run.h"

/* Set by the signal handlers: stop (SIGINT, SIGTERM) and report now
 * (SIGUSR1). */
extern volatile sig_atomic_t follow_stop, follow_report;
void follow_signals(void);

struct follow_opts {
	int from_start;    /* read files from their start, not their end */
	int summary_every; /* seconds between summaries, 0 for none */
	int idle_ms;       /* quiet time before a waiting record is closed */
};

/* Follows PATHS (NPATHS of them; none: stdin) until a stop signal, or for
 * a stdin that is not a regular file until its end.  Returns after the inputs
 * are closed; the caller writes the final summary with run_finish. */
void follow_run(struct run *r, int npaths, char **paths,
                const struct follow_opts *fo);

#endif
