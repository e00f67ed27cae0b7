/* gen/cli/cmd_key.c — `yoe key generate|info`: the project's apk signing
 * key.  yoe itself never opens the private key (threat model row 8): it only
 * works out the key's path and runs `apk-sign keygen|keyinfo PATH`.
 *
 * Path: project(signing_key=…) when set (relative to the project, `~/`
 * allowed), else ~/.config/yoe/keys/<project name>.rsa.  The name and
 * signing_key come from the project model (yoe_load); when the project does
 * not load yet (say its modules are not fetched), a small scanner reads the
 * string arguments of the `project(` call in PROJECT.star instead, so a key
 * can be made before the first build.  `--name NAME` and `--key PATH`
 * override both. */
#include "cli/cli.h"
#include "yoe/eval.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern const struct command cmd_key;

/* scan_string reads a "..." or '...' literal at *p into out. */
static int scan_string(const char **p, char *out, size_t outlen)
{
	char q = **p;
	size_t n = 0;
	if (q != '"' && q != '\'')
		return -1;
	for ((*p)++; **p && **p != q && **p != '\n'; (*p)++) {
		if (**p == '\\' && (*p)[1])
			(*p)++;
		if (n + 1 < outlen)
			out[n++] = **p;
	}
	if (**p != q)
		return -1;
	(*p)++;
	out[n] = 0;
	return 0;
}

/* project_kwargs finds name= and signing_key= string arguments of the
 * top-level project( call. */
static void project_kwargs(const char *src, char *name, size_t nl, char *key, size_t kl)
{
	const char *p = src;
	int depth = 0, in_project = 0;
	while (*p) {
		if (*p == '#') {
			p += strcspn(p, "\n");
		} else if (*p == '"' || *p == '\'') {
			char skip[4096];
			if (scan_string(&p, skip, sizeof skip) != 0)
				p++;
		} else if (*p == '(') {
			depth++, p++;
		} else if (*p == ')') {
			if (--depth == 0 && in_project)
				return;
			p++;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			const char *s = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			size_t len = (size_t)(p - s);
			const char *q = p;
			while (*q == ' ' || *q == '\t' || *q == '\n')
				q++;
			if (depth == 0 && len == 7 && !strncmp(s, "project", 7) && *q == '(') {
				in_project = 1;
			} else if (in_project && depth == 1 && *q == '=' && q[1] != '=') {
				q++;
				while (*q == ' ' || *q == '\t' || *q == '\n')
					q++;
				if (len == 4 && !strncmp(s, "name", 4))
					scan_string(&q, name, nl);
				else if (len == 11 && !strncmp(s, "signing_key", 11))
					scan_string(&q, key, kl);
			}
		} else {
			p++;
		}
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	size_t got;
	while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb)
				free(b);
			b = nb;
		}
	}
	fclose(f);
	if (b)
		b[n] = 0;
	return b;
}

/* key_path works out the private key path; returns 0 or prints why not. */
static int key_path(const char *name_opt, const char *key_opt, char *out, size_t outlen)
{
	if (key_opt) {
		snprintf(out, outlen, "%s", key_opt);
		return 0;
	}
	char name[256] = "", key[4096] = "";
	if (name_opt) {
		snprintf(name, sizeof name, "%s", name_opt);
	} else {
		char *root = project_find();
		if (!root)
			return -1;
		char pf[4096];
		snprintf(pf, sizeof pf, "%s/PROJECT.star", root);
		char *src = slurp(pf);
		if (!src) {
			fprintf(stderr, "yoe: error: %s: %s\n", pf, strerror(errno));
			free(root);
			return -1;
		}
		struct yoe_load_opts lo = {0};
		struct yoe_project *p = yoe_load(root, &lo);
		if (p && !p->err) {
			snprintf(name, sizeof name, "%s", p->name ? p->name : "");
			snprintf(key, sizeof key, "%s", p->signing_key ? p->signing_key : "");
		} else {
			if (p && cli.verbose)
				fprintf(stderr, "yoe: note: project does not load (%s); reading "
				        "PROJECT.star's project() call directly\n", p->err);
			project_kwargs(src, name, sizeof name, key, sizeof key);
		}
		if (p)
			yoe_project_free(p);
		free(src);
		if (key[0]) {
			const char *home = getenv("HOME");
			if (key[0] == '~' && key[1] == '/' && home)
				snprintf(out, outlen, "%s/%s", home, key + 2);
			else if (key[0] == '/')
				snprintf(out, outlen, "%s", key);
			else
				snprintf(out, outlen, "%s/%s", root, key);
			free(root);
			return 0;
		}
		if (!name[0]) {
			fprintf(stderr, "yoe: error: %s: no name = \"...\" in project( (add one, or pass "
			        "--name NAME)\n", pf);
			free(root);
			return -1;
		}
		free(root);
	}
	if (!name[0] || strchr(name, '/')) {
		fprintf(stderr, "yoe: error: project name '%s' cannot name a key file\n", name);
		return -1;
	}
	const char *home = getenv("HOME");
	if (!home || !*home) {
		fprintf(stderr, "yoe: error: HOME is not set (set it, or pass --key PATH)\n");
		return -1;
	}
	snprintf(out, outlen, "%s/.config/yoe/keys/%s.rsa", home, name);
	return 0;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(&cmd_key, "needs 'generate' or 'info'");
	const char *sub = argv[1], *name = NULL, *key = NULL;
	if (strcmp(sub, "generate") && strcmp(sub, "info"))
		return usage_error(&cmd_key, "unknown subcommand '%s'", sub);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else
			return usage_error(&cmd_key, "unexpected argument '%s'", argv[i]);
	}
	char path[4096], helper[4096];
	if (key_path(name, key, path, sizeof path) != 0)
		return 1;
	snprintf(helper, sizeof helper, "%s/apk-sign", libexec_dir());
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "yoe: error: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execl(helper, "apk-sign", !strcmp(sub, "generate") ? "keygen" : "keyinfo", path,
		      (char *)NULL);
		fprintf(stderr, "yoe: error: cannot run %s: %s (reinstall yoe or set YOE_LIBEXEC)\n",
		        helper, strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

const struct command cmd_key = {
	"key", "create or show the project's package signing key",
	"usage: yoe key generate [--name NAME | --key PATH]\n"
	"       yoe key info [--name NAME | --key PATH]\n\n"
	"generate creates the RSA-2048 key that signs packages and indexes, unless\n"
	"it exists: ~/.config/yoe/keys/<project>.rsa (mode 0600, directory 0700)\n"
	"and its public half <project>.rsa.pub, or project(signing_key=PATH).\n"
	"info prints the paths, the key name (basename of the .pub file, as\n"
	"installed in /etc/apk/keys) and the fingerprint.  A private key readable\n"
	"by group or others is refused with the chmod that fixes it.\n",
	run,
};
