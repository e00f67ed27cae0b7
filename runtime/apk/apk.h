/* runtime/apk/apk.h — reading and verifying Alpine .apk packages (the API
 * image-assemble links).  Writing packages and indexes lives behind
 * runtime/apk/pack.h and index.h; this header is only the reader.
 *
 * An .apk is up to three concatenated gzip streams: an optional signature
 * stream (a tar holding `.SIGN.RSA.<keyname>`), the control stream (a tar
 * holding `.PKGINFO` and maybe install scripts) and the data stream (the file
 * tree).  apk_open maps the file, finds the exact byte boundaries of each
 * stream and parses .PKGINFO; the verify functions then check the signature,
 * the `datahash` and every file's `APK-TOOLS.checksum.SHA1`.
 *
 * Every function that can fail returns 0 on success and -1 on failure, with a
 * one-line message in `struct apk_err` that names the file and the problem.
 * Typical use:
 *
 *	struct apk a; struct apk_err err;
 *	if (apk_open(&a, path, &err) || apk_verify_signature(&a, pub, &err)
 *	    || apk_verify_datahash(&a, &err)
 *	    || apk_data_foreach(&a, on_entry, ctx, &err))
 *		fprintf(stderr, "%s\n", err.msg);
 *	apk_close(&a);   (safe after a failed apk_open too)
 */
#ifndef YOE_APK_H
#define YOE_APK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct archive;

/* apk_err carries the message of the last failure. */
struct apk_err {
	char msg[1024]; /* "<file>: <what is wrong>[ (<how to fix>)]" */
};

/* apk_segment is one gzip stream inside the file. */
struct apk_segment {
	size_t off; /* byte offset of the stream's first gzip header byte */
	size_t len; /* compressed length in bytes (0: segment absent) */
};

/* apk_field is one `key = value` line of .PKGINFO (repeats kept in order). */
struct apk_field {
	char *key;
	char *value;
};

struct apk {
	char *path;                 /* as given to apk_open */
	const unsigned char *map;   /* the whole file, read-only mmap */
	size_t size;                /* file size in bytes */
	struct apk_segment sig;     /* signature stream (len 0 when unsigned) */
	struct apk_segment ctl;     /* control stream (.PKGINFO ...) */
	struct apk_segment data;    /* data stream: from here to end of file */
	char *sig_keyname;          /* "<keyname>" of .SIGN.RSA.<keyname>, or NULL */
	unsigned char *sig_bytes;   /* the raw RSA signature */
	size_t sig_len;             /* its length (256 for RSA-2048) */
	char *pkginfo;              /* .PKGINFO text, NUL-terminated */
	size_t pkginfo_len;         /* its length in bytes */
	struct apk_field *fields;   /* parsed .PKGINFO lines, file order */
	size_t nfields;             /* number of fields */
};

/* apk_open maps path and splits it into streams; -1 on an unreadable,
 * truncated or malformed file. */
int apk_open(struct apk *a, const char *path, struct apk_err *err);
/* apk_close releases everything apk_open made; idempotent. */
void apk_close(struct apk *a);

/* apk_field_get returns the first value of key in .PKGINFO, or NULL. */
const char *apk_field_get(const struct apk *a, const char *key);

/* apk_verify_signature checks the RSA PKCS#1 v1.5 / SHA-1 signature over the
 * compressed control stream with the public key PEM at pubkey_path (PKIX
 * `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`).  Fails when unsigned, when the
 * key does not match, or when the control stream was altered. */
int apk_verify_signature(const struct apk *a, const char *pubkey_path,
                         struct apk_err *err);
/* apk_verify_datahash checks .PKGINFO `datahash` (hex SHA-256 of the
 * compressed data stream) against the data stream bytes. */
int apk_verify_datahash(const struct apk *a, struct apk_err *err);

/* Entry types of the data tar. */
enum apk_type {
	APK_REG,     /* regular file */
	APK_DIR,     /* directory */
	APK_SYMLINK, /* symbolic link (link holds the target) */
	APK_HARDLINK,/* hard link (link holds the earlier entry's path) */
	APK_CHR,     /* character device */
	APK_BLK,     /* block device */
	APK_FIFO,    /* named pipe */
};

/* apk_entry describes one member of the data tar. */
struct apk_entry {
	const char *path;   /* archive path, no leading "./" or "/" */
	enum apk_type type;
	mode_t mode;        /* permission bits incl. setuid/setgid/sticky */
	uid_t uid;          /* owner as stored (0 for yoe packages) */
	gid_t gid;
	const char *uname;  /* "" when absent */
	const char *gname;
	uint64_t size;      /* content bytes (regular files only) */
	int64_t mtime;      /* seconds */
	const char *link;   /* symlink/hardlink target, else "" */
	unsigned devmajor;  /* device numbers (APK_CHR/APK_BLK) */
	unsigned devminor;
	const char *sha1;   /* hex APK-TOOLS.checksum.SHA1 record, or NULL */
};

struct apk_reader;
/* apk_entry_fn is called once per entry in archive order.  It may read the
 * content of a regular file with apk_entry_read (any part of it; the rest is
 * skipped).  Return 0 to go on, non-zero to stop (apk_data_foreach then
 * returns that value; fill err first if you want a message). */
typedef int (*apk_entry_fn)(void *ctx, const struct apk_entry *e,
                            struct apk_reader *r, struct apk_err *err);
/* apk_entry_read reads up to n content bytes; returns the count (0 at the end
 * of the file's content) or -1 on a corrupt stream. */
ssize_t apk_entry_read(struct apk_reader *r, void *buf, size_t n);

/* apk_data_foreach walks the data tar.  A data stream that inflates to at
 * most apk_data_inmem_max bytes is inflated whole into memory first
 * (libdeflate: about twice zlib's speed); a bigger one is streamed from the
 * mapped file through zlib, so memory stays bounded.  Both check the same
 * things.  Every
 * regular file's content and every symlink's target is hashed while it
 * passes and compared with its APK-TOOLS.checksum.SHA1 record: a mismatch (or
 * a regular file / symlink without a record when require_sums is set) stops
 * the walk with an error naming the entry.  Absolute paths and ".."
 * components are refused; a "./" entry for the root itself is skipped.
 * fn may be NULL (just verify). */
int apk_data_foreach(const struct apk *a, int require_sums, apk_entry_fn fn,
                     void *ctx, struct apk_err *err);
/* The in-memory limit above (256 MiB); a variable so tests cover both ways. */
extern size_t apk_data_inmem_max;

/* apk_data_archive returns a libarchive reader over the data stream (gzip +
 * tar filters enabled) for callers that prefer libarchive; free it with
 * archive_read_free.  The struct apk must stay open while it is used.
 * libarchive does not check APK-TOOLS.checksum.SHA1; use apk_data_foreach
 * for that. */
struct archive *apk_data_archive(const struct apk *a, struct apk_err *err);

/* apk_verify runs all three checks (signature when pubkey_path is non-NULL,
 * datahash, per-file checksums). */
int apk_verify(const struct apk *a, const char *pubkey_path, struct apk_err *err);

/* apk_key_fingerprint formats the first 8 bytes of SHA-256 of the public key
 * PEM bytes as "aa:bb:..:hh..." into out (at least 28 bytes). */
int apk_key_fingerprint(const char *pubkey_path, char *out, size_t outlen,
                        struct apk_err *err);

#endif
