/* runtime/image/pkg.c — opening and verifying the image's packages (pkg.h).
 * Verification happens for all packages before the first byte is staged, so
 * a bad package never leaves a partial rootfs behind. */
#include "image/pkg.h"
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

static int open_one(struct pkg *p, const char *path, const char *pubkey,
                    const char *arch)
{
	struct apk_err err;
	if (apk_open(&p->apk, path, &err) ||
	    apk_verify_signature(&p->apk, pubkey, &err) ||
	    apk_verify_datahash(&p->apk, &err)) {
		log_error("%s; refusing the package (rebuild it, signed with the project key %s)",
		          err.msg, pubkey);
		return -1;
	}
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
	if (!p)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (open_one(&p[i], paths[i], pubkey, arch)) {
			pkgs_close(p, n);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p[j].name, p[i].name)) {
				log_error("%s: package %s is listed twice (also %s); list one "
				          "version in [packages]", paths[i], p[i].name, paths[j]);
				pkgs_close(p, n);
				return -1;
			}
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
