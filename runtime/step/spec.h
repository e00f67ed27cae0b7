/* runtime/step/spec.h — the unit spec `yoe gen` writes for container-step
 * (build/<distro>/<unit>.<scope>/unit.ini), read with lib/specini.h.
 *
 * The format is documented in docs/step.md.  In short: sections [unit],
 * [env], [vars], [deps], [cache] and one [task NAME] per task in build
 * order (or [container] for a container unit), plus [package], which is
 * apk-sign's and skipped here; values use backslash escapes (\n \t \\ \;
 * \# \s \xHH) so any shell text fits on one line, and `key+ = more`
 * continues the previous value for lines longer than inih's 200-byte
 * buffer.  Nothing in the spec names the sandbox runtime: that is a
 * machine-local choice (runtime.h).
 */
#ifndef YOE_STEP_SPEC_H
#define YOE_STEP_SPEC_H

#include "step/util.h"

enum step_kind {
	STEP_SHELL,     /* text run with the unit's shell inside the sandbox */
	STEP_INSTALL,   /* install_file: copy src → dest on the host side */
	STEP_TEMPLATE,  /* install_template: render src → dest on the host side */
};

struct step {
	enum step_kind kind;  /* what to do */
	char *text;           /* STEP_SHELL: the script (may be multi-line) */
	char *src;            /* install/template: path under files_dir */
	char *dest;           /* install/template: $DESTDIR-relative target */
	int mode;             /* install/template: permission bits */
	int line;             /* line of the spec that started this step */
};

struct task {
	char *name;          /* task name, from [task NAME] */
	int network;         /* 1 when the task opted in to the network */
	char *container;     /* per-task container override, NULL = unit's */
	char *container_rootfs; /* override of the rootfs dir (bwrap) */
	char *container_image;  /* override of the image ref (podman/docker) */
	struct step *steps;  /* steps in order */
	size_t nsteps;       /* number of steps */
	size_t cap;          /* allocated steps */
};

/* container: present when the unit is a container unit, which builds a
 * container for other units instead of running tasks. */
struct container_spec {
	int present;          /* a [container] section was given */
	char *rootfs_tarball; /* bwrap: pinned rootfs tarball (fetched and
	                         sha256-checked by fetch-and-verify) */
	char *dockerfile;     /* podman/docker: the Dockerfile */
	char *context;        /* podman/docker: build context directory */
	char *image;          /* podman/docker: tag to build, yoe/<n>:<v>-<arch> */
	struct task setup;    /* bwrap: setup steps run in the new rootfs */
};

struct unit_spec {
	char *path;            /* the spec file itself */
	char *dir;             /* unit build dir: src/ destdir/ sysroot/ stage/ */
	char *project_dir;     /* project root, hidden from steps; relative
	                          paths in the spec are relative to it */
	/* [unit] fields that reach templates and the environment */
	char *name, *version, *release, *arch, *machine, *distro, *console;
	char *project, *project_version;
	char *key;             /* unit key (hex), recorded in build.json */
	char *scope;           /* arch, machine name or noarch */
	char *shell;           /* "sh" or "bash" */
	char *container;       /* "host", a container unit, or an image ref */
	char *container_arch;  /* "target" or "host" */
	char *container_rootfs;/* unpacked rootfs dir of the container (bwrap) */
	char *container_image; /* image ref of the container (podman/docker) */
	char *files_dir;       /* directory install_file/template read from */
	char *files;           /* the unit's files directory (what its key
	                          hashes), bound read-only at /build/files */
	char *source_date_epoch; /* SOURCE_DATE_EPOCH value ("0" default) */
	char *sandbox;         /* the original's bwrap switch: accepted, ignored
	                          (every step is sandboxed) */
	struct kvlist env;     /* [env]: added to the step environment */
	struct kvlist vars;    /* [vars]: extra template keywords */
	struct kvlist deps;    /* [deps]: unit name → staged tree */
	struct kvlist cache;   /* [cache]: sandbox path → host cache dir */
	struct container_spec ctr; /* [container], for container units */
	struct task *tasks;    /* [task NAME] sections in file order */
	size_t ntasks;         /* number of tasks */
};

/* spec_load parses path into u (zeroed first).  Relative paths are made
 * absolute against project_dir (default: the current directory).  On error
 * returns -1 with `path:line: error: ...` in e. */
int spec_load(const char *path, struct unit_spec *u, struct errbuf *e);
void spec_free(struct unit_spec *u);

/* spec_unescape decodes the value escapes into a malloc'd string; returns
 * NULL with a message in e on a bad escape (specini_unescape with an
 * errbuf). */
char *spec_unescape(const char *in, struct errbuf *e);
/* spec_escape is the inverse, for tools and tests that write specs
 * (specini_escape; aborts when out of memory, as xrealloc does). */
char *spec_escape(const char *in);

#endif
