/* gen/yoe/model.h — the project model: what `yoe gen` knows after every
 * .star file ran.  Plain structs, filled by the builtins (gen/yoe/builtins*.c)
 * while files evaluate, then resolved (registry.c, provides.c, closure.c,
 * dag.c) and keyed (unitkey.c).  Nothing here refers to interpreter values:
 * the builtins copy what they need into the project's arena, so emitters and
 * commands walk the model with no Starlark in sight.
 *
 * Strings are never NULL ("" when unset) and live in yoe_project.arena.
 * Paths are absolute unless a field says otherwise. */
#ifndef YOE_MODEL_H
#define YOE_MODEL_H

#include "yoe/util.h"

#include <stdbool.h>
#include <stdint.h>

/* Where a call or file came from, for `path:line:col: error:` messages. */
struct yoe_pos {
	const char *file; /* absolute path of the .star file, or NULL */
	int line, col;    /* 1-based; 0 when unknown */
};

/* A JSON-like value: the unit's extra keywords (converted from Starlark). */
enum yoe_jkind { YJ_NULL, YJ_BOOL, YJ_INT, YJ_FLOAT, YJ_STR, YJ_LIST, YJ_DICT };
struct yoe_jval {
	enum yoe_jkind kind;
	bool b;                  /* YJ_BOOL */
	int64_t i;               /* YJ_INT */
	double f;                /* YJ_FLOAT */
	const char *s;           /* YJ_STR */
	size_t n;                /* YJ_LIST / YJ_DICT: element count */
	struct yoe_jval **items; /* YJ_LIST elements; YJ_DICT values */
	const char **keys;       /* YJ_DICT keys, sorted */
};

/* str → str dictionary entries (environment, cache_dirs, distro_unit),
 * kept sorted by key. */
struct yoe_smap {
	size_t n;
	const char **keys;  /* sorted */
	const char **vals;
};

/* str → [str] dictionary (distro_deps, distro_packages), sorted by key. */
struct yoe_lmap {
	size_t n;
	const char **keys;     /* sorted */
	struct strlist *vals;  /* one list per key, order as declared */
};

/* One build step of a task. */
enum yoe_step_kind { YS_CMD, YS_FN, YS_INSTALL_FILE, YS_INSTALL_TEMPLATE };
struct yoe_step {
	enum yoe_step_kind kind;
	const char *text;     /* YS_CMD: the shell text; YS_FN: the function's name */
	const char *src;      /* install: source, relative to base_dir */
	const char *dest;     /* install: destination ($DESTDIR/…) */
	int mode;             /* install: permission bits (0644 default) */
	const char *base_dir; /* install: <dir of calling .star>/<its basename minus .star> */
	struct yoe_pos pos;   /* fn steps: where the function was defined/used */
};

struct yoe_task {
	const char *name;        /* "build", "install", … */
	const char *container;   /* per-task container, "" = the unit's */
	bool network;            /* steps may use the network (new in yoe-c) */
	bool remove;             /* merge_tasks marker; kept for the key */
	struct yoe_step *steps;  /* in order */
	size_t nsteps;
};

struct yoe_partition {
	const char *label;       /* "rootfs" */
	const char *type;        /* "ext4" | "vfat" | "raw" */
	const char *size;        /* "64M", "2G", "fill" */
	bool root;               /* holds the root filesystem */
	struct strlist contents; /* files copied in */
};

/* A unit: one piece of software (or container, or image). */
struct yoe_unit {
	/* declared fields (unit-api.md) */
	const char *name;
	const char *class;           /* "unit", "image", "container", or unit_class= */
	const char *version;
	int64_t release;
	const char *description, *license;
	const char *scope;           /* "", "arch", "machine", "noarch" */
	const char *distro;          /* visibility tag; for images the image's distro */
	const char *source, *sha256, *apk_checksum, *passthrough_apk;
	const char *tag, *branch, *commit;
	struct strlist mirrors, patches;
	struct strlist deps, runtime_deps;
	struct yoe_lmap distro_deps, distro_runtime_deps;
	struct strlist provides, replaces, services, conffiles;
	const char *container, *container_arch, *shell;
	bool sandbox;
	struct yoe_smap environment, cache_dirs;
	struct yoe_task *tasks;      /* in order */
	size_t ntasks;
	/* image fields */
	struct strlist artifacts, artifacts_explicit, exclude;
	const char *hostname, *timezone, *locale;
	struct yoe_partition *partitions;
	size_t npartitions;
	const char *unbuildable_machine;
	struct strlist machine_kernel_distros;
	/* every other keyword, sorted by key (feeds templates and the key) */
	size_t nextra;
	const char **extra_keys;
	struct yoe_jval **extra_vals;

	/* provenance */
	const char *module;          /* canonical module name, "" = project root */
	int module_index;            /* priority: higher wins (§4.1) */
	const char *defined_in;      /* directory of the top-level file that ran */
	const char *file;            /* that top-level .star file */
	struct yoe_pos pos;          /* the unit()/image() call (innermost frame in `file`) */

	/* resolution results */
	struct yoe_unit *shadowed_by; /* set when a higher-priority unit of the same name won */
	int seq;                      /* registration order (stable tie-breaks) */
	int id;                       /* index in yoe_project.units */
	int dag_id;                   /* node number in the current DAG, -1 if none */
	char key[65];                 /* SHA-256 hex unit key ("" until computed) */
};

struct yoe_kernel {
	const char *unit;            /* flat kernel unit */
	struct yoe_smap distro_unit; /* {distro: unit}, exclusive with unit */
	const char *provides;        /* virtual name, e.g. "linux" */
	const char *defconfig, *cmdline;
};

struct yoe_qemu {
	bool set;                    /* qemu= was given */
	const char *machine, *cpu, *memory, *firmware, *display;
	struct strlist ports;        /* "host:guest" */
};

struct yoe_machine {
	const char *name;
	const char *arch;            /* x86_64 | arm64 | riscv64 */
	const char *description;
	bool has_kernel;             /* kernel= was given */
	struct yoe_kernel kernel;
	struct strlist packages;
	struct yoe_lmap distro_packages;
	struct yoe_partition *partitions;
	size_t npartitions;
	struct yoe_qemu qemu;
	struct strlist aliases;      /* extra image-<alias> targets (new) */
	const char *module;          /* module that defined it ("" = project) */
	struct yoe_pos pos;          /* the machine() call */
};

/* A module the project uses (declared in PROJECT.star or a MODULE.star). */
struct yoe_module {
	const char *name;            /* canonical: module_info(name=) or basename */
	const char *basename;        /* fallback name from path/url */
	const char *url, *ref, *path, *local, *commit;
	const char *clone_dir;       /* local dir or cache/modules/<basename> */
	const char *dir;             /* clone_dir + "/" + path: the module root */
	const char *description;     /* from module_info */
	const char *parent;          /* name of the module that declared it, "" = project */
	int index;                   /* priority 1..N in expanded order */
	bool available;              /* dir exists */
	struct yoe_pos pos;          /* the module() call that declared it */
};

/* A load()ed or walked file, cached by canonical path. */
struct yoe_file {
	const char *path;            /* realpath */
	int state;                   /* 0 new, 1 running (cycle marker), 2 done, 3 failed */
	void *globals;               /* interpreter globals (opaque to the model) */
	struct strlist loads;        /* canonical paths this file loaded, in order */
	const char *text_sha;        /* SHA-256 hex of its bytes ("" until needed) */
};

/* A shadowing decision, for --show-shadows style reporting. */
struct yoe_shadow {
	const char *name;            /* the unit name */
	const char *winner, *loser;  /* "project root" or `module "m"` */
};

/* prefer_modules entry: in distro `distro`, unit `unit` comes from `module`. */
struct yoe_pin {
	const char *distro, *unit, *module;
};

/* The whole project. */
struct yoe_project {
	struct yoe_arena arena;      /* every string and record below */
	const char *root;            /* project directory (realpath) */
	const char *cache_dir;       /* $YOE_CACHE or <root>/cache */
	/* project() */
	bool declared;               /* project() was called */
	const char *name, *version, *signing_key, *cache_path;
	const char *def_machine, *def_image, *def_distro; /* defaults() */
	struct yoe_pin *pins;        /* prefer_modules, sorted by distro, unit */
	size_t npins;
	struct yoe_pos project_pos;  /* the project() call */
	/* local.star */
	const char *local_machine, *local_image, *distro_override;
	/* choices for this evaluation */
	const char *machine;         /* active machine name */
	const char *arch;            /* its arch (x86_64 if unknown) */
	/* modules in expanded order (project-declared, then transitive) */
	struct yoe_module **modules;
	size_t nmodules;
	/* machines, by name; last definition wins (§3.4) */
	struct strmap machines;      /* name → struct yoe_machine* */
	/* units */
	struct yoe_unit **units;     /* every registered unit (not dropped), registration order */
	size_t nunits, capunits;
	struct strmap flat;          /* name → winning unit (flat catalog) */
	struct strmap variants;      /* name → struct yoe_variants* (every module's entry) */
	struct strmap provides;      /* virtual → unit name (the global table; "" = kernel distro_unit seed) */
	struct strmap pviews;        /* "distro\x1fvirtual" → first unit tagged distro providing it */
	struct yoe_shadow *shadows;
	size_t nshadows;
	struct strlist warnings;     /* non-fatal diagnostics, in order */
	struct yoe_unit **active;    /* cache of yoe_active_units (NULL = stale) */
	size_t nactive;
	/* current evaluation context (set by the loader) */
	const char *cur_module;      /* module of the phase being run */
	int cur_index;               /* its priority */
	const char *cur_file;        /* top-level file executing */
	const char *phase;           /* "project", "machines", … */
	struct strmap files;         /* canonical path → struct yoe_file* */
	struct strmap hashcache;     /* XXH3 stat fingerprint (hex) → SHA-256 hex, as loaded */
	struct strmap hashused;      /* the entries this run used (what gets saved) */
	struct strmap walked_dirs;   /* every directory the phase walks listed */
	bool hashcache_loaded, hashcache_dirty;
	/* the error that stopped evaluation/resolution, or NULL */
	char *err;
	char *errmsg;                /* the same without its position prefix */
};

/* Every module's unit of one name, in registration order. */
struct yoe_variants {
	struct yoe_unit **v;
	size_t n, cap;
};

/* Project lifecycle. */
struct yoe_project *yoe_project_new(const char *root);
void yoe_project_free(struct yoe_project *p);
/* yoe_error records the first error (later ones are dropped) as
 * `file:line:col: error: msg` (or `yoe: error: msg` without a position);
 * returns -1 so callers can `return yoe_error(...)`. */
int yoe_error(struct yoe_project *p, const struct yoe_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void yoe_warn(struct yoe_project *p, const struct yoe_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* registry.c — registration and shadowing (§4.1) */
struct yoe_unit *yoe_unit_new(struct yoe_project *p);
/* yoe_register adds u (fields filled, provenance set).  0 ok (also when u
 * lost to a higher-priority unit and was dropped), -1 error. */
int yoe_register(struct yoe_project *p, struct yoe_unit *u);
int yoe_add_machine(struct yoe_project *p, struct yoe_machine *m);
struct yoe_machine *yoe_machine_get(struct yoe_project *p, const char *name);
const char *yoe_src_name(struct yoe_project *p, const char *module); /* "project root" / module "m" */
struct yoe_module *yoe_module_get(struct yoe_project *p, const char *name);
/* yoe_active_units returns units not shadowed, sorted by name, distro,
 * module (malloc'd array). */
struct yoe_unit **yoe_active_units(struct yoe_project *p, size_t *n);

/* yoe_source_is_git: a unit source fetched with git rather than as an
 * archive (upstream rule: .git, git://, git@, ssh://, or a GitHub URL that
 * is not an /archive/ or /releases/ download). */
bool yoe_source_is_git(const char *url);

/* provides.c — the provides table and per-distro lookups (§4.2–4.4) */
void yoe_note_provides(struct yoe_project *p, struct yoe_unit *u); /* called by yoe_register */
int yoe_build_provides(struct yoe_project *p);
bool yoe_visible(const struct yoe_unit *u, const char *distro);
/* yoe_resolve_for_distro: pin, else the visible variant with the highest
 * priority; NULL if none. */
struct yoe_unit *yoe_resolve_for_distro(struct yoe_project *p, const char *distro, const char *name);
/* yoe_provider: the concrete unit name a (possibly virtual) name maps to in
 * distro d, or NULL when nothing maps it (callers keep the raw name). */
const char *yoe_provider(struct yoe_project *p, const char *name, const char *distro);
/* yoe_lookup: provides-resolve then resolve_for_distro. */
struct yoe_unit *yoe_lookup(struct yoe_project *p, const char *name, const char *distro);
int yoe_check_pins(struct yoe_project *p);
/* the distro a unit is built for: image → its distro; else its tag, else the
 * override, else the default */
const char *yoe_unit_distro(struct yoe_project *p, const struct yoe_unit *u);
const char *yoe_project_distro(struct yoe_project *p);
/* deps for a distro: base list + distro_deps[d] */
void yoe_deps_for(const struct yoe_unit *u, const char *d, bool runtime, struct strlist *out);

/* closure.c — runtime closure of image roots (§4.5) */
int yoe_closure(struct yoe_project *p, const struct strlist *roots, const char *distro,
                struct strlist *out);

/* dag.c — the build DAG (§4.6) */
struct yoe_dag {
	const char *distro;          /* distro the DAG was resolved for */
	struct yoe_unit **nodes;     /* in topological order (deps first, ties by name) */
	size_t n;
	/* edges[i]: dag node numbers node i depends on, sorted by name */
	int **edges;
	size_t *nedges;
	/* runtime[i]: resolved runtime deps (node numbers), sorted */
	int **runtime;
	size_t *nruntime;
	char (*keys)[65];            /* per node: SHA-256 hex key (yoe_compute_keys) */
	char (*own_keys)[65];        /* per node: SHA-256 of the key text without the
	                                container and dep keys (yoe_key_own_len) */
};
/* yoe_dag_build resolves the build graph of distro `distro`: every unit
 * visible in it when it is the project's distro (all=true), else only the
 * units tagged with it and what they need.  Fails on a missing dep or a
 * cycle (the message prints the cycle path). */
int yoe_dag_build(struct yoe_project *p, const char *distro, bool all, struct yoe_dag *dag);
int yoe_dag_find(const struct yoe_dag *dag, const char *name); /* node number or -1 */
void yoe_dag_free(struct yoe_dag *dag);
/* container resolution: NULL = external image / host / none */
struct yoe_unit *yoe_container_unit(struct yoe_project *p, const struct yoe_unit *u,
                                    const char *ref, const char *distro);

/* unitkey.c — unit keys (docs/unit-keys.md) */
/* yoe_compute_keys fills dag->keys in topological order, and copies each
 * key into unit->key when the DAG's distro is the unit's own. */
int yoe_compute_keys(struct yoe_project *p, struct yoe_dag *dag);
/* yoe_key_own_len: the length of the part of a key text that describes the
 * unit itself: everything before its container and build-dep keys. */
size_t yoe_key_own_len(const char *text);
/* yoe_key_text: the canonical serialization hashed for node i (malloc'd);
 * needs the keys of i's deps already computed. */
char *yoe_key_text(struct yoe_project *p, struct yoe_dag *dag, size_t i);
/* yoe_file_sha256: hex SHA-256 of a file's bytes through the stat+XXH3
 * fingerprint cache; false if unreadable. */
bool yoe_file_sha256(struct yoe_project *p, const char *path, char out[65]);
/* yoe_sha256_into: hex SHA-256 of bytes into out (thread-safe). */
void yoe_sha256_into(const void *data, size_t n, char out[65]);
/* yoe_unit_files_dir: the unit's files directory <dir of its .star>/<name>
 * (what its key hashes and steps see as $FILESDIR), or NULL if none. */
const char *yoe_unit_files_dir(struct yoe_project *p, const struct yoe_unit *u);
/* yoe_sha256_release frees the calling thread's digest state. */
void yoe_sha256_release(void);
/* yoe_sha256_hex: hex SHA-256 of bytes, in the arena. */
const char *yoe_sha256_hex(struct yoe_arena *a, const void *data, size_t n);
/* yoe_hash_cache_save persists the fingerprint cache (when cache/ exists). */
void yoe_hash_cache_save(struct yoe_project *p);
/* JSON (json.c): compact, keys sorted, like Go's encoding/json */
void yoe_json_value(struct buf *b, const struct yoe_jval *v);
void yoe_json_str(struct buf *b, const char *s);

#endif
