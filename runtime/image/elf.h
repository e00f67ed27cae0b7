/* runtime/image/elf.h — the little of an ELF file the initramfs builder
 * needs: is the program dynamically linked, and if so which interpreter
 * (PT_INTERP) and which libraries (DT_NEEDED) it loads.  Elf32 and Elf64,
 * little and big endian, any machine; read with pread and bounds-checked,
 * so a truncated or hostile file is an error, never a crash.  No external
 * tools (readelf, ldd) are needed, and ldd could not run a foreign arch. */
#ifndef YOE_IMAGE_ELF_H
#define YOE_IMAGE_ELF_H

#include <stddef.h>

/* elf_info is what elf_read found. */
struct elf_info {
	int bits;          /* 32 or 64 */
	int big_endian;    /* 1 for ELFDATA2MSB */
	unsigned machine;  /* e_machine (62 = x86-64, 183 = aarch64, ...) */
	char *interp;      /* PT_INTERP path ("/lib/ld-musl-x86_64.so.1"), or NULL */
	char **needed;     /* DT_NEEDED names, in file order */
	size_t nneeded;
};

/* elf_read fills *info from the file open at fd.  Returns 0, or -1 with a
 * reason ("not an ELF file", "truncated program headers", ...) in why. */
int elf_read(int fd, struct elf_info *info, char *why, size_t whylen);
void elf_free(struct elf_info *info);

#endif
