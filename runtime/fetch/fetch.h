/* runtime/fetch/fetch.h — the library behind `fetch-and-verify`: download
 * and verify archives into a content-addressed cache, mirror git
 * repositories, unpack either into a unit's src/ safely and apply patches as
 * commits, and sync/verify module checkouts against their commit pins.
 *
 * Every function reports failure by returning -1 and filling a struct ferr
 * with one line that names the URL/file and says how to fix it; nothing here
 * prints errors or exits, so `yoe` can call module_verify() in-process.
 * Progress and notices ("retrying …", "cached file was modified") go to
 * stderr.  Not thread-safe: one operation at a time per process.
 */
#ifndef YOE_FETCH_H
#define YOE_FETCH_H

#include <stddef.h>

#define GIT_HEX_LEN 40

/* An error message, filled by the failing function. */
struct ferr {
	char msg[2048];   /* one line, no trailing newline */
};

/* ferr_set formats msg and returns -1 so callers can `return ferr_set(…)`. */
int ferr_set(struct ferr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* fetch_lib_init sets up libgit2 once per process (libcurl is set up by
 * fetch_archive, so module.c links without it) and makes
 * libgit2 ignore the user's global/system git config (deterministic
 * results).  Every entry point below calls it; safe to call repeatedly. */
int fetch_lib_init(struct ferr *e);

/* paranoid_default is 1 when CI=true in the environment. */
int paranoid_default(void);

/* --- archives over HTTP(S)/file (http.c, cache.c) ---------------------- */

struct fetch_opts {
	const char *url;              /* primary URL (http, https or file) */
	const char *const *mirrors;   /* fallback URLs for the same bytes */
	size_t nmirrors;              /* number of mirrors */
	const char *sha256;           /* expected lowercase hex, or NULL */
	const char *cache;            /* cache root; files go in sources/sha256/ */
	int attempts;                 /* tries per URL (network errors, 5xx, 408, 429) */
	long retry_delay_ms;          /* attempt n waits (n-1) × this first */
	long connect_timeout;         /* seconds to establish a connection */
	long low_speed_limit;         /* bytes/s below which a transfer is stalled … */
	long low_speed_time;          /* … for this many seconds, then it is retried */
	int progress;                 /* -1: when stderr is a tty, 0: never, 1: always */
	int paranoid;                 /* refuse a URL without sha256 */
};

/* fetch_opts_default fills the defaults (4 attempts, 2 s backoff, 30 s
 * connect timeout, stalled below 1 KiB/s for 60 s, auto progress). */
void fetch_opts_default(struct fetch_opts *o);

/* fetch_archive makes sure the cache holds the verified file: a cached copy
 * is re-hashed first (removed if it does not match), otherwise the URL and
 * then each mirror are tried.  On success *path is the malloc'd cache path
 * and hex the file's SHA-256. */
int fetch_archive(const struct fetch_opts *o, char **path, char hex[65], struct ferr *e);

/* cache_source_path returns malloc'd <cache>/sources/sha256/<hex>. */
char *cache_source_path(const char *cache, const char *hex);
/* cache_lookup re-hashes a cached file: 1 when present and intact (path set,
 * malloc'd), 0 when absent or tampered (a tampered file is removed, with a
 * warning), -1 on I/O error. */
int cache_lookup(const char *cache, const char *hex, char **path, struct ferr *e);

/* cache_check re-hashes every file in <cache>/sources/sha256/, removing
 * (with a warning) each whose content does not match its name, and counts
 * the intact and removed ones; files that are not 64-hex names are left
 * alone.  -1 when the directory cannot be read. */
int cache_check(const char *cache, unsigned *ok, unsigned *removed, struct ferr *e);

/* --- safe extraction (unpack.c, archive.c, gitexport.c, tree.c) -------- */

/* Limits against archive bombs; 0 means no limit. */
struct unpack_limits {
	unsigned long long max_entry;   /* bytes in any one file */
	unsigned long long max_total;   /* bytes in all files together */
	unsigned long long max_entries; /* number of entries */
};

struct unpack_opts {
	const char *archive;          /* archive file, or NULL for a git source */
	const char *copy_as;          /* with archive: copy it verbatim to src/<copy_as>
	                               * (an .apk/.deb a unit installs as is), no unpack */
	const char *sha256;           /* re-verify the archive while reading it (optional) */
	const char *git_mirror;       /* bare mirror to export from, or NULL */
	const char *commit;           /* with git_mirror: the commit to export */
	const char *dest;             /* the unit's src/, replaced as a whole */
	int strip;                    /* -1: strip a single top directory, 0: never */
	const char *const *patches;   /* patch files, applied in order as commits */
	size_t npatches;              /* number of patches */
	struct unpack_limits lim;     /* size caps (archives only) */
};

void unpack_opts_default(struct unpack_opts *o);

/* unpack_source builds the new src/ in a temp directory beside dest —
 * extract or export, strip, check every symlink stays inside, make it a git
 * repository with the pristine tree committed and tagged `upstream`, apply
 * each patch as a commit — and only then replaces dest.  On error dest is
 * left as it was and nothing is written outside the temp directory.  head
 * (may be NULL) receives the final commit; yoe's commits use a fixed
 * identity and time, so the same inputs always give the same head. */
int unpack_source(const struct unpack_opts *o, char head[GIT_HEX_LEN + 1], struct ferr *e);

/* --- git sources (gitsrc.c) -------------------------------------------- */

struct git_fetch_opts {
	const char *url;     /* repository URL (any libgit2 transport, or a path) */
	const char *tag;     /* resolve this tag, or NULL */
	const char *branch;  /* or this branch, or NULL */
	const char *commit;  /* the pin (40 hex), or NULL */
	const char *cache;   /* cache root; mirrors go in sources/git/ */
	int update;          /* fetch even when the wanted ref/commit is present */
	int paranoid;        /* refuse without a commit pin */
	int attempts;        /* fetch tries (0 means 3) */
	long retry_delay_ms; /* try n waits (n-1) × this first */
};

/* git_mirror_path returns malloc'd <cache>/sources/git/<sha256(url)>.git. */
char *git_mirror_path(const char *cache, const char *url);

/* git_fetch_source keeps a bare mirror of url, fetching only when the wanted
 * ref or commit is missing (or update is set), resolves tag/branch to a
 * commit and checks it agrees with the pin (a tag must equal it, a branch
 * must contain it).  out receives the commit to build (the pin when given),
 * *mirror the malloc'd mirror path. */
int git_fetch_source(const struct git_fetch_opts *o, char out[GIT_HEX_LEN + 1],
                     char **mirror, struct ferr *e);

/* --- modules (module.c) ------------------------------------------------ */

struct module_sync_opts {
	const char *url;     /* module repository */
	const char *ref;     /* tag or branch; NULL/"" means the remote's HEAD */
	const char *commit;  /* pin from module(commit=) or yoe.lock, or NULL */
	const char *dest;    /* checkout directory (cache/modules/<name>) */
	int paranoid;        /* refuse without a commit pin */
	int attempts;        /* fetch tries (0 means 3) */
	long retry_delay_ms; /* try n waits (n-1) × this first */
};

/* module_sync clones dest when missing, fetches when the wanted commit is
 * not there (always, without a pin: refs move), checks the pin agrees with
 * ref like git_fetch_source, checks out the commit (detached) and writes it
 * into out — what `yoe module lock` records. */
int module_sync(const struct module_sync_opts *o, char out[GIT_HEX_LEN + 1], struct ferr *e);

/* module_verify checks a module checkout before `yoe gen` trusts it: HEAD is
 * exactly `commit`, every tracked file's content and mode equal the commit's
 * (hashed, not judged by mtime), and, unless allow_untracked, no file exists
 * that the commit does not track (.yoe-state.json excepted).  0 when clean. */
int module_verify(const char *dir, const char *commit, int allow_untracked, struct ferr *e);

/* What module_check finds (`yoe module list` shows module_state_name). */
enum module_state {
	MODULE_CLEAN,      /* HEAD is the pin, files are exactly the commit's */
	MODULE_MISSING,    /* no checkout (or no HEAD) */
	MODULE_MOVED,      /* HEAD is another commit than the pin */
	MODULE_MODIFIED,   /* a tracked file's content or mode differs */
	MODULE_EXTRA,      /* files the commit does not track */
};

/* module_check is module_verify returning the state (or -1 on an internal
 * error); e explains any state but CLEAN.  commit NULL judges the files
 * against HEAD (an unpinned module).  head_out (may be NULL) receives HEAD. */
int module_check(const char *dir, const char *commit, int allow_untracked,
                 char head_out[GIT_HEX_LEN + 1], struct ferr *e);
const char *module_state_name(int state);

/* --- helpers shared by the files above (common.c) ---------------------- */

/* git_errmsg is libgit2's last error message, or "unknown error". */
const char *git_errmsg(void);
/* url_redact returns a malloc'd copy of url fit for messages: a password
 * in "scheme://user:pass@host" becomes "***" (NULL only without memory). */
char *url_redact(const char *url);
/* lock_path takes an exclusive flock on "<path>.lock" (created with its
 * parent directories), waiting with a notice if another run holds it, so
 * two builds never fetch into one mirror or checkout at once.  Returns the
 * fd to close when done, or -1 with e filled. */
int lock_path(const char *path, struct ferr *e);
/* hex40_valid is true for exactly 40 lowercase hex digits. */
int hex40_valid(const char *s);

#endif
