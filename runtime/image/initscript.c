/* runtime/image/initscript.c — the initramfs /init script (initscript.h).
 *
 * Every command is run as `$BB applet`, so the script needs no applet
 * symlinks and works with any busybox that has the applets it uses
 * (mount, umount, insmod, findfs, switch_root, cat, sleep/usleep, and for
 * PARTUUID= hexdump, sed, cut, tr, readlink).
 * Module paths are single-quoted; the rest of the text is constant. */
#include "image/initscript.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char head[] =
"#!/bin/busybox sh\n"
"# /init of the initramfs image-assemble built for %s (docs/image.md):\n"
"# load the modules the root filesystem needs, mount root= on /newroot and\n"
"# switch_root to its init.  On any failure: a shell on the console.\n"
"BB=/bin/busybox\n"
"PATH=/sbin:/bin:/usr/sbin:/usr/bin\n"
"export PATH\n"
"\n"
"# rescue WHAT: say what failed and give the console a shell to debug in.\n"
"rescue() {\n"
"\techo \"initramfs: $*\"\n"
"\techo \"initramfs: starting a shell (/bin/busybox sh); modules are in /lib/modules\"\n"
"\texec $BB sh\n"
"}\n"
"\n"
"# mod [-o] FILE: insmod FILE.  -o marks a softdep: failing is only a note\n"
"# (crc32c_intel cannot load on a CPU without SSE4.2; crc32c_generic can).\n"
"mod() {\n"
"\topt=\n"
"\tif [ \"$1\" = -o ]; then opt=1; shift; fi\n"
"\t[ -n \"$quiet\" ] || echo \"initramfs: loading ${1##*/}\"\n"
"\t$BB insmod \"$1\" && return 0\n"
"\t[ -n \"$opt\" ] || rescue \"insmod $1 failed\"\n"
"\techo \"initramfs: note: optional module ${1##*/} did not load\"\n"
"}\n"
"\n"
"$BB mount -t proc proc /proc || rescue \"cannot mount /proc\"\n"
"$BB mount -t sysfs sysfs /sys || rescue \"cannot mount /sys\"\n"
"$BB mount -t devtmpfs devtmpfs /dev || rescue \"cannot mount devtmpfs on /dev\"\n"
"\n"
"root= rootfstype= rootflags= rootdelay= init= quiet= mode=ro\n"
"set -f\n"
"for w in $($BB cat /proc/cmdline); do\n"
"\tcase $w in\n"
"\troot=*) root=${w#root=} ;;\n"
"\trootfstype=*) rootfstype=${w#rootfstype=} ;;\n"
"\trootflags=*) rootflags=${w#rootflags=} ;;\n"
"\trootdelay=*) rootdelay=${w#rootdelay=} ;;\n"
"\tinit=*) init=${w#init=} ;;\n"
"\tro) mode=ro ;;\n"
"\trw) mode=rw ;;\n"
"\tquiet) quiet=1 ;;\n"
"\tesac\n"
"done\n"
"set +f\n"
"\n";

static const char tail[] =
"\n"
"case $root in\n"
"/dev/*|UUID=*|PARTUUID=*|LABEL=*) ;;\n"
"'') rescue \"no root= on the kernel command line\" ;;\n"
"*) rescue \"root=$root: write root=/dev/..., UUID=, PARTUUID= or LABEL=\" ;;\n"
"esac\n"
"case $rootdelay in\n"
"''|*[!0-9]*) wait=30 ;;\n"
"*) wait=$rootdelay ;;\n"
"esac\n"
"\n"
"# hex DEV OFFSET N: N bytes of DEV as hex, in disk order.\n"
"hex() { $BB hexdump -v -s \"$2\" -n \"$3\" -e '1/1 \"%02x\"' \"$1\" 2>/dev/null; }\n"
"# le HEX: a little-endian number's hex digits in reading order.\n"
"le() { echo \"$1\" | $BB sed 's/^\\(..\\)\\(..\\)\\(..\\)\\(..\\)$/\\4\\3\\2\\1/;"
" s/^\\(..\\)\\(..\\)$/\\2\\1/'; }\n"
"# partuuid ID prints the partition whose PARTUUID is ID (busybox's findfs\n"
"# knows only UUID= and LABEL=): MBR SSSSSSSS-NN is the disk signature and\n"
"# the partition number, GPT the entry's GUID.\n"
"partuuid() {\n"
"\twant=$(echo \"$1\" | $BB tr A-F a-f)\n"
"\tfor sys in /sys/class/block/*; do\n"
"\t\t[ -f \"$sys/partition\" ] || continue\n"
"\t\tn=$($BB cat \"$sys/partition\")\n"
"\t\tdisk=$($BB readlink -f \"$sys/..\")\n"
"\t\td=/dev/${disk##*/}\n"
"\t\tid=\n"
"\t\tif [ \"$(hex \"$d\" 450 1)\" = ee ]; then\n"
"\t\t\tbs=$($BB cat \"$disk/queue/logical_block_size\" 2>/dev/null || echo 512)\n"
"\t\t\t[ \"$(hex \"$d\" \"$bs\" 8)\" = 4546492050415254 ] || continue\n"
"\t\t\tlba=$(le \"$(hex \"$d\" $((bs + 72)) 4)\")\n"
"\t\t\tesz=$(le \"$(hex \"$d\" $((bs + 84)) 4)\")\n"
"\t\t\tg=$(hex \"$d\" $((0x$lba * bs + (n - 1) * 0x$esz + 16)) 16)\n"
"\t\t\tid=$(le \"$(echo \"$g\" | $BB cut -c1-8)\")-$(le \"$(echo \"$g\" | $BB cut -c9-12)\")\n"
"\t\t\tid=$id-$(le \"$(echo \"$g\" | $BB cut -c13-16)\")-$(echo \"$g\" | $BB cut -c17-20)\n"
"\t\t\tid=$id-$(echo \"$g\" | $BB cut -c21-32)\n"
"\t\telse\n"
"\t\t\tid=$(le \"$(hex \"$d\" 440 4)\")-$($BB printf %02x \"$n\")\n"
"\t\tfi\n"
"\t\t[ \"$id\" = \"$want\" ] && echo \"/dev/${sys##*/}\" && return\n"
"\tdone\n"
"}\n"
"\n"
"# finddev prints the block device root= names once it exists.\n"
"finddev() {\n"
"\tcase $root in\n"
"\t/dev/*) [ -b \"$root\" ] && echo \"$root\" ;;\n"
"\tPARTUUID=*) $BB findfs \"$root\" 2>/dev/null || partuuid \"${root#PARTUUID=}\" ;;\n"
"\t*) $BB findfs \"$root\" 2>/dev/null ;;\n"
"\tesac\n"
"}\n"
"ticks=$((wait * 10))\n"
"dev=$(finddev)\n"
"while [ -z \"$dev\" ]; do\n"
"\t[ \"$ticks\" -gt 0 ] ||\n"
"\t\trescue \"no root device $root after $wait s (its driver not in initrd_modules?)\"\n"
"\tif $BB usleep 100000 2>/dev/null; then ticks=$((ticks - 1))\n"
"\telse $BB sleep 1; ticks=$((ticks - 10)); fi\n"
"\tdev=$(finddev)\n"
"done\n"
"\n"
"opts=$mode\n"
"[ -z \"$rootflags\" ] || opts=$opts,$rootflags\n"
"if [ -n \"$rootfstype\" ]; then\n"
"\t$BB mount -t \"$rootfstype\" -o \"$opts\" \"$dev\" /newroot\n"
"else\n"
"\t$BB mount -o \"$opts\" \"$dev\" /newroot\n"
"fi || rescue \"cannot mount $dev (root=$root) on /newroot with -o $opts\"\n"
"init=${init:-/sbin/init}\n"
"[ -e \"/newroot$init\" ] || [ -L \"/newroot$init\" ] ||\n"
"\trescue \"$dev has no $init (set init= on the kernel command line)\"\n"
"\n"
"if [ -d /newroot/dev ]; then\n"
"\t$BB mount --move /dev /newroot/dev || rescue \"cannot move /dev to /newroot/dev\"\n"
"else\n"
"\t$BB umount /dev\n"
"fi\n"
"$BB umount /sys\n"
"$BB umount /proc\n"
"[ -n \"$quiet\" ] || echo \"initramfs: switching to $dev, $init\"\n"
"exec $BB switch_root /newroot \"$init\"\n";

/* quotable: the path goes between single quotes in the script. */
static int quotable(const char *p)
{
	for (; *p; p++)
		if (*p == '\'' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

char *initscript_text(const char *image, const struct initscript_mod *mods, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	if (!quotable(image))
		image = "this image";
	for (size_t i = 0; i < n; i++)
		if (!quotable(mods[i].path))
			return NULL;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, head, image);
	fprintf(f, "# The modules, each after its dependencies (modules.dep).\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "mod %s'%s'\n", mods[i].optional ? "-o " : "", mods[i].path);
	fputs(tail, f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}
