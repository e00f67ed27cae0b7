/* runtime/image/main.c — `image-assemble`: command line of the image
 * helper.  The work is in assemble.c; this file only parses arguments. */
#include "image/assemble.h"
#include "image/spec.h"
#include "lib/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: image-assemble [options] SPEC.ini\n"
		"\n"
		"Builds a bootable disk image (and/or an initramfs) from signed .apk\n"
		"packages, as an ordinary user: no root, no loop devices, no mount.\n"
		"SPEC.ini is the image spec `yoe gen` writes (see docs/image.md).\n"
		"\n"
		"  1. verifies every package's signature and datahash with [image] key\n"
		"  2. unpacks them into a staging tree; owners, modes and device nodes\n"
		"     are kept in a manifest, never applied on the host\n"
		"  3. writes the apk database, hostname, timezone; runs install scripts\n"
		"     in a bwrap sandbox when the target arch runs here; depmod\n"
		"  4. makes ext4 (mke2fs + debugfs) and vfat (mkfs.vfat + mtools)\n"
		"     partitions in place, the MBR/GPT table and syslinux boot code\n"
		"  5. writes <output>.manifest, and kernel/initrd/initramfs if asked\n"
		"\n"
		"The same packages and spec give the same bytes (SOURCE_DATE_EPOCH or\n"
		"[image] source_date_epoch sets every timestamp).  On failure nothing\n"
		"is left behind.\n"
		"\n"
		"environment: SOURCE_DATE_EPOCH, YOE_IMAGE_WORK (work directory base),\n"
		"YOE_IMAGE_JOBS (verifying and unpacking threads), YOE_IMAGE_TIMES=1\n"
		"(print the time of each step)\n"
		"\n"
		"options:\n"
		"  -v, --verbose   say what is done, and the time of each step\n"
		"  --keep-work     keep the work directory (.<name>.work-<pid>/ in\n"
		"                  $YOE_IMAGE_WORK, else /dev/shm if roomy, else beside\n"
		"                  the output) for inspection\n"
		"  -h, --help      this text\n");
}

int main(int argc, char **argv)
{
	log_init(argv[0]);
	struct assemble_opts o = {0};
	const char *spec_path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o.verbose = 1;
		} else if (!strcmp(a, "--keep-work")) {
			o.keep_work = 1;
		} else if (a[0] == '-' && a[1]) {
			log_error("unknown option '%s' (see 'image-assemble --help')", a);
			return 2;
		} else if (spec_path) {
			log_error("one spec file only, got '%s' and '%s'", spec_path, a);
			return 2;
		} else {
			spec_path = a;
		}
	}
	if (!spec_path) {
		log_error("no spec file given (usage: image-assemble SPEC.ini)");
		return 2;
	}
	/* mke2fs, debugfs and mkfs.vfat live in sbin, which an ordinary
	 * user's PATH often lacks. */
	const char *path = getenv("PATH");
	char *np = malloc((path ? strlen(path) : 0) + 32);
	if (np) {
		sprintf(np, "%s%s/usr/sbin:/sbin", path ? path : "", path ? ":" : "");
		setenv("PATH", np, 1);
		free(np);
	}
	/* Files that depmod and install scripts create get their mode from
	 * the umask; fix it so the image does not depend on the caller's. */
	umask(022);
	struct image_spec s;
	int rc = spec_load(&s, spec_path) ? 1 : image_assemble(&s, &o) ? 1 : 0;
	spec_free(&s);
	return rc;
}
