/* runtime/fetch/srcrepo.c — src/ as a git repository with the patch series
 * as commits (srcrepo.h). */
#include "fetch/srcrepo.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* What a `git format-patch` mail header tells us. */
struct patch_meta {
	char name[256];      /* author name, "" when the patch has no header */
	char email[256];     /* author email */
	long long when;      /* author time (Date:), seconds since the epoch */
	int tz;              /* its offset from UTC in minutes */
	int has_date;        /* a Date: header was understood */
	char *message;       /* malloc'd commit message */
};

/* parse_date reads an RFC 2822 date ("Mon, 1 Jan 2024 12:00:00 +0100",
 * the weekday optional) as format-patch writes it. */
static int parse_date(const char *v, struct patch_meta *m)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *p = strchr(v, ',') ? strchr(v, ',') + 1 : v;
	while (*p == ' ')
		p++;
	const char *end = strptime(p, "%d %b %Y %H:%M:%S", &tm);
	if (!end)
		return -1;
	while (*end == ' ')
		end++;
	int sign = *end == '-' ? -1 : 1;
	if ((*end != '+' && *end != '-') || strlen(end) < 5)
		return -1;
	int hh = (end[1] - '0') * 10 + (end[2] - '0'), mm = (end[3] - '0') * 10 + (end[4] - '0');
	m->tz = sign * (hh * 60 + mm);
	m->when = (long long)timegm(&tm) - (long long)m->tz * 60;
	m->has_date = 1;
	return 0;
}

/* header_value copies a header's value (with folded continuation lines)
 * from line into out. */
static void header_value(const char *line, char *out, size_t n)
{
	size_t k = 0;
	const char *p = strchr(line, ':') + 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p && *p != '\n' && k + 1 < n)
			out[k++] = *p++;
		while (*p && *p != '\n')
			p++;
		if (*p == '\n' && (p[1] == ' ' || p[1] == '\t')) {
			if (k + 1 < n)
				out[k++] = ' ';
			p++;
			continue;
		}
		break;
	}
	out[k] = '\0';
}

/* b64 is the value of a base64 digit, -1 for anything else. */
static int b64(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* decode_words undoes RFC 2047 encoded words in place ("=?UTF-8?q?J=C3=B6rg?="
 * is how format-patch writes "Jörg"); bytes pass through as UTF-8, and
 * whitespace between two encoded words is dropped, as the RFC says. */
static void decode_words(char *s)
{
	char *out = s, *p = s, *after_word = NULL;
	while (*p) {
		char *q1, *q2, *end;
		if (p[0] == '=' && p[1] == '?' && (q1 = strchr(p + 2, '?')) && q1[1] && q1[2] == '?'
		    && (end = strstr(q1 + 3, "?="))) {
			int kind = q1[1] | 0x20;
			q2 = q1 + 3;
			if (after_word)
				out = after_word;   /* drop the space between words */
			if (kind == 'q') {
				for (char *c = q2; c < end; c++) {
					if (*c == '_')
						*out++ = ' ';
					else if (*c == '=' && c + 2 < end && hexval(c[1]) >= 0 && hexval(c[2]) >= 0) {
						*out++ = (char)(hexval(c[1]) * 16 + hexval(c[2]));
						c += 2;
					} else
						*out++ = *c;
				}
			} else if (kind == 'b') {
				unsigned acc = 0;
				int bits = 0;
				for (char *c = q2; c < end; c++) {
					int v = b64((unsigned char)*c);
					if (v < 0)
						continue;
					acc = (acc << 6) | (unsigned)v;
					bits += 6;
					if (bits >= 8) {
						bits -= 8;
						*out++ = (char)((acc >> bits) & 0xff);
					}
				}
			} else {
				memmove(out, p, (size_t)(end + 2 - p));
				out += end + 2 - p;
			}
			p = end + 2;
			after_word = out;
			continue;
		}
		if (*p != ' ' && *p != '\t')
			after_word = NULL;
		*out++ = *p++;
	}
	*out = '\0';
}

/* parse_meta reads From:/Subject: and the body up to `---` from a
 * format-patch mail; a plain diff gets the fallback subject. */
static int parse_meta(const char *buf, const char *patch, struct patch_meta *m)
{
	char from[512] = "", subject[1024] = "", date[128] = "";
	const char *p = buf, *body = NULL;
	int in_header = strncmp(buf, "From ", 5) == 0 || strncmp(buf, "From:", 5) == 0
	                || strncmp(buf, "Subject:", 8) == 0;
	while (in_header && *p) {
		if (*p == '\n') {
			body = p + 1;
			break;
		}
		if (strncasecmp(p, "From:", 5) == 0)
			header_value(p, from, sizeof from);
		else if (strncasecmp(p, "Subject:", 8) == 0)
			header_value(p, subject, sizeof subject);
		else if (strncasecmp(p, "Date:", 5) == 0)
			header_value(p, date, sizeof date);
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	decode_words(from);
	decode_words(subject);
	memset(m->name, 0, sizeof m->name);
	memset(m->email, 0, sizeof m->email);
	m->has_date = 0;
	if (date[0])
		parse_date(date, m);   /* unparsable: yoe's fixed time, as without */
	const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		size_t nl = (size_t)(lt - from);
		while (nl && from[nl - 1] == ' ')
			nl--;
		if (nl >= 2 && from[0] == '"' && from[nl - 1] == '"') {
			memcpy(m->name, from + 1, nl - 2 < sizeof m->name - 1 ? nl - 2 : sizeof m->name - 1);
		} else {
			memcpy(m->name, from, nl < sizeof m->name - 1 ? nl : sizeof m->name - 1);
		}
		size_t el = (size_t)(gt - lt - 1);
		memcpy(m->email, lt + 1, el < sizeof m->email - 1 ? el : sizeof m->email - 1);
		if (!m->name[0])
			snprintf(m->name, sizeof m->name, "%s", m->email);
	}
	const char *subj = subject;
	if (subj[0] == '[') {
		const char *close = strchr(subj, ']');
		if (close)
			subj = close + 1;
		while (*subj == ' ')
			subj++;
	}
	/* The body runs to the `---` line that starts the diffstat/diff. */
	size_t blen = 0;
	if (body) {
		const char *end = body;
		while (*end && strncmp(end, "---\n", 4) != 0 && strncmp(end, "diff --git ", 11) != 0) {
			const char *nl = strchr(end, '\n');
			end = nl ? nl + 1 : end + strlen(end);
		}
		blen = (size_t)(end - body);
		while (blen && (body[blen - 1] == '\n' || body[blen - 1] == ' '))
			blen--;
		while (blen && body[0] == '\n') {
			body++;
			blen--;
		}
	}
	const char *base = strrchr(patch, '/');
	base = base ? base + 1 : patch;
	int r;
	if (subj[0] && blen)
		r = asprintf(&m->message, "%s\n\n%.*s\n", subj, (int)blen, body);
	else if (subj[0])
		r = asprintf(&m->message, "%s\n", subj);
	else
		r = asprintf(&m->message, "patch: %s\n", base);
	return r < 0 ? -1 : 0;
}

/* commit_index commits the index on top of HEAD (if any). */
static int commit_index(git_repository *repo, const git_signature *author,
                        const git_signature *committer, const char *msg, git_oid *out)
{
	git_index *idx = NULL;
	git_oid tree_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_reference *head = NULL;
	int r = git_repository_index(&idx, repo);
	if (r == 0)
		r = git_index_write_tree(&tree_id, idx);
	if (r == 0)
		r = git_tree_lookup(&tree, repo, &tree_id);
	if (r == 0 && git_repository_head(&head, repo) == 0)
		r = git_commit_lookup(&parent, repo, git_reference_target(head));
	if (r == 0) {
		const git_commit *parents[1] = {parent};
		r = git_commit_create(out, repo, "HEAD", author, committer, NULL, msg, tree,
		                      parent ? 1 : 0, parents);
	}
	git_commit_free(parent);
	git_reference_free(head);
	git_tree_free(tree);
	git_index_free(idx);
	return r;
}

/* Where git_apply was when it failed, for the error message. */
struct apply_pos {
	char file[512];   /* the file the failing hunk belongs to */
	char hunk[256];   /* its "@@ -a,b +c,d @@" header */
};

static int on_delta(const git_diff_delta *d, void *payload)
{
	struct apply_pos *pos = payload;
	const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
	snprintf(pos->file, sizeof pos->file, "%s", path ? path : "?");
	pos->hunk[0] = '\0';
	return 0;
}

static int on_hunk(const git_diff_hunk *h, void *payload)
{
	struct apply_pos *pos = payload;
	size_t n = h->header_len;
	while (n && (h->header[n - 1] == '\n' || h->header[n - 1] == '\r'))
		n--;
	snprintf(pos->hunk, sizeof pos->hunk, "%.*s", (int)n, h->header);
	return 0;
}

/* apply_patch applies one patch file and commits it. */
static int apply_patch(git_repository *repo, const git_signature *yoe, const char *patch,
                       struct ferr *e)
{
	size_t len;
	char *buf = read_file(patch, &len);
	if (!buf)
		return ferr_set(e, "cannot read patch %s: %s (check the unit's patches list)",
		                patch, strerror(errno));
	struct patch_meta m = {0};
	git_diff *diff = NULL;
	git_signature *author = NULL;
	int r = -1;
	if (parse_meta(buf, patch, &m) != 0) {
		ferr_set(e, "out of memory");
		goto out;
	}
	if (git_diff_from_buffer(&diff, buf, len) != 0) {
		ferr_set(e, "patch %s cannot be parsed: %s (is it a unified diff?)", patch,
		         git_errmsg());
		goto out;
	}
	if (git_diff_num_deltas(diff) == 0) {
		ferr_set(e, "patch %s contains no diff; remove it from the unit's patches", patch);
		goto out;
	}
	struct apply_pos pos = {"", ""};
	git_apply_options ao;
	git_apply_options_init(&ao, GIT_APPLY_OPTIONS_VERSION);
	ao.delta_cb = on_delta;
	ao.hunk_cb = on_hunk;
	ao.payload = &pos;
	if (git_apply(repo, diff, GIT_APPLY_LOCATION_BOTH, &ao) != 0) {
		if (pos.hunk[0])
			ferr_set(e, "patch %s does not apply: %s, first failing hunk '%s' (%s); "
			         "refresh the patch against this version of the source", patch,
			         pos.file, pos.hunk, git_errmsg());
		else
			ferr_set(e, "patch %s does not apply: %s%s%s; refresh the patch against "
			         "this version of the source", patch, pos.file,
			         pos.file[0] ? ": " : "", git_errmsg());
		goto out;
	}
	if (m.email[0] && git_signature_new(&author, m.name, m.email,
	                                    m.has_date ? m.when : yoe->when.time,
	                                    m.has_date ? m.tz : 0) != 0)
		author = NULL;
	git_oid id;
	if (commit_index(repo, author ? author : yoe, yoe, m.message, &id) != 0) {
		ferr_set(e, "cannot commit patch %s: %s", patch, git_errmsg());
		goto out;
	}
	r = 0;
out:
	git_signature_free(author);
	git_diff_free(diff);
	free(m.message);
	free(buf);
	return r;
}

int srcrepo_create(const char *dir, const char *message, const char *const *patches,
                   size_t npatches, char head[GIT_HEX_LEN + 1], struct ferr *e)
{
	git_repository *repo = NULL;
	git_index *idx = NULL;
	git_signature *yoe = NULL;
	git_object *commit = NULL;
	git_oid id, tag;
	int r = -1;
	git_repository_init_options io;
	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	io.initial_head = "main";
	if (git_repository_init_ext(&repo, dir, &io) != 0) {
		ferr_set(e, "cannot create a git repository in %s: %s", dir, git_errmsg());
		goto out;
	}
	git_strarray all = {NULL, 0};
	if (git_repository_index(&idx, repo) != 0
	    || git_index_add_all(idx, &all, GIT_INDEX_ADD_FORCE, NULL, NULL) != 0
	    || git_index_write(idx) != 0) {
		ferr_set(e, "cannot add the source tree in %s to git: %s", dir, git_errmsg());
		goto out;
	}
	if (git_signature_new(&yoe, SRCREPO_NAME, SRCREPO_EMAIL, 0, 0) != 0
	    || commit_index(repo, yoe, yoe, message, &id) != 0
	    || git_object_lookup(&commit, repo, &id, GIT_OBJECT_COMMIT) != 0
	    || git_tag_create_lightweight(&tag, repo, "upstream", commit, 1) != 0) {
		ferr_set(e, "cannot commit the source tree in %s: %s", dir, git_errmsg());
		goto out;
	}
	for (size_t i = 0; i < npatches; i++)
		if (apply_patch(repo, yoe, patches[i], e) != 0)
			goto out;
	if (git_reference_name_to_id(&id, repo, "HEAD") != 0) {
		ferr_set(e, "cannot read HEAD in %s: %s", dir, git_errmsg());
		goto out;
	}
	git_oid_tostr(head, GIT_HEX_LEN + 1, &id);
	r = 0;
out:
	git_object_free(commit);
	git_signature_free(yoe);
	git_index_free(idx);
	git_repository_free(repo);
	return r;
}
