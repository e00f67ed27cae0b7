/* runtime/image/boot.c — kernel and initrd for the boot methods, and
 * symlink resolution inside the rootfs (boot.h). */
#include "image/boot.h"
#include "image/stage.h"
#include "lib/log.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* normalize rewrites path in place without "", "." and ".." components,
 * ".." stopping at the rootfs root (as it does on the device). */
static void normalize(char *path)
{
	char out[4096];
	size_t o = 0;
	for (char *c = path, *next; c; c = next) {
		next = strchr(c, '/');
		size_t n = next ? (size_t)(next - c) : strlen(c);
		if (next)
			next++;
		if (!n || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			continue;
		}
		if (o + n + 2 >= sizeof out)
			break;
		if (o)
			out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	out[o] = '\0';
	strcpy(path, out);
}

const struct mentry *boot_resolve(const struct manifest *m, const char *path,
                                  char *buf, size_t len)
{
	char cur[4096], next[4096];
	snprintf(cur, sizeof cur, "%s", path);
	normalize(cur);
	/* Walk the components; at a symlink, splice its target in front of
	 * the rest and start over (at most 40 links, as the kernel allows). */
	for (int hops = 0; hops <= 40; hops++) {
		const struct mentry *e = NULL;
		size_t at = 0, end = 0, n = strlen(cur);
		if (!n)
			return NULL; /* the root itself is no manifest entry */
		for (;; at = end + 1) {
			const char *slash = strchr(cur + at, '/');
			end = slash ? (size_t)(slash - cur) : n;
			cur[end] = '\0';
			e = manifest_get(m, cur);
			if (slash)
				cur[end] = '/';
			if (!e || e->deleted)
				return NULL;
			if (e->type == M_SYMLINK)
				break;
			if (end == n) {
				if (e->type == M_HARDLINK && !manifest_get(m, e->link))
					return NULL;
				snprintf(buf, len, "%s", cur);
				return path_safe(buf) ? e : NULL;
			}
			if (e->type != M_DIR)
				return NULL;
		}
		/* cur[0, at) is the link's directory (with '/'), cur + end the
		 * rest of the path ("" or "/..."). */
		if (e->link[0] == '/')
			snprintf(next, sizeof next, "%s%s", e->link, cur + end);
		else
			snprintf(next, sizeof next, "%.*s%s%s", (int)at, cur, e->link,
			         cur + end);
		normalize(next);
		memcpy(cur, next, sizeof cur);
	}
	return NULL;
}

/* resolve is boot_resolve for a file: a regular file or a hard link. */
static const struct mentry *resolve(const struct manifest *m, const char *path,
                                    char *buf, size_t len)
{
	const struct mentry *e = boot_resolve(m, path, buf, len);
	return e && (e->type == M_REG || e->type == M_HARDLINK) ? e : NULL;
}

/* find_boot returns boot/<name> if it resolves to a file, else the greatest
 * boot/<name>-* that does (boot/vmlinuz-6.6.87 over boot/vmlinuz-6.1). */
static char *find_boot(const struct manifest *m, const char *name)
{
	char path[300], real[4096], *best = NULL;
	snprintf(path, sizeof path, "boot/%s", name);
	if (resolve(m, path, real, sizeof real))
		return strdup(path);
	snprintf(path, sizeof path, "boot/%s-", name);
	size_t n, plen = strlen(path);
	struct mentry **v = manifest_sorted(m, &n);
	for (size_t i = 0; v && i < n; i++)
		if (!strncmp(v[i]->path, path, plen) && !strchr(v[i]->path + plen, '/') &&
		    resolve(m, v[i]->path, real, sizeof real) &&
		    (!best || strcmp(v[i]->path, best) > 0))
			best = v[i]->path;
	best = best ? strdup(best) : NULL;
	free(v);
	return best;
}

int boot_pick(const struct image_spec *s, const struct manifest *m, char **kernel,
              char **initrd)
{
	*kernel = *initrd = NULL;
	if (s->boot == BOOT_NONE)
		return 0;
	if (s->kernel) {
		*kernel = strdup(s->kernel);
		*initrd = s->initrd ? strdup(s->initrd) : NULL;
		return 0;
	}
	*kernel = find_boot(m, "vmlinuz");
	if (!*kernel)
		*kernel = find_boot(m, "Image");
	if (!*kernel) {
		log_error("%s: boot = %s needs a kernel, but the rootfs has no "
		          "/boot/vmlinuz[-*] or /boot/Image[-*] (add the kernel package, or "
		          "set [image] kernel = <path>)", s->path,
		          s->boot == BOOT_SYSLINUX ? "syslinux" : "direct");
		return -1;
	}
	*initrd = s->initrd ? strdup(s->initrd) : find_boot(m, "initrd.img");
	if (!*initrd)
		*initrd = find_boot(m, "initramfs");
	return 0;
}

int boot_host_path(const struct image_spec *s, const struct manifest *m,
                   const char *stage, const char *path, const char *what,
                   char *host, size_t len)
{
	char real[4096];
	/* A file image-assemble made in the work directory (the initramfs
	 * initrd.c built) is used as it is. */
	size_t wl = strrchr(stage, '/') ? (size_t)(strrchr(stage, '/') - stage) : 0;
	if (wl && !strncmp(path, stage, wl) && path[wl] == '/' &&
	    strncmp(path, stage, strlen(stage))) {
		snprintf(host, len, "%s", path);
		return 0;
	}
	const struct mentry *e = resolve(m, path, real, sizeof real);
	if (!e) {
		log_error("%s: %s /%s: no such file in the rootfs (check the kernel "
		          "package, or set [image] %s = <path>)", s->path, what, path, what);
		return -1;
	}
	snprintf(host, len, "%s/%s", stage, e->path);
	return 0;
}

int boot_syslinux_cfg(const char *cfg, const char *cmdline, const char *kname,
                      const char *iname)
{
	FILE *f = fopen(cfg, "w");
	if (!f) {
		log_errno("%s: cannot write", cfg);
		return -1;
	}
	/* A serial console on the kernel command line (console=ttyS0,115200)
	 * gets the boot loader's messages too. */
	const char *con = cmdline ? strstr(cmdline, "console=ttyS") : NULL;
	if (con) {
		unsigned port = 0, baud = 115200;
		sscanf(con, "console=ttyS%u,%u", &port, &baud);
		fprintf(f, "SERIAL %u %u\n", port, baud);
	}
	fprintf(f, "DEFAULT yoe\nPROMPT 0\nTIMEOUT 0\n\nLABEL yoe\n  LINUX /%s\n", kname);
	if (iname)
		fprintf(f, "  INITRD /%s\n", iname);
	fprintf(f, "  APPEND %s\n", cmdline ? cmdline : "");
	return fclose(f);
}

int boot_copy(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), o = -1, rc = -1;
	char buf[65536];
	ssize_t n;
	if (in < 0 || (o = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		goto done;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(o, buf, n) != n)
			goto done;
	rc = n < 0 ? -1 : fsync(o);
done:
	if (rc)
		log_errno("cannot copy %s to %s", src, dst);
	if (in >= 0)
		close(in);
	if (o >= 0 && close(o))
		rc = -1;
	return rc;
}
