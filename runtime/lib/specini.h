/* runtime/lib/specini.h — the INI dialect of the specs `yoe gen` writes for
 * its helpers (unit.ini: container-step's sections and apk-sign's
 * [package]), read with inih.  One reader, so every helper accepts and
 * refuses exactly the same files.
 *
 * On top of inih (format: docs/step.md, "Values"):
 *  - every value is escaped (\n \t \r \s \\ \; \# \xHH), so shell text,
 *    `;`, `#`, newlines and edge spaces survive inih's comment and
 *    whitespace rules; the reader unescapes;
 *  - a long value is split over `key+ = rest` lines directly after its key
 *    (same section), joined before the value is delivered;
 *  - a line longer than inih's buffer, and a raw ` ;` (which inih would cut
 *    off as an inline comment), are refused instead of silently changing
 *    the value.
 * Errors read `path:line: error: message`.  The first problem in file order
 * wins: keys before a broken line are delivered (and may fail first); a key
 * whose continuation is broken is not delivered.
 */
#ifndef YOE_SPECINI_H
#define YOE_SPECINI_H

#include <stddef.h>

/* specini_entry is one key with its whole value, as handed to a specini_fn.
 * The strings live only during the call. */
struct specini_entry {
	const char *path;     /* the file being read, for messages */
	const char *section;  /* current section ("" before the first header) */
	const char *key;      /* the key as written (never ending in '+') */
	const char *value;    /* unescaped value, continuation lines joined */
	const char *raw;      /* the value as written, escapes kept, joined: for
	                         values whose fields are split on raw spaces
	                         before each field is unescaped */
	int line;             /* line of the key (the first of its lines) */
};

/* specini_fn receives each key in file order.  It returns 0 to go on or -1
 * to stop the parse, having written its own message (specini_errf). */
typedef int (*specini_fn)(void *user, const struct specini_entry *e);

/* SPECINI_EOPEN: specini_parse could not open the file (errno is set and
 * err says `path: error: cannot open: …`), so callers can word it. */
#define SPECINI_EOPEN (-2)

/* specini_parse reads path and calls fn for every key.  Returns 0; -1 with
 * the message in err (a syntax error, or whatever fn wrote when it stopped);
 * or SPECINI_EOPEN.  err may be NULL when errlen is 0. */
int specini_parse(const char *path, specini_fn fn, void *user, char *err, size_t errlen);

/* specini_errf writes `path:line: error: <fmt>` for e into err and returns
 * -1, for a specini_fn's `return specini_errf(...)`. */
int specini_errf(char *err, size_t errlen, const struct specini_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* specini_unescape decodes the value escapes into a malloc'd string, or
 * returns NULL with the reason ("bad escape '\q' (use …)", "out of memory")
 * in err. */
char *specini_unescape(const char *in, char *err, size_t errlen);
/* specini_escape is the inverse, for tools and tests that write specs: it
 * escapes `\ ; #`, control bytes and a leading/trailing space.  NULL when
 * out of memory. */
char *specini_escape(const char *in);

#endif
