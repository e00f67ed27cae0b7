/* gen/cli/qemu_console.c — runs QEMU as a child with its serial console
 * (stdout and stderr, merged) on a pipe and, for boot tests, its stdin on a
 * pipe too; keeps the console text with ANSI escapes stripped so POSIX
 * regexes can be matched against what a person would see; and makes sure the
 * child never outlives us (SIGINT/SIGTERM/SIGHUP interrupt every wait so the
 * caller can kill it).  Used by the boot test and the KVM probe. */
#include "cli/qemu.h"
#include "lib/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEXT_MAX (1u << 20)   /* console text kept: the last MiB or so */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

void qemu_signals(void)
{
	signals_catch_stop(on_signal);
	signal(SIGPIPE, SIG_IGN); /* writing `poweroff` to a guest that is gone */
}

int qemu_signalled(void)
{
	return got_signal;
}

double qemu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int qemu_con_start(struct qemu_con *c, const char *path, char *const argv[], bool stdin_pipe,
                   int echo)
{
	memset(c, 0, sizeof *c);
	c->out = c->in = -1;
	c->echo = echo;
	int out[2], in[2] = {-1, -1};
	if (pipe2(out, O_CLOEXEC) < 0)
		return -1;
	if (stdin_pipe && pipe2(in, O_CLOEXEC) < 0) {
		close(out[0]), close(out[1]);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(out[0]), close(out[1]);
		if (stdin_pipe)
			close(in[0]), close(in[1]);
		return -1;
	}
	if (pid == 0) {
		/* its own process group: a terminal's Ctrl-C reaches only us, and
		 * we stop the guest in order */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		int fd0 = stdin_pipe ? in[0] : open("/dev/null", O_RDONLY);
		if (fd0 < 0 || dup2(fd0, 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		execv(path, argv);
		dprintf(2, "yoe run: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (stdin_pipe)
		close(in[0]);
	setpgid(pid, pid); /* as the child does: no race with a kill of the group */
	c->pid = pid;
	c->out = out[0];
	c->in = in[1];
	fcntl(c->out, F_SETFL, fcntl(c->out, F_GETFL) | O_NONBLOCK);
	c->t0 = qemu_now();
	c->cap = 4096;
	c->text = malloc(c->cap);
	if (!c->text)
		abort();
	c->text[0] = '\0';
	return 0;
}

/* keep appends one console byte to the text unless it belongs to an ANSI
 * escape sequence (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ESC \`,
 * charset `ESC ( X`, or a two-byte `ESC X`) or is a control byte other than
 * newline and tab. */
static void keep(struct qemu_con *c, unsigned char ch)
{
	enum { PLAIN, ESC, CSI, OSC, OSC_ESC, CHARSET };
	switch (c->esc) {
	case ESC:
		c->esc = ch == '[' ? CSI : ch == ']' ? OSC : ch == '(' || ch == ')' ? CHARSET : PLAIN;
		return;
	case CSI:
		if (ch >= 0x40 && ch <= 0x7e)
			c->esc = PLAIN;
		return;
	case OSC:
		c->esc = ch == 7 ? PLAIN : ch == 27 ? OSC_ESC : OSC;
		return;
	case OSC_ESC:
	case CHARSET:
		c->esc = PLAIN;
		return;
	}
	if (ch == 27) {
		c->esc = ESC;
		return;
	}
	if (ch < 32 && ch != '\n' && ch != '\t')
		return;
	if (c->len + 2 > c->cap) {
		c->cap *= 2;
		c->text = realloc(c->text, c->cap);
		if (!c->text)
			abort();
	}
	c->text[c->len++] = (char)ch;
	c->text[c->len] = '\0';
}

/* take reads what is in the pipe now.  Returns 1 if text came, 0 if not. */
static int take(struct qemu_con *c)
{
	char b[4096];
	int got = 0;
	while (c->out >= 0) {
		ssize_t n = read(c->out, b, sizeof b);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) { /* EOF (or a broken pipe): the child is ending */
			close(c->out);
			c->out = -1;
			break;
		}
		if (c->echo >= 0 && write(c->echo, b, (size_t)n) < 0)
			c->echo = -1;
		for (ssize_t i = 0; i < n; i++)
			keep(c, (unsigned char)b[i]);
		got = 1;
	}
	if (c->len > TEXT_MAX) { /* keep the newest half: prompts are recent */
		size_t cut = c->len - TEXT_MAX / 2;
		memmove(c->text, c->text + cut, c->len - cut + 1);
		c->len -= cut;
		c->from = c->from > cut ? c->from - cut : 0;
	}
	return got;
}

static int reap(struct qemu_con *c, int flags)
{
	if (!c->pid)
		return 1;
	pid_t r;
	while ((r = waitpid(c->pid, &c->status, flags)) < 0 && errno == EINTR)
		;
	if (r == c->pid || (r < 0 && errno == ECHILD)) {
		c->pid = 0;
		return 1;
	}
	return 0;
}

static bool match(struct qemu_con *c, const regex_t *re)
{
	regmatch_t m;
	int flags = c->from && c->text[c->from - 1] != '\n' ? REG_NOTBOL : 0;
	if (regexec(re, c->text + c->from, 1, &m, flags) != 0)
		return false;
	c->from += (size_t)m.rm_eo;
	return true;
}

int qemu_con_wait(struct qemu_con *c, const regex_t *re, double deadline)
{
	bool fresh = true;
	for (;;) {
		if (re && fresh && match(c, re))
			return CON_MATCH;
		fresh = false;
		if (got_signal)
			return CON_SIGNAL;
		if (reap(c, WNOHANG)) { /* gone: what it wrote last is in the pipe */
			if (take(c) && re && match(c, re))
				return CON_MATCH;
			return CON_EXIT;
		}
		double left = deadline - qemu_now();
		if (left <= 0)
			return CON_TIMEOUT;
		int ms = left > 0.2 ? 200 : (int)(left * 1000) + 1;
		if (c->out < 0) { /* output closed, child not gone yet */
			poll(NULL, 0, ms < 50 ? ms : 50);
			continue;
		}
		struct pollfd p = {c->out, POLLIN, 0};
		if (poll(&p, 1, ms) > 0)
			fresh = take(c);
	}
}

void qemu_con_send(struct qemu_con *c, const char *s)
{
	if (c->in >= 0 && write(c->in, s, strlen(s)) < 0) {
		close(c->in);
		c->in = -1;
	}
}

void qemu_con_stop(struct qemu_con *c)
{
	if (c->in >= 0)
		close(c->in);
	c->in = -1;
	if (c->pid) {
		int pg = c->pid;
		kill(-pg, SIGTERM);
		double end = qemu_now() + 2;
		/* keep draining: a QEMU blocked on a full pipe cannot exit */
		while (c->pid && !reap(c, WNOHANG) && qemu_now() < end) {
			take(c);
			poll(NULL, 0, 20);
		}
		if (c->pid)
			kill(-pg, SIGKILL);
		reap(c, 0);
		kill(-pg, SIGKILL); /* anything it left in its group */
	}
	take(c);
	if (c->out >= 0)
		close(c->out);
	c->out = -1;
}

void qemu_con_tail(const struct qemu_con *c, int n, FILE *fp)
{
	size_t end = c->len;
	if (end && c->text[end - 1] == '\n')
		end--;
	size_t start = end;
	while (start > 0) {
		if (c->text[start - 1] == '\n' && --n == 0)
			break;
		start--;
	}
	fwrite(c->text + start, 1, end - start, fp);
	fputc('\n', fp);
}

const char *qemu_con_describe(int status)
{
	static char s[64];
	if (WIFSIGNALED(status))
		snprintf(s, sizeof s, "killed by signal %d%s", WTERMSIG(status),
		         WTERMSIG(status) == SIGABRT ? " (aborted)" : "");
	else
		snprintf(s, sizeof s, "exit status %d", WEXITSTATUS(status));
	return s;
}

void qemu_con_free(struct qemu_con *c)
{
	qemu_con_stop(c);
	free(c->text);
	c->text = NULL;
}
