/* gen/emit/lower.c — lowers one evaluated project (one machine) into the
 * build graph: per unit fetch → unpack → build → package, per repository
 * arch an index edge, per image an image edge, then the phony aliases and
 * the regeneration edge (lower.h).
 *
 * Command lines carry only what determines an output: project-relative
 * paths, unit fields and the unit key.  Machine-local choices (sandbox
 * runtime, parallelism) are read by the helpers from the environment or
 * ~/.config/yoe, so changing them rebuilds nothing.
 *
 * build.ninja is parsed by every ninja run, so it is kept lean: what is
 * the same for every edge (helpers directory, signing key, `cd`) is written
 * into the rules once, not as variables ninja looks up per edge; what an
 * edge can name itself ($in) is not repeated in its variables; each edge has
 * as few variables as its command needs (parsing one costs ninja as much as
 * a path). */
#include "emit/lower.h"
#include "emit/emit.h"
#include "emit/speccache.h"
#include "emit/specs.h"
#include "yoe/session.h"

#include <unistd.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rule commands.  In the templates @O and @I stand for $out and $in; @C
 * sets the shell variables o and i to them where the command uses ${o...}
 * or ${i...}; for a file included from another directory, @C is also
 * "cd DIR && ", always sets o and i, made relative to DIR again, and @O and
 * @I are then "$o" and "$i".  @H is the helpers directory and @K the
 * signing key (both shell-quoted). */
static const struct {
	const char *name, *command, *description, *pool;
	int restat;
} rules[] = {
	/* Descriptions name the output: a per-edge `name` variable would cost
	 * every ninja run as much as another path on each edge. */
	/* fetchflags starts with --url */
	{"fetch", "@C@H/fetch-and-verify fetch $fetchflags --cache cache --quiet --out @O",
	 "FETCH $out", "fetch", 1},
	{"git_fetch", "@C@H/fetch-and-verify git-fetch $fetchflags --cache cache --out @O",
	 "FETCH $out", "fetch", 1},
	/* $in is the fetch.ref, which names the archive in the cache, or the
	 * commit and mirror git-fetch resolved; --out records src/'s final
	 * commit: same sources, same stamp (restat) */
	{"unpack", "@C@H/fetch-and-verify unpack --archive \"$$(cat @I)\" $unpackflags --out @O",
	 "UNPACK $out", NULL, 1},
	{"git_unpack", "@C@H/fetch-and-verify unpack --git-mirror \"$$(cut -d' ' -f2 @I)\" "
	               "--commit \"$$(cut -d' ' -f1 @I)\" $unpackflags --out @O",
	 "UNPACK $out", NULL, 1},
	/* The spec (unit.ini, image.ini) lies beside the output: the shell
	 * takes the unit's directory off $out (o%/...), so no edge carries it
	 * in a variable.  The spec is not an input: its hash is on the command
	 * line next to the unit key ($env: YOE_UNIT_KEY=... YOE_UNIT_SPEC=...),
	 * which reruns the edge exactly when gen wrote different bytes, for a
	 * few bytes in a variable the edge has anyway instead of another path.
	 * After a successful build the key text it was built from is kept as
	 * key.built, for `yoe explain`. */
	{"build", "@C$env @H/container-step "
	          "\"$${o%/*}/unit.ini\" && cp -f \"$${o%/*}/key.txt\" \"$${o%/*}/key.built\"",
	 "BUILD $out", NULL, 0},
	/* Package timestamps: a fixed epoch, so packages are reproducible.
	 * The package's fields are in the [package] section of the unit.ini
	 * beside $in (build.json); a change to them changes the spec's hash on
	 * the build command, and the rebuilt build.json reruns this edge. */
	{"package", "@C@H/apk-sign pack --key @K --epoch 0 --spec \"$${i%/*}/unit.ini\" -o @O",
	 "PACKAGE $out", NULL, 1},
	{"index", "@C@H/apk-sign index --key @K --epoch 0 -o @O $repodir",
	 "INDEX $out", NULL, 1},
	{"image", "@C$env @H/image-assemble "
	          "\"$${o%/*}/image.ini\" && cp -f \"$${o%/*}/key.txt\" \"$${o%/*}/key.built\"",
	 "IMAGE $out", NULL, 1},
	{"container", "@C$env @H/container-step "
	              "\"$${o%/*}/unit.ini\" && cp -f \"$${o%/*}/key.txt\" \"$${o%/*}/key.built\"",
	 "CONTAINER $out", NULL, 1},
	/* The project's public key beside its packages (images read it
	 * there); keygen makes the key pair on first use, so every package
	 * edge runs after this one (lower_unit: directly, or through a
	 * container edge it already waits for). */
	{"pubkey", "@C@H/apk-sign keygen @K >/dev/null && "
	           "(cmp -s @K.pub @O || (mkdir -p $$(dirname @O) && cp @K.pub @O))",
	 "KEY $out", NULL, 1},
};

/* Characters that need no quoting for sh nor escaping for ninja. */
static const char plain_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789_-./=:+,@%";
static bool plain[256];

/* put_shq appends s quoted for sh (single quotes) when it needs it, and
 * escaped for ninja ($ doubled). */
static void put_shq(struct buf *b, const char *s)
{
	if (!plain['a'])
		for (const char *c = plain_chars; *c; c++)
			plain[(unsigned char)*c] = true;
	size_t n = 0;
	while (plain[(unsigned char)s[n]])
		n++;
	if (n && !s[n]) {
		buf_add(b, s, n);
		return;
	}
	buf_addc(b, '\'');
	while (*s) {
		size_t run = strcspn(s, "'$");
		buf_add(b, s, run);
		s += run;
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else if (*s == '$')
			buf_adds(b, "$$");
		if (*s)
			s++;
	}
	buf_addc(b, '\'');
}

/* lower_shq returns s quoted for sh when it needs it, and escaped for
 * ninja ($ doubled).  Caller frees. */
char *lower_shq(const char *s)
{
	struct buf b = {0};
	put_shq(&b, s);
	return b.data;
}

/* add_flag appends " flag value" (value quoted); nothing for an empty value. */
static void add_flag(struct buf *b, const char *flag, const char *val)
{
	if (!val || !*val)
		return;
	if (b->len)
		buf_addc(b, ' ');
	buf_adds(b, flag);
	buf_addc(b, ' ');
	put_shq(b, val);
}

/* flags returns scratch buffer i, emptied. */
static struct buf *flags(struct lower *l, int i)
{
	l->flags[i].len = 0;
	if (l->flags[i].data)
		l->flags[i].data[0] = '\0';
	return &l->flags[i];
}

static const char *buf_str(const struct buf *b) { return b->data ? b->data : ""; }

/* fail records lowering's own first error as a whole diagnostic line. */
static int fail(struct lower *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct lower *l, const char *fmt, ...)
{
	if (!l->err) {
		char *msg = NULL;
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		if (msg && asprintf(&l->err, "yoe: error: %s", msg) < 0)
			l->err = NULL;
		free(msg);
	}
	return -1;
}

/* fail_model takes the model's error (already `file:line:col: error: …`,
 * from yoe_error) as lowering's; what says what failed if it has none. */
static int fail_model(struct lower *l, struct yoe_project *p, const char *what)
{
	if (l->err)
		return -1;
	if (!p->err)
		return fail(l, "%s", what);
	l->err = strdup(p->err);
	return -1;
}

void lower_init(struct lower *l, struct emit_graph *g, const struct lower_opts *o)
{
	memset(l, 0, sizeof *l);
	l->g = g;
	l->o = o;
	emit_header(g, "Generated by `yoe gen`; do not edit.  Regenerated when an input changes.");
	emit_pool(g, "fetch", 4);
}

/* signing_key: project(signing_key=) or ~/.config/yoe/keys/<project>.rsa. */
static char *signing_key(struct yoe_project *p)
{
	if (p->signing_key && *p->signing_key)
		return strdup(p->signing_key);
	const char *home = getenv("HOME");
	char *key = NULL;
	if (asprintf(&key, "%s/.config/yoe/keys/%s.rsa", home ? home : "", p->name) < 0)
		return NULL;
	return key;
}

/* shell_var appends "v=$out && " (v: o or i, from: out or in) and, for a
 * file included from elsewhere, strips top off it ("v=${v#top} && "). */
static void shell_var(struct buf *b, char v, const char *from, const char *top_q)
{
	buf_printf(b, "%c=$%s && ", v, from);
	if (top_q)
		buf_printf(b, "%c=$${%c#%s} && ", v, v, top_q);
}

/* add_rules writes the rule templates with the helpers, cd, key, output and
 * input filled. */
static void add_rules(struct lower *l, struct yoe_project *p)
{
	struct buf top = {0}, h = {0}, k = {0}, cmd = {0};
	/* Build lines name paths from the including directory (top + project
	 * path); the helpers run in the project: @C strips top off again. */
	const char *top_q = NULL;
	if (l->o->cd) {
		put_shq(&top, l->o->top);
		top_q = buf_str(&top);
	}
	put_shq(&h, l->o->helpers);
	char *key = signing_key(p);
	put_shq(&k, key ? key : "");
	free(key);
	const char *o = top_q ? "\"$$o\"" : "$out", *in = top_q ? "\"$$i\"" : "$in";
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const char *t = rules[i].command;
		bool need_o = top_q || strstr(t, "$${o"), need_i = strstr(t, "$${i") || (top_q && strstr(t, "@I"));
		cmd.len = 0;
		for (const char *s = t; *s;) {
			const char *at = strchr(s, '@');
			size_t run = at ? (size_t)(at - s) : strlen(s);
			buf_add(&cmd, s, run);
			s += run;
			if (!*s)
				break;
			switch (s[1]) {
			case 'C':
				if (top_q) {
					buf_adds(&cmd, "cd ");
					put_shq(&cmd, l->o->cd);
					buf_adds(&cmd, " && ");
				}
				if (need_o)
					shell_var(&cmd, 'o', "out", top_q);
				if (need_i)
					shell_var(&cmd, 'i', "in", top_q);
				break;
			case 'H': buf_adds(&cmd, buf_str(&h)); break;
			case 'K': buf_adds(&cmd, buf_str(&k)); break;
			case 'O': buf_adds(&cmd, o); break;
			case 'I': buf_adds(&cmd, in); break;
			}
			s += 2;
		}
		struct emit_rule *r = emit_rule_new(l->g, rules[i].name, buf_str(&cmd));
		emit_rule_set(&r->description, rules[i].description);
		if (rules[i].pool)
			emit_rule_set(&r->pool, rules[i].pool);
		r->restat = rules[i].restat;
	}
	buf_free(&top);
	buf_free(&h);
	buf_free(&k);
	buf_free(&cmd);
}

const char *lower_cat(struct yoe_project *p, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, p);
	for (const char *s; (s = va_arg(ap, const char *));)
		n += strlen(s);
	va_end(ap);
	char *out = ar_alloc(&p->arena, n + 1), *d = out;
	va_start(ap, p);
	for (const char *s; (s = va_arg(ap, const char *));) {
		size_t k = strlen(s);
		memcpy(d, s, k);
		d += k;
	}
	va_end(ap);
	*d = '\0';
	return out;
}

/* P returns a build-line path: top + project-relative path (arena). */
static const char *P(struct lower *l, struct yoe_project *p, const char *rel)
{
	return *l->o->top ? lower_cat(p, l->o->top, rel, NULL) : rel;
}

/* Who claimed an output: a unit, by name, directory and key. */
struct lower_claim {
	const char *name, *dir, *key;
};

/* claim records that unit name (dir, key) writes out; a second, different
 * writer is an error naming both.  Returns 1 when the same unit already
 * claimed it (the edge exists: skip), 0 when newly claimed, -1 on
 * conflict. */
static int claim(struct lower *l, const char *out, const char *name, const char *dir,
                 const char *key)
{
	const struct lower_claim *prev = sm_get(&l->outs, out);
	if (!prev) {
		struct lower_claim *c = malloc(sizeof *c);
		if (!c)
			return fail(l, "out of memory");
		*c = (struct lower_claim){name, dir, key};
		sm_put(&l->outs, out, c);
		return 0;
	}
	if (!strcmp(prev->name, name) && !strcmp(prev->dir, dir) && !strncmp(prev->key, key, 12))
		return 1;
	if (!*name)
		return fail(l, "two different edges write %s: unit %s (%s, key %.12s) and %s", out,
		            prev->name, prev->dir, prev->key, dir);
	return fail(l, "two different edges write %s: unit %s (%s, key %.12s) and unit %s (%s, key "
	            "%.12s) (give the units different names or scopes)", out, prev->name, prev->dir,
	            prev->key, name, dir, key);
}

const char *lower_apk_arch(const char *arch)
{
	return !strcmp(arch, "arm64") ? "aarch64" : arch;
}

/* unit_paths fills where a unit's files go. */
void lower_unit_paths(struct yoe_project *p, const struct yoe_unit *u, const char *distro,
                      struct lower_paths *lp)
{
	const char *scope = u->scope;
	bool image = !strcmp(u->class, "image");
	lp->scope = image || !strcmp(scope, "machine") ? p->machine
	            : !strcmp(scope, "noarch") ? "noarch" : p->arch;
	lp->dir = lower_cat(p, "build/", distro, "/", u->name, ".", lp->scope, NULL);
	lp->repo_arch = !strcmp(scope, "noarch") ? "noarch" : lower_apk_arch(p->arch);
	/* Machine-scoped packages get a repository per machine: two machines
	 * of one arch build different packages under the same name. */
	if (!strcmp(scope, "machine") && !image)
		lp->repo_dir = lower_cat(p, "repo/", p->name, "/", distro, "/", p->machine, "/", lp->repo_arch,
		                      NULL);
	else
		lp->repo_dir = lower_cat(p, "repo/", p->name, "/", distro, "/", lp->repo_arch, NULL);
	char num[24];
	const char *rel = lower_num(num, (long long)u->release);
	lp->apk = lower_cat(p, lp->repo_dir, "/", u->name, "-", u->version, "-r", rel, ".apk", NULL);
	lp->image = lower_cat(p, lp->dir, "/", u->name, ".img", NULL);
}

static struct emit_edge *edge(struct lower *l, const char *rule)
{
	return emit_edge_new(l->g, emit_rule_find(l->g, rule));
}

/* make_spec_input: Make ignores command lines, so for it the unit's spec
 * (which holds everything a command line would) is a prerequisite. */
static void make_spec_input(struct lower *l, struct yoe_project *p, struct emit_edge *e,
                            const struct lower_paths *lp)
{
	if (l->o->make)
		emit_strv_add(&e->implicit, P(l, p, lower_cat(p, lp->dir, "/unit.ini", NULL)));
}

/* lower_fetch_only fetches a container's rootfs tarball; it must be pinned
 * (container-step reads it from the content-addressed cache).  Returns the
 * fetch.ref path, NULL when there is no source (or on error, l->err set). */
static const char *lower_fetch_only(struct lower *l, struct yoe_project *p, const struct yoe_unit *u,
                                    const struct lower_paths *lp)
{
	if (!*u->source)
		return NULL;
	if (!*u->sha256) {
		yoe_error(p, &u->pos, "container %s: rootfs %s needs sha256 (a container's rootfs "
		          "is always pinned)", u->name, u->source);
		fail_model(l, p, "unpinned container rootfs");
		return NULL;
	}
	const char *ref = lower_cat(p, lp->dir, "/fetch.ref", NULL);
	struct buf *ff = flags(l, 0);
	add_flag(ff, "--url", u->source);
	for (size_t i = 0; i < u->mirrors.n; i++)
		add_flag(ff, "--mirror", u->mirrors.v[i]);
	add_flag(ff, "--sha256", u->sha256);
	struct emit_edge *e = edge(l, "fetch");
	emit_strv_add(&e->outputs, P(l, p, ref));
	emit_edge_var(e, "fetchflags", buf_str(ff));
	make_spec_input(l, p, e, lp);
	return ref;
}

/* lower_source adds fetch + unpack; returns the unpack stamp (or NULL when
 * the unit has no source). */
static const char *lower_source(struct lower *l, struct yoe_project *p, const struct yoe_unit *u,
                                const struct lower_paths *lp)
{
	if (!*u->source)
		return NULL;
	bool git = yoe_source_is_git(u->source);
	const char *ref = lower_cat(p, lp->dir, "/fetch.ref", NULL);
	const char *stamp = lower_cat(p, lp->dir, "/unpack.stamp", NULL);
	struct buf *ff = flags(l, 0), *uf = flags(l, 1);
	add_flag(ff, "--url", u->source);
	if (git) {
		add_flag(ff, "--tag", u->tag);
		add_flag(ff, "--branch", u->branch);
		add_flag(ff, "--commit", u->commit);
	} else {
		for (size_t i = 0; i < u->mirrors.n; i++)
			add_flag(ff, "--mirror", u->mirrors.v[i]);
		add_flag(ff, "--sha256", u->sha256);
		/* unpack checks the archive against its cache entry's name (the
		 * pin fetch verified) and unpacks into src/ beside its stamp, so
		 * a plain archive's unpack edge needs no variable at all */
		/* packages are sources too (repackaging units): copied, not unpacked */
		const char *end = u->source + strcspn(u->source, "?#");
		const char *slash = end;
		while (slash > u->source && slash[-1] != '/')
			slash--;
		size_t bl = (size_t)(end - slash);
		if (bl > 4 && (!strncmp(end - 4, ".deb", 4) || !strncmp(end - 4, ".apk", 4)))
			add_flag(uf, "--copy-as", ar_strndup(&p->arena, slash, bl));
	}
	struct emit_edge *e = edge(l, git ? "git_fetch" : "fetch");
	emit_strv_add(&e->outputs, P(l, p, ref));
	emit_edge_var(e, "fetchflags", buf_str(ff));
	make_spec_input(l, p, e, lp);
	e = edge(l, git ? "git_unpack" : "unpack");
	emit_strv_add(&e->outputs, P(l, p, stamp));
	emit_strv_add(&e->inputs, P(l, p, ref));
	for (size_t i = 0; i < u->patches.n; i++) {
		const char *abs = u->patches.v[i][0] == '/' ? u->patches.v[i]
		                  : ar_join(&p->arena, u->defined_in, u->patches.v[i]);
		const char *rel = yoe_relpath(p, abs);
		add_flag(uf, "--patch", rel);
		struct stat st;
		if (stat(abs, &st) == 0) {
			emit_strv_add(&e->implicit, P(l, p, rel));
			sv_push(&l->inputs, P(l, p, rel));
		} else {
			/* A missing patch (its key says "missing") is not an input:
			 * it would keep the edge and build.ninja dirty forever.  The
			 * helper names it when the unit builds; the nearest existing
			 * directory above it in the project (not the root: ninja's
			 * files change it) regenerates when it comes back. */
			char *dir = ar_strdup(&p->arena, abs), *slash;
			while ((slash = strrchr(dir, '/')) && slash != dir) {
				*slash = '\0';
				if (stat(dir, &st) == 0)
					break;
			}
			const char *rd = yoe_relpath(p, dir);
			if (slash && slash != dir && *rd != '/' && strcmp(rd, "."))
				sv_push(&l->dirs, P(l, p, rd));
		}
	}
	/* written empty too when included from another file, whose own
	 * top-level unpackflags would otherwise leak into the command */
	if (uf->len || l->o->subninja)
		emit_edge_var(e, "unpackflags", buf_str(uf));
	return stamp;
}

/* write_key_text keeps the text behind a unit's own key (the part of its
 * key text without dep keys: yoe_key_own_len) as <dir>/key.txt, for `yoe
 * explain`; rewritten only when the unit's spec changed or it is missing.
 * The build edge copies it to key.built when it succeeds. */
static void write_key_text(struct yoe_project *p, struct yoe_dag *dag, size_t i, const char *dir,
                           bool spec_changed)
{
	const char *path = lower_cat(p, p->root, "/", dir, "/key.txt", NULL);
	if (!spec_changed && access(path, F_OK) == 0)
		return;
	char *t = yoe_key_text(p, dag, i);
	spec_write_file(path, t, yoe_key_own_len(t));
	free(t);
}

/* pubkey returns the path of the distro's public key, adding its edge once. */
static const char *pubkey(struct lower *l, struct yoe_project *p, const char *distro)
{
	const char *path = P(l, p, lower_cat(p, "repo/", p->name, "/", distro, "/keys/", p->name,
	                                  ".rsa.pub", NULL));
	int c = claim(l, path, "", "the project key", "");
	if (c == 0) {
		struct emit_edge *e = emit_edge_new(l->g, emit_rule_find(l->g, "pubkey"));
		emit_strv_add(&e->outputs, path);
	}
	return path;
}

/* node_paths returns the (cached) paths of dag node i. */
static const struct lower_paths *node_paths(struct lower *l, struct yoe_project *p,
                                            struct yoe_dag *dag, size_t i)
{
	if (!l->paths[i].dir)
		lower_unit_paths(p, dag->nodes[i], dag->distro, &l->paths[i]);
	return &l->paths[i];
}

/* index_edge returns the index edge of a repo arch dir, creating it. */
static struct emit_edge *index_edge(struct lower *l, struct yoe_project *p, const char *distro,
                                    const char *repo_dir)
{
	struct emit_edge *e = sm_get(&l->index, repo_dir);
	if (e)
		return e;
	e = emit_edge_new(l->g, emit_rule_find(l->g, "index"));
	emit_strv_add(&e->outputs, P(l, p, lower_cat(p, repo_dir, "/APKINDEX.tar.gz", NULL)));
	emit_strv_add(&e->order, pubkey(l, p, distro));
	emit_edge_var(e, "repodir", repo_dir);
	sm_put(&l->index, repo_dir, e);
	return e;
}

/* add_phony points alias name (with the prefix) at target.  A name already
 * taken (an earlier machine, a unit named like an image alias) keeps its
 * first meaning: the default machine wins.  `all` and `world` are taken
 * from the start (lower_finish). */
static struct emit_phony *add_phony(struct lower *l, struct yoe_project *p, const char *name,
                                     const char *target)
{
	if (!strcmp(name, "all") || !strcmp(name, "world"))
		return NULL;
	const char *full = *l->o->prefix ? lower_cat(p, l->o->prefix, name, NULL) : name;
	if (sm_get(&l->phony, full))
		return NULL;
	struct emit_phony *ph = emit_phony_new(l->g, full);
	sm_put(&l->phony, ph->name, ph);
	emit_strv_add(&ph->targets, target);
	return ph;
}

/* container_paths returns the paths of the container unit u builds in
 * (NULL for the host or an external image); every unit of a project
 * usually names the same one, so the last lookup is kept. */
static const struct yoe_unit *container_of(struct lower *l, struct yoe_project *p,
                                           const struct yoe_unit *u, const char *distro)
{
	struct yoe_unit *cu = yoe_container_unit(p, u, u->container, distro);
	if (cu && cu != l->cu) {
		lower_unit_paths(p, cu, distro, &l->cup);
		l->cu = cu;
	}
	return cu;
}

/* unit_env is a build or image edge's $env: the unit's own key and the hash
 * of the spec just written (spec_hash). */
static const char *unit_env(struct yoe_project *p, const char *key)
{
	return lower_cat(p, "YOE_UNIT_KEY=", key, " YOE_UNIT_SPEC=", spec_hash(), NULL);
}

/* reach_of sets l->reach[i]: the containers whose edges node i's build edge
 * runs after (its container deps, with what they run after, and whatever
 * its build deps run after).  A container node also gets its own bit
 * (l->bit; the first 64 of a DAG: a later one is always listed).  It
 * returns, in *via_deps, the part its build deps already guarantee.  Nodes
 * come deps first, so their masks are ready.  Every container edge waits
 * for the signing key (pubkey), so a unit that reaches one needs no edge
 * to the key of its own. */
static void reach_of(struct lower *l, const struct yoe_dag *dag, size_t i, uint64_t *via_deps)
{
	uint64_t deps = 0, direct = 0;
	for (size_t k = 0; k < dag->nedges[i]; k++) {
		size_t d = (size_t)dag->edges[i][k];
		if (!strcmp(dag->nodes[d]->class, "container"))
			direct |= l->reach[d];
		else
			deps |= l->reach[d];
	}
	if (!strcmp(dag->nodes[i]->class, "container") && l->nctr < 64)
		direct |= l->bit[i] = (uint64_t)1 << l->nctr++;
	l->reach[i] = deps | direct;
	*via_deps = deps;
}

/* listed_by_other_dep: does another build dep of node i depend on d itself?
 * Then i's build edge need not list d: that dep's build edge waits for d,
 * and, not being restat, reruns when d does, which reruns i (half the
 * build.json paths of a typical graph: a dep's runtime deps are deps too). */
static bool listed_by_other_dep(const struct yoe_dag *dag, size_t i, int d)
{
	for (size_t k = 0; k < dag->nedges[i]; k++) {
		int o = dag->edges[i][k];
		if (o == d || !strcmp(dag->nodes[o]->class, "container"))
			continue;
		for (size_t j = 0; j < dag->nedges[o]; j++)
			if (dag->edges[o][j] == d)
				return true;
	}
	return false;
}

/* lower_unit adds the edges of dag node i; returns its final output. */
static const char *lower_unit(struct lower *l, struct yoe_project *p, struct yoe_dag *dag,
                              size_t i)
{
	struct yoe_unit *u = dag->nodes[i];
	struct lower_paths lp = *node_paths(l, p, dag, i);
	bool image = !strcmp(u->class, "image"), container = !strcmp(u->class, "container");
	const char *final = image ? lp.image : container ? lower_cat(p, lp.dir, "/container.id", NULL)
	                                                 : lp.apk;
	uint64_t via_deps;
	reach_of(l, dag, i, &via_deps);   /* also for an edge an earlier machine added */
	int c = claim(l, final, u->name, lp.dir, dag->keys[i]);
	if (c != 0)
		return c > 0 ? final : NULL;
	l->units++;
	sv_push(&l->world, P(l, p, final));
	if (image)
		return final; /* images are lowered after every package exists */
	/* A container unit's source is its rootfs tarball, which
	 * container-step unpacks itself: fetch it, do not unpack it. */
	const char *stamp = container ? lower_fetch_only(l, p, u, &lp) : lower_source(l, p, u, &lp);
	if (container && *u->source && !stamp)
		return NULL;
	size_t need = (dag->nedges[i] > dag->nruntime[i] ? dag->nedges[i] : dag->nruntime[i]) + 1;
	if (need > l->capdeps) {
		l->capdeps = need * 2;
		free(l->deps);
		free(l->rdeps);
		l->deps = calloc(l->capdeps, sizeof *l->deps);
		l->rdeps = calloc(l->capdeps, sizeof *l->rdeps);
		if (!l->deps || !l->rdeps)
			return fail(l, "out of memory"), NULL;
	}
	struct spec_dep *deps = l->deps;
	size_t nd = 0;
	struct emit_edge *e = edge(l, container ? "container" : "build");
	const char *json = lower_cat(p, lp.dir, "/build.json", NULL);
	emit_strv_add(&e->outputs, P(l, p, container ? final : json));
	if (stamp)
		emit_strv_add(&e->inputs, P(l, p, stamp));
	for (size_t k = 0; k < dag->nedges[i]; k++) {
		int d = dag->edges[i][k];
		const struct lower_paths *dp = node_paths(l, p, dag, (size_t)d);
		if (!strcmp(dag->nodes[d]->class, "container")) {
			/* A build environment, not a sysroot ingredient.  Left out
			 * when a build dep already runs after it: the build edge is
			 * not restat, so a rebuilt container reruns that dep and,
			 * through its build.json, this unit (ninja parses every
			 * listed path on every run). */
			if (!(l->bit[d] & via_deps))
				emit_strv_add(&e->implicit,
				              P(l, p, lower_cat(p, dp->dir, "/container.id", NULL)));
			continue;
		}
		deps[nd].name = dag->nodes[d]->name;
		deps[nd++].stage = lower_cat(p, dp->dir, "/stage", NULL);
		if (!listed_by_other_dep(dag, i, d))
			emit_strv_add(&e->implicit, P(l, p, lower_cat(p, dp->dir, "/build.json", NULL)));
	}
	const char *key = dag->own_keys[i];
	const struct yoe_unit *cu = container ? NULL : container_of(l, p, u, dag->distro);
	const char **rdeps = l->rdeps;
	for (size_t k = 0; k < dag->nruntime[i]; k++)
		rdeps[k] = dag->nodes[dag->runtime[i][k]]->name;
	const char *spec = write_unit_spec(p, u, dag->distro, key, &lp, deps, nd, cu,
	                                   cu ? &l->cup : NULL, rdeps, dag->nruntime[i]);
	if (!spec)
		return NULL;
	write_key_text(p, dag, i, lp.dir, spec_changed());
	make_spec_input(l, p, e, &lp);
	emit_edge_var(e, "env", unit_env(p, key));
	if (container) {
		emit_strv_add(&e->order, pubkey(l, p, dag->distro));
		return final;
	}
	e = edge(l, "package");
	emit_strv_add(&e->outputs, P(l, p, lp.apk));
	emit_strv_add(&e->inputs, P(l, p, json));
	if (!l->reach[i])
		emit_strv_add(&e->order, pubkey(l, p, dag->distro));
	/* indexed by the default images that install it (lower_image), or by
	 * lower_machine when the machine has no default image */
	sv_push(&l->pkgs, P(l, p, lp.apk));
	sv_push(&l->pkg_dirs, lp.repo_dir);
	sv_push(&l->pkg_distros, dag->distro);
	return final;
}

/* index_add puts package apk (a graph path) on its arch's index, once.  An
 * index lists the packages of the machines' default images (what `ninja`
 * builds), not every unit of the modules: building an image must not build
 * (or fetch) the whole world, nor the other images' extra packages. */
static void index_add(struct lower *l, struct yoe_project *p, const char *distro,
                      const char *repo_dir, const char *apk)
{
	if (sm_get(&l->indexed, apk))
		return;
	sm_put(&l->indexed, apk, (void *)apk);   /* apk lives in the arena */
	emit_strv_add(&index_edge(l, p, distro, repo_dir)->inputs, apk);
}

/* lower_image adds the image edge of dag node i. */
static int lower_image(struct lower *l, struct yoe_project *p, struct yoe_dag *dag, size_t i)
{
	struct yoe_unit *u = dag->nodes[i];
	struct lower_paths lp = *node_paths(l, p, dag, i);
	struct strlist names = {0}, apks = {0};
	if (yoe_closure(p, &u->artifacts, dag->distro, &names) != 0)
		return fail_model(l, p, "closure failed");
	struct emit_edge *e = edge(l, "image");
	bool is_default_image = !strcmp(u->name, p->def_image);
	l->images += is_default_image;
	emit_strv_add(&e->outputs, P(l, p, lp.image));
	struct strlist indexes = {0};
	for (size_t k = 0; k < names.n; k++) {
		struct yoe_unit *a = yoe_lookup(p, names.v[k], dag->distro);
		if (!a || !strcmp(a->class, "image") || !strcmp(a->class, "container"))
			continue;
		struct lower_paths ap;
		lower_unit_paths(p, a, dag->distro, &ap);
		sv_push(&apks, ap.apk);
		emit_strv_add(&e->implicit, P(l, p, ap.apk));
		if (is_default_image)
			index_add(l, p, dag->distro, ap.repo_dir, P(l, p, ap.apk));
		const char *idx = lower_cat(p, ap.repo_dir, "/APKINDEX.tar.gz", NULL);
		if (!sv_has(&indexes, idx))
			sv_push(&indexes, idx);
	}
	for (size_t k = 0; k < indexes.n; k++)
		emit_strv_add(&e->order, P(l, p, indexes.v[k]));
	const char *pub = lower_cat(p, "repo/", p->name, "/", dag->distro, "/keys/", p->name, ".rsa.pub",
	                         NULL);
	emit_strv_add(&e->implicit, pubkey(l, p, dag->distro));
	const char *key = dag->own_keys[i];
	const char *spec = write_image_spec(p, u, key, &lp, &apks, pub);
	if (spec)
		write_key_text(p, dag, i, lp.dir, spec_changed());
	free(names.v);
	free(apks.v);
	free(indexes.v);
	if (!spec)
		return fail_model(l, p, "cannot write the image spec");
	if (l->o->make)
		emit_strv_add(&e->implicit, P(l, p, spec));
	emit_edge_var(e, "env", unit_env(p, key));
	return 0;
}

/* machine_aliases adds image-<machine>, image-<alias> and the default
 * target. */
static void machine_aliases(struct lower *l, struct yoe_project *p, const char *out)
{
	add_phony(l, p, lower_cat(p, "image-", p->machine, NULL), out);
	struct yoe_machine *m = yoe_machine_get(p, p->machine);
	for (size_t k = 0; m && k < m->aliases.n; k++)
		add_phony(l, p, lower_cat(p, "image-", m->aliases.v[k], NULL), out);
	if (!sv_has(&l->defaults, out))
		sv_push(&l->defaults, out);
}

int lower_machine(struct lower *l, struct yoe_project *p, struct yoe_dag *dags, size_t ndags,
                  bool is_default)
{
	if (l->machines++ == 0)
		add_rules(l, p);
	l->images = 0;
	l->pkgs.n = l->pkg_dirs.n = l->pkg_distros.n = 0;
	for (size_t d = 0; d < ndags; d++) {
		struct yoe_dag *dag = &dags[d];
		free(l->paths);
		free(l->reach);
		free(l->bit);
		l->paths = calloc(dag->n + 1, sizeof *l->paths);
		l->reach = calloc(dag->n + 1, sizeof *l->reach);
		l->bit = calloc(dag->n + 1, sizeof *l->bit);
		l->nctr = 0;
		l->npaths = dag->n;
		l->cu = NULL;
		if (!l->paths || !l->reach || !l->bit)
			return fail(l, "out of memory");
		for (size_t i = 0; i < dag->n; i++) {
			const char *final = lower_unit(l, p, dag, i);
			if (!final)   /* a spec writer may have set only p->err */
				return fail_model(l, p, "cannot lower a unit");
			struct yoe_unit *u = dag->nodes[i];
			if (!strcmp(u->class, "image") && lower_image(l, p, dag, i) != 0)
				return -1;
			const char *out = P(l, p, final);
			struct emit_phony *ph = is_default && d == 0 ? add_phony(l, p, u->name, out) : NULL;
			if (ph)
				sm_put(&l->alias_of, out, ph);
			if (!strcmp(u->class, "image")) {
				add_phony(l, p, lower_cat(p, u->name, "-", p->machine, NULL), out);
				if (!strcmp(u->name, p->def_image))
					machine_aliases(l, p, out);
			}
		}
	}
	/* no default image to say what the devices install: index everything */
	for (size_t k = 0; !l->images && k < l->pkgs.n; k++)
		index_add(l, p, l->pkg_distros.v[k], l->pkg_dirs.v[k], l->pkgs.v[k]);
	l->cu = NULL;
	return 0;
}

/* Noarch packages belong to every arch's index of their distro (apk-sign
 * index reads ../noarch too), so each arch index depends on them. */
static void link_noarch(struct lower *l)
{
	size_t n;
	const char **keys = sm_keys(&l->index, &n);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(keys[i]);
		if (len < 7 || strcmp(keys[i] + len - 7, "/noarch"))
			continue;
		struct emit_edge *na = sm_get(&l->index, keys[i]);
		for (size_t j = 0; j < n; j++) {
			if (j == i || strncmp(keys[j], keys[i], len - 6))
				continue;
			struct emit_edge *e = sm_get(&l->index, keys[j]);
			for (size_t k = 0; k < na->inputs.n; k++)
				emit_strv_add(&e->implicit, na->inputs.v[k]);
		}
	}
	free(keys);
}

/* named_phony adds the alias prefix+name over list (in its order). */
static struct emit_phony *named_phony(struct lower *l, const char *name, const struct strlist *list)
{
	struct buf b = {0};
	buf_adds(&b, l->o->prefix);
	buf_adds(&b, name);
	struct emit_phony *ph = emit_phony_new(l->g, b.data);
	buf_free(&b);
	for (size_t i = 0; i < list->n; i++)
		emit_strv_add(&ph->targets, list->v[i]);
	return ph;
}

/* world_phony adds `world` over every unit, each named by its own alias
 * where it has one (a short name costs ninja less than the package path). */
static void world_phony(struct lower *l)
{
	for (size_t i = 0; i < l->world.n; i++) {
		struct emit_phony *ph = sm_get(&l->alias_of, l->world.v[i]);
		if (ph && sm_get(&l->phony, ph->name) == ph)
			l->world.v[i] = ph->name;
	}
	sv_sort(&l->world);
	named_phony(l, "world", &l->world);
}

/* regen_edge adds the regeneration edge over every input of gen. */
static void regen_edge(struct lower *l)
{
	/* The regeneration edge reads every input of gen.  They are listed on
	 * the edge and declared as sources (`build F: phony`) rather than in a
	 * depfile: ninja 1.11 dedups depfile entries in quadratic time (40 ms
	 * for 4,000 unit files on every run), and a source, unlike a plain
	 * input, may disappear: the deleted file's phony edge is dirty, so
	 * build.ninja regenerates once and no longer lists it. */
	struct emit_rule *r = emit_rule_new(l->g, "regen", "");
	struct buf cmd = {0};
	if (l->o->cd) {
		buf_adds(&cmd, "cd ");
		put_shq(&cmd, l->o->cd);
		buf_adds(&cmd, " && ");
	}
	/* YOE_REGEN tells gen that ninja runs it and records build.ninja in
	 * its log itself (no `ninja -t restat` needed, see cmd_gen.c). */
	buf_adds(&cmd, "YOE_REGEN=1 ");
	/* A helper dir chosen by the environment at gen time is kept, so a
	 * regen from a shell without it does not switch helpers. */
	const char *env = getenv("YOE_LIBEXEC");
	if (env && *env) {
		buf_adds(&cmd, "YOE_LIBEXEC=");
		put_shq(&cmd, env);
		buf_addc(&cmd, ' ');
	}
	put_shq(&cmd, l->o->yoe);
	buf_adds(&cmd, " gen ");
	buf_adds(&cmd, l->o->regen_args);
	emit_rule_set(&r->command, cmd.data);
	buf_free(&cmd);
	emit_rule_set(&r->description, "REGEN $out");
	r->generator = 1;
	r->restat = 1;
	struct emit_edge *e = emit_edge_new(l->g, r);
	e->one_per_line = 1;
	emit_strv_add(&e->outputs, l->o->output);
	struct strlist all_in = {0};
	for (size_t i = 0; i < l->inputs.n; i++)
		sv_push(&all_in, l->inputs.v[i]);
	for (size_t i = 0; i < l->dirs.n; i++)
		sv_push(&all_in, l->dirs.v[i]);
	sv_sort(&all_in);
	sv_uniq(&all_in);
	for (size_t i = 0; i < all_in.n; i++) {
		emit_strv_add(&e->implicit, all_in.v[i]);
		emit_strv_add(&l->g->sources, all_in.v[i]);
		/* a unit named like a top-level input ("units") loses its alias:
		 * regenerating must never build a unit first */
		struct emit_phony *ph = sm_get(&l->phony, all_in.v[i]);
		if (ph) {
			emit_phony_drop(l->g, ph);
			sm_put(&l->phony, all_in.v[i], NULL);
		}
	}
	free(all_in.v);
}

int lower_finish(struct lower *l)
{
	link_noarch(l);
	struct emit_phony *all = named_phony(l, "all", &l->defaults);
	if (!l->o->subninja)
		regen_edge(l);
	world_phony(l);
	if (!l->o->subninja)
		emit_default(l->g, all->name);
	return 0;
}

void lower_free(struct lower *l)
{
	/* The maps' keys live in the projects' arenas: only values and slots
	 * are ours. */
	for (size_t i = 0; i < l->outs.cap; i++)
		if (l->outs.slots[i].key)
			free(l->outs.slots[i].val);
	sm_free(&l->outs);
	sm_free(&l->index);
	sm_free(&l->indexed);
	free(l->pkgs.v);
	free(l->pkg_dirs.v);
	free(l->pkg_distros.v);
	sm_free(&l->phony);
	sm_free(&l->alias_of);
	free(l->world.v);
	free(l->defaults.v);
	free(l->inputs.v);
	free(l->dirs.v);
	free(l->paths);
	free(l->reach);
	free(l->bit);
	free(l->deps);
	free(l->rdeps);
	buf_free(&l->flags[0]);
	buf_free(&l->flags[1]);
	free(l->err);
}
