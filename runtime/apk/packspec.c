/* runtime/apk/packspec.c — reads the [package] section of a unit.ini into
 * pack_opts and merges it with the command line (packspec.h). */
#include "apk/packspec.h"
#include "lib/specini.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum kind { SCALAR, LIST, LEVEL };

/* pkeys: the keys of [package], each at its pack_opts field. */
#define PK(key, field, kind) {key, offsetof(struct pack_opts, field), kind}
static const struct pkey {
	const char *key;  /* the key = pack's long option name */
	size_t off;       /* its field: const char * or struct strlist */
	enum kind kind;
} pkeys[] = {
	PK("destdir", destdir, SCALAR), PK("name", name, SCALAR),
	PK("version", version, SCALAR), PK("release", release, SCALAR),
	PK("arch", arch, SCALAR), PK("description", description, SCALAR),
	PK("license", license, SCALAR), PK("origin", origin, SCALAR),
	PK("commit", commit, SCALAR), PK("depend", depends, LIST),
	PK("provides", provides, LIST), PK("replaces", replaces, LIST),
	PK("service", services, LIST), PK("sysroot", sysroot, SCALAR),
	PK("level", level, LEVEL),
};
#define NPKEYS (sizeof pkeys / sizeof *pkeys)

/* command-line-only options: the key, the epoch and the output are the
 * edge's business, not the unit's. */
static const char *const cmdline_only[] = {"key", "keyname", "epoch", "unsigned", "output", "o"};

struct load {
	struct pack_spec *s;
	struct apk_err *err;
};

static void *field(struct pack_opts *o, const struct pkey *k)
{
	return (char *)o + k->off;
}

static int on_key(void *user, const struct specini_entry *e)
{
	struct load *l = user;
	char *err = l->err->msg;
	size_t errlen = sizeof l->err->msg;
	if (strcmp(e->section, "package"))
		return 0;
	for (size_t i = 0; i < sizeof cmdline_only / sizeof *cmdline_only; i++)
		if (!strcmp(e->key, cmdline_only[i]))
			return specini_errf(err, errlen, e, "'%s' is not allowed in [package]: give %s%s on "
			                    "apk-sign's command line", e->key, e->key[1] ? "--" : "-", e->key);
	const struct pkey *k = NULL;
	for (size_t i = 0; i < NPKEYS && !k; i++)
		if (!strcmp(e->key, pkeys[i].key))
			k = &pkeys[i];
	if (!k) {
		char known[256] = "";
		for (size_t i = 0; i < NPKEYS; i++)
			snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
			         pkeys[i].key);
		return specini_errf(err, errlen, e, "unknown key '%s' in [package] (known: %s)", e->key, known);
	}
	struct pack_opts *o = &l->s->opts;
	l->s->nkeys++;
	if (k->kind == LIST) {
		if (strlist_add(field(o, k), e->value))
			return specini_errf(err, errlen, e, "out of memory");
		return 0;
	}
	int dup = k->kind == LEVEL ? o->level != 0 : *(const char **)field(o, k) != NULL;
	if (dup)
		return specini_errf(err, errlen, e, "'%s' appears twice in [package] (only depend, provides, "
		                    "replaces and service repeat)", e->key);
	if (k->kind == LEVEL) {
		if (strlen(e->value) != 1 || e->value[0] < '1' || e->value[0] > '9')
			return specini_errf(err, errlen, e, "level must be 1..9, not '%s'", e->value);
		o->level = e->value[0] - '0';
		return 0;
	}
	struct strlist *sl = &l->s->strings;
	if (strlist_add(sl, e->value))
		return specini_errf(err, errlen, e, "out of memory");
	*(const char **)field(o, k) = sl->v[sl->n - 1];
	return 0;
}

int pack_spec_load(const char *path, struct pack_spec *s, struct apk_err *err)
{
	memset(s, 0, sizeof *s);
	err->msg[0] = '\0';
	struct load l = {s, err};
	int r = specini_parse(path, on_key, &l, err->msg, sizeof err->msg);
	if (r == SPECINI_EOPEN)
		snprintf(err->msg, sizeof err->msg, "%s: error: cannot open the package spec: %s (run "
		         "`yoe gen` to write it)", path, strerror(errno));
	if (r)
		return -1;
	if (!s->nkeys) {
		snprintf(err->msg, sizeof err->msg, "%s: error: no [package] section with pack's options "
		         "(run `yoe gen` to write it)", path);
		return -1;
	}
	return 0;
}

/* prepend makes *to = from's entries then to's; from is left empty. */
static int prepend(struct strlist *to, struct strlist *from)
{
	for (size_t i = 0; i < to->n; i++)
		if (strlist_add(from, to->v[i]))
			return -1;
	strlist_free(to);
	*to = *from;
	*from = (struct strlist){0};
	return 0;
}

int pack_spec_merge(struct pack_opts *o, struct pack_spec *s)
{
	for (size_t i = 0; i < NPKEYS; i++) {
		const struct pkey *k = &pkeys[i];
		if (k->kind == LIST) {
			if (prepend(field(o, k), field(&s->opts, k)))
				return -1;
		} else if (k->kind == LEVEL) {
			if (!o->level)
				o->level = s->opts.level;
		} else if (!*(const char **)field(o, k)) {
			*(const char **)field(o, k) = *(const char **)field(&s->opts, k);
		}
	}
	return 0;
}

void pack_spec_free(struct pack_spec *s)
{
	for (size_t i = 0; i < NPKEYS; i++)
		if (pkeys[i].kind == LIST)
			strlist_free(field(&s->opts, &pkeys[i]));
	strlist_free(&s->strings);
	memset(s, 0, sizeof *s);
}
