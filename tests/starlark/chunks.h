/* tests/starlark/chunks.h — go.starlark.net's "chunked file" test protocol,
 * independent of the interpreter.
 *
 * A test file is split into chunks on lines that are exactly "---".  Each
 * chunk is padded with leading newlines so that line numbers inside it match
 * the original file.  A line containing `###` followed by a Go string literal
 * ("..." with Go escapes, or `...` raw) expects an error on that line whose
 * message matches the literal as a Go regular expression; we translate the
 * pattern to a POSIX extended regex (see go_regex_compile).  A chunk that
 * contains the text "option:NAME" runs with dialect option NAME enabled.
 */
#ifndef YOE_TESTS_STARLARK_CHUNKS_H
#define YOE_TESTS_STARLARK_CHUNKS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* One expected error: a line and the pattern its message must match. */
struct want_error {
	int line;             /* 1-based line in the original file */
	char *pattern;        /* the Go regex, as written in the file (unquoted) */
	regex_t re;           /* compiled POSIX translation (valid if ok) */
	bool ok;              /* pattern compiled */
	bool seen;            /* an error was reported on this line */
	bool matched;         /* ... and its message matched */
};

/* One chunk of a file. */
struct chunk {
	int index;            /* 1-based chunk number in the file */
	int first_line;       /* line of the chunk's first line in the file */
	char *src;            /* padded source: (first_line-1) newlines + text */
	size_t len;           /* bytes in src */
	struct want_error *wants; /* expected errors, in line order */
	size_t nwants;        /* number of expected errors */
	char *bad_annotation; /* first malformed ### annotation (message), else NULL */
};

/* A file read as chunks. */
struct chunked_file {
	char *path;           /* the path it was read from */
	struct chunk *chunks; /* the chunks, in file order */
	size_t nchunks;       /* number of chunks */
};

/* chunked_read reads and splits a file.  Returns 0, or -1 with errno set. */
int chunked_read(const char *path, struct chunked_file *out);
/* chunked_read_whole reads a file as one chunk without annotations. */
int chunked_read_whole(const char *path, struct chunked_file *out);
void chunked_free(struct chunked_file *f);

/* chunk_has_option: whether "option:NAME" occurs in the chunk. */
bool chunk_has_option(const struct chunk *c, const char *name);

/* go_unquote decodes a Go string literal ("..." with escapes or `raw`),
 * surrounding blanks ignored.  Returns a malloc'd string, or NULL if the
 * text is not exactly one literal.  Embedded NULs are not supported. */
char *go_unquote(const char *s, size_t n);

/* go_regex_compile compiles a Go (RE2 syntax) regex as POSIX ERE: \d \s \w
 * (and negations), (?:...), (?i), lazy quantifiers, \Q...\E and literal
 * braces are translated.  Returns 0 or the regcomp error code; errbuf gets
 * the message. */
int go_regex_compile(regex_t *re, const char *pattern, char *errbuf, size_t errlen);
/* go_regex_search: whether the regex matches anywhere in s. */
bool go_regex_search(const regex_t *re, const char *s);

#endif
