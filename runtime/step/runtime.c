/* runtime/step/runtime.c — which sandbox runtime this machine uses
 * (sandbox.h).  The choice is machine-local on purpose: it never appears in
 * the unit spec, so switching runtimes does not change any unit key. */
#include "step/sandbox.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const names[] = {"bwrap", "podman", "docker"};

const char *runtime_name(enum runtime rt) { return names[rt]; }

int runtime_parse(const char *name, enum runtime *rt)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i]))
			return *rt = (enum runtime)i, 0;
	return -1;
}

char *find_in_path(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	char *copy = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL, *found = NULL;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);
		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

/* config.ini: `runtime = …` at top level or in [build]. */
static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
	char **out = user;
	if ((!*section || !strcmp(section, "build")) && !strcmp(name, "runtime")) {
		free(*out);
		*out = xstrdup(value);
	}
	return 1;
}

static char *config_runtime(char **cfgpath)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		*cfgpath = xasprintf("%s/yoe/config.ini", xdg);
	else if (home && *home)
		*cfgpath = xasprintf("%s/.config/yoe/config.ini", home);
	else
		return NULL;
	char *val = NULL;
	if (ini_parse(*cfgpath, cfg_handler, &val) < 0) {
		free(val);
		return NULL;
	}
	return val;
}

int runtime_select(const char *cli, enum runtime *rt, const char **why, struct errbuf *e)
{
	static char whybuf[512];
	char *cfgpath = NULL, *cfg = NULL;
	const char *env = getenv("YOE_RUNTIME"), *choice = NULL, *src = NULL;
	if (cli && *cli)
		choice = cli, src = "--runtime";
	else if (env && *env)
		choice = env, src = "$YOE_RUNTIME";
	else if ((cfg = config_runtime(&cfgpath)))
		choice = cfg, src = cfgpath;
	int rc = 0;
	if (choice && strcmp(choice, "auto")) {
		if (runtime_parse(choice, rt))
			rc = errf(e, "%s: unknown runtime '%s' (use bwrap, podman, docker or auto)", src, choice);
		else
			snprintf(whybuf, sizeof whybuf, "%s from %s", choice, src);
	} else {
		rc = errf(e, "no sandbox runtime found: install bubblewrap (apt-get install bubblewrap), podman or docker");
		for (int i = 0; i < 3; i++) {
			char *p = find_in_path(names[i]);
			if (p) {
				free(p);
				*rt = (enum runtime)i;
				snprintf(whybuf, sizeof whybuf, "%s (auto-detected on PATH)", names[i]);
				rc = 0;
				break;
			}
		}
	}
	*why = whybuf;
	free(cfg);
	free(cfgpath);
	return rc;
}

int bwrap_has_disable_userns(const char *exe)
{
	int fd[2];
	if (pipe(fd) != 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp(exe, exe, "--version", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char buf[128] = "";
	ssize_t n = pid > 0 ? read(fd[0], buf, sizeof buf - 1) : -1;
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	int maj = 0, min = 0;
	if (n <= 0 || sscanf(buf, "bubblewrap %d.%d", &maj, &min) != 2)
		return 0;
	return maj > 0 || min >= 8;
}

const char *host_arch(void)
{
	static struct utsname un;
	if (uname(&un) != 0)
		return "unknown";
	if (!strcmp(un.machine, "aarch64"))
		return "arm64";
	return un.machine;
}

const char *docker_arch(const char *arch)
{
	if (!strcmp(arch, "x86_64"))
		return "amd64";
	if (!strcmp(arch, "aarch64"))
		return "arm64";
	return arch;
}

int binfmt_parse(const char *text, char **interp)
{
	*interp = NULL;
	if (!text || strncmp(text, "enabled", 7))
		return 0;
	const char *ip = strstr(text, "\ninterpreter "), *fl = strstr(text, "\nflags:");
	int fix = 0;
	if (fl)
		for (fl += 7; *fl && *fl != '\n'; fl++)
			fix |= *fl == 'F';
	if (ip && !fix) {
		ip += 13;
		*interp = strndup(ip, strcspn(ip, "\n"));
	}
	return 1;
}
