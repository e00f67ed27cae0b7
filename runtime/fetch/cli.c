/* runtime/fetch/cli.c — option parsing and dispatch for `fetch-and-verify`
 * (usage text below is the reference; docs/fetch.md explains it). */
#include "fetch/cli.h"
#include "fetch/fetch.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "lib/sha256.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: fetch-and-verify [--paranoid|--no-paranoid] COMMAND [OPTIONS]\n"
"\n"
"Downloads, mirrors, verifies and unpacks sources and modules for yoe.\n"
"\n"
"Commands:\n"
"  fetch --url U [--mirror M]... [--sha256 H] --cache DIR\n"
"        Make sure DIR/sources/sha256/H holds the verified file; prints its path.\n"
"        --attempts N (4)  --retry-delay MS (2000)  --connect-timeout S (30)\n"
"        --low-speed-limit B/s (1024)  --low-speed-time S (60)  --progress|--quiet\n"
"  git-fetch --url U [--tag T | --branch B] [--commit C] --cache DIR [--update]\n"
"        [--attempts N (3)] [--retry-delay MS]  (also for module-sync)\n"
"        Keep a bare mirror in DIR/sources/git/; prints '<commit> <mirror>'.\n"
"  unpack (--archive PATH [--sha256 H] | --git-mirror DIR --commit C) [--dest SRC]\n"
"        [--patch P]... [--strip auto|0] [--max-entry-size N] [--max-total-size N]\n"
"        [--max-entries N] [--copy-as NAME]\n"
"        Replace SRC with the unpacked tree as a git repo (tag 'upstream') plus one\n"
"        commit per patch; prints the final commit.  Unsafe entries are refused.\n"
"        SRC defaults to src/ beside --out; H to the name of a cache entry\n"
"        (.../sha256/H), which fetch verified.\n"
"        --copy-as NAME puts the file itself in SRC as NAME (.apk/.deb sources).\n"
"  module-sync --url U [--ref R] [--commit C] --dest DIR\n"
"        Clone/fetch a module and check out its pinned or resolved commit; prints\n"
"        the commit.\n"
"  module-verify --dir DIR --commit C [--allow-untracked]\n"
"        Exit 0 when DIR is exactly commit C, 1 (with the fix) otherwise.\n"
"  module-status --dir DIR [--commit C]\n"
"        Print '<state> <HEAD>': clean, missing, moved, modified or extra-files\n"
"        (for 'yoe module list'); exit 0 unless the check itself fails.\n"
"  cache-check --cache DIR\n"
"        Re-hash every cached download, remove the ones that do not match their\n"
"        name; prints 'N intact, M removed'.\n"
"  sha256 FILE...\n"
"        Print 'HEX  FILE' lines (sha256sum format).\n"
"\n"
"Common options:\n"
"  --out FILE      also write the printed result to FILE (only when it changed)\n"
"  --paranoid      refuse sources without sha256/commit and modules without a\n"
"                  commit (the default when CI=true; --no-paranoid overrides)\n"
"  -h, --help      this text\n"
"Exit status: 0 success, 1 failure, 2 usage error.\n";

/* print_cmd_usage prints the block of usage[] about cmd, then the common
 * options; -1 when cmd is not a command. */
static int print_cmd_usage(const char *cmd)
{
	size_t n = strlen(cmd);
	int found = 0;
	for (const char *p = usage; *p;) {
		const char *nl = strchr(p, '\n');
		int len = (int)(nl ? nl - p : (long)strlen(p));
		if (!found && !strncmp(p, "  ", 2) && !strncmp(p + 2, cmd, n)
		    && (p[2 + n] == ' ' || p[2 + n] == '\n')) {
			printf("usage: fetch-and-verify %.*s\n", len - 2, p + 2);
			found = 1;
		} else if (found == 1 && !strncmp(p, "        ", 8)) {
			printf("%.*s\n", len, p);
		} else if (found == 1) {
			found = 2;
		}
		if (found == 2 && !strncmp(p, "Common options:", 15)) {
			printf("\n%s", p);
			return 0;
		}
		p = nl ? nl + 1 : p + len;
	}
	return found ? 0 : -1;
}

/* Everything the command line can say. */
struct args {
	const char *cmd;            /* the subcommand */
	const char *url, *sha256, *cache, *tag, *branch, *commit, *ref;
	const char *archive, *git_mirror, *dest, *dir, *out, *strip, *copy_as;
	const char **mirrors;       /* --mirror values */
	size_t nmirrors;
	const char **patches;       /* --patch values */
	size_t npatches;
	char **files;               /* positional arguments (sha256) */
	size_t nfiles;
	int paranoid;               /* -1 unset */
	int update, allow_untracked, progress;
	int attempts_set;           /* --attempts given (git defaults to 3, not 4) */
	struct fetch_opts fo;       /* fetch tuning */
	struct unpack_limits lim;   /* unpack caps */
};

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof **v);
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static int parse_num(const char *opt, const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *s == '-')
		end = (char *)s;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	else if (*end == 'G')
		v <<= 30, end++;
	if (end == s || *end) {
		log_error("%s wants a number (e.g. 100M), not '%s' (see 'fetch-and-verify --help')",
		          opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* String options: name, which commands take it, where it goes. */
static const struct {
	const char *name;
	const char *cmds;
	size_t off;
} stropts[] = {
	{"--url", "fetch git-fetch module-sync", offsetof(struct args, url)},
	{"--sha256", "fetch unpack", offsetof(struct args, sha256)},
	{"--cache", "fetch git-fetch cache-check", offsetof(struct args, cache)},
	{"--tag", "git-fetch", offsetof(struct args, tag)},
	{"--branch", "git-fetch", offsetof(struct args, branch)},
	{"--commit", "git-fetch unpack module-sync module-verify module-status", offsetof(struct args, commit)},
	{"--ref", "module-sync", offsetof(struct args, ref)},
	{"--archive", "unpack", offsetof(struct args, archive)},
	{"--git-mirror", "unpack", offsetof(struct args, git_mirror)},
	{"--dest", "unpack module-sync", offsetof(struct args, dest)},
	{"--dir", "module-verify module-status", offsetof(struct args, dir)},
	{"--out", "fetch git-fetch unpack module-sync", offsetof(struct args, out)},
	{"--strip", "unpack", offsetof(struct args, strip)},
	{"--copy-as", "unpack", offsetof(struct args, copy_as)},
};

/* takes: does the space-separated list cmds contain cmd? */
static int takes(const char *cmds, const char *cmd)
{
	size_t n = strlen(cmd);
	for (const char *p = cmds; (p = strstr(p, cmd)); p += n)
		if ((p == cmds || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static int parse(int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i], *val = NULL, *eq;
		if (arg[0] != '-' || !arg[1]) {
			if (!a->cmd) {
				a->cmd = arg;
				continue;
			}
			if (push((const char ***)&a->files, &a->nfiles, arg) != 0)
				return -1;
			continue;
		}
		if ((eq = strchr(arg, '=')) && arg[1] == '-') {
			*eq = '\0';
			val = eq + 1;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			if (!a->cmd || print_cmd_usage(a->cmd) != 0)
				fputs(usage, stdout);
			exit(0);
		}
		int flag = 1;
		if (!strcmp(arg, "--paranoid"))
			a->paranoid = 1;
		else if (!strcmp(arg, "--no-paranoid"))
			a->paranoid = 0;
		else if (!strcmp(arg, "--update"))
			a->update = 1;
		else if (!strcmp(arg, "--allow-untracked"))
			a->allow_untracked = 1;
		else if (!strcmp(arg, "--progress"))
			a->progress = 1;
		else if (!strcmp(arg, "--quiet"))
			a->progress = 0;
		else
			flag = 0;
		if (flag) {
			if (val) {
				log_error("%s takes no value (see 'fetch-and-verify --help')", arg);
				return -1;
			}
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				log_error("%s needs a value (see 'fetch-and-verify --help')", arg);
				return -1;
			}
			val = argv[++i];
		}
		size_t k;
		for (k = 0; k < sizeof stropts / sizeof *stropts; k++)
			if (!strcmp(arg, stropts[k].name))
				break;
		unsigned long long num;
		if (k < sizeof stropts / sizeof *stropts) {
			if (a->cmd && !takes(stropts[k].cmds, a->cmd)) {
				log_error("%s does not apply to '%s' (see 'fetch-and-verify --help')",
				          arg, a->cmd);
				return -1;
			}
			*(const char **)((char *)a + stropts[k].off) = val;
		} else if (!strcmp(arg, "--mirror")) {
			if (push(&a->mirrors, &a->nmirrors, val) != 0)
				return -1;
		} else if (!strcmp(arg, "--patch")) {
			if (push(&a->patches, &a->npatches, val) != 0)
				return -1;
		} else if (parse_num(arg, val, &num) != 0) {
			return -1;
		} else if (!strcmp(arg, "--attempts")) {
			a->fo.attempts = num ? (int)num : 1;
			a->attempts_set = 1;
		} else if (!strcmp(arg, "--retry-delay")) {
			a->fo.retry_delay_ms = (long)num;
		} else if (!strcmp(arg, "--connect-timeout")) {
			a->fo.connect_timeout = (long)num;
		} else if (!strcmp(arg, "--low-speed-limit")) {
			a->fo.low_speed_limit = (long)num;
		} else if (!strcmp(arg, "--low-speed-time")) {
			a->fo.low_speed_time = (long)num;
		} else if (!strcmp(arg, "--max-entry-size")) {
			a->lim.max_entry = num;
		} else if (!strcmp(arg, "--max-total-size")) {
			a->lim.max_total = num;
		} else if (!strcmp(arg, "--max-entries")) {
			a->lim.max_entries = num;
		} else {
			log_error("unknown option '%s' (see 'fetch-and-verify --help')", arg);
			return -1;
		}
	}
	return 0;
}

/* need reports a missing required option. */
static int need(const char *val, const char *opt, const char *cmd)
{
	if (val && val[0])
		return 0;
	log_error("%s needs %s (see 'fetch-and-verify --help')", cmd, opt);
	return -1;
}

/* result prints the command's result line and mirrors it into --out. */
static int result(const struct args *a, const char *line)
{
	printf("%s\n", line);
	if (!a->out)
		return 0;
	char *text;
	if (asprintf(&text, "%s\n", line) < 0)
		return 1;
	int r = write_file_if_changed(a->out, text, strlen(text), 0644);
	free(text);
	if (r < 0) {
		log_errno("cannot write %s", a->out);
		return 1;
	}
	return 0;
}

static int cmd_fetch(struct args *a, struct ferr *e)
{
	if (need(a->url, "--url", "fetch") || need(a->cache, "--cache", "fetch"))
		return 2;
	struct fetch_opts o = a->fo;
	o.url = a->url;
	o.mirrors = a->mirrors;
	o.nmirrors = a->nmirrors;
	o.sha256 = a->sha256;
	o.cache = a->cache;
	o.progress = a->progress;
	o.paranoid = a->paranoid;
	char *path, hex[65];
	if (fetch_archive(&o, &path, hex, e) != 0)
		return 1;
	int r = result(a, path);
	free(path);
	return r;
}

static int cmd_git_fetch(struct args *a, struct ferr *e)
{
	if (need(a->url, "--url", "git-fetch") || need(a->cache, "--cache", "git-fetch"))
		return 2;
	struct git_fetch_opts o = {
		.url = a->url, .tag = a->tag, .branch = a->branch, .commit = a->commit,
		.cache = a->cache, .update = a->update, .paranoid = a->paranoid,
		.attempts = a->attempts_set ? a->fo.attempts : 3, .retry_delay_ms = a->fo.retry_delay_ms,
	};
	char commit[GIT_HEX_LEN + 1], *mirror, *line;
	if (git_fetch_source(&o, commit, &mirror, e) != 0)
		return 1;
	int r = asprintf(&line, "%s %s", commit, mirror) < 0 ? 1 : result(a, line);
	free(line);
	free(mirror);
	return r;
}

/* cache_entry_hash returns the hex name of a content-addressed cache entry
 * (.../sha256/<64 hex>), or NULL when path is not one. */
static const char *cache_entry_hash(const char *path)
{
	const char *base = strrchr(path, '/');
	if (!base || !sha256_hex_valid(base + 1))
		return NULL;
	size_t dl = (size_t)(base - path);
	if (dl < 6 || strncmp(base - 6, "sha256", 6) || (dl > 6 && base[-7] != '/'))
		return NULL;
	return base + 1;
}

/* default_dest is src/ beside --out (the unpack edge's stamp), malloc'd. */
static char *default_dest(const char *out)
{
	char *dir = path_dirname(out);
	char *d = dir ? path_join(dir, "src") : NULL;
	free(dir);
	return d;
}

/* unpack_to runs unpack into dest. */
static int unpack_to(struct args *a, const char *dest, struct ferr *e)
{
	if (!a->archive == !a->git_mirror) {
		log_error("unpack needs exactly one of --archive and --git-mirror (see "
		          "'fetch-and-verify --help')");
		return 2;
	}
	if (a->git_mirror && need(a->commit, "--commit", "unpack --git-mirror"))
		return 2;
	if (a->paranoid && a->archive && !a->sha256) {
		log_error("%s: no --sha256 given and --paranoid is on (CI=true); pass the unit's "
		          "sha256", a->archive);
		return 1;
	}
	struct unpack_opts o;
	unpack_opts_default(&o);
	o.archive = a->archive;
	o.copy_as = a->copy_as;
	o.sha256 = a->sha256;
	o.git_mirror = a->git_mirror;
	o.commit = a->commit;
	o.dest = dest;
	o.patches = a->patches;
	o.npatches = a->npatches;
	if (a->strip && strcmp(a->strip, "auto") && strcmp(a->strip, "0")) {
		log_error("--strip takes 'auto' or '0', not '%s'", a->strip);
		return 2;
	}
	o.strip = a->strip && !strcmp(a->strip, "0") ? 0 : -1;
	if (a->lim.max_entry)
		o.lim.max_entry = a->lim.max_entry;
	if (a->lim.max_total)
		o.lim.max_total = a->lim.max_total;
	if (a->lim.max_entries)
		o.lim.max_entries = a->lim.max_entries;
	char head[GIT_HEX_LEN + 1];
	if (unpack_source(&o, head, e) != 0)
		return 1;
	return result(a, head);
}

static int cmd_unpack(struct args *a, struct ferr *e)
{
	char *dest = NULL;
	if (!a->dest && a->out) {
		dest = default_dest(a->out);
		if (!dest) {
			log_error("out of memory");
			return 1;
		}
	}
	if (!a->dest && !dest) {
		log_error("unpack needs --dest SRC (or --out FILE: SRC is then src/ beside it)");
		return 2;
	}
	if (a->archive && !a->sha256)
		a->sha256 = cache_entry_hash(a->archive);
	int r = unpack_to(a, dest ? dest : a->dest, e);
	free(dest);
	return r;
}

static int cmd_module_sync(struct args *a, struct ferr *e)
{
	if (need(a->url, "--url", "module-sync") || need(a->dest, "--dest", "module-sync"))
		return 2;
	struct module_sync_opts o = {
		.url = a->url, .ref = a->ref, .commit = a->commit, .dest = a->dest,
		.paranoid = a->paranoid, .attempts = a->attempts_set ? a->fo.attempts : 3,
		.retry_delay_ms = a->fo.retry_delay_ms,
	};
	char commit[GIT_HEX_LEN + 1];
	if (module_sync(&o, commit, e) != 0)
		return 1;
	return result(a, commit);
}

static int cmd_module_verify(struct args *a, struct ferr *e)
{
	if (need(a->dir, "--dir", "module-verify") || need(a->commit, "--commit", "module-verify"))
		return 2;
	return module_verify(a->dir, a->commit, a->allow_untracked, e) == 0 ? 0 : 1;
}

static int cmd_module_status(struct args *a, struct ferr *e)
{
	if (need(a->dir, "--dir", "module-status"))
		return 2;
	char head[GIT_HEX_LEN + 1];
	int st = module_check(a->dir, a->commit, a->allow_untracked, head, e);
	if (st < 0)
		return 1;
	printf("%s %s\n", module_state_name(st), head[0] ? head : "-");
	return 0;
}

static int cmd_cache_check(struct args *a, struct ferr *e)
{
	if (need(a->cache, "--cache", "cache-check"))
		return 2;
	unsigned ok, removed;
	if (cache_check(a->cache, &ok, &removed, e) != 0)
		return 1;
	printf("%u intact, %u removed\n", ok, removed);
	return 0;
}

static int cmd_sha256(struct args *a, struct ferr *e)
{
	if (a->nfiles == 0) {
		log_error("sha256 needs FILE arguments (see 'fetch-and-verify --help')");
		return 2;
	}
	int r = 0;
	for (size_t i = 0; i < a->nfiles; i++) {
		char hex[SHA256_HEX_LEN + 1];
		if (sha256_file(a->files[i], hex) != 0) {
			log_errno("cannot hash %s", a->files[i]);
			r = 1;
			continue;
		}
		printf("%s  %s\n", hex, a->files[i]);
	}
	return r;
}

int fetch_cli(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	a.paranoid = -1;
	a.progress = -1;
	fetch_opts_default(&a.fo);
	int rc = 2;
	struct ferr e = {""};
	if (parse(argc, argv, &a) != 0)
		goto out;
	if (!a.cmd) {
		fputs(usage, stderr);
		goto out;
	}
	if (a.paranoid < 0)
		a.paranoid = paranoid_default();
	static const struct {
		const char *name;
		int (*fn)(struct args *, struct ferr *);
	} cmds[] = {
		{"fetch", cmd_fetch}, {"git-fetch", cmd_git_fetch}, {"unpack", cmd_unpack},
		{"module-sync", cmd_module_sync}, {"module-verify", cmd_module_verify},
		{"module-status", cmd_module_status}, {"cache-check", cmd_cache_check},
		{"sha256", cmd_sha256},
	};
	size_t k;
	for (k = 0; k < sizeof cmds / sizeof *cmds; k++)
		if (!strcmp(a.cmd, cmds[k].name))
			break;
	if (k == sizeof cmds / sizeof *cmds) {
		log_error("unknown command '%s' (see 'fetch-and-verify --help')", a.cmd);
		goto out;
	}
	if (a.nfiles && strcmp(a.cmd, "sha256")) {
		log_error("unexpected argument '%s' (see 'fetch-and-verify --help')", a.files[0]);
		goto out;
	}
	if (fetch_lib_init(&e) != 0) {
		log_error("%s", e.msg);
		rc = 1;
		goto out;
	}
	rc = cmds[k].fn(&a, &e);
	if (rc == 1 && e.msg[0])
		log_error("%s", e.msg);
out:
	free(a.mirrors);
	free(a.patches);
	free(a.files);
	return rc;
}
