/* runtime/apk/keys.h — the project signing key: generating it, loading it
 * (refusing keys others can read, or of the wrong type/size), signing and
 * verifying RSA PKCS#1 v1.5 / SHA-1 as apk-tools 2.x expects.  apk-sign is
 * the only program that opens the private key (threat model row 8). */
#ifndef YOE_APK_KEYS_H
#define YOE_APK_KEYS_H

#include "apk/apk.h"
#include "apk/buf.h"

typedef struct evp_pkey_st EVP_PKEY;

/* signer is a loaded private key and the name it signs under. */
struct signer {
	EVP_PKEY *key;   /* RSA private key */
	char *keyname;   /* basename of the public key file, e.g. "proj.rsa.pub" */
	char *path;      /* private key path (for messages) */
};

/* key_generate creates an RSA-2048 key at path (PKCS#1 PEM, 0600, its
 * directory 0700 when created) and path.pub (PKIX PEM, 0644), unless they
 * exist.  *created is set to 1 when a new private key was written. */
int key_generate(const char *path, int *created, struct apk_err *err);
/* signer_load opens the private key at path: must be a regular file with no
 * group/other permissions, RSA of at least 2048 bits.  The key name is the
 * basename of path + ".pub" unless keyname is given. */
int signer_load(struct signer *s, const char *path, const char *keyname, struct apk_err *err);
void signer_free(struct signer *s);
/* signer_check_pub fails when the public key at pubpath is not the public
 * half of s (packages signed by s would never verify with it). */
int signer_check_pub(const struct signer *s, const char *pubpath, struct apk_err *err);
/* signer_sign appends the RSA PKCS#1 v1.5 signature of SHA-1(data) to sig. */
int signer_sign(const struct signer *s, const void *data, size_t len, struct buf *sig,
                struct apk_err *err);
/* key_verify checks sig over data with the public key PEM at pubpath.
 * Returns 0 valid, 1 invalid signature, -1 unusable key (err set). */
int key_verify(const char *pubpath, const void *data, size_t len, const unsigned char *sig,
               size_t siglen, struct apk_err *err);

#endif
