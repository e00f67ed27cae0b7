/* runtime/image/elf.c — PT_INTERP and DT_NEEDED of an ELF file (elf.h).
 *
 * Only the program headers are used (section headers may be stripped): the
 * PT_INTERP segment holds the interpreter path, the PT_DYNAMIC segment the
 * DT_NEEDED entries, whose names live in the DT_STRTAB string table — given
 * as a virtual address, turned into a file offset through the PT_LOAD
 * segment that maps it. */
#include "image/elf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PT_LOAD_ = 1, PT_DYNAMIC_ = 2, PT_INTERP_ = 3 };
enum { DT_NULL_ = 0, DT_NEEDED_ = 1, DT_STRTAB_ = 5, DT_STRSZ_ = 10 };
#define MAX_PHDRS 4096
#define MAX_DYN 65536
#define MAX_STR 4096

/* reader is an open file plus how to decode its integers. */
struct reader {
	int fd;
	uint64_t size;
	int is64, be;
};

static int get(const struct reader *r, uint64_t off, void *buf, size_t n)
{
	if (off > r->size || n > r->size - off)
		return -1;
	return pread(r->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* num decodes an n-byte (2, 4 or 8) integer in the file's byte order. */
static uint64_t num(const struct reader *r, const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[r->be ? i : n - 1 - i];
	return v;
}

/* word is one address-sized field (4 or 8 bytes) at byte offset off. */
static uint64_t word(const struct reader *r, const unsigned char *p, size_t off)
{
	return num(r, p + off, r->is64 ? 8 : 4);
}

/* phdr is the part of a program header we use. */
struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, filesz;
};

static void decode_phdr(const struct reader *r, const unsigned char *p, struct phdr *h)
{
	h->type = (uint32_t)num(r, p, 4);
	if (r->is64) {
		h->offset = num(r, p + 8, 8);
		h->vaddr = num(r, p + 16, 8);
		h->filesz = num(r, p + 32, 8);
	} else {
		h->offset = num(r, p + 4, 4);
		h->vaddr = num(r, p + 8, 4);
		h->filesz = num(r, p + 16, 4);
	}
}

/* read_str reads the NUL-terminated string at off (at most MAX_STR bytes,
 * and not past limit). */
static char *read_str(const struct reader *r, uint64_t off, uint64_t limit)
{
	char buf[MAX_STR + 1];
	uint64_t n = MAX_STR;
	if (off >= r->size || off >= limit)
		return NULL;
	if (n > r->size - off)
		n = r->size - off;
	if (n > limit - off)
		n = limit - off;
	if (get(r, off, buf, (size_t)n))
		return NULL;
	buf[n] = '\0';
	return strlen(buf) < n ? strdup(buf) : NULL;
}

/* vaddr_to_off maps a virtual address to its file offset via PT_LOAD. */
static int vaddr_to_off(const struct phdr *ph, size_t n, uint64_t va, uint64_t *off,
                        uint64_t *end)
{
	for (size_t i = 0; i < n; i++)
		if (ph[i].type == PT_LOAD_ && va >= ph[i].vaddr &&
		    va - ph[i].vaddr < ph[i].filesz) {
			*off = ph[i].offset + (va - ph[i].vaddr);
			*end = ph[i].offset + ph[i].filesz;
			return 0;
		}
	return -1;
}

static int push_needed(struct elf_info *info, char *name)
{
	char **v = realloc(info->needed, (info->nneeded + 1) * sizeof *v);
	if (!v) {
		free(name);
		return -1;
	}
	info->needed = v;
	v[info->nneeded++] = name;
	return 0;
}

/* read_dynamic collects DT_NEEDED from the PT_DYNAMIC segment d. */
static const char *read_dynamic(const struct reader *r, const struct phdr *ph,
                                size_t nph, const struct phdr *d, struct elf_info *info)
{
	size_t esz = r->is64 ? 16 : 8;
	uint64_t count = d->filesz / esz, strtab = 0, strsz = 0;
	int have_strtab = 0;
	if (count > MAX_DYN)
		return "dynamic section too large";
	unsigned char *dyn = malloc(count * esz + 1);
	if (!dyn || get(r, d->offset, dyn, count * esz)) {
		free(dyn);
		return "truncated dynamic section";
	}
	/* Two passes: DT_STRTAB may come after the DT_NEEDED entries. */
	for (uint64_t i = 0; i < count; i++) {
		uint64_t tag = num(r, dyn + i * esz, (int)esz / 2);
		uint64_t val = num(r, dyn + i * esz + esz / 2, (int)esz / 2);
		if (tag == DT_NULL_)
			break;
		if (tag == DT_STRTAB_)
			strtab = val, have_strtab = 1;
		if (tag == DT_STRSZ_)
			strsz = val;
	}
	const char *why = NULL;
	uint64_t stroff = 0, strend = 0;
	for (uint64_t i = 0; !why && i < count; i++) {
		uint64_t tag = num(r, dyn + i * esz, (int)esz / 2);
		uint64_t val = num(r, dyn + i * esz + esz / 2, (int)esz / 2);
		if (tag == DT_NULL_)
			break;
		if (tag != DT_NEEDED_)
			continue;
		if (!have_strtab ||
		    (!stroff && vaddr_to_off(ph, nph, strtab, &stroff, &strend))) {
			why = "DT_NEEDED without a string table";
			break;
		}
		if (strsz && strend > stroff + strsz)
			strend = stroff + strsz;
		char *name = val < UINT64_MAX - stroff ? read_str(r, stroff + val, strend)
		                                       : NULL;
		if (!name)
			why = "DT_NEEDED name outside the string table";
		else if (!*name)
			why = "empty DT_NEEDED name";
		if (!why && push_needed(info, name))
			why = "out of memory";
		else if (why)
			free(name);
	}
	free(dyn);
	return why;
}

/* read_phdrs reads the header table; e_phnum = 0xffff means the count is in
 * section header 0's sh_info (PN_XNUM). */
static const char *read_phdrs(const struct reader *r, const unsigned char *eh,
                              struct phdr **out, size_t *nout)
{
	uint64_t phoff = word(r, eh, r->is64 ? 32 : 28);
	uint64_t shoff = word(r, eh, r->is64 ? 40 : 32);
	unsigned entsz = (unsigned)num(r, eh + (r->is64 ? 54 : 42), 2);
	uint64_t n = num(r, eh + (r->is64 ? 56 : 44), 2);
	if (n == 0xffff) {
		unsigned char sh[64];
		if (get(r, shoff, sh, r->is64 ? 64 : 40))
			return "truncated section header 0";
		n = num(r, sh + (r->is64 ? 44 : 28), 4);
	}
	if (n > MAX_PHDRS)
		return "too many program headers";
	if (n && entsz < (r->is64 ? 56u : 32u))
		return "program header entries too small";
	struct phdr *ph = calloc(n + 1, sizeof *ph);
	unsigned char buf[64];
	if (!ph)
		return "out of memory";
	for (uint64_t i = 0; i < n; i++) {
		if (get(r, phoff + i * entsz, buf, r->is64 ? 56 : 32)) {
			free(ph);
			return "truncated program headers";
		}
		decode_phdr(r, buf, &ph[i]);
	}
	*out = ph;
	*nout = (size_t)n;
	return NULL;
}

int elf_read(int fd, struct elf_info *info, char *why, size_t whylen)
{
	memset(info, 0, sizeof *info);
	struct stat sb;
	unsigned char eh[64];
	struct reader r = {.fd = fd};
	const char *err = NULL;
	struct phdr *ph = NULL;
	size_t nph = 0;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode))
		err = "not a regular file";
	r.size = err ? 0 : (uint64_t)sb.st_size;
	if (!err && (get(&r, 0, eh, 52) || memcmp(eh, "\177ELF", 4)))
		err = "not an ELF file";
	if (!err && ((eh[4] != 1 && eh[4] != 2) || (eh[5] != 1 && eh[5] != 2)))
		err = "unknown ELF class or byte order";
	if (!err) {
		r.is64 = eh[4] == 2;
		r.be = eh[5] == 2;
		if (r.is64 && get(&r, 0, eh, 64))
			err = "truncated ELF header";
	}
	if (!err) {
		info->bits = r.is64 ? 64 : 32;
		info->big_endian = r.be;
		info->machine = (unsigned)num(&r, eh + 18, 2);
		err = read_phdrs(&r, eh, &ph, &nph);
	}
	for (size_t i = 0; !err && i < nph; i++) {
		if (ph[i].type == PT_INTERP_ && !info->interp) {
			uint64_t end = ph[i].filesz < UINT64_MAX - ph[i].offset
			               ? ph[i].offset + ph[i].filesz : 0;
			info->interp = read_str(&r, ph[i].offset, end);
			if (!info->interp || !*info->interp)
				err = "bad PT_INTERP segment";
		} else if (ph[i].type == PT_DYNAMIC_ && !info->nneeded) {
			err = read_dynamic(&r, ph, nph, &ph[i], info);
		}
	}
	free(ph);
	if (err) {
		snprintf(why, whylen, "%s", err);
		elf_free(info);
		return -1;
	}
	return 0;
}

void elf_free(struct elf_info *info)
{
	free(info->interp);
	for (size_t i = 0; i < info->nneeded; i++)
		free(info->needed[i]);
	free(info->needed);
	memset(info, 0, sizeof *info);
}
