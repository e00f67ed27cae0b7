/* runtime/image/run.c — fork/exec of helper tools with captured output
 * (run.h).  The environment is inherited; callers add the few variables the
 * tools need to be deterministic (E2FSPROGS_FAKE_TIME, MKE2FS_CONFIG...). */
#include "image/run.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void redirect(int fd, const char *path)
{
	int f = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	             0600);
	if (f >= 0) {
		dup2(f, fd);
		close(f);
	}
}

int run_cmd(char *const argv[], const struct run_opts *o)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		if (in >= 0) {
			dup2(in, 0);
			close(in);
		}
		redirect(1, o ? o->out : NULL);
		redirect(2, o ? o->err : NULL);
		for (char *const *e = o && o->env ? o->env : NULL; e && *e; e++)
			putenv(*e);
		/* Tools speak English so their messages can be matched. */
		setenv("LC_ALL", "C", 1);
		if (o && o->dir && chdir(o->dir))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	for (;;) {
		int tick = o && o->tick && o->tick_ms > 0;
		pid_t w = waitpid(pid, &status, tick ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return 127;
		if (w == 0) {
			o->tick(o->tick_arg);
			struct timespec ts = {o->tick_ms / 1000, (o->tick_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void show_lines(const char *path, int max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	for (int n = 0; f && n < max && fgets(line, sizeof line, f); n++)
		fprintf(stderr, "  | %s%s", line, strchr(line, '\n') ? "" : "\n");
	if (f)
		fclose(f);
}

int run_tool(const char *what, char *const argv[], char *const *env,
             const char *tmpdir)
{
	char *out = path_join(tmpdir, "tool.out"), *err = path_join(tmpdir, "tool.err");
	struct run_opts o = {.env = env, .out = out, .err = err};
	int rc = run_cmd(argv, &o);
	if (rc) {
		if (rc == 127 && !have_tool(argv[0]))
			log_error("%s: cannot run %s (install it: scripts/install-deps)", what,
			          argv[0]);
		else
			log_error("%s: %s failed (exit %d):", what, argv[0], rc);
		show_lines(err, 12);
		show_lines(out, 6);
	}
	unlink(out);
	unlink(err);
	free(out);
	free(err);
	return rc ? -1 : 0;
}

int have_tool(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin:/usr/sbin:/sbin";
	char buf[4096];
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, name);
		if (access(buf, X_OK) == 0)
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}
