/* runtime/lib/sha256.h — SHA-256 of byte streams and files (OpenSSL EVP),
 * as lowercase hex.  Streaming so downloads and unpacks hash what they read
 * without a second pass over the data. */
#ifndef YOE_SHA256_H
#define YOE_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	void *ctx;   /* EVP_MD_CTX *, opaque so users need no OpenSSL headers */
};

/* sha256_init starts a digest; -1 if OpenSSL could not allocate one. */
int sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* sha256_final writes 64 hex digits and a NUL into hex, then frees the
 * context (sha256_free is then a no-op). */
void sha256_final(struct sha256 *h, char hex[SHA256_HEX_LEN + 1]);
void sha256_free(struct sha256 *h);
/* sha256_copy duplicates a running digest (to peek at a prefix's hash). */
int sha256_copy(struct sha256 *dst, const struct sha256 *src);

/* sha256_fd hashes from the current offset of fd to its end; 0 or -1 with
 * errno set. */
int sha256_fd(int fd, char hex[SHA256_HEX_LEN + 1]);
/* sha256_file hashes a whole file by path; 0 or -1 with errno set. */
int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1]);
/* sha256_buf hashes a buffer (e.g. a URL, to name a cache entry). */
void sha256_buf(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* sha256_hex_valid is true for exactly 64 lowercase hex digits. */
int sha256_hex_valid(const char *s);

#endif
