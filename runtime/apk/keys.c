/* runtime/apk/keys.c — key generation, loading with permission checks, and
 * RSA-SHA1 signatures (see keys.h).  OpenSSL EVP only. */
#include "apk/keys.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(struct apk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct apk_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	ERR_clear_error();
	return -1;
}

/* write_pem writes what writer puts into a memory BIO to path atomically. */
static int write_bio(const char *path, BIO *bio, int mode, struct apk_err *err)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || write_file_if_changed(path, data, (size_t)n, mode) < 0)
		return fail(err, "%s: cannot write key: %s", path, strerror(errno));
	return 0;
}

int key_generate(const char *path, int *created, struct apk_err *err)
{
	char pub[4096];
	struct stat st;
	*created = 0;
	snprintf(pub, sizeof pub, "%s.pub", path);
	char *dir = path_dirname(path);
	if (!dir)
		return fail(err, "%s: out of memory", path);
	if (stat(dir, &st) != 0) {
		char *parent = path_dirname(dir);
		int r = parent ? mkdir_p(parent, 0755) : -1;
		free(parent);
		if (r != 0 || (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
			fail(err, "%s: cannot create key directory: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);

	EVP_PKEY *key = NULL;
	if (stat(path, &st) == 0) {
		/* Exists: load it (with the permission checks) to derive .pub. */
		struct signer s;
		if (signer_load(&s, path, NULL, err) != 0)
			return -1;
		key = s.key;
		s.key = NULL;
		signer_free(&s);
	} else {
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		if (!key)
			return fail(err, "%s: RSA key generation failed", path);
		BIO *bio = BIO_new(BIO_s_mem());
		/* "traditional" = PKCS#1 `RSA PRIVATE KEY`, as apk-tools' abuild writes. */
		if (!bio || !PEM_write_bio_PrivateKey_traditional(bio, key, NULL, NULL, 0, NULL, NULL)
		    || write_bio(path, bio, 0600, err)) {
			BIO_free(bio);
			EVP_PKEY_free(key);
			return err->msg[0] ? -1 : fail(err, "%s: cannot encode key", path);
		}
		BIO_free(bio);
		*created = 1;
	}
	int r = 0;
	if (stat(pub, &st) != 0) {
		BIO *bio = BIO_new(BIO_s_mem());
		if (!bio || !PEM_write_bio_PUBKEY(bio, key) || write_bio(pub, bio, 0644, err))
			r = err->msg[0] ? -1 : fail(err, "%s: cannot encode public key", pub);
		BIO_free(bio);
	}
	EVP_PKEY_free(key);
	return r;
}

int signer_load(struct signer *s, const char *path, const char *keyname, struct apk_err *err)
{
	struct stat st;
	memset(s, 0, sizeof *s);
	err->msg[0] = 0;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return fail(err, "%s: cannot open signing key: %s (create one with "
		            "`apk-sign keygen %s` or `yoe key generate`)", path, strerror(errno), path);
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return fail(err, "%s: signing key is not a regular file", path);
	}
	if (st.st_mode & 077) {
		fclose(fp);
		return fail(err, "%s: signing key is accessible by group or others (mode %04o); "
		            "fix with: chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
	}
	EVP_PKEY *key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!key)
		return fail(err, "%s: not a PEM private key (want `RSA PRIVATE KEY` or `PRIVATE KEY`)",
		            path);
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_get_bits(key) < 2048) {
		int bits = EVP_PKEY_get_bits(key), rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
		EVP_PKEY_free(key);
		return fail(err, "%s: signing key is %s of %d bits; apk needs RSA of at least 2048 bits "
		            "(move it away and run `yoe key generate`)", path, rsa ? "RSA" : "not RSA", bits);
	}
	s->key = key;
	s->path = strdup(path);
	if (keyname) {
		s->keyname = strdup(keyname);
	} else {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (asprintf(&s->keyname, "%s.pub", base) < 0)
			s->keyname = NULL;
	}
	if (!s->path || !s->keyname) {
		signer_free(s);
		return fail(err, "%s: out of memory", path);
	}
	return 0;
}

void signer_free(struct signer *s)
{
	EVP_PKEY_free(s->key);
	free(s->keyname);
	free(s->path);
	memset(s, 0, sizeof *s);
}

int signer_sign(const struct signer *s, const void *data, size_t len, struct buf *sig,
                struct apk_err *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t n = 0;
	int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha1(), NULL, s->key) == 1
	         && EVP_DigestSignUpdate(md, data, len) == 1
	         && EVP_DigestSignFinal(md, NULL, &n) == 1;
	unsigned char *out = ok ? malloc(n) : NULL;
	ok = out && EVP_DigestSignFinal(md, out, &n) == 1 && buf_add(sig, out, n) == 0;
	free(out);
	EVP_MD_CTX_free(md);
	return ok ? 0 : fail(err, "%s: RSA signing failed", s->path);
}

/* load_pub reads a PKIX `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY` PEM. */
static EVP_PKEY *load_pub(const char *path, struct apk_err *err)
{
	BIO *bio = BIO_new_file(path, "r");
	if (!bio) {
		fail(err, "%s: cannot open public key: %s", path, strerror(errno));
		return NULL;
	}
	EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (!key) {
		(void)BIO_reset(bio);
		key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		if (key) {
			/* A private key was given where the public one belongs. */
			EVP_PKEY_free(key);
			key = NULL;
			fail(err, "%s: this is a private key; pass the public key (%s.pub)", path, path);
		} else {
			fail(err, "%s: not a PEM public key (want `PUBLIC KEY` or `RSA PUBLIC KEY`)", path);
		}
	}
	BIO_free(bio);
	if (key && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		EVP_PKEY_free(key);
		fail(err, "%s: public key is not RSA", path);
		return NULL;
	}
	return key;
}

int signer_check_pub(const struct signer *s, const char *pubpath, struct apk_err *err)
{
	EVP_PKEY *pub = load_pub(pubpath, err);
	if (!pub)
		return -1;
	int same = EVP_PKEY_eq(s->key, pub) == 1;
	EVP_PKEY_free(pub);
	if (!same)
		return fail(err, "%s: is not the public half of %s (move it away and run "
		            "`apk-sign keygen %s` to write the matching one)", pubpath, s->path, s->path);
	return 0;
}

/* The last public key loaded for verifying, kept for the whole run:
 * image-assemble checks hundreds of packages against one key, and parsing
 * the PEM each time cost more than the RSA check.  The file is still read
 * on every call (cheap) and the key reused only when its bytes are the same,
 * so a key replaced at the same path is never missed.  Guarded by a mutex
 * because packages are verified on worker threads. */
static struct {
	pthread_mutex_t lock;
	char *pem;   /* the file's bytes the key was parsed from */
	size_t len;  /* their length */
	EVP_PKEY *key;
} pubcache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* load_pub_cached returns a reference to the key at path (free it with
 * EVP_PKEY_free), parsed again only when the file's bytes changed. */
static EVP_PKEY *load_pub_cached(const char *path, struct apk_err *err)
{
	size_t len;
	char *pem = read_file(path, &len);
	if (!pem)
		return load_pub(path, err); /* reports the error */
	pthread_mutex_lock(&pubcache.lock);
	EVP_PKEY *key = NULL;
	if (pubcache.key && pubcache.len == len && !memcmp(pubcache.pem, pem, len)) {
		key = pubcache.key;
		free(pem);
	} else if ((key = load_pub(path, err)) != NULL) {
		EVP_PKEY_free(pubcache.key);
		free(pubcache.pem);
		pubcache.key = key;
		pubcache.pem = pem;
		pubcache.len = len;
	} else {
		free(pem);
	}
	int unref = key && EVP_PKEY_up_ref(key) != 1;
	pthread_mutex_unlock(&pubcache.lock);
	if (unref) {
		fail(err, "%s: cannot use public key", path);
		return NULL;
	}
	return key;
}

int key_verify(const char *pubpath, const void *data, size_t len, const unsigned char *sig,
               size_t siglen, struct apk_err *err)
{
	EVP_PKEY *key = load_pub_cached(pubpath, err);
	if (!key)
		return -1;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int r = md && EVP_DigestVerifyInit(md, NULL, EVP_sha1(), NULL, key) == 1
	        && EVP_DigestVerifyUpdate(md, data, len) == 1
	        && EVP_DigestVerifyFinal(md, sig, siglen) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return r ? 0 : 1;
}

int apk_key_fingerprint(const char *pubkey_path, char *out, size_t outlen, struct apk_err *err)
{
	size_t n;
	unsigned char md[32];
	char *pem = read_file(pubkey_path, &n);
	if (!pem)
		return fail(err, "%s: cannot read public key: %s", pubkey_path, strerror(errno));
	int ok = EVP_Digest(pem, n, md, NULL, EVP_sha256(), NULL) == 1;
	free(pem);
	if (!ok || outlen < 28)
		return fail(err, "%s: cannot hash public key", pubkey_path);
	size_t pos = 0;
	for (int i = 0; i < 8; i++)
		pos += (size_t)snprintf(out + pos, outlen - pos, i ? ":%02x" : "%02x", md[i]);
	snprintf(out + pos, outlen - pos, "...");
	return 0;
}
