/* runtime/fetch/http.c — downloading archives with libcurl: redirects,
 * proxies from the environment, timeouts, retries with backoff, mirrors,
 * resuming a partial file, SHA-256 computed while the bytes stream in.
 *
 * The download goes to <cache>/sources/partial/<key>.part, locked with
 * flock so two builds never write one file, and is renamed into
 * sources/sha256/<hex> only after its hash matches. */
#include "fetch/fetch.h"
#include "fetch/hashthread.h"
#include "fetch/progress.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "lib/sha256.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void fetch_opts_default(struct fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->attempts = 4;
	o->retry_delay_ms = 2000;
	o->connect_timeout = 30;
	o->low_speed_limit = 1024;
	o->low_speed_time = 60;
	o->progress = -1;
}

/* One transfer's state, shared with the curl callbacks. */
struct xfer {
	CURL *curl;
	int fd;                      /* the .part file */
	struct hashthread ht;        /* digest of the bytes in the .part file */
	unsigned long long have;     /* bytes in the .part file */
	long code;                   /* status of the response whose body is arriving */
	int skip_body;               /* an error page: do not store it */
	int werr;                    /* errno of a failed write, 0 if none */
	struct progress pg;
};

/* restart empties the .part file (the server ignored our Range). */
static int restart(struct xfer *x)
{
	hashthread_cancel(&x->ht);
	if (ftruncate(x->fd, 0) != 0 || lseek(x->fd, 0, SEEK_SET) != 0 || hashthread_start(&x->ht) != 0)
		return -1;
	x->have = 0;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	/* A new status means a new response (after a redirect whose body we
	 * must not store, or the real one). */
	long code = 0;
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != x->code) {
		x->code = code;
		x->skip_body = code != 0 && code != 200 && code != 206;
		if (code == 200 && x->have > 0 && restart(x) != 0) {
			x->werr = errno;
			return 0;
		}
	}
	if (x->skip_body)
		return len;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(x->fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			x->werr = errno;
			return 0;   /* aborts the transfer with CURLE_WRITE_ERROR */
		}
		off += (size_t)w;
	}
	hashthread_feed(&x->ht, data, len);
	x->have += len;
	return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ult, curl_off_t uln)
{
	struct xfer *x = ud;
	unsigned long long total = dltotal > 0 ? x->pg.base + (unsigned long long)dltotal : 0;
	progress_update(&x->pg, x->pg.base + (unsigned long long)dlnow, total);
	return 0;
}

/* rehash_part recomputes the digest of what the .part file already holds,
 * so a resumed download is hashed end to end. */
static int rehash_part(struct xfer *x)
{
	struct stat st;
	hashthread_cancel(&x->ht);
	if (fstat(x->fd, &st) != 0 || hashthread_start(&x->ht) != 0 || lseek(x->fd, 0, SEEK_SET) != 0)
		return -1;
	static char buf[1 << 16];
	unsigned long long left = (unsigned long long)st.st_size;
	while (left) {
		ssize_t n = read(x->fd, buf, left < sizeof buf ? left : sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		hashthread_feed(&x->ht, buf, (size_t)n);
		left -= (unsigned long long)n;
	}
	x->have = (unsigned long long)st.st_size;
	return 0;
}

/* Transfer outcomes. */
enum { XF_OK, XF_RETRY, XF_FAIL };

/* transfer runs one attempt against url, appending to the .part file;
 * err receives a short reason on failure. */
static int transfer(const struct fetch_opts *o, struct xfer *x, const char *url,
                    const char *shown, char *err, size_t errlen, int show)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return XF_FAIL;
	}
	if (rehash_part(x) != 0 || lseek(x->fd, 0, SEEK_END) < 0) {
		snprintf(err, errlen, "cannot read the partial download: %s", strerror(errno));
		curl_easy_cleanup(c);
		return XF_FAIL;
	}
	x->curl = c;
	x->skip_body = x->werr = 0;
	x->code = -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "yoe-fetch/0.1");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	/* No CURLOPT_ACCEPT_ENCODING: a .tar.gz served with Content-Encoding:
	 * gzip must reach the disk exactly as the hash describes it.  Proxy
	 * variables (http_proxy, https_proxy, no_proxy) are libcurl's default. */
	if (x->have > 0)
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->have);
	progress_start(&x->pg, show, shown, x->have);
	if (show) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	}
	CURLcode rc = curl_easy_perform(c);
	progress_end(&x->pg);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	x->curl = NULL;

	if (x->werr) {
		snprintf(err, errlen, "cannot write the download: %s", strerror(x->werr));
		return XF_FAIL;
	}
	if (rc == CURLE_OK && (code == 0 || code == 200 || code == 206))
		return XF_OK;
	if (rc == CURLE_OK || rc == CURLE_HTTP_RETURNED_ERROR) {
		snprintf(err, errlen, "HTTP %ld", code);
		if (code == 416 && x->have > 0)
			/* Nothing left to send: the .part may be complete (a run
			 * killed before the rename).  The hash decides. */
			return XF_OK;
		return code >= 500 || code == 408 || code == 429 ? XF_RETRY : XF_FAIL;
	}
	snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	if (rc == CURLE_RANGE_ERROR && x->have > 0) {
		/* The server cannot resume: start over at once (no Range is sent
		 * with an empty .part, so this happens at most once). */
		if (restart(x) != 0) {
			snprintf(err, errlen, "cannot truncate the partial download: %s",
			         strerror(errno));
			return XF_FAIL;
		}
		return transfer(o, x, url, shown, err, errlen, show);
	}
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_FILE_COULDNT_READ_FILE:
	case CURLE_REMOTE_FILE_NOT_FOUND:
	case CURLE_LOGIN_DENIED:
	case CURLE_PEER_FAILED_VERIFICATION:
		return XF_FAIL;
	default:
		return XF_RETRY;   /* resets, timeouts, short bodies, DNS hiccups */
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* try_url makes up to o->attempts attempts at one URL (shown: the URL as
 * messages show it, without a password). */
static int try_url(const struct fetch_opts *o, struct xfer *x, const char *url,
                   const char *shown, char *err, size_t errlen, int show)
{
	for (int n = 1;; n++) {
		int r = transfer(o, x, url, shown, err, errlen, show);
		if (r != XF_RETRY || n >= o->attempts)
			return r == XF_OK ? 0 : -1;
		long d = o->retry_delay_ms * n;
		fprintf(stderr, "  retrying %s in %.1fs (attempt %d/%d): %s\n", shown,
		        (double)d / 1000, n + 1, o->attempts, err);
		sleep_ms(d);
	}
}

/* appendf appends to a NUL-terminated buffer, truncating. */
static void appendf(char *buf, size_t n, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}

/* install moves the verified .part file to its content address. */
static int install(const char *part, int fd, const char *cache, const char *hex,
                   char **path, struct ferr *e)
{
	char *dst = cache_source_path(cache, hex);
	char *dir = dst ? path_dirname(dst) : NULL;
	/* No fsync: a file cut short by a crash fails its re-hash on the next
	 * use and is fetched again, so durability costs nothing to give up. */
	if (!dir || mkdir_p(dir, 0755) != 0 || fchmod(fd, 0644) != 0
	    || rename(part, dst) != 0) {
		ferr_set(e, "cannot store the download as %s: %s", dst ? dst : "(cache)",
		         strerror(errno));
		free(dir);
		free(dst);
		return -1;
	}
	free(dir);
	*path = dst;
	return 0;
}

/* open_part opens and locks the .part file for key, creating directories. */
static int open_part(const char *cache, const char *key, const char *url, char **part,
                     struct ferr *e)
{
	char *dir = NULL;
	*part = NULL;
	if (asprintf(&dir, "%s/sources/partial", cache) < 0
	    || asprintf(part, "%s/%s.part", dir, key) < 0) {
		free(dir);
		return ferr_set(e, "out of memory");
	}
	if (mkdir_p(dir, 0755) != 0) {
		ferr_set(e, "cannot create %s: %s (check the --cache directory)", dir,
		         strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	for (;;) {
		int fd = open(*part, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return ferr_set(e, "cannot create %s: %s", *part, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			fprintf(stderr, "  waiting for another download of %s\n", url);
			if (flock(fd, LOCK_EX) != 0) {
				close(fd);
				return ferr_set(e, "cannot lock %s: %s", *part, strerror(errno));
			}
		}
		/* The holder we waited for may have renamed the file into the
		 * cache: then our lock is on the finished file, start again. */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(*part, &b) == 0 && a.st_ino == b.st_ino
		    && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

static int fetch_shown(const struct fetch_opts *o, const char *shown, char **path,
                       char hex[65], struct ferr *e);

int fetch_archive(const struct fetch_opts *o, char **path, char hex[65], struct ferr *e)
{
	static int curl_ready;
	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ferr_set(e, "cannot initialise libcurl");
	curl_ready = 1;
	char *shown = url_redact(o->url);
	if (!shown)
		return ferr_set(e, "out of memory");
	int r = fetch_shown(o, shown, path, hex, e);
	free(shown);
	return r;
}

/* fetch_shown is fetch_archive; shown is o->url as messages may print it. */
static int fetch_shown(const struct fetch_opts *o, const char *shown, char **path,
                       char hex[65], struct ferr *e)
{
	if (fetch_lib_init(e) != 0)
		return -1;
	*path = NULL;
	if (o->sha256 && !sha256_hex_valid(o->sha256))
		return ferr_set(e, "%s: sha256 '%s' is not 64 lowercase hex digits; fix the "
		                "unit's sha256", shown, o->sha256);
	if (!o->sha256 && o->paranoid)
		return ferr_set(e, "%s: no sha256 given and --paranoid is on (CI=true); add "
		                "sha256 = \"<hex>\" to the unit (sha256sum of the file)", shown);
	if (o->sha256) {
		int r = cache_lookup(o->cache, o->sha256, path, e);
		if (r != 0) {
			if (r > 0)
				memcpy(hex, o->sha256, 65);
			return r < 0 ? -1 : 0;
		}
	}
	char key[65];
	if (o->sha256)
		memcpy(key, o->sha256, 65);
	else
		sha256_buf(o->url, strlen(o->url), key);
	char *part;
	int fd = open_part(o->cache, key, shown, &part, e);
	if (fd < 0) {
		free(part);
		return -1;
	}
	/* Someone else may have finished while we waited for the lock. */
	if (o->sha256) {
		int r = cache_lookup(o->cache, o->sha256, path, e);
		if (r != 0) {
			if (r > 0)
				memcpy(hex, o->sha256, 65);
			close(fd);
			free(part);
			return r < 0 ? -1 : 0;
		}
	}
	int show = o->progress < 0 ? isatty(2) : o->progress;
	struct xfer x;
	memset(&x, 0, sizeof x);
	x.fd = fd;
	char first[1536] = "", err[512];
	int ok = -1;
	size_t nurls = 1 + o->nmirrors;
	for (size_t i = 0; i < nurls && ok != 0; i++) {
		const char *url = i == 0 ? o->url : o->mirrors[i - 1];
		char *su = url_redact(url);
		const char *show_url = su ? su : "(url)";
		if (i > 0)
			fprintf(stderr, "  trying mirror %s\n", show_url);
		else
			fprintf(stderr, "Fetching %s\n", show_url);
		for (int pass = 0; pass < 2 && ok != 0; pass++) {
			/* Bytes already in the .part (a killed run, or an earlier URL
			 * that failed midway) are resumed; if the result is wrong, the
			 * old bytes get the blame: one fresh retry. */
			int resumed = lseek(fd, 0, SEEK_END) > 0;
			if (try_url(o, &x, url, show_url, err, sizeof err, show) != 0) {
				appendf(first, sizeof first, "%s%s: %s", first[0] ? "; " : "",
				        show_url, err);
				break;
			}
			hashthread_finish(&x.ht, hex);
			if (!o->sha256 || strcmp(hex, o->sha256) == 0) {
				ok = 0;
				break;
			}
			snprintf(err, sizeof err, "SHA-256 mismatch: expected %s, got %s",
			         o->sha256, hex);
			restart(&x);
			if (!resumed) {
				appendf(first, sizeof first, "%s%s: %s", first[0] ? "; " : "",
				        show_url, err);
				break;
			}
		}
		free(su);
	}
	hashthread_cancel(&x.ht);
	if (ok != 0) {
		/* Bytes from an interrupted transfer stay for the next run to
		 * resume; an empty file (or a rejected one, emptied) goes. */
		struct stat st;
		if (fstat(fd, &st) != 0 || st.st_size == 0)
			unlink(part);
		close(fd);
		free(part);
		return ferr_set(e, "cannot fetch %s: %s (check the URL, sha256 and mirrors of "
		                "the unit)", shown, first);
	}
	int r = install(part, fd, o->cache, hex, path, e);
	if (r != 0)
		unlink(part);
	close(fd);
	free(part);
	if (r == 0 && !o->sha256)
		log_warn("%s has no sha256; add sha256 = \"%s\" to the unit", shown, hex);
	return r;
}
