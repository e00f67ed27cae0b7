/* runtime/apk/main.c — `apk-sign`: the command line of the package and index
 * edges (pack, index, verify, resign) and of key management (keygen,
 * keyinfo).  Argument parsing and messages only; the work is in libapk
 * (pack.c, index.c, resign.c, read.c, keys.c; packspec.c reads pack's
 * options from a unit.ini).  Interface: docs/apk.md. */
#include "apk/index.h"
#include "apk/pack.h"
#include "apk/packspec.h"
#include "lib/log.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_text[] =
	"usage: apk-sign <command> [options]\n"
	"\n"
	"Reproducible, signed Alpine packages and repository indexes.\n"
	"\n"
	"commands:\n"
	"  pack     pack a destdir into <name>-<version>-r<release>.apk\n"
	"  index    write APKINDEX.tar.gz for a repository arch directory\n"
	"  verify   check packages (signature, datahash, per-file checksums) or an index\n"
	"  resign   re-sign an upstream .apk with the project key (passthrough)\n"
	"  keygen   create the project signing key if missing; print its details\n"
	"  keyinfo  print a key's paths, key name and fingerprint\n"
	"\n"
	"`apk-sign <command> --help` shows each command's options.  Timestamps come\n"
	"from --epoch or $SOURCE_DATE_EPOCH (default 0), so output is reproducible.\n"
	"Outputs are replaced atomically and only when their bytes change.\n";

static const char pack_usage[] =
	"usage: apk-sign pack --destdir DIR --name NAME --version VER --arch ARCH\n"
	"                     (--key KEY | --unsigned) -o OUT.apk [options]\n"
	"       apk-sign pack --spec UNIT.INI (--key KEY | --unsigned) -o OUT.apk [options]\n"
	"\n"
	"  --spec FILE         read the options below from FILE's [package] section\n"
	"                      (keys: their names without --, lists repeat the key);\n"
	"                      options given here override its values, add to its lists\n"
	"  --destdir DIR       tree to pack (the unit's destdir/)\n"
	"  --name NAME         package name\n"
	"  --version VER       version without the release suffix\n"
	"  --release N         release number (default 0)\n"
	"  --arch ARCH         x86_64, arm64 (= aarch64), riscv64 or noarch\n"
	"  --description TEXT  pkgdesc\n"
	"  --license TEXT      license\n"
	"  --origin NAME       origin (default: the name)\n"
	"  --commit HASH       commit\n"
	"  --depend DEP        runtime dependency (repeatable)\n"
	"  --provides P        provided name (repeatable; bare names get =VER-rN)\n"
	"  --replaces P        replaced package (repeatable)\n"
	"  --service SVC       enable /etc/init.d/SVC in runlevel default (repeatable)\n"
	"  --sysroot DIR       also look for services' init scripts here\n"
	"  --key KEY           private signing key (PEM, mode 0600)\n"
	"  --keyname NAME      key name on the wire (default: basename of KEY + .pub)\n"
	"  --unsigned          write no signature stream\n"
	"  --epoch SECONDS     all timestamps (default $SOURCE_DATE_EPOCH or 0)\n"
	"  --level N           gzip level of the data stream (default 6)\n"
	"  -o, --output OUT    the .apk to write\n";

static const char index_usage[] =
	"usage: apk-sign index (--key KEY | --unsigned) [-o OUT] [--epoch S] DIR\n"
	"       apk-sign index (--key KEY | --unsigned) -o OUT [--epoch S] FILE.apk...\n"
	"\n"
	"Writes DIR/APKINDEX.tar.gz (or OUT) listing DIR/*.apk plus ../noarch/*.apk\n"
	"(unless DIR is noarch), sorted by file name; or the given packages.\n"
	"Every package's datahash is checked first.  Options as for pack.\n";

static const char verify_usage[] =
	"usage: apk-sign verify --key PUB [--key PUB...] FILE...\n"
	"\n"
	"Checks each .apk: the signature (with the --key whose file name matches the\n"
	"package's key name, else the first), the datahash, and every file's\n"
	"APK-TOOLS.checksum.SHA1.  Files named APKINDEX* are checked as signed\n"
	"indexes.  Prints `FILE: OK` or the exact failure; exits 1 if any fails.\n";

static const char resign_usage[] =
	"usage: apk-sign resign --key KEY [--keyname NAME] [--epoch S] -o OUT IN.apk\n"
	"\n"
	"Drops IN's signature stream, keeps its control and data streams byte for\n"
	"byte (their datahash is checked) and signs the control stream with KEY.\n";

static const char keygen_usage[] =
	"usage: apk-sign keygen PATH\n"
	"       apk-sign keyinfo PATH\n"
	"\n"
	"keygen creates an RSA-2048 private key at PATH (PKCS#1 PEM, mode 0600, its\n"
	"directory 0700) and PATH.pub, unless they exist.  Both print the paths,\n"
	"the key name (basename of PATH.pub) and the fingerprint (first 8 bytes of\n"
	"SHA-256 of the public PEM).  keyinfo refuses an insecure private key.\n";

enum {
	O_DESTDIR = 256, O_NAME, O_VERSION, O_RELEASE, O_ARCH, O_DESC, O_LICENSE, O_ORIGIN,
	O_COMMIT, O_DEPEND, O_PROVIDES, O_REPLACES, O_SERVICE, O_SYSROOT, O_KEY, O_KEYNAME,
	O_UNSIGNED, O_EPOCH, O_LEVEL, O_SPEC,
};

static const struct option long_opts[] = {
	{"destdir", 1, 0, O_DESTDIR}, {"name", 1, 0, O_NAME}, {"version", 1, 0, O_VERSION},
	{"release", 1, 0, O_RELEASE}, {"arch", 1, 0, O_ARCH}, {"description", 1, 0, O_DESC},
	{"license", 1, 0, O_LICENSE}, {"origin", 1, 0, O_ORIGIN}, {"commit", 1, 0, O_COMMIT},
	{"depend", 1, 0, O_DEPEND}, {"provides", 1, 0, O_PROVIDES}, {"replaces", 1, 0, O_REPLACES},
	{"service", 1, 0, O_SERVICE}, {"sysroot", 1, 0, O_SYSROOT}, {"key", 1, 0, O_KEY},
	{"keyname", 1, 0, O_KEYNAME}, {"unsigned", 0, 0, O_UNSIGNED}, {"epoch", 1, 0, O_EPOCH},
	{"level", 1, 0, O_LEVEL}, {"spec", 1, 0, O_SPEC}, {"output", 1, 0, 'o'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0},
};

/* args holds every option any command takes; each command checks its own. */
struct args {
	struct pack_opts pack;
	struct strlist keys;   /* --key (verify takes several) */
	const char *keyname;
	int unsigned_ok;
	const char *epoch_text;
	const char *spec_path;  /* pack --spec */
	struct pack_spec spec;  /* what it said; a.pack points into it */
};

static int usage_err(const char *cmd, const char *msg, const char *arg)
{
	log_error("%s: %s%s%s (see 'apk-sign %s --help')", cmd, msg, arg ? " " : "", arg ? arg : "",
	          cmd);
	return 2;
}

static int parse_epoch(const char *cmd, const char *text, int64_t *out)
{
	if (!text)
		text = getenv("SOURCE_DATE_EPOCH");
	if (!text || !*text) {
		*out = 0;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || *end || v < 0 || v > 077777777777LL) {
		log_error("%s: epoch '%s' is not a number of seconds (check --epoch or "
		          "SOURCE_DATE_EPOCH)", cmd, text);
		return -1;
	}
	*out = v;
	return 0;
}

/* parse fills a; returns the index of the first operand, or -1 (usage error
 * printed) / -2 (--help printed). */
static int parse(const char *cmd, const char *help, int argc, char **argv, struct args *a)
{
	int c, bad = 0;
	optind = 1;
	opterr = 0;
	while (!bad && (c = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
		struct pack_opts *p = &a->pack;
		switch (c) {
		case O_DESTDIR: p->destdir = optarg; break;
		case O_NAME: p->name = optarg; break;
		case O_VERSION: p->version = optarg; break;
		case O_RELEASE: p->release = optarg; break;
		case O_ARCH: p->arch = optarg; break;
		case O_DESC: p->description = optarg; break;
		case O_LICENSE: p->license = optarg; break;
		case O_ORIGIN: p->origin = optarg; break;
		case O_COMMIT: p->commit = optarg; break;
		case O_DEPEND: bad = strlist_add(&p->depends, optarg); break;
		case O_PROVIDES: bad = strlist_add(&p->provides, optarg); break;
		case O_REPLACES: bad = strlist_add(&p->replaces, optarg); break;
		case O_SERVICE: bad = strlist_add(&p->services, optarg); break;
		case O_SYSROOT: p->sysroot = optarg; break;
		case O_KEY: bad = strlist_add(&a->keys, optarg); break;
		case O_KEYNAME: a->keyname = optarg; break;
		case O_UNSIGNED: a->unsigned_ok = 1; break;
		case O_EPOCH: a->epoch_text = optarg; break;
		case O_SPEC: a->spec_path = optarg; break;
		case O_LEVEL:
			p->level = atoi(optarg);
			if (p->level < 1 || p->level > 9)
				return usage_err(cmd, "--level must be 1..9, not", optarg), -1;
			break;
		case 'o': p->out = optarg; break;
		case 'h': fputs(help, stdout); return -2;
		default:
			return usage_err(cmd, "unknown or incomplete option",
			                 argv[optind - 1]), -1;
		}
	}
	if (bad) {
		log_error("out of memory");
		return -1;
	}
	if (a->spec_path && strcmp(cmd, "pack"))
		return usage_err(cmd, "--spec is an option of pack only", NULL), -1;
	if (parse_epoch(cmd, a->epoch_text, &a->pack.epoch) != 0)
		return -1;
	return optind;
}

static void args_free(struct args *a)
{
	strlist_free(&a->pack.depends);
	strlist_free(&a->pack.provides);
	strlist_free(&a->pack.replaces);
	strlist_free(&a->pack.services);
	strlist_free(&a->keys);
	pack_spec_free(&a->spec);
}

/* load_signer opens the one --key, or accepts --unsigned. */
static int load_signer(const char *cmd, struct args *a, struct signer *s, int *have)
{
	struct apk_err err;
	*have = 0;
	if (a->keys.n == 0) {
		if (a->unsigned_ok)
			return 0;
		return usage_err(cmd, "needs --key KEY (or --unsigned)", NULL), -1;
	}
	if (a->keys.n > 1)
		return usage_err(cmd, "takes one --key", NULL), -1;
	if (signer_load(s, a->keys.v[0], a->keyname, &err) != 0) {
		log_error("%s", err.msg);
		return -1;
	}
	*have = 1;
	return 0;
}

static int cmd_pack(int argc, char **argv)
{
	struct args a = {0};
	struct signer s;
	struct apk_err err;
	int have = 0, rc = 2, changed;
	int first = parse("pack", pack_usage, argc, argv, &a);
	if (first == -2)
		rc = 0;
	if (first < 0)
		goto out;
	if (first < argc) {
		rc = usage_err("pack", "unexpected argument", argv[first]);
		goto out;
	}
	if (a.spec_path) {
		rc = 1;
		if (pack_spec_load(a.spec_path, &a.spec, &err) != 0) {
			/* the message is `FILE:LINE: error: …` already */
			fprintf(stderr, "%s: %s\n", log_progname(), err.msg);
			goto out;
		}
		if (pack_spec_merge(&a.pack, &a.spec) != 0) {
			log_error("out of memory");
			goto out;
		}
	}
	if (load_signer("pack", &a, &s, &have) != 0) {
		rc = a.keys.n == 1 ? 1 : 2;
		goto out;
	}
	rc = 0;
	if (apk_pack(&a.pack, have ? &s : NULL, &changed, &err) != 0) {
		log_error("%s", err.msg);
		rc = 1;
	}
	if (have)
		signer_free(&s);
out:
	args_free(&a);
	return rc;
}

static int cmd_index(int argc, char **argv)
{
	struct args a = {0};
	struct signer s;
	struct apk_err err;
	struct strlist apks = {0};
	int have = 0, rc = 2, changed;
	char *out = NULL;
	int first = parse("index", index_usage, argc, argv, &a);
	if (first == -2)
		rc = 0;
	if (first < 0)
		goto out;
	if (first >= argc) {
		rc = usage_err("index", "needs a repository directory or .apk files", NULL);
		goto out;
	}
	struct stat st;
	int dirmode = stat(argv[first], &st) == 0 && S_ISDIR(st.st_mode);
	if (dirmode && first + 1 != argc) {
		rc = usage_err("index", "takes one directory", NULL);
		goto out;
	}
	if (!dirmode && !a.pack.out) {
		rc = usage_err("index", "needs -o OUT when given .apk files", NULL);
		goto out;
	}
	if (load_signer("index", &a, &s, &have) != 0) {
		rc = a.keys.n == 1 ? 1 : 2;
		goto out;
	}
	rc = 1;
	if (dirmode) {
		if (index_collect(argv[first], &apks, &err) != 0)
			goto fail;
		if (!a.pack.out && asprintf(&out, "%s/APKINDEX.tar.gz", argv[first]) < 0)
			goto out;
	} else {
		for (int i = first; i < argc; i++)
			if (strlist_add(&apks, argv[i]))
				goto out;
	}
	if (index_write(&apks, a.pack.out ? a.pack.out : out, have ? &s : NULL, a.pack.epoch,
	                &changed, &err) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	log_error("%s", err.msg);
out:
	if (have)
		signer_free(&s);
	free(out);
	strlist_free(&apks);
	args_free(&a);
	return rc;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int cmd_verify(int argc, char **argv)
{
	struct args a = {0};
	int rc = 2;
	int first = parse("verify", verify_usage, argc, argv, &a);
	if (first == -2)
		rc = 0;
	if (first < 0)
		goto out;
	if (a.keys.n == 0) {
		rc = usage_err("verify", "needs --key PUB (the public key)", NULL);
		goto out;
	}
	if (first >= argc) {
		rc = usage_err("verify", "needs at least one file", NULL);
		goto out;
	}
	rc = 0;
	for (int i = first; i < argc; i++) {
		struct apk_err err;
		int bad;
		if (!strncmp(base(argv[i]), "APKINDEX", 8)) {
			bad = index_verify(argv[i], a.keys.v[0], &err);
			for (size_t k = 1; bad && k < a.keys.n; k++)
				bad = index_verify(argv[i], a.keys.v[k], &err);
		} else {
			struct apk pkg;
			const char *key = a.keys.v[0];
			bad = apk_open(&pkg, argv[i], &err);
			for (size_t k = 0; !bad && pkg.sig_keyname && k < a.keys.n; k++)
				if (!strcmp(base(a.keys.v[k]), pkg.sig_keyname))
					key = a.keys.v[k];
			if (!bad)
				bad = apk_verify(&pkg, key, &err);
			apk_close(&pkg);
		}
		if (bad) {
			log_error("%s", err.msg);
			rc = 1;
		} else {
			printf("%s: OK\n", argv[i]);
		}
	}
out:
	args_free(&a);
	return rc;
}

static int cmd_resign(int argc, char **argv)
{
	struct args a = {0};
	struct signer s;
	struct apk_err err;
	int have = 0, rc = 2, changed;
	int first = parse("resign", resign_usage, argc, argv, &a);
	if (first == -2)
		rc = 0;
	if (first < 0)
		goto out;
	if (first + 1 != argc || !a.pack.out) {
		rc = usage_err("resign", "needs -o OUT and exactly one input .apk", NULL);
		goto out;
	}
	if (a.keys.n != 1) {
		rc = usage_err("resign", "needs --key KEY", NULL);
		goto out;
	}
	if (load_signer("resign", &a, &s, &have) != 0) {
		rc = 1;
		goto out;
	}
	rc = 0;
	if (apk_resign(argv[first], a.pack.out, &s, a.pack.epoch, &changed, &err) != 0) {
		log_error("%s", err.msg);
		rc = 1;
	}
	signer_free(&s);
out:
	args_free(&a);
	return rc;
}

static int print_key(const char *path)
{
	char pub[4096], fp[64];
	struct apk_err err;
	struct signer s;
	snprintf(pub, sizeof pub, "%s.pub", path);
	if (signer_load(&s, path, NULL, &err) != 0 || signer_check_pub(&s, pub, &err) != 0
	    || apk_key_fingerprint(pub, fp, sizeof fp, &err)) {
		if (s.key)
			signer_free(&s);
		log_error("%s", err.msg);
		return 1;
	}
	printf("private key: %s\npublic key:  %s\nkey name:    %s\nfingerprint: %s\n", path, pub,
	       s.keyname, fp);
	signer_free(&s);
	return 0;
}

static int cmd_key(int argc, char **argv, int generate)
{
	const char *cmd = generate ? "keygen" : "keyinfo";
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(keygen_usage, stdout);
		return 0;
	}
	if (argc != 2)
		return usage_err(cmd, "needs exactly one PATH", NULL);
	if (generate) {
		struct apk_err err;
		int created;
		if (key_generate(argv[1], &created, &err) != 0) {
			log_error("%s", err.msg);
			return 1;
		}
		if (created)
			fprintf(stderr, "apk-sign: created new signing key %s\n", argv[1]);
	}
	return print_key(argv[1]);
}

int main(int argc, char **argv)
{
	log_init(argv[0]);
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	const char *c = argv[1];
	if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	argc--, argv++;
	if (!strcmp(c, "pack"))
		return cmd_pack(argc, argv);
	if (!strcmp(c, "index"))
		return cmd_index(argc, argv);
	if (!strcmp(c, "verify"))
		return cmd_verify(argc, argv);
	if (!strcmp(c, "resign"))
		return cmd_resign(argc, argv);
	if (!strcmp(c, "keygen"))
		return cmd_key(argc, argv, 1);
	if (!strcmp(c, "keyinfo"))
		return cmd_key(argc, argv, 0);
	log_error("unknown command '%s' (see 'apk-sign --help')", c);
	return 2;
}
