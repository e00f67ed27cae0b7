/* gen/starlark/thread.c — threads (their settings, limits and embedder
 * hooks), raising and formatting errors with tracebacks, the call stack
 * seen by builtins, the universe, and running files into modules. */
#include "starlark/syntax.h"
#include "starlark/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sl_value sl_eval_node(sl_thread *th, struct node *e, struct sl_module *m);

/* ---- threads ---- */
sl_thread *sl_thread_new(void)
{
	sl_thread *th = sl_alloc_root(sizeof *th);
	th->maxdepth = 1000;
	size_t cap = 4096;
	th->seg = sl_alloc_root(sizeof *th->seg + cap * sizeof(sl_value));
	th->seg->prev = th->seg->next = NULL;
	th->seg->cap = cap;
	th->seg->sp = 0;
	return th;
}

void sl_thread_free(sl_thread *th)
{
	if (!th)
		return;
	struct stackseg *s = th->seg;
	while (s->prev)
		s = s->prev;
	while (s) {
		struct stackseg *n = s->next;
		sl_free_root(s);
		s = n;
	}
	sl_buf_free(&th->errmsg);
	sl_buf_free(&th->ecall);
	if (th->tb)
		sl_free_root(th->tb);
	sl_free_root(th);
}

void sl_thread_set_name(sl_thread *th, const char *name) { th->name = name; }
void sl_thread_set_options(sl_thread *th, unsigned opts) { th->opts = opts; }
unsigned sl_thread_options(sl_thread *th) { return th->opts; }
void sl_thread_set_data(sl_thread *th, void *data) { th->data = data; }
void *sl_thread_data(sl_thread *th) { return th->data; }
void sl_thread_set_print(sl_thread *th, sl_print_fn fn, void *ud) { th->print = fn; th->print_ud = ud; }
void sl_thread_set_load(sl_thread *th, sl_load_fn fn, void *ud) { th->load = fn; th->load_ud = ud; }
void sl_thread_set_max_steps(sl_thread *th, uint64_t max) { th->maxsteps = max; }
uint64_t sl_thread_steps(sl_thread *th) { return th->steps; }
void sl_thread_cancel(sl_thread *th, const char *reason)
{
	th->cancel_reason = reason;
	th->cancelled = 1;
}
void sl_thread_set_max_depth(sl_thread *th, int depth) { th->maxdepth = depth > 0 ? depth : 1; }

void sl_print(sl_thread *th, const char *msg, size_t len)
{
	if (th->print) {
		th->print(th, msg, len, th->print_ud);
		return;
	}
	fwrite(msg, 1, len, stdout);
	fputc('\n', stdout);
}

unsigned sl_option_parse(const char *name)
{
	static const struct { const char *name; unsigned flag; } opts[] = {
		{"set", SL_OPT_SET}, {"while", SL_OPT_WHILE}, {"recursion", SL_OPT_RECURSION},
		{"globalreassign", SL_OPT_GLOBALREASSIGN}, {"toplevelcontrol", SL_OPT_TOPLEVELCONTROL},
		{"loadbindsglobally", SL_OPT_LOADBINDSGLOBALLY},
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].flag;
	return 0;
}

/* ---- errors ---- */
static void capture_traceback(sl_thread *th)
{
	int n = 0;
	for (struct frame *f = th->top; f; f = f->parent)
		n++;
	if (th->tb)
		sl_free_root(th->tb);
	th->tb = n ? sl_alloc_root((size_t)n * sizeof *th->tb) : NULL;
	th->ntb = 0;
	for (struct frame *f = th->top; f; f = f->parent) {
		struct sl_frame_info *fi = &th->tb[th->ntb++];
		fi->path = f->code->path ? f->code->path : "<unknown>";
		fi->line = f->pc ? f->pc->line : f->code->line;
		fi->col = f->pc ? f->pc->col : f->code->col;
		fi->name = sl_str_data(f->code->name);
	}
	th->ecpath = NULL;
	sl_buf_free(&th->ecall);
}

sl_value sl_verror(sl_thread *th, const char *fmt, va_list ap)
{
	if (!th)
		return NULL; /* no thread to report on (e.g. filling a new dict) */
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_vprintf(&b, fmt, ap);
	sl_buf_free(&th->errmsg);
	th->errmsg = b;
	if (!th->errmsg.data)
		sl_buf_add(&th->errmsg, "", 0);
	th->err = true;
	capture_traceback(th);
	return NULL;
}

sl_value sl_error(sl_thread *th, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sl_verror(th, fmt, ap);
	va_end(ap);
	return NULL;
}

void sl_error_compile(sl_thread *th, const char *path, int line, int col, const char *msg)
{
	sl_buf_free(&th->errmsg);
	sl_buf_adds(&th->errmsg, msg);
	th->err = true;
	if (th->tb)
		sl_free_root(th->tb);
	th->tb = NULL;
	th->ntb = 0;
	th->ecpath = path;
	sl_buf_free(&th->ecall);
	th->ecline = line;
	th->eccol = col;
}

void sl_error_compile_all(sl_thread *th, struct sl_cerr *err)
{
	sl_error_compile(th, err->path, err->line, err->col, err->msg);
	if (err->count > 1) {
		th->ecall = err->all;
		err->all = (struct sl_buf)SL_BUF_INIT;
	}
	sl_buf_free(&err->all);
}

bool sl_has_error(sl_thread *th) { return th->err; }
const char *sl_error_message(sl_thread *th) { return th->err ? th->errmsg.data : NULL; }

void sl_error_clear(sl_thread *th)
{
	th->err = false;
	sl_buf_free(&th->errmsg);
	if (th->tb)
		sl_free_root(th->tb);
	th->tb = NULL;
	th->ntb = 0;
	th->ecpath = NULL;
	sl_buf_free(&th->ecall);
}

void sl_error_format(sl_thread *th, struct sl_buf *b)
{
	if (!th->err)
		return;
	if (th->ntb == 0) {
		if (th->ecall.len)
			sl_buf_add(b, th->ecall.data, th->ecall.len);
		else if (th->ecpath)
			sl_buf_printf(b, "%s:%d:%d: error: %s\n", th->ecpath, th->ecline, th->eccol, th->errmsg.data);
		else
			sl_buf_printf(b, "error: %s\n", th->errmsg.data);
		return;
	}
	struct sl_frame_info *f = &th->tb[0];
	sl_buf_printf(b, "%s:%d:%d: error: %s\n", f->path, f->line, f->col, th->errmsg.data);
	for (int i = 0; i < th->ntb; i++)
		sl_buf_printf(b, "  at %s:%d:%d in %s\n", th->tb[i].path, th->tb[i].line, th->tb[i].col, th->tb[i].name);
}

/* ---- the call stack ---- */
int sl_stack_depth(sl_thread *th)
{
	int n = 0;
	for (struct frame *f = th->top; f; f = f->parent)
		n++;
	return n;
}

bool sl_stack_frame(sl_thread *th, int depth, struct sl_frame_info *out)
{
	struct frame *f = th->top;
	for (int i = 0; f && i < depth; i++)
		f = f->parent;
	if (!f || depth < 0)
		return false;
	out->path = f->code->path ? f->code->path : "<unknown>";
	out->line = f->pc ? f->pc->line : f->code->line;
	out->col = f->pc ? f->pc->col : f->code->col;
	out->name = sl_str_data(f->code->name);
	return true;
}

/* ---- the universe ---- */
static sl_value *univ_names, *univ_values;
static size_t univ_n;

static void universe_init(void)
{
	size_t n = 0;
	while (sl_universe[n].name)
		n++;
	univ_names = sl_alloc_root((n + 3) * sizeof *univ_names);
	univ_values = sl_alloc_root((n + 3) * sizeof *univ_values);
	for (size_t i = 0; i < n; i++) {
		univ_names[i] = sl_intern(sl_universe[i].name, strlen(sl_universe[i].name));
		univ_values[i] = sl_builtin_new(sl_universe[i].name, sl_universe[i].fn, NULL);
	}
	univ_names[n] = sl_intern("None", 4), univ_values[n] = SL_NONE;
	univ_names[n + 1] = sl_intern("True", 4), univ_values[n + 1] = SL_TRUE;
	univ_names[n + 2] = sl_intern("False", 5), univ_values[n + 2] = SL_FALSE;
	univ_n = n + 3;
}

sl_value sl_universe_lookup(sl_value name)
{
	if (!univ_names)
		universe_init();
	for (size_t i = 0; i < univ_n; i++)
		if (univ_names[i] == name)
			return univ_values[i];
	return NULL;
}

/* ---- modules ---- */
static char *read_all(sl_thread *th, const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		sl_error(th, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct sl_buf b = SL_BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		sl_buf_add(&b, tmp, n);
	bool bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		sl_buf_free(&b);
		sl_error(th, "%s: read error", path);
		return NULL;
	}
	*len = b.len;
	char *s = sl_alloc(b.len + 1);
	if (b.len)
		memcpy(s, b.data, b.len);
	sl_buf_free(&b);
	return s;
}

struct sl_module *sl_exec_file(sl_thread *th, const char *path, const char *src, size_t len,
                               sl_value predeclared)
{
	const char *spath = sl_strdup(path);
	if (!th->top && th->err)
		sl_error_clear(th);  /* a fresh run starts without a stale error */
	if (!src) {
		src = read_all(th, path, &len);
		if (!src)
			return NULL;
		if (strcmp(path, "-") == 0)
			spath = "<stdin>";
	}
	struct sl_cerr err = {0};
	/* the tree goes to a region of its own: see region.c */
	struct sl_region region;
	sl_region_begin(&region);
	struct funcode *top = sl_parse_file(spath, src, len, &err);
	struct program *prog = top ? sl_resolve(top, predeclared, th->opts, &err) : NULL;
	sl_region_end(&region);
	if (!prog) {
		err.path = spath;
		sl_error_compile_all(th, &err);
		sl_region_release(&region);
		return NULL;
	}
	struct sl_module *m = sl_alloc_obj(sizeof *m, SL_KMODULE);
	m->path = spath;
	m->prog = prog;
	m->nglobals = prog->nglobals;
	m->names = prog->globalnames;
	m->globals = sl_alloc((size_t)(prog->nglobals + 1) * sizeof *m->globals);
	bool ok = sl_exec_program(th, m) != NULL;
	if (ok && top->nfuncs == 0) {
		/* no function can refer to the tree: only this run used it */
		m->prog = NULL;
		sl_region_release(&region);
	} else {
		sl_region_keep(&region);
	}
	if (!ok)
		return NULL;
	sl_freeze((sl_value)m);
	return m;
}

int sl_parse_only(sl_thread *th, const char *path, const char *src, size_t len)
{
	struct sl_cerr err = {0};
	const char *spath = sl_strdup(path);
	struct sl_region region;
	sl_region_begin(&region);
	struct funcode *top = sl_parse_file(spath, src, len, &err);
	sl_region_end(&region);
	sl_region_release(&region);
	if (top)
		return 0;
	err.path = spath;
	sl_error_compile_all(th, &err);
	return -1;
}

sl_value sl_module_get(struct sl_module *m, const char *name)
{
	if (m->members)
		return sl_dict_get_str(m->members, name);
	for (int i = 0; i < m->nglobals; i++)
		if (strcmp(sl_str_data(m->names[i]), name) == 0)
			return m->globals[i];
	return NULL;
}

sl_value sl_module_globals(struct sl_module *m)
{
	if (m->members)
		return m->members;
	sl_value d = sl_dict_new((size_t)m->nglobals);
	for (int i = 0; i < m->nglobals; i++)
		if (m->globals[i])
			sl_dict_set(NULL, d, m->names[i], m->globals[i]);
	return d;
}

const char *sl_module_path(struct sl_module *m) { return m->path; }

struct sl_module *sl_module_new(const char *path, sl_value members)
{
	struct sl_module *m = sl_alloc_obj(sizeof *m, SL_KMODULE);
	m->path = sl_strdup(path);
	m->members = members;
	sl_freeze(members);
	m->h.frozen = 1;
	return m;
}

sl_value sl_eval_expr(sl_thread *th, const char *path, const char *src, size_t len, sl_value predeclared)
{
	struct sl_cerr err = {0};
	const char *spath = sl_strdup(path);
	struct node *e = sl_parse_expr(spath, src, len, &err);
	if (!e || !sl_resolve_expr(e, predeclared, th->opts, &err)) {
		err.path = spath;
		sl_error_compile_all(th, &err);
		return NULL;
	}
	e->fn->path = spath;
	e->fn->name = sl_intern("<expr>", 6);
	struct sl_module *m = sl_alloc_obj(sizeof *m, SL_KMODULE);
	m->path = spath;
	return sl_eval_node(th, e, m);
}
