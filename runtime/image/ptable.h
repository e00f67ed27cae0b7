/* runtime/image/ptable.h — writing MBR and GPT partition tables ourselves
 * into the output file (no sfdisk, no loop device).
 *
 * Partitions start on 1 MiB boundaries.  An MBR gets up to four primary
 * entries, the active flag on the bootable one and, optionally, boot code
 * (syslinux's mbr.bin) in its first 440 bytes.  A GPT gets a protective MBR
 * (with gptmbr.bin as boot code when given), the primary header and entry
 * array at LBA 1-33 and their backups in the last 33 sectors.
 */
#ifndef YOE_IMAGE_PTABLE_H
#define YOE_IMAGE_PTABLE_H

#include <stddef.h>
#include <stdint.h>

#define SECTOR 512u

/* ptable_part is one partition's entry. */
struct ptable_part {
	uint64_t start;         /* byte offset (multiple of 512) */
	uint64_t size;          /* bytes (multiple of 512) */
	uint8_t mbr_type;       /* MBR system id: 0x83 Linux, 0x0c/0x0e FAT... */
	unsigned char type_guid[16]; /* GPT type, on-disk byte order */
	unsigned char guid[16];      /* GPT unique partition GUID */
	const char *name;       /* GPT partition name (ASCII, <= 36 chars) */
	int bootable;           /* MBR active flag / GPT legacy BIOS bootable */
};

/* ptable is the whole table. */
struct ptable {
	int gpt;                /* 0: MBR, 1: GPT */
	uint64_t disk_size;     /* bytes, multiple of 512 */
	uint32_t disk_sig;      /* MBR disk signature */
	unsigned char disk_guid[16]; /* GPT disk GUID */
	const unsigned char *boot_code; /* up to 440 bytes, or NULL */
	size_t boot_code_len;
	const struct ptable_part *parts;
	size_t nparts;
};

/* ptable_write writes the table(s) into fd.  -1 with errno on I/O error. */
int ptable_write(int fd, const struct ptable *t);

/* crc32_ieee is the CRC-32 GPT uses (zlib's). */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

/* Well-known GPT partition type GUIDs, on-disk byte order. */
extern const unsigned char GPT_TYPE_LINUX[16]; /* 0FC63DAF-8483-4772-8E79-3D69D8477DE4 */
extern const unsigned char GPT_TYPE_ESP[16];   /* C12A7328-F81F-11D2-BA4B-00A0C93EC93B */
extern const unsigned char GPT_TYPE_BASIC[16]; /* EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 */

#endif
