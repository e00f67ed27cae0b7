/* runtime/image/run.h — running the external tools image-assemble drives
 * (mke2fs, debugfs, mkfs.vfat, mcopy, syslinux, bwrap), quietly, with their
 * output kept so a failure can be shown to the user. */
#ifndef YOE_IMAGE_RUN_H
#define YOE_IMAGE_RUN_H

#include <stddef.h>

/* run_opts says how to run one command. */
struct run_opts {
	char *const *env;     /* extra NAME=value strings (NULL-terminated), or NULL */
	const char *out;      /* file receiving stdout (NULL: /dev/null) */
	const char *err;      /* file receiving stderr (NULL: /dev/null) */
	const char *dir;      /* working directory, or NULL */
	/* Called about every tick_ms while the command runs (the ext4 step
	 * uses it to start writing the image back to disk early), or NULL. */
	void (*tick)(void *arg);
	void *tick_arg;
	int tick_ms;
};

/* run_cmd runs argv[0] (searched in PATH) and waits.  Returns its exit
 * status, 127 when it could not be started, 128+signal when killed. */
int run_cmd(char *const argv[], const struct run_opts *o);

/* run_tool is run_cmd with stdout and stderr captured in tmpdir; on a
 * non-zero exit it prints "<what>: <tool> failed (exit N)" and the first
 * lines of the tool's stderr, then returns -1. */
int run_tool(const char *what, char *const argv[], char *const *env,
             const char *tmpdir);

/* have_tool is 1 when name is an executable in PATH. */
int have_tool(const char *name);

#endif
