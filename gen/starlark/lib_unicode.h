/* gen/starlark/lib_unicode.h — UTF-8 decoding and the few Unicode character
 * properties the string library needs (letter, digit, space, case).
 *
 * Decoding follows go.starlark.net (Go's unicode/utf8): an invalid or
 * truncated sequence decodes as U+FFFD consuming exactly one byte, so every
 * byte string has a well-defined sequence of code points.  Case mapping and
 * letter classes come from the C library's C.UTF-8 locale; digit, space and
 * title-case facts come from small tables here, because libc's classes do not
 * match Unicode's categories for them.
 */
#ifndef YOE_STARLARK_LIB_UNICODE_H
#define YOE_STARLARK_LIB_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLU_REPLACEMENT 0xFFFDu /* what an invalid sequence decodes to */
#define SLU_MAX_RUNE 0x10FFFFu

/* slu_decode decodes the code point at the start of s[0..n) into *r and
 * returns its length in bytes (0 only when n == 0). */
size_t slu_decode(const char *s, size_t n, uint32_t *r);
/* slu_decode_last decodes the code point that ends at s[n) and returns its
 * length in bytes (0 only when n == 0). */
size_t slu_decode_last(const char *s, size_t n, uint32_t *r);
/* slu_encode writes the UTF-8 encoding of r (U+FFFD if r is a surrogate or
 * beyond U+10FFFF) to out and returns its length, 1..4. */
size_t slu_encode(uint32_t r, char out[4]);
/* slu_count returns how many code points s[0..n) decodes to. */
size_t slu_count(const char *s, size_t n);
/* slu_valid reports whether s[0..n) is valid UTF-8. */
bool slu_valid(const char *s, size_t n);

bool slu_is_space(uint32_t r);  /* Go's unicode.IsSpace */
bool slu_is_letter(uint32_t r); /* category L */
bool slu_is_digit(uint32_t r);  /* category Nd */
bool slu_is_upper(uint32_t r);  /* category Lu */
bool slu_is_lower(uint32_t r);  /* category Ll */
bool slu_is_title(uint32_t r);  /* category Lt */
/* slu_is_cased reports whether r has another case (or is ASCII A-Z/a-z). */
bool slu_is_cased(uint32_t r);

uint32_t slu_to_upper(uint32_t r);
uint32_t slu_to_lower(uint32_t r);
uint32_t slu_to_title(uint32_t r);

#endif
