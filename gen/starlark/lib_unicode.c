/* gen/starlark/lib_unicode.c — UTF-8 decoding and Unicode character
 * properties for the string library (see lib_unicode.h). */
#include "starlark/lib_unicode.h"

#include <locale.h>
#include <pthread.h>
#include <wctype.h>

/* ---- UTF-8 ---- */

static bool cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t slu_decode(const char *s, size_t n, uint32_t *r)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n == 0) {
		*r = SLU_REPLACEMENT;
		return 0;
	}
	unsigned char b = p[0];
	if (b < 0x80) {
		*r = b;
		return 1;
	}
	*r = SLU_REPLACEMENT;
	/* The second byte's allowed range depends on the first, which is how
	 * overlong forms, surrogates and values past U+10FFFF are refused. */
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;
	if (b >= 0xC2 && b <= 0xDF)
		len = 2;
	else if (b >= 0xE0 && b <= 0xEF) {
		len = 3;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		len = 4;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else
		return 1;
	if (n < len || p[1] < lo || p[1] > hi)
		return 1;
	for (size_t i = 2; i < len; i++)
		if (!cont(p[i]))
			return 1;
	uint32_t v;
	if (len == 2)
		v = (uint32_t)(b & 0x1F) << 6 | (p[1] & 0x3F);
	else if (len == 3)
		v = (uint32_t)(b & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	else
		v = (uint32_t)(b & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
		    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	*r = v;
	return len;
}

size_t slu_decode_last(const char *s, size_t n, uint32_t *r)
{
	if (n == 0) {
		*r = SLU_REPLACEMENT;
		return 0;
	}
	/* Back up over at most three continuation bytes to a lead byte; the
	 * sequence counts only if it ends exactly at n. */
	size_t start = n - 1;
	size_t lim = n >= 4 ? n - 4 : 0;
	while (start > lim && cont((unsigned char)s[start]))
		start--;
	size_t len = slu_decode(s + start, n - start, r);
	if (start + len != n) {
		*r = SLU_REPLACEMENT;
		return 1;
	}
	return len;
}

size_t slu_encode(uint32_t r, char out[4])
{
	if (r > SLU_MAX_RUNE || (r >= 0xD800 && r <= 0xDFFF))
		r = SLU_REPLACEMENT;
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xC0 | r >> 6);
		out[1] = (char)(0x80 | (r & 0x3F));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xE0 | r >> 12);
		out[1] = (char)(0x80 | (r >> 6 & 0x3F));
		out[2] = (char)(0x80 | (r & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | r >> 18);
	out[1] = (char)(0x80 | (r >> 12 & 0x3F));
	out[2] = (char)(0x80 | (r >> 6 & 0x3F));
	out[3] = (char)(0x80 | (r & 0x3F));
	return 4;
}

size_t slu_count(const char *s, size_t n)
{
	size_t count = 0;
	uint32_t r;
	for (size_t i = 0; i < n; i += slu_decode(s + i, n - i, &r))
		count++;
	return count;
}

bool slu_valid(const char *s, size_t n)
{
	uint32_t r;
	for (size_t i = 0; i < n;) {
		size_t len = slu_decode(s + i, n - i, &r);
		if (r == SLU_REPLACEMENT && len == 1)
			return false;
		i += len;
	}
	return true;
}

/* ---- character classes ---- */

/* The C.UTF-8 locale (built into glibc >= 2.35) gives full Unicode case
 * mapping and letter classes.  Without it, only ASCII is classified. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t loc(void)
{
	pthread_once(&utf8_once, utf8_init);
	return utf8_locale;
}

bool slu_is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200A;
}

/* The zero of every run of ten decimal digits (category Nd). */
static const uint32_t digit_zeros[] = {
	0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
	0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090,
	0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0,
	0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50,
	0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
	0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
	0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
	0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
	0x1e950, 0x1fbf0,
};

bool slu_is_digit(uint32_t r)
{
	if (r < 0x80)
		return r >= '0' && r <= '9';
	size_t lo = 0, hi = sizeof digit_zeros / sizeof digit_zeros[0];
	while (lo < hi) { /* last zero <= r */
		size_t mid = (lo + hi) / 2;
		if (digit_zeros[mid] <= r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && r - digit_zeros[lo - 1] < 10;
}

bool slu_is_letter(uint32_t r)
{
	if (r < 0x80)
		return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
	locale_t l = loc();
	/* glibc files non-ASCII digits under "alpha"; Unicode does not. */
	return l && iswalpha_l((wint_t)r, l) && !slu_is_digit(r);
}

/* Title-case letters (category Lt) and what title-casing maps to them:
 * {first, last, title of first}; runs map element-wise. */
static const struct { uint32_t first, last, title; } title_runs[] = {
	{0x1C4, 0x1C6, 0x1C5}, {0x1C7, 0x1C9, 0x1C8}, {0x1CA, 0x1CC, 0x1CB},
	{0x1F1, 0x1F3, 0x1F2}, {0x1F80, 0x1F87, 0x1F88}, {0x1F88, 0x1F8F, 0x1F88},
	{0x1F90, 0x1F97, 0x1F98}, {0x1F98, 0x1F9F, 0x1F98}, {0x1FA0, 0x1FA7, 0x1FA8},
	{0x1FA8, 0x1FAF, 0x1FA8}, {0x1FB3, 0x1FB3, 0x1FBC}, {0x1FBC, 0x1FBC, 0x1FBC},
	{0x1FC3, 0x1FC3, 0x1FCC}, {0x1FCC, 0x1FCC, 0x1FCC}, {0x1FF3, 0x1FF3, 0x1FFC},
	{0x1FFC, 0x1FFC, 0x1FFC},
};

bool slu_is_title(uint32_t r)
{
	switch (r) {
	case 0x1C5: case 0x1C8: case 0x1CB: case 0x1F2:
	case 0x1FBC: case 0x1FCC: case 0x1FFC:
		return true;
	}
	return (r >= 0x1F88 && r <= 0x1F8F) || (r >= 0x1F98 && r <= 0x1F9F) ||
	       (r >= 0x1FA8 && r <= 0x1FAF);
}

bool slu_is_upper(uint32_t r)
{
	if (r < 0x80)
		return r >= 'A' && r <= 'Z';
	locale_t l = loc();
	return l && !slu_is_title(r) && iswupper_l((wint_t)r, l);
}

bool slu_is_lower(uint32_t r)
{
	if (r < 0x80)
		return r >= 'a' && r <= 'z';
	locale_t l = loc();
	return l && !slu_is_title(r) && iswlower_l((wint_t)r, l);
}

uint32_t slu_to_upper(uint32_t r)
{
	if (r < 0x80)
		return r >= 'a' && r <= 'z' ? r - 32 : r;
	locale_t l = loc();
	return l ? (uint32_t)towupper_l((wint_t)r, l) : r;
}

uint32_t slu_to_lower(uint32_t r)
{
	if (r < 0x80)
		return r >= 'A' && r <= 'Z' ? r + 32 : r;
	locale_t l = loc();
	return l ? (uint32_t)towlower_l((wint_t)r, l) : r;
}

uint32_t slu_to_title(uint32_t r)
{
	for (size_t i = 0; i < sizeof title_runs / sizeof title_runs[0]; i++)
		if (r >= title_runs[i].first && r <= title_runs[i].last) {
			/* The Latin digraph triples (DŽ Dž dž) all map to the
			 * middle one; the Greek runs map element-wise. */
			if (r < 0x1F00)
				return title_runs[i].title;
			return title_runs[i].title + (r - title_runs[i].first);
		}
	return slu_to_upper(r);
}

bool slu_is_cased(uint32_t r)
{
	if (r < 0x80)
		return slu_is_letter(r);
	return slu_to_upper(r) != r || slu_to_lower(r) != r || slu_is_title(r);
}
