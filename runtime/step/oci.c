/* runtime/step/oci.c — the podman / docker `run` argv (sandbox.h).
 *
 * One container per step, removed afterwards.  Everything that could widen
 * the sandbox is stated explicitly rather than left to engine defaults:
 * no capabilities, no privilege gain, no network unless the task asked, a
 * read-only image root, the invoking user's uid, and exactly the unit's
 * three directories (plus its own cache dirs) mounted. */
#include "step/sandbox.h"

#include <string.h>

int oci_argv(const struct sandbox *sb, const char *script, struct strvec *a, struct errbuf *e)
{
	const struct unit_spec *u = sb->u;
	if (!sb->image || !*sb->image)
		return errf(e, "unit '%s': container '%s' has no image for %s; set container_image in %s (yoe gen writes it)",
		            u->name, u->container, runtime_name(sb->rt), u->path);
	sv_push(a, sb->exe);
	sv_push(a, "run");
	sv_push(a, "--rm");
	sv_push(a, "--init");  /* an init reaps and forwards signals */
	sv_pushf(a, "--name=yoe-%s-%s.%s-%s-%zu", u->distro, u->name, u->scope, sb->t->name, sb->step_no);
	if (sb->rt == RT_PODMAN)
		sv_push(a, "--replace");
	sv_push(a, "--cap-drop=ALL");
	sv_push(a, "--security-opt=no-new-privileges");
	if (!sb->network)  /* with network: the engine's default network */
		sv_push(a, "--network=none");
	sv_push(a, "--read-only");
	sv_push(a, "--tmpfs=/tmp:rw,exec,nosuid,nodev,mode=1777");
	if (sb->rt == RT_PODMAN && sb->uid != 0)
		sv_push(a, "--userns=keep-id");  /* rootless: host uid = same uid inside */
	sv_pushf(a, "--user=%u:%u", sb->uid, sb->gid);
	sv_pushf(a, "--platform=linux/%s", docker_arch(sb->platform_arch));
	if (!strncmp(sb->image, "yoe/", 4))
		sv_push(a, "--pull=never");
	sv_pushf(a, "--volume=%s:/build/src:rw", sb->src);
	sv_pushf(a, "--volume=%s:/build/destdir:rw", sb->destdir);
	sv_pushf(a, "--volume=%s:/build/sysroot:ro", sb->sysroot);
	if (sb->files)
		sv_pushf(a, "--volume=%s:/build/files:ro", sb->files);
	for (size_t i = 0; i < u->cache.n; i++)
		sv_pushf(a, "--volume=%s:%s:rw", u->cache.v[i].val, u->cache.v[i].key);
	sv_push(a, "--workdir=/build/src");
	for (size_t i = 0; i < sb->env->n; i++)
		sv_pushf(a, "--env=%s=%s", sb->env->v[i].key, sb->env->v[i].val);
	sv_push(a, sb->image);
	sv_pushf(a, "/bin/%s", u->shell);
	sv_push(a, "-c");
	sv_push(a, script);
	return 0;
}

int sandbox_argv(const struct sandbox *sb, const char *script, struct strvec *argv, struct errbuf *e)
{
	return sb->rt == RT_BWRAP ? bwrap_argv(sb, script, argv, e) : oci_argv(sb, script, argv, e);
}
