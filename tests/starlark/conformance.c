/* tests/starlark/conformance.c — runs go.starlark.net's test files against
 * our interpreter (libstarlark.a) and reports conformance.
 *
 *   starlark-conformance [--known FILE] [--only TEXT] [-v] [--write-known] [--no-gc] [GODIR]
 *
 * GODIR is the go.starlark.net source tree (from Debian's golang-starlark-dev);
 * by default tests/starlark/fetch-testdata provides it, downloading it into
 * tests/.cache/ on first use.  Each file is split into chunks (see
 * chunks.h); each chunk runs in a forked child, so a crash or hang fails that
 * chunk only.  A chunk passes *lax* when errors occur exactly on the lines
 * annotated `###` and nowhere else and no assertion failed, and *strict* when
 * in addition every message matches its annotation's regex (and every
 * assert.fails pattern matched).
 *
 * Files run in one of these modes, as go.starlark.net's own tests do:
 *   exec     execute each chunk (eval_test.go TestExecFile)
 *   struct   execute with struct and gensym (starlarkstruct/struct_test.go)
 *   resolve  compile only, every compile error counts (resolve_test.go)
 *   parse    compile only; only syntax errors are expected (parse_test.go).
 *            We have no parse-only entry point, so every identifier of the
 *            chunk is predeclared, every dialect option is on, and errors
 *            with a message of go's resolver on unannotated lines are not
 *            counted (the chunk got past the parser).
 *   whole    parse the file as one chunk, no annotations (scan.star)
 *
 * Chunks run with the garbage collector on (as `yoe starlark` runs), and
 * told to collect often (GC_FREE_SPACE_DIVISOR), so that a value the
 * collector cannot see shows up here; sanitizer builds have no collector.
 *
 * The summary line counts chunks: a chunk "passes" when it passes strict, or
 * fails the way known-failures.txt says it does; it "fails" when it fails
 * unexpectedly.  One more failure is counted when lax < 97% or strict < 90%.
 */
#include "chunks.h"
#include "harness.h"
#include "findtop.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAX_THRESHOLD 97.0
#define STRICT_THRESHOLD 90.0
#define CHUNK_SECONDS 30          /* a chunk running longer is a hang */
#define CHUNK_STEPS 200000000ull  /* a step budget far above any test's needs */

enum mode { M_EXEC, M_STRUCT, M_RESOLVE, M_PARSE, M_WHOLE };

struct file_spec {
	const char *rel;     /* path under GODIR */
	enum mode mode;
	const char *skip;    /* non-NULL: not run, and why */
};

static const struct file_spec files[] = {
	{"starlark/testdata/assign.star", M_EXEC, NULL},
	{"starlark/testdata/benchmark.star", M_EXEC, NULL},
	{"starlark/testdata/bool.star", M_EXEC, NULL},
	{"starlark/testdata/builtins.star", M_EXEC, NULL},
	{"starlark/testdata/control.star", M_EXEC, NULL},
	{"starlark/testdata/dict.star", M_EXEC, NULL},
	{"starlark/testdata/float.star", M_EXEC, NULL},
	{"starlark/testdata/function.star", M_EXEC, NULL},
	{"starlark/testdata/int.star", M_EXEC, NULL},
	{"starlark/testdata/json.star", M_EXEC,
	 "needs go.starlark.net's json module (load(\"json.star\")), a Go-only extension"},
	{"starlark/testdata/list.star", M_EXEC, NULL},
	{"starlark/testdata/misc.star", M_EXEC, NULL},
	{"starlark/testdata/module.star", M_EXEC, NULL},
	{"starlark/testdata/paths.star", M_EXEC, NULL},
	{"starlark/testdata/recursion.star", M_EXEC, NULL},
	{"starlark/testdata/set.star", M_EXEC, NULL},
	{"starlark/testdata/string.star", M_EXEC, NULL},
	{"starlark/testdata/tuple.star", M_EXEC, NULL},
	{"starlarkstruct/testdata/struct.star", M_STRUCT, NULL},
	{"resolve/testdata/resolve.star", M_RESOLVE, NULL},
	{"syntax/testdata/errors.star", M_PARSE, NULL},
	{"syntax/testdata/scan.star", M_WHOLE, NULL},
};
#define NFILES (sizeof files / sizeof files[0])

static const char *mode_name[] = {"exec", "struct", "resolve", "parse", "whole"};

/* What one chunk did; written by the child through a pipe. */
struct result {
	bool lax, strict;     /* passed in lax / strict mode */
	char reason[900];     /* why not, when it failed */
	char details[1500];   /* every assertion report, one per line */
};

/* ---- known failures ---- */

struct known {
	char *key;      /* "rel#N" */
	bool lax;       /* expected to fail lax (else only strict) */
	char *reason;   /* explanation */
	bool used;      /* matched a failing chunk */
};
static struct known *knowns;
static size_t nknowns;

static int load_known(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "starlark-conformance: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[2048];
	int lineno = 0;
	while (fgets(line, sizeof line, fp)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		char key[512], kind[16];
		int n = 0;
		if (sscanf(p, "%511s %15s %n", key, kind, &n) < 2 ||
		    (strcmp(kind, "lax") != 0 && strcmp(kind, "strict") != 0)) {
			fprintf(stderr, "%s:%d:1: error: want 'FILE#CHUNK lax|strict REASON'\n", path, lineno);
			fclose(fp);
			return -1;
		}
		knowns = realloc(knowns, (nknowns + 1) * sizeof *knowns);
		if (!knowns)
			abort();
		knowns[nknowns].key = strdup(key);
		knowns[nknowns].lax = strcmp(kind, "lax") == 0;
		knowns[nknowns].reason = strdup(n ? p + n : "");
		knowns[nknowns].used = false;
		nknowns++;
	}
	fclose(fp);
	return 0;
}

static struct known *find_known(const char *key)
{
	for (size_t i = 0; i < nknowns; i++)
		if (strcmp(knowns[i].key, key) == 0)
			return &knowns[i];
	return NULL;
}

/* ---- running one chunk (in the child) ---- */

static void discard_print(sl_thread *th, const char *msg, size_t len, void *ud) {}

static struct sl_module *load_cb(sl_thread *th, const char *module, void *ud)
{
	if (strcmp(module, "assert.star") == 0)
		return assert_module(th, module);
	sl_error(th, "load not implemented");
	return NULL;
}

/* One error the interpreter reported: its line and message. */
struct got_error {
	int line;
	char *msg;
};

/* parse_errors reads `path:line:col: error: msg` lines (skipping the
 * `  at ...` traceback lines) out of sl_error_format's text.  Sets
 * *runtime when a traceback was present (an error raised while running). */
static size_t parse_errors(const char *text, const char *path, struct got_error *out,
                           size_t max, bool *runtime)
{
	size_t n = 0, plen = strlen(path);
	*runtime = false;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len > 5 && strncmp(l, "  at ", 5) == 0) {
			*runtime = true;
		} else if (n < max && len > plen && strncmp(l, path, plen) == 0 && l[plen] == ':') {
			char *end;
			long line = strtol(l + plen + 1, &end, 10);
			const char *m = strstr(end, ": error: ");
			if (m && m < l + len) {
				m += 9;
				out[n].line = (int)line;
				out[n].msg = strndup(m, (size_t)(l + len - m));
				n++;
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Messages of go.starlark.net's resolver (resolve/resolve.go), as POSIX
 * regexes.  parse_test.go runs only the parser, so in parse mode an error
 * with one of these messages means the chunk parsed: it is not counted. */
static const char *resolver_messages[] = {
	"^(break|continue) not in a loop$",
	"^[0-9]+ (keyword|positional) arguments in call, limit is 255$",
	"may not follow",
	"^bare \\* must be followed by keyword-only parameters$",
	"^can't assign to ",
	"^can't use (list|tuple) expression in augmented assignment$",
	"^cannot reassign ",
	"^duplicate parameter: ",
	"^(for loop|if statement|while loop|return statement) not within a function$",
	"^keyword argument .* repeated$",
	"^load statement within a ",
	"^load: empty identifier$",
	"^load: names with leading underscores are not exported",
	"^multiple \\*",
	"does not support (sets|while loops)$",
	"^undefined: ",
	NULL,
};

static bool is_resolver_message(const char *msg)
{
	for (const char **p = resolver_messages; *p; p++) {
		regex_t re;
		if (regcomp(&re, *p, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		bool m = regexec(&re, msg, 0, NULL, 0) == 0;
		regfree(&re);
		if (m)
			return true;
	}
	return false;
}

static const char *keywords[] = {
	"and", "as", "assert", "break", "class", "continue", "def", "del", "elif", "else",
	"except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
	"load", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
	"yield", NULL,
};

/* predeclare_identifiers binds every identifier-like word of src to None. */
static void predeclare_identifiers(sl_thread *th, sl_value pre, const char *src, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)src[i];
		if (!(isalpha(c) || c == '_')) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && (isalnum((unsigned char)src[j]) || src[j] == '_'))
			j++;
		bool kw = false;
		for (const char **k = keywords; *k; k++)
			if (strlen(*k) == j - i && memcmp(*k, src + i, j - i) == 0)
				kw = true;
		if (!kw)
			sl_dict_set(th, pre, sl_string(src + i, j - i), SL_NONE);
		i = j;
	}
}

static void reasonf(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reasonf(struct result *r, const char *fmt, ...)
{
	if (r->reason[0])
		return;  /* keep the first reason */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
	for (char *p = r->reason; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static bool use_gc = true;  /* collect garbage while chunks run, as `yoe starlark` does */

static void run_chunk(const char *path, enum mode mode, struct chunk *c, struct result *r,
                      bool verbose)
{
	sl_gc_enable(use_gc);
	struct assert_state st = {0};
	st.verbose = verbose;
	sl_thread *th = sl_thread_new();
	sl_thread_set_name(th, "conformance");
	sl_thread_set_data(th, &st);
	sl_thread_set_print(th, discard_print, NULL);
	sl_thread_set_load(th, load_cb, NULL);
	sl_thread_set_max_steps(th, CHUNK_STEPS);

	unsigned opts = 0;
	bool compile_only = mode == M_RESOLVE || mode == M_PARSE || mode == M_WHOLE;
	if (mode == M_PARSE || mode == M_WHOLE) {
		opts = SL_OPT_SET | SL_OPT_WHILE | SL_OPT_RECURSION | SL_OPT_GLOBALREASSIGN |
		       SL_OPT_TOPLEVELCONTROL;
	} else {
		if (chunk_has_option(c, "set"))
			opts |= SL_OPT_SET;
		if (chunk_has_option(c, "globalreassign"))
			opts |= SL_OPT_GLOBALREASSIGN | SL_OPT_TOPLEVELCONTROL;
		if (chunk_has_option(c, "recursion"))
			opts |= SL_OPT_RECURSION | SL_OPT_WHILE;
		if (chunk_has_option(c, "loadbindsglobally"))
			opts |= SL_OPT_LOADBINDSGLOBALLY;
	}
	sl_thread_set_options(th, opts);

	sl_value pre = sl_dict_new(8);
	switch (mode) {
	case M_EXEC:
	case M_STRUCT:
		testtypes_predeclare(th, pre);
		break;
	case M_RESOLVE:
		sl_dict_set(th, pre, sl_cstring("M"), SL_NONE);
		sl_dict_set(th, pre, sl_cstring("U"), SL_NONE);
		break;
	case M_PARSE:
	case M_WHOLE:
		predeclare_identifiers(th, pre, c->src, c->len);
		break;
	}
	/* Compile-only modes must not run the chunk: cancel before the first step. */
	if (compile_only) {
		sl_thread_cancel(th, "compile only");
		sl_thread_set_max_steps(th, 1);
	}

	struct sl_module *m = sl_exec_file(th, path, c->src, c->len, pre);

	struct got_error errs[64];
	size_t nerr = 0;
	if (!m) {
		struct sl_buf b = SL_BUF_INIT;
		sl_error_format(th, &b);
		bool runtime;
		nerr = parse_errors(b.data ? b.data : "", path, errs, 64, &runtime);
		const char *msg = sl_error_message(th);
		if (verbose)
			fprintf(stderr, "--- %s#%d:\n%s", path, c->index, b.data ? b.data : "(no text)\n");
		bool cancelled = msg && strncmp(msg, "Starlark computation cancelled", 30) == 0;
		if (compile_only && (runtime || cancelled)) {
			nerr = 0;  /* it compiled; what running it did does not count */
		} else if (nerr == 0) {
			reasonf(r, "error without a position in this file: %s",
			        b.data ? b.data : msg ? msg : "(no message)");
		} else if (cancelled) {
			reasonf(r, "line %d: %s", errs[0].line, msg);
		}
		sl_buf_free(&b);
	}

	bool lax = true, strict = true;
	if (c->bad_annotation && mode != M_WHOLE) {
		reasonf(r, "harness: %s", c->bad_annotation);
		lax = false;
	}
	for (size_t i = 0; i < nerr; i++) {
		struct want_error *w = NULL;
		if (mode != M_WHOLE)
			for (size_t k = 0; k < c->nwants; k++)
				if (c->wants[k].line == errs[i].line && !c->wants[k].seen)
					w = &c->wants[k];
		if (!w && mode == M_PARSE && is_resolver_message(errs[i].msg))
			continue;  /* a resolver error: the parser accepted the chunk */
		if (!w) {
			reasonf(r, "line %d: unexpected error: %s", errs[i].line, errs[i].msg);
			lax = false;
			continue;
		}
		w->seen = true;
		w->matched = w->ok && go_regex_search(&w->re, errs[i].msg);
		if (!w->matched) {
			strict = false;
			reasonf(r, "line %d: error \"%s\" does not match \"%s\"", errs[i].line,
			        errs[i].msg, w->pattern);
		}
	}
	if (mode != M_WHOLE)
		for (size_t k = 0; k < c->nwants; k++)
			if (!c->wants[k].seen) {
				reasonf(r, "line %d: expected an error matching \"%s\", got none",
				        c->wants[k].line, c->wants[k].pattern);
				lax = false;
			}
	if (st.failures) {
		reasonf(r, "assertion failed (%d): %s", st.failures, st.first_failure);
		lax = false;
	}
	if (st.mismatches) {
		reasonf(r, "assert.fails mismatch (%d): %s", st.mismatches, st.first_mismatch);
		strict = false;
	}
	if (st.failures + st.mismatches > 1)
		snprintf(r->details, sizeof r->details, "%s", st.all);
	r->lax = lax;
	r->strict = lax && strict;
	for (size_t i = 0; i < nerr; i++)
		free(errs[i].msg);
	sl_thread_free(th);
}

/* run_forked runs one chunk in a child process, so that a crash or a hang
 * of the interpreter fails only that chunk. */
static void run_forked(const char *path, enum mode mode, struct chunk *c, struct result *r,
                       bool verbose)
{
	memset(r, 0, sizeof *r);
	int fds[2];
	if (pipe(fds) < 0) {
		reasonf(r, "harness: pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	fflush(stderr);
	/* The child's stderr (sanitizer reports, -v output) goes to a temp file. */
	FILE *errf = tmpfile();
	pid_t pid = fork();
	if (pid < 0) {
		reasonf(r, "harness: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		if (errf)
			fclose(errf);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		if (errf)
			dup2(fileno(errf), 2);
		alarm(CHUNK_SECONDS);
		struct result res;
		memset(&res, 0, sizeof res);
		run_chunk(path, mode, c, &res, verbose);
		ssize_t w = write(fds[1], &res, sizeof res);
		_exit(w == (ssize_t)sizeof res ? 0 : 1);
	}
	close(fds[1]);
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fds[0], (char *)r + got, sizeof *r - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof *r)
			break;
	}
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The first line of a sanitizer report says what went wrong. */
	char diag[400] = "";
	if (errf) {
		rewind(errf);
		char line[1024];
		while (fgets(line, sizeof line, errf)) {
			if (verbose)
				fputs(line, stderr);
			if (!diag[0] && (strstr(line, "runtime error:") || strstr(line, "ERROR: AddressSanitizer") ||
			                 strstr(line, "ERROR: LeakSanitizer"))) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(diag, sizeof diag, ": %.390s", line);
			}
		}
		fclose(errf);
	}
	if (got != sizeof *r) {
		memset(r, 0, sizeof *r);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			reasonf(r, "hang: still running after %d s", CHUNK_SECONDS);
		else if (WIFSIGNALED(status))
			reasonf(r, "CRASH: interpreter killed by signal %d (%s)%s", WTERMSIG(status),
			        strsignal(WTERMSIG(status)), diag);
		else
			reasonf(r, "CRASH: interpreter exited with status %d%s", WEXITSTATUS(status), diag);
	}
}

/* ---- the report ---- */

struct failure {
	char key[300];       /* rel#N */
	int line;            /* first line of the chunk */
	bool lax_failed;     /* failed lax (else strict only) */
	char reason[900];
	char details[1500];  /* all assertion reports, when more than one */
	struct known *known; /* the known-failures entry that covers it */
};

/* fetch_testdata runs tests/starlark/fetch-testdata, which downloads the
 * test files on first use and prints where they are. */
static int fetch_testdata(const char *top, char *out, size_t n)
{
	char cmd[4300];
	snprintf(cmd, sizeof cmd, "'%s/tests/starlark/fetch-testdata'", top);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(out, (int)n, p)) {
		if (p)
			pclose(p);
		fprintf(stderr, "starlark-conformance: %s found no test files\n", cmd);
		return -1;
	}
	out[strcspn(out, "\n")] = '\0';
	if (pclose(p) != 0) {
		fprintf(stderr, "starlark-conformance: %s failed\n", cmd);
		return -1;
	}
	return 0;
}

static void usage(FILE *fp)
{
	fputs("usage: starlark-conformance [--known FILE] [--only TEXT] [-v] [--write-known] [--no-gc] [GODIR]\n"
	      "Runs go.starlark.net's test files (GODIR = its source tree; default: fetched into\n"
	      "tests/.cache/ by tests/starlark/fetch-testdata) against our interpreter and\n"
	      "reports lax/strict conformance per file.  FILE defaults to\n"
	      "tests/starlark/known-failures.txt.  Chunks run with garbage collection\n"
	      "on, collecting often (GC_FREE_SPACE_DIVISOR=50), unless --no-gc.\n", fp);
}

int main(int argc, char **argv)
{
	const char *known_path = NULL, *only = NULL, *godir = NULL;
	bool verbose = false, write_known = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--known") == 0 && i + 1 < argc) {
			known_path = argv[++i];
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "--write-known") == 0) {
			write_known = true;
		} else if (strcmp(argv[i], "--no-gc") == 0) {
			use_gc = false;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] != '-' && !godir) {
			godir = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	char topbuf[4096], godirbuf[4096], knownbuf[4200];
	if (!godir || !known_path) {
		if (test_find_top(topbuf, sizeof topbuf, "tests/starlark/fetch-testdata") < 0) {
			fprintf(stderr, "starlark-conformance: cannot find the source tree; set YOE_TOP\n");
			return 2;
		}
	}
	if (!godir) {
		if (fetch_testdata(topbuf, godirbuf, sizeof godirbuf) < 0)
			return 2;
		godir = godirbuf;
	}
	if (!known_path) {
		snprintf(knownbuf, sizeof knownbuf, "%s/tests/starlark/known-failures.txt", topbuf);
		known_path = knownbuf;
	}
	if (load_known(known_path) < 0)
		return 2;
	/* Read by the collector when it starts: collect after little growth. */
	if (use_gc)
		setenv("GC_FREE_SPACE_DIVISOR", "50", 0);

	struct failure *fails = NULL;
	size_t nfails = 0;
	int total = 0, total_lax = 0, total_strict = 0;
	printf("%-40s %-7s %6s %6s %6s\n", "file", "mode", "chunks", "lax", "strict");
	for (size_t f = 0; f < NFILES; f++) {
		const struct file_spec *fs = &files[f];
		if (only && !strstr(fs->rel, only))
			continue;
		if (fs->skip)
			continue;
		char path[8400];
		snprintf(path, sizeof path, "%s/%s", godir, fs->rel);
		struct chunked_file cf;
		int rc = fs->mode == M_WHOLE ? chunked_read_whole(path, &cf) : chunked_read(path, &cf);
		if (rc < 0) {
			fprintf(stderr, "starlark-conformance: %s: %s\n", path, strerror(errno));
			return 2;
		}
		int lax = 0, strict = 0;
		for (size_t k = 0; k < cf.nchunks; k++) {
			struct chunk *c = &cf.chunks[k];
			struct result r;
			run_forked(path, fs->mode, c, &r, verbose);
			lax += r.lax;
			strict += r.strict;
			if (r.strict)
				continue;
			fails = realloc(fails, (nfails + 1) * sizeof *fails);
			if (!fails)
				abort();
			struct failure *fl = &fails[nfails++];
			snprintf(fl->key, sizeof fl->key, "%s#%d", fs->rel, c->index);
			fl->line = c->first_line;
			fl->lax_failed = !r.lax;
			snprintf(fl->reason, sizeof fl->reason, "%s", r.reason[0] ? r.reason : "(no reason)");
			memcpy(fl->details, r.details, sizeof fl->details);
			fl->known = find_known(fl->key);
		}
		printf("%-40s %-7s %6zu %6d %6d\n", fs->rel, mode_name[fs->mode], cf.nchunks, lax, strict);
		total += (int)cf.nchunks;
		total_lax += lax;
		total_strict += strict;
		chunked_free(&cf);
	}
	for (size_t f = 0; f < NFILES; f++)
		if (files[f].skip && (!only || strstr(files[f].rel, only)))
			printf("%-40s skipped: %s\n", files[f].rel, files[f].skip);

	double plax = total ? 100.0 * total_lax / total : 0;
	double pstrict = total ? 100.0 * total_strict / total : 0;
	printf("%-40s %-7s %6d %6d %6d   lax %.1f%%, strict %.1f%%\n", "total", "", total,
	       total_lax, total_strict, plax, pstrict);

	int unexpected = 0, expected = 0;
	if (nfails)
		printf("\nfailing chunks (file#chunk, first line, mode failed, reason):\n");
	for (size_t i = 0; i < nfails; i++) {
		struct failure *fl = &fails[i];
		/* A chunk listed as failing strict only must still pass lax. */
		bool covered = fl->known && (fl->known->lax || !fl->lax_failed);
		if (covered) {
			fl->known->used = true;
			expected++;
		} else {
			unexpected++;
		}
		printf("  %s (line %d) %s: %s\n", fl->key, fl->line, fl->lax_failed ? "lax" : "strict",
		       fl->reason);
		for (const char *d = fl->details; *d;) {
			const char *nl = strchr(d, '\n');
			int len = nl ? (int)(nl - d) : (int)strlen(d);
			printf("      - %.*s\n", len, d);
			d = nl ? nl + 1 : d + len;
		}
		if (covered)
			printf("      known: %s\n", fl->known->reason);
		else
			printf("      UNEXPECTED: not in the known-failures list%s\n",
			       fl->known ? " as failing lax" : "");
	}
	int stale = 0;
	for (size_t i = 0; i < nknowns; i++) {
		if (knowns[i].used)
			continue;
		bool ran = false;
		for (size_t f = 0; f < NFILES; f++)
			if (!files[f].skip && (!only || strstr(files[f].rel, only)) &&
			    strncmp(knowns[i].key, files[f].rel, strlen(files[f].rel)) == 0)
				ran = true;
		if (!ran)
			continue;
		if (stale++ == 0)
			printf("\nknown failures that now pass (remove them from the list):\n");
		printf("  %s\n", knowns[i].key);
	}
	if (write_known) {
		printf("\n# known-failures list for the current state:\n");
		for (size_t i = 0; i < nfails; i++)
			printf("%s %s %s\n", fails[i].key, fails[i].lax_failed ? "lax" : "strict",
			       fails[i].known ? fails[i].known->reason : fails[i].reason);
	}

	int threshold_fail = 0;
	printf("\nlax %d/%d = %.1f%% (need %.0f%%), strict %d/%d = %.1f%% (need %.0f%%)\n",
	       total_lax, total, plax, LAX_THRESHOLD, total_strict, total, pstrict, STRICT_THRESHOLD);
	if (!only && (plax < LAX_THRESHOLD || pstrict < STRICT_THRESHOLD)) {
		printf("FAIL: conformance below the threshold\n");
		threshold_fail = 1;
	}
	printf("%d expected failures (known-failures list), %d unexpected\n", expected, unexpected);
	printf("%d passed, %d failed\n", total - unexpected, unexpected + threshold_fail);
	for (size_t i = 0; i < nknowns; i++) {
		free(knowns[i].key);
		free(knowns[i].reason);
	}
	free(knowns);
	free(fails);
	return unexpected + threshold_fail ? 1 : 0;
}
