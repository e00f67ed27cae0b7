/* runtime/step/proc.c — child process and signal handling (proc.h). */
#include "step/proc.h"
#include "lib/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;
static volatile pid_t child;
static volatile sig_atomic_t soft_kill;

static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(-child, SIGKILL);
}

static void on_term(int sig)
{
	int saved = errno;
	got_signal = sig;
	if (child > 0) {
		kill(-child, soft_kill ? SIGTERM : SIGKILL);  /* its whole group */
		if (soft_kill)
			alarm(5);
	}
	errno = saved;
}

void proc_signals(void)
{
	signals_catch_stop(on_term);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

int proc_cancelled(void) { return got_signal; }

int proc_run(char *const argv[], int logfd, int soft, struct errbuf *e)
{
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		setpgid(0, 0);  /* a group of its own: signals reach all it spawns */
		sigprocmask(SIG_SETMASK, &old, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(128 + SIGKILL);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "container-step: cannot run %s: %s (install it or choose another runtime with --runtime)\n",
		        argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return errf(e, "cannot start %s: %s", argv[0], strerror(errno));
	}
	setpgid(pid, pid);  /* also here, so no signal can race the child's */
	soft_kill = soft;
	child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (got_signal)  /* arrived before child was set */
		kill(-pid, soft ? SIGTERM : SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	child = 0;
	alarm(0);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
