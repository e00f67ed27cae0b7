/* runtime/image/apkdb.c — apk database and host identity files (apkdb.h). */
#include "image/apkdb.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* q1 formats 20 raw SHA-1 bytes as apk's "Q1<base64>". */
static void q1(const unsigned char md[20], char out[40])
{
	memcpy(out, "Q1", 2);
	EVP_EncodeBlock((unsigned char *)out + 2, md, 20);
}

static int q1_hex(const char *hex, char out[40])
{
	unsigned char md[20];
	if (strlen(hex) != 40)
		return -1;
	for (int i = 0; i < 20; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		md[i] = (unsigned char)v;
	}
	q1(md, out);
	return 0;
}

/* item is one line group of a package's file list. */
struct item {
	const char *dir;          /* directory path ("" = root) */
	const struct mentry *e;   /* the file, or NULL for the directory itself */
	const struct mentry *d;   /* the directory's entry (for M:), or NULL */
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = path_cmp(x->dir, y->dir);
	if (c)
		return c;
	if (!x->e || !y->e)
		return (x->e != NULL) - (y->e != NULL);
	return strcmp(x->e->path, y->e->path);
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void pkg_fields(FILE *f, const struct pkg *p)
{
	static const struct { const char *key; char tag; } map[] = {
		{"pkgdesc", 'T'}, {"url", 'U'}, {"license", 'L'}, {"origin", 'o'},
		{"maintainer", 'm'}, {"builddate", 't'}, {"commit", 'c'},
	};
	unsigned char md[20];
	char sum[40];
	SHA1(p->apk.map + p->apk.ctl.off, p->apk.ctl.len, md);
	q1(md, sum);
	fprintf(f, "C:%s\nP:%s\nV:%s\nA:%s\nS:%zu\nI:%llu\n", sum, p->name, p->version,
	        p->arch ? p->arch : "noarch", p->apk.size, (unsigned long long)p->size);
	for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
		const char *v = apk_field_get(&p->apk, map[k].key);
		if (v)
			fprintf(f, "%c:%s\n", map[k].tag, v);
	}
	static const struct { const char *key; char tag; } lists[] = {
		{"depend", 'D'}, {"provides", 'p'}, {"replaces", 'r'},
	};
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		int first = 1;
		for (size_t i = 0; i < p->apk.nfields; i++)
			if (!strcmp(p->apk.fields[i].key, lists[k].key)) {
				if (first)
					fprintf(f, "%c:", lists[k].tag);
				fprintf(f, "%s%s", first ? "" : " ", p->apk.fields[i].value);
				first = 0;
			}
		if (!first)
			fputc('\n', f);
	}
}

static void pkg_files(FILE *f, const struct stage *st, int idx, struct mentry **v,
                      size_t n, struct item *items)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct mentry *e = v[i];
		if (e->pkg != idx)
			continue;
		if (e->type == M_DIR) {
			items[k++] = (struct item){e->path, NULL, e};
		} else {
			const char *slash = strrchr(e->path, '/');
			static const char root[] = "";
			char *dir = slash ? strndup(e->path, slash - e->path) : NULL;
			items[k++] = (struct item){dir ? dir : root, e, NULL};
		}
	}
	qsort(items, k, sizeof *items, item_cmp);
	const char *cur = "";
	for (size_t i = 0; i < k; i++) {
		const struct item *it = &items[i];
		if (!it->e || strcmp(cur, it->dir)) {
			if (!it->e || *it->dir) {
				fprintf(f, "F:%s\n", it->dir);
				const struct mentry *d = it->d ? it->d : manifest_get(st->m, it->dir);
				if (d && (d->uid || d->gid || d->mode != 0755))
					fprintf(f, "M:%u:%u:%o\n", (unsigned)d->uid, (unsigned)d->gid,
					        (unsigned)d->mode);
			}
			cur = it->dir;
		}
		if (!it->e)
			continue;
		const struct mentry *e = it->e;
		fprintf(f, "R:%s\n", base_of(e->path));
		if (e->uid || e->gid || (e->type == M_REG && e->mode != 0644))
			fprintf(f, "a:%u:%u:%o\n", (unsigned)e->uid, (unsigned)e->gid,
			        (unsigned)e->mode);
		char z[40];
		if (e->sha1[0] && !q1_hex(e->sha1, z))
			fprintf(f, "Z:%s\n", z);
	}
	for (size_t i = 0; i < k; i++)
		if (items[i].e && *items[i].dir)
			free((char *)items[i].dir);
}

char *apkdb_installed(const struct stage *st, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	size_t n;
	struct mentry **v = manifest_sorted(st->m, &n);
	struct item *items = calloc(n + 1, sizeof *items);
	if (!f || !v || !items) {
		if (f)
			fclose(f);
		free(buf);
		free(v);
		free(items);
		return NULL;
	}
	for (size_t i = 0; i < st->npkgs; i++) {
		pkg_fields(f, &st->pkgs[i]);
		pkg_files(f, st, (int)i, v, n, items);
		fputc('\n', f);
	}
	fclose(f);
	free(v);
	free(items);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_world(struct stage *st, const struct image_spec *s)
{
	size_t n = s->nworld ? s->nworld : st->npkgs;
	const char **names = calloc(n + 1, sizeof *names);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = names ? open_memstream(&buf, &len) : NULL;
	if (!f) {
		free(names);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = s->nworld ? s->world[i] : st->pkgs[i].name;
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(names[i], names[i - 1]))
			fprintf(f, "%s\n", names[i]);
	fclose(f);
	int rc = stage_file(st, "etc/apk/world", buf, len, 0644);
	free(buf);
	free(names);
	return rc;
}

static int write_key(struct stage *st, const struct image_spec *s)
{
	size_t len;
	char *pem = read_file(s->key, &len);
	if (!pem) {
		log_errno("%s: cannot read the project public key", s->key);
		return -1;
	}
	/* apk looks the key up by the name in the packages' signatures. */
	const char *name = st->npkgs && st->pkgs[0].apk.sig_keyname
	                   ? st->pkgs[0].apk.sig_keyname : base_of(s->key);
	char path[600];
	snprintf(path, sizeof path, "etc/apk/keys/%s", name);
	int rc = path_safe(path) && !strchr(name, '/') ? stage_file(st, path, pem, len, 0644)
	                                               : -1;
	if (rc)
		log_error("%s: key name '%s' is not a plain file name", s->key, name);
	free(pem);
	return rc;
}

static int write_line(struct stage *st, const char *path, const char *value)
{
	size_t n = strlen(value);
	char *buf = malloc(n + 2);
	if (!buf)
		return -1;
	memcpy(buf, value, n);
	buf[n] = '\n';
	int rc = stage_file(st, path, buf, n + 1, 0644);
	free(buf);
	return rc;
}

int apkdb_write(struct stage *st, const struct image_spec *s)
{
	size_t len;
	char *db = apkdb_installed(st, &len);
	int rc = db ? stage_file(st, "lib/apk/db/installed", db, len, 0644) : -1;
	free(db);
	rc = rc ? rc : stage_file(st, "lib/apk/db/triggers", "", 0, 0644);
	rc = rc ? rc : write_world(st, s);
	/* apk reads the system's arch from here (apk --initdb writes it). */
	rc = rc ? rc : write_line(st, "etc/apk/arch",
	                          !strcmp(s->arch, "arm64") ? "aarch64" : s->arch);
	rc = rc ? rc : write_key(st, s);
	if (!rc && s->nrepositories) {
		char *buf = NULL;
		size_t blen = 0;
		FILE *f = open_memstream(&buf, &blen);
		for (size_t i = 0; f && i < s->nrepositories; i++)
			fprintf(f, "%s\n", s->repositories[i]);
		if (f)
			fclose(f);
		rc = buf ? stage_file(st, "etc/apk/repositories", buf, blen, 0644) : -1;
		free(buf);
	}
	if (!rc && s->hostname)
		rc = write_line(st, "etc/hostname", s->hostname);
	if (!rc && s->timezone) {
		rc = write_line(st, "etc/timezone", s->timezone);
		char zone[600];
		snprintf(zone, sizeof zone, "usr/share/zoneinfo/%s", s->timezone);
		const struct mentry *z = path_safe(zone) ? manifest_get(st->m, zone) : NULL;
		if (!rc && z && !z->deleted) {
			char target[620];
			snprintf(target, sizeof target, "/%s", zone);
			rc = stage_symlink(st, "etc/localtime", target);
		}
	}
	if (rc)
		log_error("cannot write the apk database and host files under %s", st->root);
	return rc;
}
