/* runtime/apk/index.h — APKINDEX.tar.gz: one entry per package in the
 * original's field order, a signed gzip'd tar written only when its content
 * changes; and re-signing an upstream .apk (passthrough). */
#ifndef YOE_APK_INDEX_H
#define YOE_APK_INDEX_H

#include "apk/apk.h"
#include "apk/keys.h"
#include "apk/pack.h"

/* index_collect lists the *.apk files of an arch directory plus its sibling
 * noarch/ (unless dir is noarch itself), sorted by file name. */
int index_collect(const char *dir, struct strlist *apks, struct apk_err *err);

/* index_text appends the APKINDEX text for the packages to out, verifying
 * each one's datahash on the way (a corrupt package is an error naming it). */
int index_text(const struct strlist *apks, struct buf *out, struct apk_err *err);

/* index_write builds APKINDEX.tar.gz at out from the packages, signed by s
 * (unsigned when NULL), every timestamp = epoch.  *changed as apk_pack. */
int index_write(const struct strlist *apks, const char *out, const struct signer *s,
                int64_t epoch, int *changed, struct apk_err *err);

/* index_verify checks a signed APKINDEX.tar.gz: RSA-SHA1 over all bytes
 * after the signature stream, with the public key at pubkey_path; the index
 * must hold an APKINDEX member. */
int index_verify(const char *path, const char *pubkey_path, struct apk_err *err);

/* apk_resign re-signs an upstream .apk: drops its signature stream, keeps
 * the control and data streams byte for byte, prepends our signature. */
int apk_resign(const char *in, const char *out, const struct signer *s, int64_t epoch,
               int *changed, struct apk_err *err);

#endif
