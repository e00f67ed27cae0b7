/* runtime/image/spec.h — the image spec: the INI file `yoe gen` writes for
 * one image edge, parsed and validated into plain structs.
 *
 * The format is documented in docs/image.md.  In short:
 *
 *	[image]            name, output, key, hostname, timezone, boot, cmdline,
 *	                   kernel, initrd, table, size, arch, initramfs,
 *	                   initrd_modules, ...
 *	[partition "boot"] type = vfat|ext4|raw, size = 64M|2G|fill, root, ...
 *	[packages]         apk = <path>   (repeated, in install order)
 *
 * Every error names the spec file and line and says what to write instead.
 */
#ifndef YOE_IMAGE_SPEC_H
#define YOE_IMAGE_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define MIB ((uint64_t)1 << 20)

enum part_type {
	PART_EXT4, /* ext4 filesystem made from the rootfs (or a subtree) */
	PART_VFAT, /* FAT filesystem (boot files, syslinux) */
	PART_RAW,  /* no filesystem: zeros, or the bytes of `file` */
};

enum boot_method {
	BOOT_NONE,     /* no boot loader: the board's firmware finds its files */
	BOOT_SYSLINUX, /* x86 BIOS: syslinux on the vfat partition + MBR code */
	BOOT_DIRECT,   /* kernel (and initrd) copied out next to the image */
};

enum table_type {
	TABLE_MBR, /* DOS partition table, at most 4 primary partitions */
	TABLE_GPT, /* GUID partition table with protective MBR */
};

enum script_policy {
	SCRIPTS_AUTO, /* run them when the target arch runs here, else warn */
	SCRIPTS_SKIP, /* never run them (warn if there are any) */
	SCRIPTS_REQUIRE, /* run them, and fail if they cannot be run */
};

/* partition is one [partition "label"] section. */
struct partition {
	char *label;          /* the section's quoted name; also the fs label */
	enum part_type type;  /* `type =` */
	uint64_t size;        /* `size =` in bytes, a multiple of 1 MiB; 0 = fill */
	int fill;             /* `size = fill`: takes what the others leave */
	int root;             /* `root = true`: holds the rootfs */
	int bootable;         /* `bootable = true`: MBR active flag / GPT legacy boot */
	char *contents;       /* `contents =`: rootfs subtree copied in ("/boot"),
	                         or NULL (ext4 root: whole tree; vfat: nothing) */
	char *file;           /* `file =`: raw partition contents, or NULL */
	int line;             /* spec line of the section, for messages */
};

/* image_spec is the whole parsed spec. */
struct image_spec {
	char *path;           /* the spec file, for messages */
	char *name;           /* [image] name: used for ids and default outputs */
	char *output;         /* disk image path, or NULL (initramfs-only image) */
	char *manifest;       /* manifest output path (default <output>.manifest) */
	char *key;            /* project public key PEM (required) */
	char *hostname;       /* etc/hostname content, or NULL */
	char *timezone;       /* etc/timezone content, or NULL */
	char *arch;           /* target apk arch (x86_64, aarch64, ...) */
	char *image_key;      /* seed of every uuid/serial (yoe's unit key) */
	enum boot_method boot;
	enum table_type table;
	char *cmdline;        /* kernel command line for syslinux.cfg */
	char *kernel;         /* kernel path inside the rootfs, or NULL: the first
	                         of boot/vmlinuz, boot/vmlinuz-*, boot/Image,
	                         boot/Image-* (greatest name) found */
	char *initrd;         /* initrd path inside the rootfs, or NULL: with an
	                         automatic kernel, boot/initrd.img[-*] or
	                         boot/initramfs[-*] when present */
	char *kernel_out;     /* direct boot: where the kernel is copied */
	char *initrd_out;     /* direct boot: where the initrd is copied */
	char *initramfs;      /* write the rootfs as a gzip'd newc cpio here */
	char **initrd_modules; /* `initrd_modules =` names (the key may repeat):
	                         build the boot initramfs from them (initrd.h) */
	size_t ninitrd_modules;
	int initrd_modules_line; /* spec line of the first, for messages */
	char *initrd_manifest; /* what that initramfs holds (default
	                         <output>.initrd.manifest) */
	char *mbr;            /* MBR boot code file (default: the host's syslinux) */
	char **repositories;  /* etc/apk/repositories lines (may be 0) */
	size_t nrepositories;
	char **world;         /* etc/apk/world names (default: every package) */
	size_t nworld;
	uint64_t disk_size;   /* [image] size in bytes, or 0 (sum of partitions) */
	int64_t epoch;        /* SOURCE_DATE_EPOCH: every timestamp written */
	enum script_policy scripts;
	struct partition *parts; /* in disk order */
	size_t nparts;
	char **packages;      /* .apk paths, install order */
	size_t npackages;
};

/* spec_load reads and validates path.  Relative paths inside the spec are
 * taken relative to the current directory (yoe runs edges from the project
 * root).  Returns 0, or -1 after printing a message naming the spec line. */
int spec_load(struct image_spec *s, const char *path);
void spec_free(struct image_spec *s);

/* parse_size turns "64M", "2G", "512K", "1048576" (bytes), "100" (MiB, as the
 * original did for bare numbers) into bytes; "fill" gives *fill = 1.  Sizes
 * must be whole MiB.  Returns 0 or -1 with a reason in *why. */
int parse_size(const char *text, uint64_t *bytes, int *fill, const char **why);

/* spec_root returns the partition holding the rootfs, or NULL. */
struct partition *spec_root(const struct image_spec *s);

#endif
