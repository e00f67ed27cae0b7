/* gen/yoe/unitkey.c — unit keys: SHA-256 over a canonical serialization of
 * everything that can change a unit's output (docs/unit-keys.md is the
 * format's specification; keep the two in step).  Every value is written as
 * `tag=<byte length>:<bytes>\n`, lists as `tag#<count>\n` followed by their
 * items, so no two different inputs serialize alike.
 *
 * File contents are hashed with SHA-256 too, but through a fingerprint
 * cache: XXH3 over (path, size, mtime, inode, ctime) finds the digest of a
 * file that has not changed since the last gen, so big files dirs are not
 * re-read every time.  The cache is only an accelerator: a miss re-hashes. */
#include "yoe/model.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "lib/atomicfile.h"

#define KEY_VERSION "yoe-unit-key 1"

static void to_hex(const unsigned char md[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* yoe_sha256_into: one digest context and algorithm per thread, fetched
 * once (OpenSSL's one-shot calls look the algorithm up every time, which
 * shows at 4,000 units); the read-ahead thread (prefetch.c) uses it too. */
static _Thread_local EVP_MD *md;
static _Thread_local EVP_MD_CTX *ctx;

void yoe_sha256_into(const void *data, size_t n, char out[65])
{
	if (!md) {
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
		ctx = EVP_MD_CTX_new();
	}
	unsigned char d[32];
	unsigned int len = 0;
	EVP_DigestInit_ex(ctx, md, NULL);
	EVP_DigestUpdate(ctx, data, n);
	EVP_DigestFinal_ex(ctx, d, &len);
	to_hex(d, out);
}

/* sha256_split_hex hashes data[0..own) into own_out and all n bytes into
 * all_out in one pass (the digest state is copied at the split point). */
static void sha256_split_hex(const char *data, size_t own, size_t n, char own_out[65],
                             char all_out[65])
{
	static EVP_MD *md;
	static EVP_MD_CTX *ctx, *fork;
	if (!md) {
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
		ctx = EVP_MD_CTX_new();
		fork = EVP_MD_CTX_new();
	}
	unsigned char d[32];
	unsigned int len = 0;
	EVP_DigestInit_ex(ctx, md, NULL);
	EVP_DigestUpdate(ctx, data, own);
	EVP_MD_CTX_copy_ex(fork, ctx);
	EVP_DigestFinal_ex(fork, d, &len);
	to_hex(d, own_out);
	EVP_DigestUpdate(ctx, data + own, n - own);
	EVP_DigestFinal_ex(ctx, d, &len);
	to_hex(d, all_out);
}

size_t yoe_key_own_len(const char *t)
{
	/* The text ends with [container_key=64:<hex>\n] deps_keys#N\n and N
	 * records; values are length-prefixed, so the last header is the real one. */
	const char *cut = NULL;
	for (const char *s = t; (s = strstr(s, "\ndeps_keys#")); s++)
		cut = s + 1;
	if (!cut)
		return strlen(t);
	static const char ck[] = "\ncontainer_key=64:";
	size_t ckl = sizeof ck - 1 + 64 + 1;
	if ((size_t)(cut - t) >= ckl && !strncmp(cut - ckl, ck, sizeof ck - 1))
		cut -= ckl - 1;
	return (size_t)(cut - t);
}

const char *yoe_unit_files_dir(struct yoe_project *p, const struct yoe_unit *u)
{
	const char *d = ar_join(&p->arena, u->defined_in, u->name);
	/* a directory the phase walk listed tells, without a stat, whether the
	 * files dir exists (most units have none) */
	if (sm_get(&p->walked_dirs, u->defined_in))
		return sm_get(&p->walked_dirs, d) ? d : NULL;
	struct stat st;
	return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

void yoe_sha256_release(void)
{
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	ctx = NULL;
	md = NULL;
}

const char *yoe_sha256_hex(struct yoe_arena *a, const void *data, size_t n)
{
	char *out = ar_alloc(a, 65);
	yoe_sha256_into(data, n, out);
	return out;
}

static const char *cache_path(struct yoe_project *p)
{
	return ar_printf(&p->arena, "%s/yoe-filehash", p->cache_dir);
}

static void cache_load(struct yoe_project *p)
{
	p->hashcache_loaded = true;
	FILE *f = fopen(cache_path(p), "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		char fp[40], sha[70];
		if (sscanf(line, "%32s %64s", fp, sha) == 2 && strlen(sha) == 64)
			sm_put(&p->hashcache, ar_strdup(&p->arena, fp), ar_strdup(&p->arena, sha));
	}
	fclose(f);
}

void yoe_hash_cache_save(struct yoe_project *p)
{
	/* only what this run used is kept, so stale fingerprints drop out */
	struct stat st;
	if ((!p->hashcache_dirty && p->hashused.len == p->hashcache.len) || stat(p->cache_dir, &st) ||
	    !S_ISDIR(st.st_mode))
		return;
	size_t n;
	const char **k = sm_keys(&p->hashused, &n);
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s %s\n", k[i], (const char *)sm_get(&p->hashused, k[i]));
	write_file_if_changed(cache_path(p), b.data ? b.data : "", b.len, 0644);
	buf_free(&b);
	free(k);
}

bool yoe_file_sha256(struct yoe_project *p, const char *path, char out[65])
{
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	if (!p->hashcache_loaded)
		cache_load(p);
	struct buf fpb = {0};
	buf_printf(&fpb, "%s\n%lld %lld.%09ld %llu %lld.%09ld", path, (long long)st.st_size,
	           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino,
	           (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	XXH128_hash_t h = XXH3_128bits(fpb.data, fpb.len);
	buf_free(&fpb);
	char fp[33];
	snprintf(fp, sizeof fp, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
	const char *hit = sm_get(&p->hashcache, fp);
	if (hit) {
		memcpy(out, hit, 65);
		if (!sm_get(&p->hashused, fp))
			sm_put(&p->hashused, sm_get_key(&p->hashcache, fp), (void *)hit);
		return true;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		EVP_DigestUpdate(ctx, chunk, r);
	int bad = ferror(f);
	fclose(f);
	unsigned char md[32];
	unsigned int len = 0;
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	if (bad)
		return false;
	to_hex(md, out);
	const char *k = ar_strdup(&p->arena, fp), *v = ar_strdup(&p->arena, out);
	sm_put(&p->hashcache, k, (void *)v);
	sm_put(&p->hashused, k, (void *)v);
	p->hashcache_dirty = true;
	return true;
}

/* ---- the serialization ---- */

/* room makes space for n more bytes and returns where they go (the key
 * text is built field by field for every unit: no per-byte appends) */
static char *room(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	return b->data + b->len;
}

static char *put_num(char *o, size_t n)
{
	char num[24];
	size_t k = sizeof num;
	do
		num[--k] = (char)('0' + n % 10);
	while (n /= 10);
	memcpy(o, num + k, sizeof num - k);
	return o + (sizeof num - k);
}

/* kvn appends `tag=<n>:<s>\n` */
static void kvn(struct buf *b, const char *tag, size_t tl, const char *s, size_t n)
{
	char *o = room(b, tl + n + 24);
	memcpy(o, tag, tl);
	o += tl;
	*o++ = '=';
	o = put_num(o, n);
	*o++ = ':';
	memcpy(o, s, n);
	o += n;
	*o++ = '\n';
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

static void kv(struct buf *b, const char *tag, const char *s)
{
	kvn(b, tag, strlen(tag), s, strlen(s));
}

static void kvi(struct buf *b, const char *tag, long long v)
{
	char t[24];
	size_t k = sizeof t - 1;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	t[k] = '\0';
	do
		t[--k] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		t[--k] = '-';
	kvn(b, tag, strlen(tag), t + k, sizeof t - 1 - k);
}

/* count appends `tag#<n>\n`, the header of a list */
static void count(struct buf *b, const char *tag, size_t n)
{
	size_t tl = strlen(tag);
	char *o = room(b, tl + 24);
	memcpy(o, tag, tl);
	o += tl;
	*o++ = '#';
	o = put_num(o, n);
	*o++ = '\n';
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

static void list(struct buf *b, const char *tag, const struct strlist *l)
{
	count(b, tag, l->n);
	for (size_t i = 0; i < l->n; i++)
		kv(b, "-", l->v[i]);
}

static void smap(struct buf *b, const char *tag, const struct yoe_smap *m)
{
	count(b, tag, m->n);
	for (size_t i = 0; i < m->n; i++) {
		kv(b, "k", m->keys[i]);
		kv(b, "v", m->vals[i]);
	}
}

static void lmap(struct buf *b, const char *tag, const struct yoe_lmap *m)
{
	count(b, tag, m->n);
	for (size_t i = 0; i < m->n; i++) {
		kv(b, "k", m->keys[i]);
		list(b, "v", &m->vals[i]);
	}
}

/* rel: a path relative to the project root when inside it, so moving the
 * checkout does not change keys. */
static const char *rel(struct yoe_project *p, const char *path)
{
	size_t n = strlen(p->root);
	if (!strncmp(path, p->root, n) && path[n] == '/')
		return path + n + 1;
	if (!strcmp(path, p->root))
		return ".";
	/* a module outside the project (a local= path, a yoe install): name
	 * the file by module, so where it lives does not change keys */
	for (size_t i = 0; i < p->nmodules; i++) {
		const char *d = p->modules[i]->dir;
		size_t dn = d ? strlen(d) : 0;
		if (dn && !strncmp(path, d, dn) && path[dn] == '/')
			return ar_printf(&p->arena, "@%s//%s", p->modules[i]->name, path + dn + 1);
	}
	return path;
}

/* kv_body appends `<len of label>:<label> <sha>\n` */
static void kv_body(struct buf *b, const char *label, const char *sha)
{
	size_t n = strlen(label), sl = strlen(sha);
	char *o = room(b, n + sl + 24);
	o = put_num(o, n);
	*o++ = ':';
	memcpy(o, label, n);
	o += n;
	*o++ = ' ';
	memcpy(o, sha, sl);
	o += sl;
	*o++ = '\n';
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

/* star_label names a .star file independently of where the checkout is:
 * `@module//path` inside a module, else project-relative (else absolute). */
static const char *star_label(struct yoe_project *p, const char *path)
{
	const struct yoe_module *best = NULL;
	size_t bl = 0;
	for (size_t i = 0; i < p->nmodules; i++) {
		const char *d = p->modules[i]->dir;
		size_t n = strlen(d);
		if (n > bl && !strncmp(path, d, n) && path[n] == '/')
			best = p->modules[i], bl = n;
	}
	if (best) {
		size_t nl = strlen(best->name), rl = strlen(path + bl + 1);
		char *o = ar_alloc(&p->arena, nl + rl + 4);
		o[0] = '@';
		memcpy(o + 1, best->name, nl);
		memcpy(o + 1 + nl, "//", 2);
		memcpy(o + 3 + nl, path + bl + 1, rl + 1);
		return o;
	}
	return rel(p, path);
}

/* star_path: back from a label to the file */
static const char *star_path(struct yoe_project *p, const char *label)
{
	if (label[0] == '/')
		return label;
	if (label[0] == '@') {
		const char *sl = strstr(label, "//");
		for (size_t i = 0; sl && i < p->nmodules; i++)
			if (strlen(p->modules[i]->name) == (size_t)(sl - label - 1) &&
			    !strncmp(p->modules[i]->name, label + 1, (size_t)(sl - label - 1)))
				return ar_join(&p->arena, p->modules[i]->dir, sl + 2);
	}
	return ar_join(&p->arena, p->root, label);
}

static void hash_file_line(struct yoe_project *p, struct buf *b, const char *tag, const char *label,
                           const char *path)
{
	char sha[65];
	if (!yoe_file_sha256(p, path, sha))
		strcpy(sha, "missing");
	buf_adds(b, tag);
	buf_addc(b, '=');
	kv_body(b, label, sha);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* walk_files: every regular file (symlinks followed for content) under dir,
 * as paths relative to top, into out. */
static void walk_files(struct yoe_project *p, const char *top, const char *sub, struct strlist *out)
{
	const char *dir = *sub ? ar_join(&p->arena, top, sub) : top;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		const char *r = *sub ? ar_join(&p->arena, sub, e->d_name) : ar_strdup(&p->arena, e->d_name);
		struct stat st;
		const char *full = ar_join(&p->arena, top, r);
		if (lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			walk_files(p, top, r, out);
		else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
			sv_push(out, r);
	}
	closedir(d);
}

/* star_closure: the unit's top-level file and everything it loaded. */
static void star_closure(struct yoe_project *p, const char *file, struct strmap *seen, struct strlist *out)
{
	if (!*file || sm_get(seen, file))
		return;
	sm_put(seen, file, (void *)file);
	sv_push(out, file);
	struct yoe_file *f = sm_get(&p->files, file);
	for (size_t i = 0; f && i < f->loads.n; i++)
		star_closure(p, f->loads.v[i], seen, out);
}

/* star_lines appends the `star` list: every .star file that shaped the
 * unit, by label, with its SHA-256. */
static void star_lines(struct yoe_project *p, struct buf *b, const char *file)
{
	struct yoe_file *f = *file ? sm_get(&p->files, file) : NULL;
	if (f && !f->loads.n && *f->text_sha) {
		/* the common case: one file that loaded nothing, hashed when read */
		count(b, "star", 1);
		buf_add(b, "-=", 2);
		kv_body(b, star_label(p, file), f->text_sha);
		return;
	}
	struct strlist stars = {0};
	struct strmap seen = {0};
	star_closure(p, file, &seen, &stars);
	sm_free(&seen);
	for (size_t k = 0; k < stars.n; k++)
		stars.v[k] = star_label(p, stars.v[k]);
	if (stars.n > 1)
		qsort(stars.v, stars.n, sizeof *stars.v, cmpstr);
	count(b, "star", stars.n);
	for (size_t k = 0; k < stars.n; k++) {
		const char *full = star_path(p, stars.v[k]);
		struct yoe_file *sf = sm_get(&p->files, full);
		if (sf && *sf->text_sha) { /* hashed when it was read */
			buf_add(b, "-=", 2);
			kv_body(b, stars.v[k], sf->text_sha);
		}
		else
			hash_file_line(p, b, "-", stars.v[k], full);
	}
	free(stars.v);
}

static void machine_text(struct buf *b, const struct yoe_machine *m)
{
	kv(b, "machine", m->name);
	kv(b, "machine.arch", m->arch);
	kv(b, "machine.kernel.unit", m->kernel.unit);
	smap(b, "machine.kernel.distro_unit", &m->kernel.distro_unit);
	kv(b, "machine.kernel.provides", m->kernel.provides);
	kv(b, "machine.kernel.defconfig", m->kernel.defconfig);
	kv(b, "machine.kernel.cmdline", m->kernel.cmdline);
	list(b, "machine.packages", &m->packages);
	lmap(b, "machine.distro_packages", &m->distro_packages);
	buf_printf(b, "machine.partitions#%zu\n", m->npartitions);
	for (size_t i = 0; i < m->npartitions; i++) {
		kv(b, "label", m->partitions[i].label);
		kv(b, "type", m->partitions[i].type);
		kv(b, "size", m->partitions[i].size);
		kvi(b, "root", m->partitions[i].root);
		list(b, "contents", &m->partitions[i].contents);
	}
}

/* What every unit of a DAG looks up alike, found once per DAG: the
 * machine, and the last container reference (units mostly share one). */
struct kcache {
	bool have_machine;
	struct yoe_machine *machine;
	const char *cref;            /* last container reference, or NULL */
	struct yoe_unit *cunit;      /* what it resolved to */
};

/* key_text appends node i's key text to b (cleared first) and sets *own
 * to the length of the unit's own part (yoe_key_own_len). */
static void key_text(struct yoe_project *p, struct yoe_dag *dag, size_t i, struct buf *out, size_t *own,
                     struct kcache *kc)
{
	struct yoe_unit *u = dag->nodes[i];
	struct buf b = *out;
	b.len = 0;
	bool image = !strcmp(u->class, "image");
	buf_adds(&b, KEY_VERSION "\n");
	kv(&b, "name", u->name);
	kv(&b, "class", u->class);
	kv(&b, "version", u->version);
	kvi(&b, "release", u->release);
	kv(&b, "description", u->description);
	kv(&b, "license", u->license);
	kv(&b, "scope", u->scope);
	kv(&b, "distro", u->distro);
	kv(&b, "build_distro", dag->distro);
	/* what it may vary on: noarch nothing, arch the arch, machine/image the
	 * whole machine definition */
	if (strcmp(u->scope, "noarch"))
		kv(&b, "arch", p->arch);
	if (!kc->have_machine) {
		kc->machine = yoe_machine_get(p, p->machine);
		kc->have_machine = true;
	}
	struct yoe_machine *m = kc->machine;
	if (!strcmp(u->scope, "machine") || image) {
		if (m)
			machine_text(&b, m);
		else
			kv(&b, "machine", p->machine);
	}
	kv(&b, "source", u->source);
	kv(&b, "sha256", u->sha256);
	kv(&b, "apk_checksum", u->apk_checksum);
	kv(&b, "passthrough_apk", u->passthrough_apk);
	kv(&b, "tag", u->tag);
	kv(&b, "branch", u->branch);
	kv(&b, "commit", u->commit);
	count(&b, "patches", u->patches.n);
	for (size_t k = 0; k < u->patches.n; k++)
		hash_file_line(p, &b, "-", u->patches.v[k],
		               ar_join(&p->arena, u->defined_in, u->patches.v[k]));
	list(&b, "deps", &u->deps);
	list(&b, "runtime_deps", &u->runtime_deps);
	lmap(&b, "distro_deps", &u->distro_deps);
	lmap(&b, "distro_runtime_deps", &u->distro_runtime_deps);
	list(&b, "provides", &u->provides);
	list(&b, "replaces", &u->replaces);
	list(&b, "services", &u->services);
	list(&b, "conffiles", &u->conffiles);
	kv(&b, "container", u->container);
	kv(&b, "container_arch", u->container_arch);
	kvi(&b, "sandbox", u->sandbox);
	kv(&b, "shell", u->shell);
	smap(&b, "environment", &u->environment);
	count(&b, "tasks", u->ntasks);
	for (size_t t = 0; t < u->ntasks; t++) {
		const struct yoe_task *tk = &u->tasks[t];
		kv(&b, "task", tk->name);
		kv(&b, "task.container", tk->container);
		kvi(&b, "task.network", tk->network);
		kvi(&b, "task.remove", tk->remove);
		count(&b, "steps", tk->nsteps);
		for (size_t s = 0; s < tk->nsteps; s++) {
			const struct yoe_step *st = &tk->steps[s];
			switch (st->kind) {
			case YS_CMD: kv(&b, "cmd", st->text); break;
			case YS_FN: kv(&b, "fn", st->text); break;
			case YS_INSTALL_FILE:
			case YS_INSTALL_TEMPLATE:
				kv(&b, st->kind == YS_INSTALL_FILE ? "install_file" : "install_template", st->src);
				kv(&b, "dest", st->dest);
				kvi(&b, "mode", st->mode);
				kv(&b, "base", star_label(p, st->base_dir));
				hash_file_line(p, &b, "src", st->src, ar_join(&p->arena, st->base_dir, st->src));
				break;
			}
		}
	}
	if (image) {
		list(&b, "artifacts", &u->artifacts);
		list(&b, "exclude", &u->exclude);
		kv(&b, "hostname", u->hostname);
		kv(&b, "timezone", u->timezone);
		kv(&b, "locale", u->locale);
		kv(&b, "unbuildable_machine", u->unbuildable_machine);
		buf_printf(&b, "partitions#%zu\n", u->npartitions);
		for (size_t k = 0; k < u->npartitions; k++) {
			kv(&b, "label", u->partitions[k].label);
			kv(&b, "type", u->partitions[k].type);
			kv(&b, "size", u->partitions[k].size);
			kvi(&b, "root", u->partitions[k].root);
			list(&b, "contents", &u->partitions[k].contents);
		}
	}
	count(&b, "extra", u->nextra);
	for (size_t k = 0; k < u->nextra; k++) {
		struct buf j = {0};
		yoe_json_value(&j, u->extra_vals[k]);
		kv(&b, u->extra_keys[k], j.data ? j.data : "null");
		buf_free(&j);
	}
	/* the files dir: <defined_in>/<name>/ */
	struct strlist files = {0};
	const char *fdir = yoe_unit_files_dir(p, u);
	if (fdir)
		walk_files(p, fdir, "", &files);
	if (files.n > 1)
		qsort(files.v, files.n, sizeof *files.v, cmpstr);
	count(&b, "files", files.n);
	for (size_t k = 0; k < files.n; k++)
		hash_file_line(p, &b, "-", files.v[k], ar_join(&p->arena, fdir, files.v[k]));
	free(files.v);
	/* the .star text that defined it */
	star_lines(p, &b, u->file);
	*own = b.len;
	/* the container and every build dep, by key (containers are edges) */
	if (!kc->cref || strcmp(kc->cref, u->container)) {
		kc->cref = u->container;
		kc->cunit = yoe_container_unit(p, u, u->container, dag->distro);
	}
	struct yoe_unit *c = kc->cunit;
	if (c && c != u && c->dag_id >= 0 && (size_t)c->dag_id < dag->n && dag->nodes[c->dag_id] == c)
		kv(&b, "container_key", dag->keys[c->dag_id]);
	count(&b, "deps_keys", dag->nedges[i]);
	for (size_t k = 0; k < dag->nedges[i]; k++) {
		int d = dag->edges[i][k];
		kv(&b, dag->nodes[d]->name, dag->keys[d]);
	}
	*out = b; /* never empty: it starts with the version line */
}

char *yoe_key_text(struct yoe_project *p, struct yoe_dag *dag, size_t i)
{
	struct buf b = {0};
	size_t own;
	struct kcache kc = {0};
	key_text(p, dag, i, &b, &own, &kc);
	return b.data;
}

int yoe_compute_keys(struct yoe_project *p, struct yoe_dag *dag)
{
	free(dag->keys);
	free(dag->own_keys);
	dag->keys = calloc(dag->n + 1, sizeof *dag->keys);
	dag->own_keys = calloc(dag->n + 1, sizeof *dag->own_keys);
	struct buf t = {0}; /* one buffer for every unit's text */
	struct kcache kc = {0};
	for (size_t i = 0; i < dag->n; i++) {
		size_t own;
		key_text(p, dag, i, &t, &own, &kc);
		sha256_split_hex(t.data, own, t.len, dag->own_keys[i], dag->keys[i]);
		struct yoe_unit *u = dag->nodes[i];
		if (!strcmp(yoe_unit_distro(p, u), dag->distro))
			memcpy(u->key, dag->keys[i], 65);
	}
	buf_free(&t);
	return 0;
}
