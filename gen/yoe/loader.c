/* gen/yoe/loader.c — evaluating a project in the original's phase order:
 * PROJECT.star → local.star → modules → machines → ctx → MODULE.star →
 * containers → units → provides → images → validation (upstream model §2).
 * Also owns load(): label resolution, the load cache keyed by canonical
 * path (so a walked file that was already loaded is not run twice), and
 * load-cycle detection that prints the cycle. */
#include "yoe/builtins.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fsutil.h"
#include "yoe/prefetch.h"

int yoe_modules_resolve(struct yoe_eval *ev);

static struct yoe_file *file_rec(struct yoe_project *p, const char *canon)
{
	struct yoe_file *f = sm_get(&p->files, canon);
	if (!f) {
		f = ar_alloc(&p->arena, sizeof *f);
		f->path = ar_strdup(&p->arena, canon);
		f->text_sha = "";
		sm_put(&p->files, f->path, f);
	}
	return f;
}

/* capture turns the thread's pending error into p->err (first error wins). */
static int capture(struct yoe_eval *ev, const char *file)
{
	struct yoe_project *p = ev->p;
	if (!p->err && sl_has_error(ev->th)) {
		struct sl_buf b = SL_BUF_INIT;
		sl_error_format(ev->th, &b);
		while (b.len && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		p->err = ar_strdup(&p->arena, b.data);
		p->errmsg = ar_strdup(&p->arena, sl_error_message(ev->th));
		sl_buf_free(&b);
	}
	sl_error_clear(ev->th);
	if (!p->err) {
		/* the interpreter failed without saying why: never carry on with
		 * a half-evaluated project */
		struct yoe_pos pos = {file, 0, 0};
		yoe_error(p, file ? &pos : NULL,
		          "evaluation failed without an error message (an interpreter fault; please report it)");
	}
	return -1;
}

/* exec runs one file (no capture: a load failure propagates to the loader).
 * pf/idx: the walk's prefetch and the file's place in it (pf NULL: read
 * it here). */
static struct sl_module *exec_at(struct yoe_eval *ev, struct yoe_file *f, sl_value pre, unsigned opts,
                                 struct yoe_prefetch *pf, size_t idx)
{
	struct yoe_project *p = ev->p;
	size_t len = 0;
	/* the key hashes every .star that shaped a unit: done while the bytes
	 * are in memory (by the prefetch helper, mostly) */
	char sha[65];
	char *src = pf ? yoe_prefetch_take(pf, idx, &len, sha) : yoe_read_hash(f->path, &len, sha);
	if (!src) {
		sl_error(ev->th, "cannot read %s", yoe_display_path(p, f->path));
		f->state = 3;
		return NULL;
	}
	f->text_sha = ar_strndup(&p->arena, sha, 64);
	f->state = 1;
	sv_push(&ev->stack, f->path);
	sl_thread_set_options(ev->th, opts);
	struct sl_module *m = sl_exec_file(ev->th, yoe_display_path(p, f->path), src, len, pre);
	sl_thread_set_options(ev->th, 0);
	ev->stack.n--;
	free(src);
	f->state = m ? 2 : 3;
	f->globals = m;
	return m;
}

static struct sl_module *exec(struct yoe_eval *ev, struct yoe_file *f, sl_value pre, unsigned opts)
{
	return exec_at(ev, f, pre, opts, NULL, 0);
}

static const char *module_root_of(struct yoe_project *p, const char *file)
{
	const char *best = NULL;
	for (size_t i = 0; i < p->nmodules; i++) {
		const char *d = p->modules[i]->dir;
		size_t n = strlen(d);
		if (p->modules[i]->available && !strncmp(file, d, n) && file[n] == '/' && (!best || n > strlen(best)))
			best = d;
	}
	return best ? best : p->root;
}

static struct sl_module *load_cb(sl_thread *th, const char *label, void *ud)
{
	struct yoe_eval *ev = ud;
	struct yoe_project *p = ev->p;
	const char *from = ev->stack.n ? ev->stack.v[ev->stack.n - 1] : p->root;
	const char *path;
	if (label[0] == '@') {
		const char *sl = strstr(label, "//");
		if (!sl)
			return sl_error(th, "invalid module reference \"%s\": expected @name//path", label), NULL;
		const char *name = ar_strndup(&p->arena, label + 1, (size_t)(sl - label - 1));
		struct yoe_module *m = yoe_module_get(p, name);
		if (!m) {
			const char *c[256];
			size_t nc = 0;
			struct buf known = {0};
			for (size_t i = 0; i < p->nmodules && nc < 256; i++) {
				c[nc++] = p->modules[i]->name;
				buf_printf(&known, "%s%s", i ? ", " : "", p->modules[i]->name);
			}
			const char *s = suggest(name, c, nc);
			sl_error(th, "unknown module \"%s\" in load(\"%s\")%s%s%s; %s%s", name, label,
			         s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "",
			         nc ? "known modules: " : "no modules are available here (PROJECT.star runs before modules load)",
			         known.data ? known.data : "");
			buf_free(&known);
			return NULL;
		}
		path = ar_printf(&p->arena, "%s/%s", m->dir, sl + 2);
	} else if (!strncmp(label, "//", 2)) {
		path = ar_printf(&p->arena, "%s/%s", module_root_of(p, from), label + 2);
	} else {
		char *dir = path_dirname(from);
		path = ar_printf(&p->arena, "%s/%s", dir, label);
		free(dir);
	}
	char *canon = realpath(path, NULL);
	if (!canon)
		return sl_error(th, "cannot find %s (looked for %s)", label, yoe_display_path(p, path)), NULL;
	struct yoe_file *f = file_rec(p, canon);
	free(canon);
	struct yoe_file *ff = sm_get(&p->files, from);
	if (ff && !sv_has(&ff->loads, f->path))
		sv_push(&ff->loads, f->path);
	if (f->state == 2)
		return f->globals;
	if (f->state == 3)
		return sl_error(th, "%s failed to load earlier", yoe_display_path(p, f->path)), NULL;
	if (f->state == 1) {
		struct buf b = {0};
		size_t i = 0;
		while (i < ev->stack.n && strcmp(ev->stack.v[i], f->path))
			i++;
		for (; i < ev->stack.n; i++)
			buf_printf(&b, "%s -> ", yoe_display_path(p, ev->stack.v[i]));
		buf_adds(&b, yoe_display_path(p, f->path));
		sl_error(th, "load cycle: %s (a file cannot load itself, directly or through others)", b.data);
		buf_free(&b);
		return NULL;
	}
	return exec(ev, f, ev->pre, 0);
}

/* run_top executes a top-level (walked or named) file, unless a load()
 * already ran it.  canonical: path is known to be a realpath already (the
 * walk only descends real directories from a canonical root).  pf/idx as
 * for exec_at. */
static int run_top_at(struct yoe_eval *ev, const char *path, bool canonical, struct yoe_prefetch *pf,
                      size_t idx)
{
	struct yoe_project *p = ev->p;
	struct yoe_file *f;
	if (canonical) {
		f = file_rec(p, path);
	} else {
		char *canon = realpath(path, NULL);
		if (!canon)
			return yoe_error(p, NULL, "cannot read %s", path);
		f = file_rec(p, canon);
		free(canon);
	}
	if (f->state == 2)
		return 0;
	p->cur_file = f->path;
	sl_thread_set_load(ev->th, load_cb, ev);
	struct sl_module *m = exec_at(ev, f, ev->pre, 0, pf, idx);
	p->cur_file = "";
	return m ? 0 : capture(ev, f->path);
}

static int run_top(struct yoe_eval *ev, const char *path, bool canonical)
{
	return run_top_at(ev, path, canonical, NULL, 0);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* list_stars appends every *.star under dir to out, entries in byte order,
 * depth first, symlinked directories not followed; a symlinked file is
 * marked by a leading '\1' (it needs a realpath).  dir must be canonical. */
static void list_stars(struct yoe_project *p, const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	sm_put(&p->walked_dirs, dir, (void *)dir);
	/* names sorted; d_type rides along in the byte before each name */
	struct strlist names = {0};
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			size_t n = strlen(e->d_name);
			char *s = ar_alloc(&p->arena, n + 2);
			s[0] = (char)e->d_type;
			memcpy(s + 1, e->d_name, n + 1);
			sv_push(&names, s + 1);
		}
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof *names.v, cmpstr);
	size_t dl = strlen(dir);
	for (size_t i = 0; i < names.n; i++) {
		size_t n = strlen(names.v[i]);
		/* room for the symlink mark in front */
		char *full = ar_alloc(&p->arena, dl + n + 3) + 1;
		memcpy(full, dir, dl);
		full[dl] = '/';
		memcpy(full + dl + 1, names.v[i], n + 1);
		bool star = n > 5 && !strcmp(names.v[i] + n - 5, ".star");
		unsigned char type = (unsigned char)names.v[i][-1];
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (lstat(full, &st))
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		if (type == DT_DIR)
			list_stars(p, full, out);
		else if (star && type == DT_REG)
			sv_push(out, full);
		else if (star && type == DT_LNK) {
			full[-1] = '\1';
			sv_push(out, full - 1);
		}
	}
	free(names.v);
}

/* walk runs every *.star under dir (list_stars' order), the plain files
 * read ahead by a helper thread (prefetch.c).  Evaluation cannot change
 * the tree, so listing it all first runs the same files in the same order
 * as listing each directory on the way. */
static int walk(struct yoe_eval *ev, const char *dir)
{
	struct strlist files = {0};
	list_stars(ev->p, dir, &files);
	/* the helper reads the plain files, in the same order */
	const char **plain = malloc((files.n + 1) * sizeof *plain);
	size_t np = 0;
	for (size_t i = 0; i < files.n; i++)
		if (files.v[i][0] != '\1')
			plain[np++] = files.v[i];
	struct yoe_prefetch *pf = yoe_prefetch_start(plain, np);
	int rc = 0;
	for (size_t i = 0, k = 0; i < files.n && !rc; i++) {
		if (files.v[i][0] == '\1')
			rc = run_top(ev, files.v[i] + 1, false);
		else
			rc = run_top_at(ev, files.v[i], true, pf, k++);
	}
	yoe_prefetch_stop(pf);
	free(plain);
	free(files.v);
	return rc;
}

/* phase_dir: <root>/<name>, canonical (a symlinked phase dir is resolved) */
static const char *phase_dir(struct yoe_project *p, const char *root, const char *name)
{
	const char *d = ar_printf(&p->arena, "%s/%s", root, name);
	struct stat st;
	if (lstat(d, &st) || !S_ISLNK(st.st_mode))
		return d;
	char *r = realpath(d, NULL);
	if (r) {
		d = ar_strdup(&p->arena, r);
		free(r);
	}
	return d;
}

static int phase(struct yoe_eval *ev, const char *name)
{
	struct yoe_project *p = ev->p;
	p->phase = name;
	p->cur_module = "";
	p->cur_index = (int)p->nmodules + 1;
	if (walk(ev, phase_dir(p, p->root, name)) < 0)
		return -1;
	for (size_t i = 0; i < p->nmodules; i++) {
		struct yoe_module *m = p->modules[i];
		p->cur_module = m->name;
		p->cur_index = m->index;
		if (walk(ev, phase_dir(p, m->dir, name)) < 0)
			return -1;
	}
	p->cur_module = "";
	return 0;
}

static int run_local(struct yoe_eval *ev)
{
	struct yoe_project *p = ev->p;
	const char *path = ar_printf(&p->arena, "%s/local.star", p->root);
	struct stat st;
	if (stat(path, &st))
		return 0;
	sl_value pre = sl_dict_new(1);
	sl_dict_set(ev->th, pre, sl_cstring("local"), yoe_local_builtin());
	char *canon = realpath(path, NULL);
	struct yoe_file *f = file_rec(p, canon ? canon : path);
	free(canon);
	sl_thread_set_load(ev->th, NULL, NULL);
	/* local.star may use set(), as the original's legacy options allow */
	struct sl_module *m = exec(ev, f, pre, SL_OPT_SET);
	return m ? 0 : capture(ev, f->path);
}

static int select_machine(struct yoe_eval *ev)
{
	struct yoe_project *p = ev->p;
	const char *want = ev->opts && ev->opts->machine ? ev->opts->machine : NULL;
	const char *why = "--machine";
	if (!want && *p->local_machine)
		want = p->local_machine, why = "local.star machine";
	if (want && !yoe_machine_get(p, want)) {
		size_t n;
		const char **k = sm_keys(&p->machines, &n);
		struct buf b = {0};
		for (size_t i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", k[i]);
		const char *s = suggest(want, k, n);
		yoe_error(p, NULL, "machine \"%s\" not found (%s)%s%s%s; known machines: %s", want, why,
		          s ? "; did you mean \"" : "", s ? s : "", s ? "\"?" : "", n ? b.data : "none");
		buf_free(&b);
		free(k);
		return -1;
	}
	p->machine = want ? want : p->def_machine;
	struct yoe_machine *m = yoe_machine_get(p, p->machine);
	p->arch = m ? m->arch : "x86_64";
	return 0;
}

static int validate(struct yoe_project *p)
{
	size_t n;
	struct yoe_unit **v = yoe_active_units(p, &n);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct yoe_unit *u = v[i];
		if (!u->ntasks || !strcmp(u->class, "container"))
			continue;
		if (!*u->container)
			rc = yoe_error(p, &u->pos, "unit \"%s\" has tasks but no container — set container in the unit "
			               "or class (a unit name, an image such as \"alpine:3.21\", or \"host\")", u->name);
		else if (!*u->container_arch && strcmp(u->container, "host"))
			rc = yoe_error(p, &u->pos, "unit \"%s\" has tasks but no container_arch — set container_arch "
			               "(\"target\" or \"host\") in the unit or class", u->name);
	}
	free(v);
	return rc;
}

static void print_cb(sl_thread *th, const char *msg, size_t len, void *ud)
{
	fwrite(msg, 1, len, stderr);
	fputc('\n', stderr);
}

static int load_all(struct yoe_eval *ev)
{
	struct yoe_project *p = ev->p;
	const struct yoe_load_opts *o = ev->opts;
	p->phase = "project";
	p->cur_index = 0;
	const char *pf = ar_printf(&p->arena, "%s/PROJECT.star", p->root);
	if (run_top(ev, pf, false) < 0)
		return -1;
	if (!p->declared) {
		struct yoe_pos pos = {pf, 0, 0};
		return yoe_error(p, &pos, "PROJECT.star did not call project() (add project(name = \"...\", version = \"...\"))");
	}
	if (run_local(ev) < 0)
		return -1;
	if (o && o->distro && *o->distro)
		p->distro_override = o->distro;
	if (yoe_modules_resolve(ev) < 0)
		return -1;
	if (phase(ev, "machines") < 0 || select_machine(ev) < 0)
		return -1;
	sl_value pre = sl_dict_new(32);
	yoe_builtins_install(ev, pre);
	sl_dict_set(ev->th, pre, sl_cstring("ctx"), yoe_make_ctx(ev));
	ev->pre = pre;
	p->phase = "MODULE.star";
	for (size_t i = 0; i < p->nmodules; i++) {
		struct yoe_module *m = p->modules[i];
		const char *mf = ar_printf(&p->arena, "%s/MODULE.star", m->dir);
		struct stat st;
		if (stat(mf, &st))
			continue;
		p->cur_module = m->name;
		p->cur_index = m->index;
		if (run_top(ev, mf, false) < 0)
			return -1;
	}
	p->cur_module = "";
	if (yoe_check_pins(p) < 0)
		return -1;
	if (phase(ev, "containers") < 0 || phase(ev, "units") < 0)
		return -1;
	yoe_build_provides(p);
	yoe_ctx_sync_provides(ev);
	if (phase(ev, "images") < 0)
		return -1;
	yoe_ctx_mirror_back(ev);
	if (validate(p) < 0)
		return -1;
	if (*p->local_image) {
		if (sm_get(&p->flat, p->local_image))
			p->def_image = p->local_image;
		else
			yoe_warn(p, NULL, "local.star image \"%s\" not found in project; ignoring", p->local_image);
	}
	if (o && o->show_shadows)
		for (size_t i = 0; i < p->nshadows; i++)
			fprintf(stderr, "notice: unit \"%s\" from %s shadows the same name from %s\n", p->shadows[i].name,
			        p->shadows[i].winner, p->shadows[i].loser);
	return 0;
}

struct yoe_project *yoe_load(const char *root, const struct yoe_load_opts *o)
{
	char *real = realpath(root, NULL);
	struct yoe_project *p = yoe_project_new(real ? real : root);
	free(real);
	struct yoe_eval ev = {.p = p, .opts = o};
	ev.th = sl_thread_new();
	sl_thread_set_data(ev.th, &ev);
	sl_thread_set_print(ev.th, print_cb, NULL);
	ev.pre_base = sl_dict_new(32);
	yoe_builtins_install(&ev, ev.pre_base);
	ev.pre = ev.pre_base;
	load_all(&ev);
	yoe_prefetch_reap();
	free(ev.stack.v);
	free(ev.peek_deps.v);
	sm_free(&ev.modpos);
	sl_thread_free(ev.th);
	return p;
}

int yoe_resolve_all(struct yoe_project *p, struct yoe_dag **dags, size_t *ndags)
{
	struct strlist distros = {0};
	size_t n;
	struct yoe_unit **v = yoe_active_units(p, &n);
	for (size_t i = 0; i < n; i++)
		if (*v[i]->distro && strcmp(v[i]->distro, yoe_project_distro(p)))
			sv_push(&distros, v[i]->distro);
	free(v);
	sv_sort(&distros);
	sv_uniq(&distros);
	size_t nd = distros.n + 1;
	struct yoe_dag *d = calloc(nd, sizeof *d);
	int rc = 0;
	for (size_t i = 0; i < nd && !rc; i++) {
		const char *dist = i ? distros.v[i - 1] : yoe_project_distro(p);
		rc = yoe_dag_build(p, dist, i == 0, &d[i]);
		if (!rc)
			rc = yoe_compute_keys(p, &d[i]);
	}
	yoe_hash_cache_save(p);
	free(distros.v);
	if (dags && !rc) {
		*dags = d;
		*ndags = nd;
	} else {
		for (size_t i = 0; i < nd; i++)
			yoe_dag_free(&d[i]);
		free(d);
	}
	return rc;
}
