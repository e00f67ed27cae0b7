/* gen/cli/qemu.h — what `yoe run` (gen/cli/cmd_run.c) is built from: the
 * image's qemu.ini as `yoe gen` wrote it (qemu_conf.c), the QEMU command
 * line (qemu_argv.c), the choice between KVM and TCG (qemu_accel.c), the
 * disk copy a guest boots from (qemu_disk.c) and the watcher that runs QEMU
 * with its serial console on a pipe (qemu_console.c).  docs/run.md
 * describes the behaviour. */
#ifndef YOE_CLI_QEMU_H
#define YOE_CLI_QEMU_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- qemu_conf.c: qemu.ini ---- */

struct qemu_port {
	int host, guest;              /* hostfwd=tcp::host-:guest */
};

/* One image's qemu.ini.  Paths are absolute (the file's are relative to the
 * project root).  Every string is malloc'd, "" when not given. */
struct qemu_conf {
	char *path;                   /* the qemu.ini read */
	/* [run] */
	char *image, *machine, *arch, *boot, *kernel, *initrd, *cmdline;
	/* [qemu] */
	char *qmachine, *cpu, *memory, *firmware, *display;
	struct qemu_port *ports;
	size_t nports;
};

/* qemu_conf_read reads path; relative paths in it are taken from root.
 * 0 ok; -1 after printing `path:line:1: error: ...`. */
int qemu_conf_read(struct qemu_conf *c, const char *path, const char *root);
void qemu_conf_free(struct qemu_conf *c);
/* qemu_port_parse parses "H:G" (1..65535 each).  0 ok, -1 bad. */
int qemu_port_parse(const char *s, struct qemu_port *p);
/* qemu_port_set adds p, replacing a forward to the same guest port. */
void qemu_port_set(struct qemu_conf *c, struct qemu_port p);
/* qemu_size_parse parses "N[KMGT]" (binary units) into bytes.  0 ok, -1 bad. */
int qemu_size_parse(const char *s, uint64_t *bytes);

/* ---- qemu_argv.c: the command line ---- */

/* A growable NULL-terminated argv (malloc'd strings). */
struct qargv {
	char **v;
	size_t n, cap;
};
void qa_add(struct qargv *a, const char *s);
void qa_addf(struct qargv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qa_free(struct qargv *a);
/* qa_print writes a as one shell-quoted command line and a newline. */
void qa_print(const struct qargv *a, FILE *out);

/* qemu_arch_norm: "arm64" → "aarch64"; others as given. */
const char *qemu_arch_norm(const char *arch);
/* qemu_binary_name: qemu-system-<arch>, or NULL for an unknown arch. */
const char *qemu_binary_name(const char *arch);
/* qemu_debian_package: the Debian package shipping that binary. */
const char *qemu_debian_package(const char *arch);
/* qemu_find_binary searches $PATH: malloc'd path or NULL. */
char *qemu_find_binary(const char *name);
/* qemu_default_machine: -machine when qemu.ini gives none. */
const char *qemu_default_machine(const char *arch);

enum qemu_mode { QEMU_TERM, QEMU_DAEMON, QEMU_TEST };

/* Everything one QEMU command line is made from. */
struct qemu_plan {
	const struct qemu_conf *c;
	const char *bin;              /* the binary (path, or its name) */
	const char *accel;            /* "kvm" or "tcg" */
	const char *disk;             /* the run copy, or NULL for no disk */
	const char *memory, *display; /* effective (flags over qemu.ini) */
	enum qemu_mode mode;
	const char *log, *pidfile;    /* run/console.log, run/qemu.pid */
};
void qemu_build_argv(const struct qemu_plan *pl, struct qargv *a);
/* qemu_common_argv adds -machine, -accel, -cpu, -m and -bios: the part the
 * KVM probe shares with the real run. */
void qemu_common_argv(const struct qemu_plan *pl, struct qargv *a);

/* ---- qemu_accel.c: KVM or TCG ---- */

/* qemu_pick_accel sets pl->accel to "kvm" or "tcg" and prints one line
 * saying why.  probe_disk is the disk to boot for the probe when there is no
 * kernel to boot directly (NULL: none).  Honours $YOE_QEMU_ACCEL (and
 * $YOE_KVM_DEVICE, /dev/kvm by default, for tests).  -1 after an error (a
 * bad $YOE_QEMU_ACCEL) or when a signal interrupted the probe; 0 ok. */
int qemu_pick_accel(struct qemu_plan *pl, const char *probe_disk);

/* ---- qemu_disk.c: the run copy ---- */

/* qemu_disk_copy copies src to dst keeping holes (FICLONE, else
 * copy_file_range over data extents, else read/write skipping zeros) and
 * grows it by grow bytes.  0 ok; -1 after printing an error. */
int qemu_disk_copy(const char *src, const char *dst, uint64_t grow);
/* qemu_running returns the pid of a QEMU holding pidfile's lock, else 0. */
long qemu_running(const char *pidfile);

/* ---- qemu_console.c: QEMU on a pipe ---- */

/* A QEMU child whose stdout and stderr (its serial console) come back on a
 * pipe, and optionally whose stdin is a pipe. */
struct qemu_con {
	int pid;                      /* child, 0 once reaped */
	int out;                      /* read end of its output, -1 at EOF */
	int in;                       /* write end of its stdin, or -1 */
	int status;                   /* wait status once reaped */
	int echo;                     /* copy raw output to this fd, or -1 */
	char *text;                   /* output with ANSI escapes, \r and NULs dropped */
	size_t len, cap;
	size_t from;                  /* where the next expectation is searched */
	int esc;                      /* ANSI-stripping state across reads */
	double t0;                    /* start time (monotonic seconds) */
};

enum { CON_MATCH, CON_EXIT, CON_TIMEOUT, CON_SIGNAL };

/* qemu_signals makes SIGINT/SIGTERM/SIGHUP interrupt waits (so the child
 * can be killed) and ignores SIGPIPE. */
void qemu_signals(void);
/* the signal that interrupted a wait, or 0 */
int qemu_signalled(void);
double qemu_now(void);
/* qemu_con_start forks argv[0]=path with the pipes.  0 ok; -1 with errno. */
int qemu_con_start(struct qemu_con *c, const char *path, char *const argv[], bool stdin_pipe,
                   int echo);
/* qemu_con_wait reads output until re matches the text after c->from
 * (re NULL: never), the child exits, the monotonic clock reaches deadline,
 * or a signal arrives.  On a match c->from moves past it. */
int qemu_con_wait(struct qemu_con *c, const regex_t *re, double deadline);
/* qemu_con_send writes s to the child's stdin (errors ignored: it may be
 * gone). */
void qemu_con_send(struct qemu_con *c, const char *s);
/* qemu_con_stop: SIGTERM, up to 2 s, then SIGKILL; reaps the child. */
void qemu_con_stop(struct qemu_con *c);
/* qemu_con_tail prints the last n lines of the text to fp. */
void qemu_con_tail(const struct qemu_con *c, int n, FILE *fp);
/* qemu_con_describe: "exit status N" / "killed by signal N" (static). */
const char *qemu_con_describe(int status);
void qemu_con_free(struct qemu_con *c);

#endif
