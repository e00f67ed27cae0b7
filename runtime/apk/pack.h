/* runtime/apk/pack.h — turning a unit's destdir/ into a reproducible, signed
 * .apk: walk, sort, data tar with per-file SHA-1 records, .PKGINFO (with
 * `so:` provides from each ELF's DT_SONAME), control and signature streams. */
#ifndef YOE_APK_PACK_H
#define YOE_APK_PACK_H

#include "apk/apk.h"
#include "apk/keys.h"

#include <stdint.h>

/* strlist is a growable list of strings (owned by whoever fills it). */
struct strlist {
	char **v;   /* the strings */
	size_t n;   /* how many */
};
int strlist_add(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* pack_opts is everything `apk-sign pack` is told about one package. */
struct pack_opts {
	const char *destdir;      /* tree to pack (required) */
	const char *sysroot;      /* also searched for services' init scripts, or NULL */
	const char *name;         /* pkgname (required) */
	const char *version;      /* upstream version, without -r (required) */
	const char *release;      /* release number as text, default "0" */
	const char *arch;         /* x86_64 | aarch64 | riscv64 | noarch (required) */
	const char *description;  /* pkgdesc, or NULL */
	const char *license;      /* or NULL */
	const char *origin;       /* defaults to name */
	const char *commit;       /* or NULL */
	struct strlist depends;   /* `depend =` lines, verbatim */
	struct strlist provides;  /* `provides =`; bare names get =<ver>-r<rel> */
	struct strlist replaces;  /* `replaces =` lines */
	struct strlist services;  /* OpenRC services to enable in runlevel default */
	int64_t epoch;            /* every timestamp (SOURCE_DATE_EPOCH) */
	int level;                /* gzip level of the data stream (1..9) */
	const char *out;          /* output .apk path (required) */
};

/* apk_pack writes opts->out, signed by s (or unsigned when s is NULL).
 * *changed is 1 when the file was (re)written, 0 when the bytes were
 * already identical.  Nothing is left behind on failure. */
int apk_pack(const struct pack_opts *opts, const struct signer *s, int *changed,
             struct apk_err *err);

/* apk_arch_token maps a yoe arch to apk's (arm64 → aarch64); NULL if unknown. */
const char *apk_arch_token(const char *arch);

/* utf8_valid is 1 when s is well-formed UTF-8. */
int utf8_valid(const char *s);

/* sign_stream builds a signature gzip stream (.SIGN.RSA.<keyname> holding
 * RSA-SHA1 over data) and appends it to out. */
int sign_stream(const struct signer *s, const void *data, size_t len, int64_t mtime,
                struct buf *out, struct apk_err *err);

/* single_entry_tar appends a tar holding one regular file (mode 0644, uid/gid
 * 0, no owner names), with or without the end-of-archive trailer. */
int single_entry_tar(struct buf *out, const char *name, const void *data, size_t len,
                     int64_t mtime, int trailer);

#endif
