/* runtime/apk/resign.c — passthrough re-signing of an upstream .apk (see
 * index.h): the control and data streams are kept byte for byte, so the
 * upstream datahash and install scripts stay valid; only the signature
 * stream is replaced by one made with the project key. */
#include "apk/index.h"
#include "lib/atomicfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int apk_resign(const char *in, const char *out, const struct signer *s, int64_t epoch,
               int *changed, struct apk_err *err)
{
	struct apk a;
	struct buf sig = {0};
	int r = -1;
	*changed = 0;
	if (apk_open(&a, in, err) != 0 || apk_verify_datahash(&a, err) != 0)
		goto out;
	if (sign_stream(s, a.map + a.ctl.off, a.ctl.len, epoch, &sig, err) != 0)
		goto out;
	struct atomic_file af;
	if (atomic_open(&af, out, 0644) != 0) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot create: %s", out, strerror(errno));
		goto out;
	}
	size_t rest = a.size - a.ctl.off;
	if (fwrite(sig.data, 1, sig.len, af.fp) != sig.len
	    || fwrite(a.map + a.ctl.off, 1, rest, af.fp) != rest) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot write: %s", out, strerror(errno));
		atomic_abort(&af);
		goto out;
	}
	int ch = atomic_commit(&af);
	if (ch < 0) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot write: %s", out, strerror(errno));
		goto out;
	}
	*changed = ch;
	r = 0;
out:
	buf_free(&sig);
	apk_close(&a);
	return r;
}
