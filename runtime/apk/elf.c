/* runtime/apk/elf.c — DT_SONAME from an ELF image (see elf.h).
 *
 * Walks the program headers to PT_DYNAMIC, reads DT_STRTAB and DT_SONAME
 * from it, and maps the string table's virtual address back to a file
 * offset through the PT_LOAD segments (the way the dynamic loader sees it). */
#include "apk/elf.h"

#include <stdint.h>
#include <string.h>

struct elf {
	const unsigned char *p;
	size_t n;
	int is64;   /* ELFCLASS64 */
	int be;     /* big-endian */
};

static uint64_t rd(const struct elf *e, size_t off, int size)
{
	uint64_t v = 0;
	for (int i = 0; i < size; i++) {
		int k = e->be ? i : size - 1 - i;
		v = (v << 8) | e->p[off + (size_t)k];
	}
	return v;
}

static int in(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->n && len <= e->n - off;
}

/* phdr fields: type, offset, vaddr, filesz of program header i. */
static int phdr(const struct elf *e, uint64_t phoff, unsigned phentsize, unsigned i,
                uint64_t *type, uint64_t *off, uint64_t *vaddr, uint64_t *filesz)
{
	uint64_t base = phoff + (uint64_t)i * phentsize;
	if (!in(e, base, e->is64 ? 56 : 32))
		return -1;
	size_t b = (size_t)base;
	*type = rd(e, b, 4);
	if (e->is64) {
		*off = rd(e, b + 8, 8);
		*vaddr = rd(e, b + 16, 8);
		*filesz = rd(e, b + 32, 8);
	} else {
		*off = rd(e, b + 4, 4);
		*vaddr = rd(e, b + 8, 4);
		*filesz = rd(e, b + 16, 4);
	}
	return 0;
}

int elf_soname(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	struct elf e = {p, n, 0, 0};
	if (n < 52 || memcmp(p, "\177ELF", 4) != 0 || (p[4] != 1 && p[4] != 2)
	    || (p[5] != 1 && p[5] != 2))
		return 0;
	e.is64 = p[4] == 2;
	e.be = p[5] == 2;
	if (e.is64 && n < 64)
		return 0;
	uint64_t phoff = e.is64 ? rd(&e, 32, 8) : rd(&e, 28, 4);
	unsigned phentsize = (unsigned)rd(&e, e.is64 ? 54 : 42, 2);
	unsigned phnum = (unsigned)rd(&e, e.is64 ? 56 : 44, 2);
	if (phentsize < (e.is64 ? 56u : 32u))
		return 0;

	uint64_t dyn_off = 0, dyn_size = 0;
	int have_dyn = 0;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t type, off, vaddr, filesz;
		if (phdr(&e, phoff, phentsize, i, &type, &off, &vaddr, &filesz))
			return 0;
		if (type == 2 /* PT_DYNAMIC */) {
			dyn_off = off, dyn_size = filesz, have_dyn = 1;
			break;
		}
	}
	if (!have_dyn || !in(&e, dyn_off, dyn_size))
		return 0;

	unsigned entsz = e.is64 ? 16 : 8, w = e.is64 ? 8 : 4;
	uint64_t strtab = 0, soname = 0, strsz = 0;
	int have_strtab = 0, have_soname = 0;
	for (uint64_t d = dyn_off; d + entsz <= dyn_off + dyn_size; d += entsz) {
		uint64_t tag = rd(&e, (size_t)d, (int)w), val = rd(&e, (size_t)d + w, (int)w);
		if (tag == 0 /* DT_NULL */)
			break;
		if (tag == 5 /* DT_STRTAB */)
			strtab = val, have_strtab = 1;
		else if (tag == 10 /* DT_STRSZ */)
			strsz = val;
		else if (tag == 14 /* DT_SONAME */)
			soname = val, have_soname = 1;
	}
	if (!have_strtab || !have_soname)
		return 0;

	/* DT_STRTAB is a virtual address: find the PT_LOAD that holds it. */
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t type, off, vaddr, filesz;
		if (phdr(&e, phoff, phentsize, i, &type, &off, &vaddr, &filesz))
			return 0;
		if (type != 1 /* PT_LOAD */ || strtab < vaddr || strtab - vaddr >= filesz)
			continue;
		uint64_t s = off + (strtab - vaddr) + soname;
		if (strsz && soname >= strsz)
			return 0;
		if (!in(&e, s, 1))
			return 0;
		size_t max = n - (size_t)s;
		const char *str = (const char *)p + s;
		size_t len = strnlen(str, max);
		if (len == max || len == 0 || len >= outlen)
			return 0;
		memcpy(out, str, len + 1);
		return 1;
	}
	return 0;
}
