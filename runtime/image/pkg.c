/* runtime/image/pkg.c — opening and verifying the image's packages (pkg.h).
 * Verification happens for all packages before the first byte is staged, so
 * a bad package never leaves a partial rootfs behind. */
#include "image/pkg.h"
#include "image/par.h"
#include "lib/log.h"

#include <archive.h>
#include <archive_entry.h>

#include <stdlib.h>
#include <string.h>

static int arch_fits(const char *pkg_arch, const char *arch)
{
	if (!pkg_arch || !strcmp(pkg_arch, "noarch") || !strcmp(pkg_arch, arch))
		return 1;
	/* yoe calls it arm64, apk calls it aarch64. */
	return !strcmp(arch, "arm64") && !strcmp(pkg_arch, "aarch64");
}

/* opening is the parallel part of pkgs_open: mapping each file and checking
 * its signature and datahash (SHA-256 of the whole data stream), with the
 * outcome kept per package so it is reported in list order. */
struct opening {
	struct pkg *p;
	char *const *paths;
	const char *pubkey;
	struct apk_err *err;   /* one per package */
	int *rc;
};

static void open_verify(void *ctx, size_t i)
{
	struct opening *o = ctx;
	struct apk *a = &o->p[i].apk;
	o->rc[i] = apk_open(a, o->paths[i], &o->err[i]) ||
	           apk_verify_signature(a, o->pubkey, &o->err[i]) ||
	           apk_verify_datahash(a, &o->err[i]) ? -1 : 0;
}

/* check_one checks the metadata of verified package p. */
static int check_one(struct pkg *p, const char *path, const char *arch)
{
	p->name = apk_field_get(&p->apk, "pkgname");
	p->version = apk_field_get(&p->apk, "pkgver");
	p->arch = apk_field_get(&p->apk, "arch");
	if (!p->name || !p->version) {
		log_error("%s: .PKGINFO lacks pkgname or pkgver (rebuild the package "
		          "with apk-sign)", path);
		return -1;
	}
	if (!arch_fits(p->arch, arch)) {
		log_error("%s: package arch is %s but the image is %s (use the %s "
		          "repository)", path, p->arch, arch, arch);
		return -1;
	}
	return 0;
}

int pkgs_open(struct pkg **out, char *const *paths, size_t n, const char *pubkey,
              const char *arch)
{
	struct pkg *p = calloc(n ? n : 1, sizeof *p);
	struct opening o = {.p = p, .paths = paths, .pubkey = pubkey,
	                    .err = calloc(n ? n : 1, sizeof *o.err),
	                    .rc = calloc(n ? n : 1, sizeof *o.rc)};
	int rc = p && o.err && o.rc ? 0 : -1;
	if (!rc)
		par_for(n, par_jobs(), open_verify, &o);
	for (size_t i = 0; !rc && i < n; i++) {
		if (o.rc[i]) {
			log_error("%s; refusing the package (rebuild it, signed with the "
			          "project key %s)", o.err[i].msg, pubkey);
			rc = -1;
			break;
		}
		if (check_one(&p[i], paths[i], arch)) {
			rc = -1;
			break;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p[j].name, p[i].name)) {
				log_error("%s: package %s is listed twice (also %s); list one "
				          "version in [packages]", paths[i], p[i].name, paths[j]);
				rc = -1;
				break;
			}
	}
	free(o.err);
	free(o.rc);
	if (rc) {
		pkgs_close(p, n);
		return -1;
	}
	*out = p;
	return 0;
}

void pkgs_close(struct pkg *p, size_t n)
{
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		apk_close(&p[i].apk);
	free(p);
}

int pkg_replaces(const struct pkg *p, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < p->apk.nfields; i++) {
		const struct apk_field *f = &p->apk.fields[i];
		if (strcmp(f->key, "replaces"))
			continue;
		size_t n = strcspn(f->value, "<>=~ ");
		if (n == len && !strncmp(f->value, name, len))
			return 1;
	}
	return 0;
}

char *pkg_script(const struct pkg *p, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *text = NULL;
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, p->apk.map + p->apk.ctl.off, p->apk.ctl.len)) {
		archive_read_free(a);
		return NULL;
	}
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), name))
			continue;
		la_int64_t size = archive_entry_size(e);
		if (size < 0 || size > (1 << 24))
			break;
		text = malloc(size + 1);
		if (text && archive_read_data(a, text, size) == size) {
			text[size] = '\0';
		} else {
			free(text);
			text = NULL;
		}
		break;
	}
	archive_read_free(a);
	return text;
}
