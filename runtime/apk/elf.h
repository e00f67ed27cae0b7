/* runtime/apk/elf.h — the one ELF fact packaging needs: a shared object's
 * DT_SONAME, read from a mapped file with bounds checks on every offset (the
 * input is untrusted build output).  32/64-bit, either byte order. */
#ifndef YOE_APK_ELF_H
#define YOE_APK_ELF_H

#include <stddef.h>

/* elf_soname copies the DT_SONAME of the ELF image p[0..n) into out.
 * Returns 1 when found, 0 when the file is not ELF or has no SONAME
 * (including malformed ELF: packaging must not fail on odd binaries). */
int elf_soname(const unsigned char *p, size_t n, char *out, size_t outlen);

#endif
