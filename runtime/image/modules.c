/* runtime/image/modules.c — depmod for the rootfs's kernels (modules.h). */
#include "image/modules.h"
#include "image/run.h"
#include "image/scripts.h"
#include "lib/log.h"

#include <stdlib.h>
#include <string.h>

int modules_index(struct stage *st, const char *tmpdir, const char *what)
{
	static const char dir[] = "lib/modules/";
	size_t n, ran = 0;
	struct mentry **v = manifest_sorted(st->m, &n);
	int rc = v ? 0 : -1;
	for (size_t i = 0; !rc && i < n; i++) {
		const char *kver = v[i]->path + sizeof dir - 1;
		if (v[i]->type != M_DIR || strncmp(v[i]->path, dir, sizeof dir - 1) ||
		    !*kver || strchr(kver, '/'))
			continue;
		if (!have_tool("depmod")) {
			log_warn("%s: /%s: modules.dep not generated: depmod is not "
			         "installed (install kmod: scripts/install-deps)", what,
			         v[i]->path);
			continue;
		}
		char *argv[] = {"depmod", "-b", st->root, (char *)kver, NULL};
		rc = run_tool(what, argv, NULL, tmpdir);
		ran++;
	}
	free(v);
	if (!rc && ran)
		rc = stage_rescan(st);
	return rc;
}
