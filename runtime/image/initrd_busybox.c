/* runtime/image/initrd_busybox.c — busybox for the initramfs, and when it
 * is dynamically linked the interpreter and libraries it loads, found in
 * the rootfs through its ELF headers (elf.h) and put where the loader will
 * look for them (initrd_tree.h). */
#include "image/initrd_tree.h"
#include "image/boot.h"
#include "image/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* lib_dirs are where a library named by DT_NEEDED is looked for, besides
 * the interpreter's own directory (given and resolved), as the dynamic
 * loaders of musl and glibc look by default. */
static const char *const lib_dirs[] = {"lib", "usr/lib", "lib64", "usr/lib64"};

static int add_elf(struct itree *t, const char *path, const char *host, int depth);

/* add_lib puts the library `name` that `who` needs where the loader will
 * look, unless it is there already. */
static int add_lib(struct itree *t, const char *who, const char *name,
                   const char *interp, int depth)
{
	char dirs[6][4096], cand[8200], real[4096], host[12300];
	size_t nd = 0;
	for (size_t i = 0; i < sizeof lib_dirs / sizeof lib_dirs[0]; i++)
		snprintf(dirs[nd++], sizeof dirs[0], "%s", lib_dirs[i]);
	if (interp && strrchr(interp, '/')) {
		int n = (int)(strrchr(interp, '/') - interp);
		snprintf(dirs[nd++], sizeof dirs[0], "%.*s", n, interp);
		if (boot_resolve(t->m, interp, real, sizeof real) && strrchr(real, '/'))
			snprintf(dirs[nd++], sizeof dirs[0], "%.*s",
			         (int)(strrchr(real, '/') - real), real);
	}
	if (strchr(name, '/')) { /* DT_NEEDED with a path is used as it is */
		snprintf(dirs[0], sizeof dirs[0], "%s", "");
		nd = 1;
	}
	for (size_t i = 0; i < nd; i++) {
		snprintf(cand, sizeof cand, "%.4095s/%.4095s", dirs[i], name);
		if (manifest_get(&t->out, cand + strspn(cand, "/")))
			return 0;
	}
	for (size_t i = 0; i < nd; i++) {
		snprintf(cand, sizeof cand, "%.4095s/%.4095s", dirs[i], name);
		const char *c = cand + strspn(cand, "/");
		const struct mentry *e = itree_find_file(t, c, real, sizeof real);
		if (!e)
			continue;
		snprintf(host, sizeof host, "%s/%s", t->stage, real);
		if (itree_add_file(t, c, e, real, 0755))
			return -1;
		return add_elf(t, c, host, depth + 1);
	}
	itree_err(t, "/%s is dynamically linked and needs %s, which is not in the "
	          "rootfs's /lib or /usr/lib (add the package with that library, or use "
	          "a statically linked busybox)", who, name);
	return -1;
}

/* add_elf adds the interpreter and libraries the program at initramfs
 * path `path` (host file `host`) needs, recursively. */
static int add_elf(struct itree *t, const char *path, const char *host, int depth)
{
	struct elf_info ei;
	char why[200], real[4096], ihost[8300];
	int fd = open(host, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = 0;
	if (fd < 0 || elf_read(fd, &ei, why, sizeof why)) {
		if (fd < 0)
			snprintf(why, sizeof why, "%s", strerror(errno));
		itree_err(t, "/%s: cannot read it as an ELF program: %s (the initramfs "
		          "needs a busybox binary for the target)", path, why);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (depth > 16) {
		itree_err(t, "/%s: libraries nest too deeply", path);
		elf_free(&ei);
		return -1;
	}
	const char *interp = ei.interp ? ei.interp + strspn(ei.interp, "/") : NULL;
	if (interp && !manifest_get(&t->out, interp)) {
		const struct mentry *e = itree_find_file(t, interp, real, sizeof real);
		if (!e) {
			itree_err(t, "/%s is dynamically linked and needs its interpreter "
			          "%s, which is not in the rootfs (add the C library's "
			          "package, or use a statically linked busybox)", path, ei.interp);
			rc = -1;
		} else {
			snprintf(ihost, sizeof ihost, "%s/%s", t->stage, real);
			rc = itree_add_file(t, interp, e, real, 0755) ? -1
			     : add_elf(t, interp, ihost, depth + 1);
		}
	}
	for (size_t i = 0; !rc && i < ei.nneeded; i++)
		rc = add_lib(t, path, ei.needed[i], interp, depth);
	elf_free(&ei);
	return rc;
}

/* add_busybox copies the rootfs's busybox to bin/busybox (with bin/sh ->
 * busybox) and what it needs to run. */
int initrd_add_busybox(struct itree *t)
{
	static const char *const where[] = {"bin/busybox", "usr/bin/busybox"};
	char real[4096], host[8300];
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		const struct mentry *e = itree_find_file(t, where[i], real, sizeof real);
		if (!e)
			continue;
		snprintf(host, sizeof host, "%s/%s", t->stage, real);
		struct mentry *sh = NULL;
		if (itree_add_file(t, "bin/busybox", e, real, 0755) ||
		    !(sh = itree_put(t, "bin/sh", M_SYMLINK, 0777)) ||
		    !(sh->link = strdup("busybox")))
			return -1;
		return add_elf(t, "bin/busybox", host, 0);
	}
	itree_err(t, "the rootfs has no /bin/busybox or /usr/bin/busybox (add the "
	          "busybox package: the initramfs's /init runs on it)");
	return -1;
}

