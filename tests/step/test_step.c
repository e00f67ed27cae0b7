/* tests/step/test_step.c — unit tests of container-step's pieces: the unit
 * spec format, templates, install-step confinement, sysroot merging,
 * the step environment and the sandbox argv. */
#include "step/env.h"
#include "step/install.h"
#include "step/sandbox.h"
#include "step/spec.h"
#include "step/template.h"
#include "step/tree.h"
#include "lib/fsutil.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base; /* this case's temp dir (test_tmpdir makes a new one per call) */

static char *tmpf(const char *name, const char *content)
{
	char *p = path_join(base, name), *d = path_dirname(p);
	mkdir_p(d, 0755);
	FILE *f = fopen(p, "w");
	fputs(content, f);
	fclose(f);
	free(d);
	return p;
}

static int has_arg(const struct strvec *a, const char *s)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i], s))
			return 1;
	return 0;
}

/* has_pair: `a b` appear next to each other somewhere in the argv. */
static int has_pair(const struct strvec *v, const char *a, const char *b)
{
	for (size_t i = 0; i + 1 < v->n; i++)
		if (!strcmp(v->v[i], a) && !strcmp(v->v[i + 1], b))
			return 1;
	return 0;
}

/* arg_after: the argument following the first `s`, or NULL. */
static const char *arg_after(const struct strvec *a, const char *s)
{
	for (size_t i = 0; i + 1 < a->n; i++)
		if (!strcmp(a->v[i], s))
			return a->v[i + 1];
	return NULL;
}

static const char spec_text[] =
	"; written by yoe gen\n"
	"[unit]\n"
	"name = hello\n"
	"version = 1.0\n"
	"arch = x86_64\n"
	"machine = qemu-x86_64\n"
	"distro = alpine\n"
	"shell = bash\n"
	"files_dir = units/hello\n"
	"dir = build/alpine/hello.x86_64\n"
	"[env]\n"
	"CC = gcc\\s\n"
	"[vars]\n"
	"greeting = hi\\; there\n"
	"[deps]\n"
	"libfoo = build/alpine/libfoo.x86_64/stage\n"
	"[task \"build\"]\n"
	"step = ./configure --prefix=$PREFIX \\; make\n"
	"step = cat <<EOF > x\\n  indented \\\\n\\nEOF\n"
	"step = part one\n"
	"step+ = \\sand part two\n"
	"install = 0755 bin/a\\sb $DESTDIR/usr/bin/ab\n"
	"[task check]\n"
	"network = True\n"
	"template = 0644 motd.in $DESTDIR/etc/motd\n";

TEST(spec_parses_sections_escapes_and_continuations)
{
	base = test_tmpdir();
	char *p = tmpf("u.ini", spec_text);
	struct unit_spec u;
	struct errbuf e = {{0}};
	CHECK_INT(spec_load(p, &u, &e), 0);
	CHECK_STR(e.msg, "");
	CHECK_STR(u.name, "hello");
	CHECK_STR(u.shell, "bash");
	CHECK_STR(u.container, "host");
	CHECK_STR(u.release, "0");
	CHECK_STR(u.scope, "x86_64");
	CHECK(u.dir[0] == '/');
	CHECK(u.files_dir[0] == '/');
	CHECK_STR(kv_get(&u.env, "CC"), "gcc ");
	CHECK_STR(kv_get(&u.vars, "greeting"), "hi; there");
	CHECK(strstr(kv_get(&u.deps, "libfoo"), "/build/alpine/libfoo.x86_64/stage") != NULL);
	CHECK_INT(u.ntasks, 2);
	CHECK_STR(u.tasks[0].name, "build");
	CHECK_STR(u.tasks[1].name, "check");
	CHECK_INT(u.tasks[0].network, 0);
	CHECK_INT(u.tasks[1].network, 1);
	CHECK_INT(u.tasks[0].nsteps, 4);
	/* the ` ;` would be an inline comment to inih: it must survive */
	CHECK_STR(u.tasks[0].steps[0].text, "./configure --prefix=$PREFIX ; make");
	CHECK_STR(u.tasks[0].steps[1].text, "cat <<EOF > x\n  indented \\n\nEOF");
	CHECK_STR(u.tasks[0].steps[2].text, "part one and part two");
	CHECK_INT(u.tasks[0].steps[3].kind, STEP_INSTALL);
	CHECK_STR(u.tasks[0].steps[3].src, "bin/a b");
	CHECK_STR(u.tasks[0].steps[3].dest, "$DESTDIR/usr/bin/ab");
	CHECK_INT(u.tasks[0].steps[3].mode, 0755);
	CHECK_INT(u.tasks[1].steps[0].kind, STEP_TEMPLATE);
	CHECK_INT(u.tasks[0].steps[0].line, 18);
	spec_free(&u);
	free(p);
}

TEST(spec_escape_roundtrip)
{
	const char *cases[] = {"plain", " lead and trail ", "a;b # c\\d", "multi\nline\ttab", "\x01ctl"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *x = spec_escape(cases[i]);
		CHECK(strchr(x, '\n') == NULL);
		CHECK(strchr(x, ';') == NULL || strstr(x, "\\;") != NULL);
		struct errbuf e = {{0}};
		char *y = spec_unescape(x, &e);
		CHECK_STR(y, cases[i]);
		free(x);
		free(y);
	}
}

static void expect_error(const char *text, const char *want)
{
	base = test_tmpdir();
	char *p = tmpf("bad.ini", text);
	struct unit_spec u;
	struct errbuf e = {{0}};
	CHECK_INT(spec_load(p, &u, &e), -1);
	if (!strstr(e.msg, want))
		test_fail(__FILE__, __LINE__, "error '%s' lacks '%s'", e.msg, want);
	spec_free(&u);
	free(p);
}

TEST(spec_errors_name_file_line_and_fix)
{
	expect_error("[unit]\nname = a\narch = x86_64\nbogus = 1\n", "bad.ini:4: error: unknown key 'bogus' in [unit]");
	expect_error("[unit]\nname = a\narch = x86_64\n[task b]\nstep = a\\qb\n", "bad.ini:5: error: step: bad escape '\\q'");
	expect_error("[unit]\nname = a\narch = x86_64\n[task b]\nstep+ = x\n", "bad.ini:5: error: 'step+' must directly follow a 'step' line");
	expect_error("[unit]\nname = a\narch = x86_64\n[task b]\ninstall = 0644 onlysrc\n", "bad.ini:5: error: install/template wants 'MODE SRC DEST'");
	expect_error("[unit]\nname = a\narch = x86_64\n[task b]\nnetwork = maybe\n", "network wants true or false");
	expect_error("[unit]\nname = a\n", "[unit] needs at least name and arch");
	expect_error("[unit]\nname = a\narch = x86_64\nshell = zsh\n", "shell must be sh or bash");
	expect_error("[weird]\nx = 1\n", "unknown section [weird]");
	expect_error("[unit]\nname = a\narch = x86_64\n[cache]\n/c = cache/units/a/../../../../home/u\n", "may not contain '..'");
	expect_error("[unit]\nname = a\narch = x86_64\n[cache]\nrel = cache/units/a/x\n", "must be an absolute path inside the sandbox");
	expect_error("[unit]\nname = a\narch = x86_64\n[cache]\n/ = cache/units/a/x\n", "not / and without '..'");
	expect_error("[unit]\nname = a\narch = x86_64\n[task b]\nstep = make ; make install\n", "bad.ini:5: error: unescaped ';'");
	char longl[400] = "[unit]\nname = a\narch = x86_64\n[task b]\nstep = ";
	memset(longl + strlen(longl), 'x', 250);
	strcat(longl, "\n");
	expect_error(longl, "bad.ini:5: error: line longer than");
}

/* [package] is apk-sign pack's (docs/apk.md): container-step skips its
 * keys, whatever they are, but the file is still one INI dialect. */
TEST(spec_skips_the_package_section)
{
	base = test_tmpdir();
	char *p = tmpf("u.ini", "[unit]\nname = hello\narch = x86_64\n"
	                        "[package]\n"
	                        "destdir = build/alpine/hello.x86_64/destdir\n"
	                        "name = not-the-unit-name\n"
	                        "description = Hello\\sworld\\; \\# and\n"
	                        "description+ = \\smore\n"
	                        "depend = musl\ndepend = libgreeting\n"
	                        "anything = goes here\n"
	                        "[task build]\nstep = make\n");
	struct unit_spec u;
	struct errbuf e = {{0}};
	CHECK_INT(spec_load(p, &u, &e), 0);
	CHECK_STR(e.msg, "");
	CHECK_STR(u.name, "hello");
	CHECK_INT(u.ntasks, 1);
	if (u.ntasks == 1 && u.tasks[0].nsteps == 1) {
		CHECK_STR(u.tasks[0].steps[0].text, "make");
		CHECK_INT(u.tasks[0].steps[0].line, 13);
	}
	spec_free(&u);
	free(p);
	expect_error("[unit]\nname = a\narch = x86_64\n[package]\ndescription = a\\qb\n",
	             "bad.ini:5: error: description: bad escape '\\q'");
}

TEST(template_renders_fields_and_refuses_unknown_keys)
{
	struct kvlist d = {0};
	kv_set(&d, "name", "hello");
	kv_set(&d, "version", "1.0");
	struct errbuf e = {{0}};
	char *out = template_render("n={{.name}} v={{ .version }}\nend", "t.in", &d, &e);
	CHECK_STR(out, "n=hello v=1.0\nend");
	free(out);
	out = template_render("line1\n{{.nope}}", "t.in", &d, &e);
	CHECK(out == NULL);
	CHECK(strstr(e.msg, "t.in:2: error: unknown template key 'nope'") != NULL);
	CHECK(strstr(e.msg, "known: name, version") != NULL);
	CHECK(template_render("{{if .name}}x{{end}}", "t.in", &d, &e) == NULL);
	CHECK(strstr(e.msg, "unsupported template action") != NULL);
	CHECK(template_render("{{.name", "t.in", &d, &e) == NULL);
	kv_free(&d);
}

TEST(install_dest_must_stay_in_destdir)
{
	struct kvlist env = {0};
	kv_set(&env, "DESTDIR", "/build/destdir");
	kv_set(&env, "PREFIX", "/usr");
	struct errbuf e = {{0}};
	char *r = install_dest_rel("$DESTDIR${PREFIX}/share/./x.conf", &env, &e);
	CHECK_STR(r, "usr/share/x.conf");
	free(r);
	r = install_dest_rel("etc/rel", &env, &e);
	CHECK_STR(r, "etc/rel");
	free(r);
	CHECK(install_dest_rel("/etc/passwd", &env, &e) == NULL);
	CHECK(strstr(e.msg, "outside $DESTDIR") != NULL);
	CHECK(install_dest_rel("$DESTDIR/../../etc/passwd", &env, &e) == NULL);
	CHECK(strstr(e.msg, "escapes $DESTDIR") != NULL);
	CHECK(install_dest_rel("/build/destdirx/a", &env, &e) == NULL);
	CHECK(install_dest_rel("$NOPE/a", &env, &e) == NULL);
	CHECK(strstr(e.msg, "unknown variable $NOPE") != NULL);
	kv_free(&env);
}

TEST(install_run_copies_renders_and_refuses_escapes)
{
	const char *t = base = test_tmpdir();
	char *files = path_join(t, "files"), *dest = path_join(t, "destdir"), *outside = path_join(t, "outside");
	mkdir_p(dest, 0755);
	mkdir_p(outside, 0755);
	free(tmpf("files/a.conf", "plain\n"));
	free(tmpf("files/motd.in", "{{.name}} {{.extra}}\n"));
	free(tmpf("secret", "top secret\n"));
	char *lnk = path_join(files, "link"), *sec = path_join(t, "secret");
	CHECK_INT(symlink(sec, lnk), 0);
	struct unit_spec u;
	memset(&u, 0, sizeof u);
	u.name = "hello"; u.version = "1"; u.release = "0"; u.arch = "x86_64"; u.machine = "m";
	u.console = ""; u.project = "p"; u.project_version = "2"; u.files_dir = files; u.path = "u.ini";
	kv_set(&u.vars, "extra", "X");
	struct kvlist env = {0};
	kv_set(&env, "DESTDIR", "/build/destdir");
	struct errbuf e = {{0}};
	struct step s = {STEP_INSTALL, NULL, "a.conf", "$DESTDIR/etc/a.conf", 0640, 1};
	CHECK_INT(install_run(&u, &s, &env, dest, &e), 0);
	char *got = path_join(dest, "etc/a.conf");
	struct stat st;
	CHECK_INT(stat(got, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0640);
	free(got);
	struct step tp = {STEP_TEMPLATE, NULL, "motd.in", "$DESTDIR/etc/motd", 0644, 2};
	CHECK_INT(install_run(&u, &tp, &env, dest, &e), 0);
	got = path_join(dest, "etc/motd");
	char *txt = read_file(got, NULL);
	CHECK_STR(txt, "hello X\n");
	free(txt);
	free(got);
	struct step up = {STEP_INSTALL, NULL, "../secret", "$DESTDIR/x", 0644, 3};
	CHECK_INT(install_run(&u, &up, &env, dest, &e), -1);
	CHECK(strstr(e.msg, "escapes the unit's files directory") != NULL);
	struct step sl = {STEP_INSTALL, NULL, "link", "$DESTDIR/x", 0644, 4};
	CHECK_INT(install_run(&u, &sl, &env, dest, &e), -1);
	CHECK(strstr(e.msg, "outside the unit's files directory") != NULL);
	/* a sandboxed step planted destdir/evil -> outside: must not be followed */
	char *evil = path_join(dest, "evil");
	CHECK_INT(symlink(outside, evil), 0);
	struct step ev = {STEP_INSTALL, NULL, "a.conf", "$DESTDIR/evil/pwned", 0644, 5};
	CHECK_INT(install_run(&u, &ev, &env, dest, &e), -1);
	CHECK(strstr(e.msg, "symlink") != NULL);
	char *pw = path_join(outside, "pwned");
	CHECK(access(pw, F_OK) != 0);
	u.files_dir = ""; /* what gen writes for a unit without install steps */
	CHECK_INT(install_run(&u, &s, &env, dest, &e), -1);
	CHECK(strstr(e.msg, "has no files_dir") != NULL);
	u.files_dir = files;
	struct step unk = {STEP_TEMPLATE, NULL, "a.conf", "$DESTDIR/etc/b", 0644, 6};
	CHECK_INT(install_run(&u, &unk, &env, dest, &e), 0); /* no fields: fine */
	free(tmpf("files/bad.in", "{{.nokey}}"));
	struct step bad = {STEP_TEMPLATE, NULL, "bad.in", "$DESTDIR/etc/bad", 0644, 7};
	CHECK_INT(install_run(&u, &bad, &env, dest, &e), -1);
	CHECK(strstr(e.msg, "unknown template key 'nokey'") != NULL);
	got = path_join(dest, "etc/bad");
	CHECK(access(got, F_OK) != 0); /* nothing half-written */
	free(got);
	kv_free(&u.vars);
	kv_free(&env);
	free(pw); free(evil); free(lnk); free(sec); free(files); free(dest); free(outside);
}

TEST(sysroot_merges_links_and_reports_conflicts)
{
	const char *t = base = test_tmpdir();
	free(tmpf("a/usr/include/a.h", "a\n"));
	free(tmpf("a/usr/share/common.txt", "same\n"));
	free(tmpf("b/usr/include/b.h", "b\n"));
	free(tmpf("b/usr/share/common.txt", "same\n"));
	char *a = path_join(t, "a"), *b = path_join(t, "b"), *c = path_join(t, "c"), *sr = path_join(t, "sysroot");
	char *al = path_join(t, "a/usr/lib"), *lnk = path_join(t, "a/usr/lib/libx.so");
	mkdir_p(al, 0755);
	CHECK_INT(symlink("libx.so.1", lnk), 0);
	struct kvlist deps = {0};
	kv_add(&deps, "liba", a);
	kv_add(&deps, "libb", b);
	struct errbuf e = {{0}};
	int reused = -1;
	CHECK_INT(sysroot_assemble(&deps, sr, &e, &reused), 0);
	CHECK_STR(e.msg, "");
	CHECK_INT(reused, 0);
	CHECK_INT(sysroot_assemble(&deps, sr, &e, &reused), 0);
	CHECK_INT(reused, 1); /* same stages: kept */
	struct stat s1, s2;
	char *p1 = path_join(sr, "usr/include/a.h"), *p2 = path_join(a, "usr/include/a.h");
	CHECK_INT(stat(p1, &s1), 0);
	CHECK_INT(stat(p2, &s2), 0);
	CHECK(s1.st_ino == s2.st_ino); /* a hard link, not a copy */
	char *p3 = path_join(sr, "usr/include/b.h"), *p4 = path_join(sr, "usr/lib/libx.so");
	CHECK_INT(access(p3, F_OK), 0);
	char buf[64] = "";
	CHECK(readlink(p4, buf, sizeof buf) == 9);
	free(tmpf("c/usr/share/common.txt", "different\n"));
	kv_add(&deps, "libc", c);
	CHECK_INT(sysroot_assemble(&deps, sr, &e, &reused), -1);
	CHECK_INT(reused, 0);
	CHECK(strstr(e.msg, "units 'liba' and 'libc' both ship 'usr/share/common.txt'") != NULL);
	/* missing stage names the unit */
	struct kvlist miss = {0};
	kv_add(&miss, "ghost", "/nonexistent/stage");
	CHECK_INT(sysroot_assemble(&miss, sr, &e, &reused), -1);
	CHECK(strstr(e.msg, "dependency 'ghost'") != NULL);
	/* staging: tree_link replaces dst */
	char *stage = path_join(t, "stage");
	free(tmpf("stage/stale", "old"));
	CHECK_INT(tree_link(a, stage, &e), 0);
	char *st1 = path_join(stage, "usr/include/a.h"), *st2 = path_join(stage, "stale");
	CHECK_INT(access(st1, F_OK), 0);
	CHECK(access(st2, F_OK) != 0);
	/* a dep restaged (new stage directory) invalidates the kept sysroot */
	struct kvlist one = {0};
	kv_add(&one, "staged", stage);
	CHECK_INT(sysroot_assemble(&one, sr, &e, &reused), 0);
	CHECK_INT(reused, 0);
	CHECK_INT(sysroot_assemble(&one, sr, &e, &reused), 0);
	CHECK_INT(reused, 1);
	CHECK_INT(tree_link(b, stage, &e), 0);
	CHECK_INT(sysroot_assemble(&one, sr, &e, &reused), 0);
	CHECK_INT(reused, 0);
	char *bh = path_join(sr, "usr/include/b.h");
	CHECK_INT(access(bh, F_OK), 0);
	CHECK(access(p1, F_OK) != 0); /* a.h is gone with the old stage */
	free(bh);
	kv_free(&one);
	kv_free(&deps);
	kv_free(&miss);
	free(a); free(b); free(c); free(sr); free(al); free(lnk); free(p1); free(p2); free(p3); free(p4);
	free(stage); free(st1); free(st2);
}

static void fake_unit(struct unit_spec *u)
{
	memset(u, 0, sizeof *u);
	u->name = "hello"; u->arch = "arm64"; u->machine = "rpi"; u->distro = "alpine"; u->console = "ttyS0";
	u->source_date_epoch = "1700000000"; u->shell = "sh"; u->scope = "arm64"; u->container = "toolchain";
	u->container_arch = "target"; u->path = "u.ini";
}

TEST(step_env_is_an_allow_list_in_fixed_order)
{
	setenv("SECRET_TOKEN", "leak", 1);
	struct unit_spec u;
	fake_unit(&u);
	kv_set(&u.env, "GOCACHE", "/tmp/go");
	kv_set(&u.env, "PREFIX", "/opt");
	struct kvlist env = {0};
	step_env(&u, 3, &env);
	const char *want[] = {"PREFIX", "DESTDIR", "SRCDIR", "SYSROOT", "NPROC", "ARCH", "MACHINE", "DISTRO",
	                      "CONSOLE", "HOME", "PATH", "SOURCE_DATE_EPOCH", "PKG_CONFIG_PATH",
	                      "PKG_CONFIG_SYSROOT_DIR", "CFLAGS", "CPPFLAGS", "LDFLAGS", "GOCACHE"};
	CHECK_INT(env.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < env.n && i < sizeof want / sizeof *want; i++)
		CHECK_STR(env.v[i].key, want[i]);
	CHECK_STR(kv_get(&env, "PREFIX"), "/opt"); /* unit env overrides in place */
	CHECK_STR(kv_get(&env, "NPROC"), "3");
	CHECK_STR(kv_get(&env, "HOME"), "/tmp");
	CHECK(strstr(kv_get(&env, "LDFLAGS"), "/build/sysroot/usr/lib/aarch64-linux-gnu") != NULL);
	CHECK(kv_get(&env, "SECRET_TOKEN") == NULL);
	kv_free(&env);
	kv_free(&u.env);
}

static void sandbox_for(struct sandbox *sb, struct unit_spec *u, struct task *t, struct kvlist *env, enum runtime rt)
{
	memset(sb, 0, sizeof *sb);
	sb->rt = rt;
	sb->exe = rt == RT_BWRAP ? "bwrap" : runtime_name(rt);
	sb->u = u;
	sb->t = t;
	sb->step_no = 2;
	sb->src = "/p/build/u/src";
	sb->destdir = "/p/build/u/destdir";
	sb->sysroot = "/p/build/u/sysroot";
	sb->env = env;
	sb->rootfs = "/";
	sb->image = "yoe/toolchain-musl:19-arm64";
	sb->platform_arch = "arm64";
	sb->uid = 1000;
	sb->gid = 1000;
	sb->disable_userns = 1;
}

TEST(bwrap_argv_unshares_everything)
{
	struct unit_spec u;
	fake_unit(&u);
	kv_set(&u.cache, "/root/.cache/go", "/p/cache/go");
	struct task t = {.name = "build"};
	struct kvlist env = {0};
	kv_set(&env, "PATH", "/usr/bin");
	struct sandbox sb;
	sandbox_for(&sb, &u, &t, &env, RT_BWRAP);
	const char *hide[] = {"/usr/lib", NULL};
	sb.hide = hide;
	struct strvec a = {0};
	struct errbuf e = {{0}};
	CHECK_INT(sandbox_argv(&sb, "make", &a, &e), 0);
	CHECK_STR(a.v[0], "bwrap");
	const char *must[] = {"--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
	                      "--new-session", "--clearenv", "--remount-ro", "--proc", "--dev"};
	for (size_t i = 0; i < sizeof must / sizeof *must; i++)
		if (!has_arg(&a, must[i]))
			test_fail(__FILE__, __LINE__, "missing %s", must[i]);
	CHECK_STR(arg_after(&a, "--cap-drop"), "ALL");
	CHECK_STR(arg_after(&a, "--uid"), "1000");
	CHECK(has_pair(&a, "--tmpfs", "/usr/lib")); /* hidden path covered */
	CHECK(has_pair(&a, "--tmpfs", "/tmp"));
	CHECK(!has_arg(&a, "/usr/bin/qemu-aarch64"));
	if (access("/etc/shadow", F_OK) == 0)
		CHECK(has_pair(&a, "/dev/null", "/etc/shadow"));
	CHECK(!has_arg(&a, "--share-net"));
	CHECK(!has_arg(&a, "--privileged"));
	CHECK(!has_arg(&a, "/home") && !has_arg(&a, "/root") && !has_arg(&a, "/run"));
	CHECK_STR(arg_after(&a, "/p/build/u/src"), "/build/src");
	CHECK_STR(arg_after(&a, "/p/build/u/sysroot"), "/build/sysroot");
	CHECK(!strcmp(a.v[a.n - 3], "/bin/sh") && !strcmp(a.v[a.n - 1], "make"));
	sv_free(&a);
	t.network = 1;
	sb.network = 1;
	sb.qemu_interp = "/usr/bin/qemu-aarch64";
	CHECK_INT(sandbox_argv(&sb, "make", &a, &e), 0);
	CHECK(has_arg(&a, "--share-net"));
	CHECK(has_pair(&a, "/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64"));
	sv_free(&a);
	kv_free(&env);
	kv_free(&u.cache);
}

TEST(oci_argv_is_hardened)
{
	struct unit_spec u;
	fake_unit(&u);
	struct task t = {.name = "build"};
	struct kvlist env = {0};
	kv_set(&env, "A", "b c");
	for (int rt = RT_PODMAN; rt <= RT_DOCKER; rt++) {
		struct sandbox sb;
		sandbox_for(&sb, &u, &t, &env, (enum runtime)rt);
		struct strvec a = {0};
		struct errbuf e = {{0}};
		CHECK_INT(sandbox_argv(&sb, "make", &a, &e), 0);
		const char *must[] = {"run", "--rm", "--cap-drop=ALL", "--security-opt=no-new-privileges",
		                      "--network=none", "--read-only", "--user=1000:1000", "--platform=linux/arm64",
		                      "--pull=never", "--volume=/p/build/u/sysroot:/build/sysroot:ro", "--env=A=b c"};
		for (size_t i = 0; i < sizeof must / sizeof *must; i++)
			if (!has_arg(&a, must[i]))
				test_fail(__FILE__, __LINE__, "%s argv lacks %s", runtime_name((enum runtime)rt), must[i]);
		CHECK(!has_arg(&a, "--privileged"));
		CHECK_INT(has_arg(&a, "--userns=keep-id"), rt == RT_PODMAN); /* uid 1000: rootless */
		sv_free(&a);
		sb.image = NULL;
		CHECK_INT(sandbox_argv(&sb, "make", &a, &e), -1);
		CHECK(strstr(e.msg, "container_image") != NULL);
		sv_free(&a);
	}
	kv_free(&env);
}

TEST(binfmt_entries_parse)
{
	char *interp = NULL;
	CHECK_INT(binfmt_parse("enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\n", &interp), 1);
	CHECK(interp == NULL); /* F: the kernel keeps the interpreter open */
	CHECK_INT(binfmt_parse("enabled\ninterpreter /usr/bin/qemu-aarch64\nflags: OC\noffset 0\n", &interp), 1);
	CHECK_STR(interp, "/usr/bin/qemu-aarch64");
	free(interp);
	CHECK_INT(binfmt_parse("disabled\ninterpreter /usr/bin/qemu-aarch64\n", &interp), 0);
	CHECK_INT(binfmt_parse(NULL, &interp), 0);
}

TEST(network_steps_see_a_resolver_outside_etc)
{
	base = test_tmpdir();
	char *target = tmpf("run/resolve/stub-resolv.conf", "nameserver 127.0.0.53\n");
	char *link = path_join(base, "resolv.conf"), real[4096];
	CHECK_INT(symlink(target, link), 0);
	CHECK(realpath(target, real) != NULL);
	struct strvec a = {0};
	bwrap_resolver(link, &a);
	CHECK_INT(a.n, 3);
	CHECK(has_pair(&a, "--ro-bind", real));
	CHECK(has_pair(&a, real, real));
	sv_free(&a);
	bwrap_resolver("/etc/hostname", &a); /* under /etc: visible already */
	CHECK_INT(a.n, 0);
	sv_free(&a);
	free(link);
	free(target);
}
