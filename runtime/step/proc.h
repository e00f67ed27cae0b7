/* runtime/step/proc.h — runs one sandbox process and ends it (and with it
 * the whole sandboxed process tree) when container-step is told to stop.
 *
 * bwrap runs the step as pid 1 of a fresh pid namespace with
 * --die-with-parent, so killing bwrap makes the kernel kill every process
 * of the step: nothing survives a Ctrl-C or ninja's SIGTERM.  The child is
 * also bound to container-step with PR_SET_PDEATHSIG, so even a SIGKILL of
 * container-step tears the sandbox down.  The child runs in a process group
 * of its own and signals go to the whole group, so helpers an engine client
 * spawns end too.  podman/docker clients get SIGTERM first (they forward it
 * to the container's init) and SIGKILL 5 s later. */
#ifndef YOE_STEP_PROC_H
#define YOE_STEP_PROC_H

#include "step/util.h"

/* proc_signals installs the SIGINT/SIGTERM/SIGHUP handlers. */
void proc_signals(void);
/* proc_cancelled returns the termination signal received, or 0. */
int proc_cancelled(void);
/* proc_run runs argv (argv[0] looked up on PATH) with stdin /dev/null and
 * stdout/stderr appended to logfd.  Returns the exit status, 128+signal
 * when it was killed, -1 when it could not be started (message in e).
 * soft: stop with SIGTERM (then SIGKILL) instead of SIGKILL at once. */
int proc_run(char *const argv[], int logfd, int soft, struct errbuf *e);

#endif
