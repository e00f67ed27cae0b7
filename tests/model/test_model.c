/* tests/model/test_model.c — the resolution half of the project model on
 * hand-built structs (no Starlark): shadowing by priority, cross-distro
 * variants, provides conflicts and overrides, pins, the runtime closure
 * order, the build DAG with its cycle message, and which keys change when
 * one input changes. */
#include "test.h"
#include "yoe/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yoe_project *proj(void)
{
	struct yoe_project *p = yoe_project_new(test_tmpdir());
	return p;
}

static struct yoe_unit *mk(struct yoe_project *p, const char *name, const char *module, int idx,
                           const char *distro)
{
	struct yoe_unit *u = yoe_unit_new(p);
	u->name = name;
	u->class = "unit";
	u->module = module;
	u->module_index = idx;
	u->distro = distro;
	u->defined_in = p->root;
	u->file = ar_printf(&p->arena, "%s/%s.star", p->root, name);
	u->pos = (struct yoe_pos){u->file, 1, 1};
	return u;
}

static void add(struct strlist *l, const char *csv)
{
	char *s = strdup(csv), *save = NULL;
	for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save))
		sv_push(l, strdup(t));
	free(s);
}

TEST(higher_priority_shadows)
{
	struct yoe_project *p = proj();
	struct yoe_unit *a = mk(p, "musl", "base", 1, ""), *b = mk(p, "musl", "override", 2, "");
	CHECK_INT(yoe_register(p, a), 0);
	CHECK_INT(yoe_register(p, b), 0);
	CHECK(sm_get(&p->flat, "musl") == b);
	CHECK(a->shadowed_by == b);
	CHECK_INT(p->nshadows, 1);
	CHECK_STR(p->shadows[0].winner, "module \"override\"");
	size_t n;
	struct yoe_unit **v = yoe_active_units(p, &n);
	CHECK_INT(n, 1);
	CHECK(v[0] == b);
	free(v);
	yoe_project_free(p);
}

TEST(lower_priority_registered_later_is_dropped)
{
	struct yoe_project *p = proj();
	struct yoe_unit *prj = mk(p, "musl", "", 3, ""), *base = mk(p, "musl", "base", 1, "");
	CHECK_INT(yoe_register(p, prj), 0);
	CHECK_INT(yoe_register(p, base), 0);
	CHECK_INT(p->nunits, 1);
	CHECK(yoe_resolve_for_distro(p, "", "musl") == prj);
	CHECK_STR(p->shadows[0].winner, "project root");
	yoe_project_free(p);
}

TEST(same_priority_is_an_error)
{
	struct yoe_project *p = proj();
	CHECK_INT(yoe_register(p, mk(p, "zlib", "core", 1, "")), 0);
	CHECK_INT(yoe_register(p, mk(p, "zlib", "core", 1, "")), -1);
	CHECK(p->err && strstr(p->err, "unit \"zlib\" already defined (first defined in module \"core\""));
	CHECK(p->err && strstr(p->err, "zlib.star:1:1: error:"));
	yoe_project_free(p);
}

TEST(cross_distro_variants)
{
	struct yoe_project *p = proj();
	struct yoe_unit *al = mk(p, "tc", "m", 1, "alpine"), *de = mk(p, "tc", "m", 1, "debian");
	CHECK_INT(yoe_register(p, al), 0);
	CHECK_INT(yoe_register(p, de), 0);
	CHECK(yoe_resolve_for_distro(p, "alpine", "tc") == al);
	CHECK(yoe_resolve_for_distro(p, "debian", "tc") == de);
	CHECK(yoe_resolve_for_distro(p, "ubuntu", "tc") == NULL);
	/* an untagged lower-priority unit stays visible where the tagged one is not */
	struct yoe_unit *any = mk(p, "tc", "low", 0, "");
	CHECK_INT(yoe_register(p, any), 0);
	CHECK(yoe_resolve_for_distro(p, "ubuntu", "tc") == any);
	CHECK(yoe_resolve_for_distro(p, "alpine", "tc") == al);
	yoe_project_free(p);
}

TEST(provides_conflict_keeps_first_and_warns)
{
	struct yoe_project *p = proj();
	struct yoe_unit *foo = mk(p, "foo", "", 1, ""), *bar = mk(p, "bar", "", 1, "");
	add(&foo->provides, "virtual-pkg");
	add(&bar->provides, "virtual-pkg");
	yoe_register(p, foo);
	yoe_register(p, bar);
	yoe_build_provides(p);
	CHECK_STR(sm_get(&p->provides, "virtual-pkg"), "bar");
	CHECK_INT(p->warnings.n, 1);
	CHECK(strstr(p->warnings.v[0], "virtual \"virtual-pkg\" provided by both \"bar\" and \"foo\""));
	CHECK(yoe_lookup(p, "virtual-pkg", "") == bar);
	yoe_project_free(p);
}

TEST(provides_override_by_priority)
{
	struct yoe_project *p = proj();
	struct yoe_unit *bf = mk(p, "base-files", "base", 1, ""), *custom = mk(p, "base-files-custom", "override", 2, "");
	add(&custom->provides, "base-files");
	yoe_register(p, bf);
	yoe_register(p, custom);
	yoe_build_provides(p);
	CHECK(yoe_lookup(p, "base-files", "alpine") == custom);
	CHECK_INT(p->warnings.n, 0);
	yoe_project_free(p);
}

TEST(pins_choose_module_and_misspelling_is_reported)
{
	struct yoe_project *p = proj();
	struct yoe_module mods[2] = {{.name = "core", .available = true}, {.name = "alpine", .available = true}};
	struct yoe_module *mp[2] = {&mods[0], &mods[1]};
	p->modules = mp;
	p->nmodules = 2;
	struct yoe_unit *c = mk(p, "busybox", "core", 1, ""), *a = mk(p, "busybox", "alpine", 2, "");
	yoe_register(p, c);
	yoe_register(p, a);
	struct yoe_pin pin = {"alpine", "busybox", "core"};
	p->pins = &pin;
	p->npins = 1;
	CHECK_INT(yoe_check_pins(p), 0);
	CHECK(yoe_resolve_for_distro(p, "alpine", "busybox") == c);
	CHECK(yoe_resolve_for_distro(p, "debian", "busybox") == a);
	pin.module = "cor";
	CHECK_INT(yoe_check_pins(p), -1);
	CHECK(p->err && strstr(p->err, "module \"cor\" not found. Did you mean \"core\"?"));
	p->modules = NULL;
	p->nmodules = 0;
	p->pins = NULL;
	yoe_project_free(p);
}

TEST(closure_waves_and_runtime_cycles)
{
	struct yoe_project *p = proj();
	struct yoe_unit *img = mk(p, "app", "", 1, ""), *b = mk(p, "libb", "", 1, ""), *c = mk(p, "libc", "", 1, ""),
	                *x = mk(p, "x", "", 1, ""), *y = mk(p, "y", "", 1, "");
	add(&img->runtime_deps, "libb,libc,x");
	add(&b->runtime_deps, "libc");
	add(&x->runtime_deps, "y");
	add(&y->runtime_deps, "x");
	yoe_register(p, img), yoe_register(p, b), yoe_register(p, c), yoe_register(p, x), yoe_register(p, y);
	struct strlist roots = {0}, out = {0};
	add(&roots, "app");
	CHECK_INT(yoe_closure(p, &roots, "alpine", &out), 0);
	CHECK_STR(sv_join(&p->arena, &out, " "), "libc libb app x y");
	roots.n = 0;
	add(&roots, "nope");
	out.n = 0;
	CHECK_INT(yoe_closure(p, &roots, "alpine", &out), -1);
	CHECK(p->err && strstr(p->err, "unresolved name \"nope\""));
	yoe_project_free(p);
}

TEST(dag_cycle_prints_path)
{
	struct yoe_project *p = proj();
	struct yoe_unit *a = mk(p, "a", "", 1, ""), *b = mk(p, "b", "", 1, ""), *c = mk(p, "c", "", 1, ""),
	                *d = mk(p, "d", "", 1, "");
	add(&a->deps, "b");
	add(&b->deps, "c");
	add(&c->deps, "a");
	add(&d->deps, "a");
	yoe_register(p, a), yoe_register(p, b), yoe_register(p, c), yoe_register(p, d);
	struct yoe_dag g;
	CHECK_INT(yoe_dag_build(p, "", true, &g), -1);
	CHECK(p->err && strstr(p->err, "build dependency cycle: a -> b -> c -> a"));
	yoe_dag_free(&g);
	yoe_project_free(p);
}

TEST(dag_missing_dep_suggests)
{
	struct yoe_project *p = proj();
	struct yoe_unit *a = mk(p, "app", "", 1, ""), *z = mk(p, "zlib", "", 1, "");
	add(&a->deps, "zlb");
	yoe_register(p, a), yoe_register(p, z);
	struct yoe_dag g;
	CHECK_INT(yoe_dag_build(p, "", true, &g), -1);
	CHECK(p->err && strstr(p->err, "unit \"app\" depends on \"zlb\", which does not exist (did you mean \"zlib\"?)"));
	yoe_dag_free(&g);
	yoe_project_free(p);
}

/* keys of a, b, c after building the graph */
static void keys(struct yoe_project *p, char out[][65], struct yoe_unit **u, int n)
{
	struct yoe_dag g;
	CHECK_INT(yoe_dag_build(p, "alpine", true, &g), 0);
	CHECK_INT(yoe_compute_keys(p, &g), 0);
	for (int i = 0; i < n; i++)
		memcpy(out[i], u[i]->key, 65);
	yoe_dag_free(&g);
}

TEST(keys_follow_deps_and_virtuals)
{
	struct yoe_project *p = proj();
	p->def_distro = "alpine";
	struct yoe_unit *tc = mk(p, "toolchain-musl", "", 1, "alpine"), *lib = mk(p, "lib", "", 1, ""),
	                *app = mk(p, "app", "", 1, ""), *other = mk(p, "other", "", 1, "");
	add(&tc->provides, "toolchain");
	add(&lib->deps, "toolchain");
	add(&app->deps, "lib");
	lib->container = app->container = "toolchain";
	yoe_register(p, tc), yoe_register(p, lib), yoe_register(p, app), yoe_register(p, other);
	yoe_build_provides(p);
	struct yoe_unit *u[4] = {tc, lib, app, other};
	char k0[4][65], k1[4][65];
	keys(p, k0, u, 4);
	for (int i = 0; i < 4; i++)
		CHECK_INT(strlen(k0[i]), 64);
	tc->version = "20"; /* a change to the toolchain reaches lib and app through the virtual */
	keys(p, k1, u, 4);
	CHECK(strcmp(k0[0], k1[0]));
	CHECK(strcmp(k0[1], k1[1]));
	CHECK(strcmp(k0[2], k1[2]));
	CHECK_STR(k0[3], k1[3]);
	app->release = 2; /* a leaf change stays local */
	keys(p, k0, u, 4);
	CHECK_STR(k0[0], k1[0]);
	CHECK_STR(k0[1], k1[1]);
	CHECK(strcmp(k0[2], k1[2]));
	/* deterministic */
	keys(p, k1, u, 4);
	for (int i = 0; i < 4; i++)
		CHECK_STR(k0[i], k1[i]);
	yoe_project_free(p);
}

TEST(json_strings_like_go)
{
	struct buf b = {0};
	yoe_json_str(&b, "a\"b<c>&\n\x01");
	CHECK_STR(b.data, "\"a\\\"b\\u003cc\\u003e\\u0026\\n\\u0001\"");
	buf_free(&b);
	struct yoe_jval f = {.kind = YJ_FLOAT, .f = 0.1};
	yoe_json_value(&b, &f);
	CHECK_STR(b.data, "0.1");
	buf_free(&b);
}

TEST(distro_views_pick_the_tagged_provider)
{
	struct yoe_project *p = proj();
	struct yoe_unit *musl = mk(p, "toolchain-musl", "alpine", 1, "alpine"),
	                *deb = mk(p, "toolchain-debian", "debian", 2, "debian"),
	                *generic = mk(p, "toolchain-any", "core", 3, "");
	add(&musl->provides, "toolchain");
	add(&deb->provides, "toolchain");
	add(&generic->provides, "cc");
	yoe_register(p, musl), yoe_register(p, deb), yoe_register(p, generic);
	yoe_build_provides(p);
	CHECK_INT(p->warnings.n, 0); /* different distros never clash */
	CHECK(yoe_lookup(p, "toolchain", "alpine") == musl);
	CHECK(yoe_lookup(p, "toolchain", "debian") == deb);
	CHECK(yoe_lookup(p, "cc", "debian") == generic);
	/* the global table answers for a distro with no tagged provider */
	CHECK_STR(yoe_provider(p, "toolchain", "ubuntu"), "toolchain-debian"); /* first by name */
	CHECK(yoe_lookup(p, "toolchain", "ubuntu") == NULL); /* …but it is not visible there */
	/* a unit tagged for the distro beats a provider of the same name */
	struct yoe_unit *tc = mk(p, "toolchain", "debian", 2, "debian");
	yoe_register(p, tc);
	CHECK(yoe_lookup(p, "toolchain", "debian") == tc);
	yoe_project_free(p);
}

TEST(dag_orders_deps_first_and_keys_containers)
{
	struct yoe_project *p = proj();
	struct yoe_unit *c = mk(p, "ctr", "", 1, ""), *lib = mk(p, "lib", "", 1, ""), *app = mk(p, "app", "", 1, ""),
	                *rt = mk(p, "rt", "", 1, "");
	c->class = "container";
	lib->container = "ctr";
	add(&app->deps, "lib");
	add(&lib->runtime_deps, "rt");
	app->container = "alpine:3.21"; /* an image reference is no edge */
	yoe_register(p, app), yoe_register(p, lib), yoe_register(p, c), yoe_register(p, rt);
	struct yoe_dag g;
	CHECK_INT(yoe_dag_build(p, "", true, &g), 0);
	CHECK_INT(g.n, 4);
	const char *order[4];
	for (size_t i = 0; i < g.n && i < 4; i++)
		order[i] = g.nodes[i]->name;
	CHECK_STR(order[0], "ctr");
	CHECK_STR(order[1], "lib");
	CHECK_STR(order[2], "rt");
	CHECK_STR(order[3], "app");
	/* app needs lib and, to link against it, lib's runtime deps */
	int ia = yoe_dag_find(&g, "app");
	CHECK_INT(g.nedges[ia], 2);
	CHECK_STR(g.nodes[g.edges[ia][0]]->name, "lib");
	CHECK_STR(g.nodes[g.edges[ia][1]]->name, "rt");
	int il = yoe_dag_find(&g, "lib");
	CHECK_INT(g.nedges[il], 1); /* its container */
	CHECK_INT(g.nruntime[il], 1);
	CHECK_INT(yoe_compute_keys(p, &g), 0);
	char *t = yoe_key_text(p, &g, (size_t)il);
	CHECK(strstr(t, "container_key=64:") != NULL);
	CHECK(strstr(t, "\nctr=64:") != NULL);
	free(t);
	yoe_dag_free(&g);
	yoe_project_free(p);
}
