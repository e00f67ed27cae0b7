/* runtime/image/ptable.c — MBR and GPT encoding (ptable.h).  All fields are
 * little-endian; the helpers below put them byte by byte so the code does
 * not depend on the host's byte order. */
#include "image/ptable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const unsigned char GPT_TYPE_LINUX[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
                                          0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
const unsigned char GPT_TYPE_ESP[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
                                        0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
const unsigned char GPT_TYPE_BASIC[16] = {0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9, 0x33, 0x44,
                                          0x87, 0xc0, 0x68, 0xb6, 0xb7, 0x26, 0x99, 0xc7};

#define GPT_ENTRIES 128u
#define GPT_ENTRY_SIZE 128u
#define GPT_ARRAY_SECTORS (GPT_ENTRIES * GPT_ENTRY_SIZE / SECTOR) /* 32 */

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	const unsigned char *p = buf;
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void le16(unsigned char *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}
static void le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* chs encodes an LBA for the legacy CHS fields (255 heads, 63 sectors). */
static void chs(unsigned char *p, uint64_t lba)
{
	if (lba >= 1024ull * 255 * 63) {
		p[0] = 0xfe;
		p[1] = 0xff;
		p[2] = 0xff;
		return;
	}
	unsigned c = lba / (255 * 63), h = (lba / 63) % 255, s = lba % 63 + 1;
	p[0] = h;
	p[1] = s | ((c >> 2) & 0xc0);
	p[2] = c & 0xff;
}

static void mbr_entry(unsigned char *e, int active, uint8_t type, uint64_t lba,
                      uint64_t sectors)
{
	if (lba > 0xffffffffu)
		lba = 0xffffffffu;
	if (sectors > 0xffffffffu - lba)
		sectors = 0xffffffffu - lba;
	e[0] = active ? 0x80 : 0;
	chs(e + 1, lba);
	e[4] = type;
	chs(e + 5, lba + sectors - 1);
	le32(e + 8, (uint32_t)lba);
	le32(e + 12, (uint32_t)sectors);
}

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

static void boot_code(unsigned char *mbr, const struct ptable *t)
{
	if (t->boot_code)
		memcpy(mbr, t->boot_code, t->boot_code_len > 440 ? 440 : t->boot_code_len);
}

static int write_mbr(int fd, const struct ptable *t)
{
	unsigned char mbr[SECTOR] = {0};
	boot_code(mbr, t);
	le32(mbr + 440, t->disk_sig);
	for (size_t i = 0; i < t->nparts && i < 4; i++) {
		const struct ptable_part *p = &t->parts[i];
		mbr_entry(mbr + 446 + 16 * i, p->bootable, p->mbr_type, p->start / SECTOR,
		          p->size / SECTOR);
	}
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	return pwrite_all(fd, mbr, sizeof mbr, 0);
}

/* gpt_header fills one header sector (self at `self`, entries at `array`). */
static void gpt_header(unsigned char *h, const struct ptable *t, uint64_t self,
                       uint64_t other, uint64_t array, uint32_t array_crc)
{
	uint64_t last = t->disk_size / SECTOR - 1;
	memset(h, 0, SECTOR);
	memcpy(h, "EFI PART", 8);
	le32(h + 8, 0x00010000);  /* revision 1.0 */
	le32(h + 12, 92);         /* header size */
	le64(h + 24, self);
	le64(h + 32, other);
	le64(h + 40, 2 + GPT_ARRAY_SECTORS);          /* first usable LBA */
	le64(h + 48, last - 1 - GPT_ARRAY_SECTORS);   /* last usable LBA */
	memcpy(h + 56, t->disk_guid, 16);
	le64(h + 72, array);
	le32(h + 80, GPT_ENTRIES);
	le32(h + 84, GPT_ENTRY_SIZE);
	le32(h + 88, array_crc);
	le32(h + 16, crc32_ieee(0, h, 92));
}

static int write_gpt(int fd, const struct ptable *t)
{
	unsigned char mbr[SECTOR] = {0}, hdr[SECTOR];
	uint64_t sectors = t->disk_size / SECTOR, last = sectors - 1;
	size_t alen = GPT_ENTRIES * GPT_ENTRY_SIZE;
	unsigned char *array = calloc(1, alen);
	if (!array)
		return -1;
	boot_code(mbr, t);
	mbr_entry(mbr + 446, 0, 0xee, 1, sectors - 1);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	for (size_t i = 0; i < t->nparts && i < GPT_ENTRIES; i++) {
		const struct ptable_part *p = &t->parts[i];
		unsigned char *e = array + i * GPT_ENTRY_SIZE;
		memcpy(e, p->type_guid, 16);
		memcpy(e + 16, p->guid, 16);
		le64(e + 32, p->start / SECTOR);
		le64(e + 40, (p->start + p->size) / SECTOR - 1);
		le64(e + 48, p->bootable ? 1ull << 2 : 0); /* legacy BIOS bootable */
		for (size_t k = 0; p->name && p->name[k] && k < 36; k++)
			le16(e + 56 + 2 * k, (unsigned char)p->name[k]);
	}
	uint32_t acrc = crc32_ieee(0, array, alen);
	int rc = pwrite_all(fd, mbr, SECTOR, 0);
	gpt_header(hdr, t, 1, last, 2, acrc);
	rc = rc ? rc : pwrite_all(fd, hdr, SECTOR, SECTOR);
	rc = rc ? rc : pwrite_all(fd, array, alen, 2 * SECTOR);
	uint64_t barray = last - GPT_ARRAY_SECTORS;
	rc = rc ? rc : pwrite_all(fd, array, alen, barray * SECTOR);
	gpt_header(hdr, t, last, 1, barray, acrc);
	rc = rc ? rc : pwrite_all(fd, hdr, SECTOR, last * SECTOR);
	free(array);
	return rc;
}

int ptable_write(int fd, const struct ptable *t)
{
	return t->gpt ? write_gpt(fd, t) : write_mbr(fd, t);
}
