/* tests/rtlib/test_specini.c — runtime/lib/specini: the spec INI dialect
 * shared by container-step and apk-sign.  Escapes both ways, continuation
 * lines joined and delivered once with the key's line, the refusals
 * (bad escape, stray `key+`, over-long line, raw ` ;`, non-INI line,
 * missing file) with `path:line: error:` and in file order. */
#include "test.h"
#include "lib/fsutil.h"
#include "lib/specini.h"

#include <errno.h>
#include <stdlib.h>

/* seen collects what the callback got, one `[section] key=value @line`
 * (raw in braces when it differs) per key; stop_at stops at that key. */
struct seen {
	char text[4096];
	const char *stop_at;
	int calls;
};

static int collect(void *user, const struct specini_entry *e)
{
	struct seen *s = user;
	size_t n = strlen(s->text);
	s->calls++;
	snprintf(s->text + n, sizeof s->text - n, "[%s] %s=%s%s%s%s @%d\n", e->section, e->key, e->value,
	         strcmp(e->raw, e->value) ? " {" : "", strcmp(e->raw, e->value) ? e->raw : "",
	         strcmp(e->raw, e->value) ? "}" : "", e->line);
	return s->stop_at && !strcmp(e->key, s->stop_at) ? -1 : 0;
}

/* parse writes text to a file named spec.ini and parses it. */
static int parse(const char *text, struct seen *s, char *err, size_t errlen)
{
	char *p = test_write_tmp("spec.ini", text);
	err[0] = '\0';
	int r = specini_parse(p, collect, s, err, errlen);
	/* keep messages independent of the temp dir */
	char *at = strstr(err, "spec.ini");
	if (at)
		memmove(err, at, strlen(at) + 1);
	free(p);
	return r;
}

static void expect_error(const char *text, const char *want, const char *want_seen)
{
	struct seen s = {.calls = 0};
	char err[1024];
	CHECK_INT(parse(text, &s, err, sizeof err), -1);
	if (strncmp(err, want, strlen(want)))
		test_fail(__FILE__, __LINE__, "error '%s' does not start with '%s'", err, want);
	CHECK_STR(s.text, want_seen);
}

TEST(specini_delivers_joined_unescaped_values_once)
{
	struct seen s = {.calls = 0};
	char err[512];
	int r = parse("; comment\n"
	              "top = before any section\n"
	              "[unit]\n"
	              "name = hello\n"
	              "# another comment\n"
	              "\n"
	              "[task \"build\"]\n"
	              "step = make \\; make\\sinstall\n"
	              "step = part one\n"
	              "step+ = \\sand\n"
	              "\n"
	              "step+ = \\stwo\\n\n"
	              "install = 0644 a\\sb $DESTDIR/x\n"
	              "[package]\n"
	              "description = \\s\\#1 \\\\ \\x41\\t\\r\\s\n",
	              &s, err, sizeof err);
	CHECK_INT(r, 0);
	CHECK_STR(err, "");
	CHECK_STR(s.text, "[] top=before any section @2\n"
	                  "[unit] name=hello @4\n"
	                  "[task \"build\"] step=make ; make install {make \\; make\\sinstall} @8\n"
	                  "[task \"build\"] step=part one and two\n {part one\\sand\\stwo\\n} @9\n"
	                  "[task \"build\"] install=0644 a b $DESTDIR/x {0644 a\\sb $DESTDIR/x} @13\n"
	                  "[package] description= #1 \\ A\t\r  {\\s\\#1 \\\\ \\x41\\t\\r\\s} @15\n");
	CHECK_INT(s.calls, 6);
}

TEST(specini_callback_stops_the_parse_with_its_own_message)
{
	struct seen s = {.stop_at = "b"};
	char err[512];
	CHECK_INT(parse("[x]\na = 1\nb = 2\nc = 3\nbad line\n", &s, err, sizeof err), -1);
	CHECK_STR(err, ""); /* the callback's to write; specini adds nothing */
	CHECK_STR(s.text, "[x] a=1 @2\n[x] b=2 @3\n");
}

TEST(specini_errors_name_path_and_line_in_file_order)
{
	expect_error("[x]\na = 1\nb = a\\qb\n", "spec.ini:3: error: b: bad escape '\\q' (use \\n", "[x] a=1 @2\n");
	expect_error("[x]\nb = \\x00\n", "spec.ini:2: error: b: bad escape '\\x'", "");
	expect_error("[x]\nb = trailing\\\n", "spec.ini:2: error: b: bad escape '\\'", "");
	/* a bad continuation line: the key it continues is not delivered */
	expect_error("[x]\na = 1\nb = 2\nb+ = \\q\n", "spec.ini:4: error: b+: bad escape", "[x] a=1 @2\n");
	expect_error("[x]\na+ = 1\n", "spec.ini:2: error: 'a+' must directly follow a 'a' line", "");
	expect_error("[x]\na = 1\nb = 2\na+ = 3\n", "spec.ini:4: error: 'a+' must directly follow a 'a' line",
	             "[x] a=1 @2\n[x] b=2 @3\n");
	expect_error("[x]\na = 1\n[y]\na+ = 3\n", "spec.ini:4: error: 'a+' must directly follow", "[x] a=1 @2\n");
	expect_error("[x]\na = 1\nb = make ; make install\n",
	             "spec.ini:3: error: unescaped ';' after a space would be cut off as an inline comment; "
	             "write it as \\;", "[x] a=1 @2\n");
	expect_error("[x]\na = 1\nthis is not ini\nc = 3\n",
	             "spec.ini:3: error: not an INI line (want `key = value` or `[section]`)", "[x] a=1 @2\n");
	char longl[600] = "[x]\na = 1\nb = 2\nb+ = ";
	memset(longl + strlen(longl), 'y', 300);
	strcat(longl, "\nc = 3\n");
	expect_error(longl, "spec.ini:4: error: line longer than 198 bytes; split the value with `key+ = rest` lines",
	             "[x] a=1 @2\n");
	/* the first problem wins, a key's own check included */
	struct seen s = {.stop_at = "a"};
	char err[512];
	CHECK_INT(parse("[x]\na = 1\nb = bad ; semicolon\n", &s, err, sizeof err), -1);
	CHECK_STR(err, "");
}

TEST(specini_198_byte_lines_fit)
{
	char text[600] = "[x]\nk = ";
	memset(text + strlen(text), 'v', 198 - 4);
	strcat(text, "\nk+ = z\n");
	struct seen s = {.calls = 0};
	char err[512];
	CHECK_INT(parse(text, &s, err, sizeof err), 0);
	CHECK_INT(s.calls, 1);
	CHECK(strstr(s.text, "vvz @2") != NULL);
}

TEST(specini_missing_file)
{
	char err[512];
	struct seen s = {.calls = 0};
	char *p = path_join(test_tmpdir(), "nope.ini");
	errno = 0;
	CHECK_INT(specini_parse(p, collect, &s, err, sizeof err), SPECINI_EOPEN);
	CHECK_INT(errno, ENOENT);
	CHECK(strstr(err, "nope.ini: error: cannot open: No such file") != NULL);
	CHECK_INT(specini_parse(p, collect, &s, NULL, 0), SPECINI_EOPEN);
	CHECK_INT(s.calls, 0);
	free(p);
}

TEST(specini_escape_round_trip)
{
	const char *cases[] = {"plain", " lead and trail ", "a;b # c\\d", "multi\nline\ttab\r",
	                       "\x01\x1f\x7f ctl", "", " ", "caf\xc3\xa9"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char err[256] = "";
		char *x = specini_escape(cases[i]);
		CHECK(strpbrk(x, "\n\t\r;#") == NULL || strstr(x, "\\;") || strstr(x, "\\#"));
		CHECK(x[0] != ' ' && (!*x || x[strlen(x) - 1] != ' '));
		char *y = specini_unescape(x, err, sizeof err);
		CHECK_STR(y, cases[i]);
		CHECK_STR(err, "");
		free(x);
		free(y);
	}
	char *x = specini_escape("a b;c");
	CHECK_STR(x, "a b\\;c");
	free(x);
	char err[256];
	CHECK(specini_unescape("\\xZZ", err, sizeof err) == NULL);
	CHECK(strstr(err, "bad escape '\\x'") != NULL);
}

TEST(specini_errf_formats_the_location)
{
	struct specini_entry e = {.path = "u.ini", .line = 7};
	char err[64];
	CHECK_INT(specini_errf(err, sizeof err, &e, "bad %s", "thing"), -1);
	CHECK_STR(err, "u.ini:7: error: bad thing");
	CHECK_INT(specini_errf(err, 10, &e, "bad %s", "thing"), -1);
	CHECK_STR(err, "u.ini:7: ");
}
