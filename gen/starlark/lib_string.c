/* gen/starlark/lib_string.c — the methods of string, with go.starlark.net's
 * semantics and error messages: searching (find index count startswith
 * ...), splitting (split rsplit splitlines partition ...), case and
 * character classes (lower title isalpha ...), strip, replace, join.
 * str.format lives in format.c and the elems() family in lib_elems.c.
 *
 * Strings are byte strings holding UTF-8 text; indices are byte offsets.
 * Code-point operations decode as Go does, an invalid byte being U+FFFD.
 */
#include "starlark/lib.h"
#include "starlark/lib_unicode.h"

#include <string.h>

#define RECV(a) sl_str_data((a)->recv), sl_str_len((a)->recv)

/* ---- searching ---- */

/* find_first / find_last: byte offset of sub in s, or -1. */
static int64_t find_first(const char *s, size_t n, const char *sub, size_t m)
{
	if (m == 0)
		return 0;
	const char *p = memmem(s, n, sub, m);
	return p ? p - s : -1;
}

static int64_t find_last(const char *s, size_t n, const char *sub, size_t m)
{
	if (m > n)
		return -1;
	for (size_t i = n - m + 1; i-- > 0;)
		if (memcmp(s + i, sub, m) == 0)
			return (int64_t)i;
	return -1;
}

/* slice_args unpacks (sub, start?, end?) and gives the [lo, hi) window. */
static int slice_args(sl_thread *th, const struct sl_args *a, sl_value *sub, size_t *lo, size_t *hi)
{
	sl_value start = NULL, end = NULL;
	if (sl_unpack_positional(th, a, 1, "sub:s start end", sub, &start, &end) < 0)
		return -1;
	if (sl_lib_indices(th, start, end, sl_str_len(a->recv), lo, hi) < 0) {
		sl_lib_rewrap(th, a->name);
		return -1;
	}
	if (*hi < *lo)
		*hi = *lo; /* empty window */
	return 0;
}

static sl_value find_impl(sl_thread *th, const struct sl_args *a, bool allow_missing, bool last)
{
	sl_value sub;
	size_t lo, hi;
	if (slice_args(th, a, &sub, &lo, &hi) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv) + lo;
	int64_t i = last ? find_last(s, hi - lo, sl_str_data(sub), sl_str_len(sub))
	                 : find_first(s, hi - lo, sl_str_data(sub), sl_str_len(sub));
	if (i < 0) {
		if (!allow_missing)
			return sl_error(th, "%s: substring not found", a->name);
		return sl_int(-1);
	}
	return sl_int(i + (int64_t)lo);
}

static sl_value str_find(sl_thread *th, const struct sl_args *a) { return find_impl(th, a, true, false); }
static sl_value str_rfind(sl_thread *th, const struct sl_args *a) { return find_impl(th, a, true, true); }
static sl_value str_index(sl_thread *th, const struct sl_args *a) { return find_impl(th, a, false, false); }
static sl_value str_rindex(sl_thread *th, const struct sl_args *a) { return find_impl(th, a, false, true); }

static sl_value str_count(sl_thread *th, const struct sl_args *a)
{
	sl_value sub;
	size_t lo, hi;
	if (slice_args(th, a, &sub, &lo, &hi) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv) + lo;
	size_t n = hi - lo, m = sl_str_len(sub);
	if (m == 0) /* the empty string matches at every code point boundary */
		return sl_int((int64_t)slu_count(s, n) + 1);
	int64_t count = 0;
	for (size_t i = 0; i + m <= n;) {
		const char *p = memmem(s + i, n - i, sl_str_data(sub), m);
		if (!p)
			break;
		count++;
		i = (size_t)(p - s) + m;
	}
	return sl_int(count);
}

/* startswith and endswith (x may be a string or a tuple of strings). */
static sl_value starts_ends(sl_thread *th, const struct sl_args *a, bool ends)
{
	sl_value x, start = SL_NONE, end = SL_NONE;
	if (sl_unpack_positional(th, a, 1, "x start end", &x, &start, &end) < 0)
		return NULL;
	size_t lo, hi;
	if (sl_lib_indices(th, start, end, sl_str_len(a->recv), &lo, &hi) < 0)
		return sl_lib_rewrap(th, a->name);
	if (hi < lo)
		hi = lo;
	const char *s = sl_str_data(a->recv) + lo;
	size_t n = hi - lo;
	const sl_value *cands = &x;
	size_t ncands = 1;
	if (sl_kind(x) == SL_KTUPLE) {
		cands = SL_TUPLE(x)->items;
		ncands = SL_TUPLE(x)->len;
	} else if (sl_kind(x) != SL_KSTRING)
		return sl_error(th, "%s: got %s, want string or tuple of string", a->name, sl_type_name(x));
	for (size_t i = 0; i < ncands; i++) {
		sl_value c = cands[i];
		if (sl_kind(c) != SL_KSTRING)
			return sl_error(th, "%s: want string, got %s, for element %zu", a->name,
			                sl_type_name(c), i);
		size_t m = sl_str_len(c);
		if (m <= n && memcmp(ends ? s + n - m : s, sl_str_data(c), m) == 0)
			return SL_TRUE;
	}
	return SL_FALSE;
}

static sl_value str_startswith(sl_thread *th, const struct sl_args *a) { return starts_ends(th, a, false); }
static sl_value str_endswith(sl_thread *th, const struct sl_args *a) { return starts_ends(th, a, true); }

/* ---- case and character classes ---- */

/* map_runes applies f to every code point (invalid bytes become U+FFFD,
 * as Go's strings.Map does).  first, if not NULL, maps the first one. */
static sl_value map_runes(const char *s, size_t n, uint32_t (*f)(uint32_t), uint32_t (*first)(uint32_t))
{
	struct sl_buf b = SL_BUF_INIT;
	char enc[4];
	sl_buf_add(&b, "", 0);
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t len = slu_decode(s + i, n - i, &r);
		r = (i == 0 && first) ? first(r) : f(r);
		sl_buf_add(&b, enc, slu_encode(r, enc));
		i += len;
	}
	return sl_buf_string(&b);
}

static sl_value str_lower(sl_thread *th, const struct sl_args *a)
{
	return sl_no_args(th, a) < 0 ? NULL : map_runes(RECV(a), slu_to_lower, NULL);
}

static sl_value str_upper(sl_thread *th, const struct sl_args *a)
{
	return sl_no_args(th, a) < 0 ? NULL : map_runes(RECV(a), slu_to_upper, NULL);
}

static sl_value str_capitalize(sl_thread *th, const struct sl_args *a)
{
	return sl_no_args(th, a) < 0 ? NULL : map_runes(RECV(a), slu_to_lower, slu_to_title);
}

/* title: upper-case the first letter of each run of cased letters and
 * lower-case the rest, as go.starlark.net (and Python) define it. */
static sl_value str_title(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv);
	struct sl_buf b = SL_BUF_INIT;
	char enc[4];
	bool prev_cased = false;
	sl_buf_add(&b, "", 0);
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += slu_decode(s + i, n - i, &r);
		r = prev_cased ? slu_to_lower(r) : slu_to_title(r);
		prev_cased = slu_is_cased(r);
		sl_buf_add(&b, enc, slu_encode(r, enc));
	}
	return sl_buf_string(&b);
}

/* all_runes: s is non-empty and every code point satisfies pred (or
 * either of pred, pred2 when pred2 is given). */
static sl_value all_runes(sl_thread *th, const struct sl_args *a, bool (*pred)(uint32_t), bool (*pred2)(uint32_t))
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv);
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += slu_decode(s + i, n - i, &r);
		if (!pred(r) && !(pred2 && pred2(r)))
			return SL_FALSE;
	}
	return sl_bool(n > 0);
}

static sl_value str_isalnum(sl_thread *th, const struct sl_args *a) { return all_runes(th, a, slu_is_letter, slu_is_digit); }
static sl_value str_isalpha(sl_thread *th, const struct sl_args *a) { return all_runes(th, a, slu_is_letter, NULL); }
static sl_value str_isdigit(sl_thread *th, const struct sl_args *a) { return all_runes(th, a, slu_is_digit, NULL); }
static sl_value str_isspace(sl_thread *th, const struct sl_args *a) { return all_runes(th, a, slu_is_space, NULL); }

static bool has_cased(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += slu_decode(s + i, n - i, &r);
		if (slu_is_cased(r))
			return true;
	}
	return false;
}

/* is_case: s has a cased letter and mapping it by f changes nothing. */
static sl_value is_case(sl_thread *th, const struct sl_args *a, uint32_t (*f)(uint32_t))
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	if (!has_cased(RECV(a)))
		return SL_FALSE;
	sl_value m = map_runes(RECV(a), f, NULL);
	return sl_bool(sl_str_len(m) == sl_str_len(a->recv) &&
	               memcmp(sl_str_data(m), sl_str_data(a->recv), sl_str_len(m)) == 0);
}

static sl_value str_islower(sl_thread *th, const struct sl_args *a) { return is_case(th, a, slu_to_lower); }
static sl_value str_isupper(sl_thread *th, const struct sl_args *a) { return is_case(th, a, slu_to_upper); }

/* istitle: upper/title-case letters only after uncased characters, lower
 * case letters only after cased ones, and at least one cased letter. */
static sl_value str_istitle(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv);
	bool cased = false, prev_cased = false;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += slu_decode(s + i, n - i, &r);
		if ((r >= 'A' && r <= 'Z') || slu_is_title(r)) {
			if (prev_cased)
				return SL_FALSE;
			prev_cased = cased = true;
		} else if (slu_is_lower(r)) {
			if (!prev_cased)
				return SL_FALSE;
			prev_cased = cased = true;
		} else if (slu_is_upper(r))
			return SL_FALSE;
		else
			prev_cased = false;
	}
	return sl_bool(cased);
}

/* ---- strip, replace, join, prefixes ---- */

static bool rune_in(uint32_t r, const uint32_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == r)
			return true;
	return false;
}

/* strip_impl: which is 's' (both ends), 'l' or 'r'.  Without chars (or with
 * ""), white space is stripped. */
static sl_value strip_impl(sl_thread *th, const struct sl_args *a, char which)
{
	sl_value chars = NULL;
	if (sl_unpack_positional(th, a, 0, "chars:s", &chars) < 0)
		return NULL;
	uint32_t *set = NULL;
	size_t nset = 0;
	if (chars && sl_str_len(chars) > 0) {
		const char *c = sl_str_data(chars);
		size_t cn = sl_str_len(chars);
		set = sl_alloc(cn * sizeof *set);
		for (size_t i = 0; i < cn;)
			i += slu_decode(c + i, cn - i, &set[nset++]);
	}
	const char *s = sl_str_data(a->recv);
	size_t lo = 0, hi = sl_str_len(a->recv);
	uint32_t r;
	if (which != 'r')
		while (lo < hi) {
			size_t len = slu_decode(s + lo, hi - lo, &r);
			if (set ? !rune_in(r, set, nset) : !slu_is_space(r))
				break;
			lo += len;
		}
	if (which != 'l')
		while (hi > lo) {
			size_t len = slu_decode_last(s + lo, hi - lo, &r);
			if (set ? !rune_in(r, set, nset) : !slu_is_space(r))
				break;
			hi -= len;
		}
	return sl_string(s + lo, hi - lo);
}

static sl_value str_strip(sl_thread *th, const struct sl_args *a) { return strip_impl(th, a, 's'); }
static sl_value str_lstrip(sl_thread *th, const struct sl_args *a) { return strip_impl(th, a, 'l'); }
static sl_value str_rstrip(sl_thread *th, const struct sl_args *a) { return strip_impl(th, a, 'r'); }

static sl_value str_replace(sl_thread *th, const struct sl_args *a)
{
	sl_value old, new;
	int64_t count = -1;
	if (sl_unpack_positional(th, a, 2, "old:s new:s count:i", &old, &new, &count) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv), m = sl_str_len(old);
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_add(&b, "", 0);
	size_t start = 0;
	for (int64_t done = 0; count < 0 || done < count; done++) {
		size_t j = start;
		if (m == 0) {
			/* An empty pattern matches before each code point and at the end. */
			if (done > 0) {
				if (start >= n)
					break;
				uint32_t r;
				j += slu_decode(s + start, n - start, &r);
			}
		} else {
			int64_t k = find_first(s + start, n - start, sl_str_data(old), m);
			if (k < 0)
				break;
			j += (size_t)k;
		}
		sl_buf_add(&b, s + start, j - start);
		sl_buf_add(&b, sl_str_data(new), sl_str_len(new));
		start = j + m;
	}
	sl_buf_add(&b, s + start, n - start);
	return sl_buf_string(&b);
}

static sl_value str_join(sl_thread *th, const struct sl_args *a)
{
	sl_value iterable;
	if (sl_unpack_positional(th, a, 1, "iterable", &iterable) < 0)
		return NULL;
	if (sl_lib_want_iterable(th, a->name, NULL, 1, iterable) < 0)
		return NULL;
	size_t n;
	sl_value *items = sl_lib_to_array(th, iterable, &n);
	if (!items)
		return NULL;
	struct sl_buf b = SL_BUF_INIT;
	sl_buf_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (sl_kind(items[i]) != SL_KSTRING) {
			sl_buf_free(&b);
			return sl_error(th, "%s: in list, want string, got %s", a->name, sl_type_name(items[i]));
		}
		if (i > 0)
			sl_buf_add(&b, RECV(a));
		sl_buf_add(&b, sl_str_data(items[i]), sl_str_len(items[i]));
	}
	return sl_buf_string(&b);
}

static sl_value remove_fix(sl_thread *th, const struct sl_args *a, bool suffix)
{
	sl_value fix;
	if (sl_unpack_positional(th, a, 1, "fix:s", &fix) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv), m = sl_str_len(fix);
	if (m > n || memcmp(suffix ? s + n - m : s, sl_str_data(fix), m) != 0)
		return a->recv;
	return sl_string(suffix ? s : s + m, n - m);
}

static sl_value str_removeprefix(sl_thread *th, const struct sl_args *a) { return remove_fix(th, a, false); }
static sl_value str_removesuffix(sl_thread *th, const struct sl_args *a) { return remove_fix(th, a, true); }

/* ---- splitting ---- */

static sl_value partition_impl(sl_thread *th, const struct sl_args *a, bool last)
{
	sl_value sep;
	if (sl_unpack_positional(th, a, 1, "sep:s", &sep) < 0)
		return NULL;
	size_t m = sl_str_len(sep);
	if (m == 0)
		return sl_error(th, "%s: empty separator", a->name);
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv);
	int64_t i = last ? find_last(s, n, sl_str_data(sep), m) : find_first(s, n, sl_str_data(sep), m);
	sl_value empty = sl_string("", 0), parts[3];
	if (i < 0) {
		parts[0] = last ? empty : a->recv;
		parts[1] = empty;
		parts[2] = last ? a->recv : empty;
	} else {
		parts[0] = sl_string(s, (size_t)i);
		parts[1] = sep;
		parts[2] = sl_string(s + i + m, n - (size_t)i - m);
	}
	return sl_tuple_from(parts, 3);
}

static sl_value str_partition(sl_thread *th, const struct sl_args *a) { return partition_impl(th, a, false); }
static sl_value str_rpartition(sl_thread *th, const struct sl_args *a) { return partition_impl(th, a, true); }

/* split_space splits on runs of white space, dropping empty fields; after
 * max fields (max >= 0) the rest of the text, from its first non-space,
 * is the last field.  From the right when rev. */
static sl_value split_space(const char *s, size_t n, int64_t max, bool rev)
{
	sl_value list = sl_list_new(0);
	int64_t nfields = 0;
	if (!rev) {
		size_t i = 0;
		for (;;) {
			uint32_t r;
			size_t len;
			while (i < n && slu_is_space((len = slu_decode(s + i, n - i, &r), r)))
				i += len;
			if (i >= n)
				break;
			size_t start = i;
			if (max >= 0 && nfields == max) {
				sl_list_push(list, sl_string(s + start, n - start));
				break;
			}
			while (i < n && !slu_is_space((len = slu_decode(s + i, n - i, &r), r)))
				i += len;
			sl_list_push(list, sl_string(s + start, i - start));
			nfields++;
		}
		return list;
	}
	/* From the right: collect fields backwards, then reverse. */
	size_t i = n;
	for (;;) {
		uint32_t r;
		size_t len;
		while (i > 0 && slu_is_space((len = slu_decode_last(s, i, &r), r)))
			i -= len;
		if (i == 0)
			break;
		size_t end = i;
		if (max >= 0 && nfields == max) {
			sl_list_push(list, sl_string(s, end));
			break;
		}
		while (i > 0 && !slu_is_space((len = slu_decode_last(s, i, &r), r)))
			i -= len;
		sl_list_push(list, sl_string(s + i, end - i));
		nfields++;
	}
	struct sl_list *l = SL_LIST(list);
	for (size_t k = 0; k < l->len / 2; k++) {
		sl_value t = l->items[k];
		l->items[k] = l->items[l->len - 1 - k];
		l->items[l->len - 1 - k] = t;
	}
	return list;
}

/* split_sep splits at every occurrence of sep, left to right.  With
 * max >= 0, split keeps at most max splits from the left; rsplit joins the
 * leading pieces back so that at most max splits remain, as Go does. */
static sl_value split_sep(const char *s, size_t n, const char *sep, size_t m, int64_t max, bool rev)
{
	size_t cap = 8, count = 0;
	size_t *cuts = sl_alloc(cap * sizeof *cuts); /* offsets of separators */
	for (size_t i = 0;;) {
		if (!rev && max >= 0 && (int64_t)count == max)
			break;
		int64_t k = find_first(s + i, n - i, sep, m);
		if (k < 0)
			break;
		if (count == cap) {
			size_t *bigger = sl_alloc(2 * cap * sizeof *cuts);
			memcpy(bigger, cuts, cap * sizeof *cuts);
			cuts = bigger;
			cap *= 2;
		}
		cuts[count++] = i + (size_t)k;
		i += (size_t)k + m;
	}
	size_t skip = 0; /* leading separators kept inside the first piece */
	if (rev && max >= 0 && (int64_t)count > max)
		skip = count - (size_t)max;
	sl_value list = sl_list_new(count - skip + 1);
	size_t start = 0;
	for (size_t c = skip; c < count; c++) {
		sl_list_push(list, sl_string(s + start, cuts[c] - start));
		start = cuts[c] + m;
	}
	sl_list_push(list, sl_string(s + start, n - start));
	return list;
}

static sl_value split_impl(sl_thread *th, const struct sl_args *a, bool rev)
{
	sl_value sep = SL_NONE;
	int64_t max = -1;
	if (sl_unpack_positional(th, a, 0, "sep maxsplit:i", &sep, &max) < 0)
		return NULL;
	if (sep == SL_NONE)
		return split_space(RECV(a), max, rev);
	if (sl_kind(sep) != SL_KSTRING)
		return sl_error(th, "split: got %s for separator, want string", sl_type_name(sep));
	if (sl_str_len(sep) == 0)
		return sl_error(th, "split: empty separator");
	return split_sep(RECV(a), sl_str_data(sep), sl_str_len(sep), max, rev);
}

static sl_value str_split(sl_thread *th, const struct sl_args *a) { return split_impl(th, a, false); }
static sl_value str_rsplit(sl_thread *th, const struct sl_args *a) { return split_impl(th, a, true); }

/* splitlines splits after each "\n" (go.starlark.net knows no other line
 * ends); a final newline does not start an empty line. */
static sl_value str_splitlines(sl_thread *th, const struct sl_args *a)
{
	bool keepends = false;
	if (sl_unpack_positional(th, a, 0, "keepends:b", &keepends) < 0)
		return NULL;
	const char *s = sl_str_data(a->recv);
	size_t n = sl_str_len(a->recv);
	sl_value list = sl_list_new(0);
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n;
		size_t next = nl ? end + 1 : n;
		sl_list_push(list, sl_string(s + i, (keepends ? next : end) - i));
		i = next;
	}
	return list;
}

/* ---- elems and friends (lib_elems.c) ---- */

static sl_value elems_impl(sl_thread *th, const struct sl_args *a, const char *method)
{
	return sl_no_args(th, a) < 0 ? NULL : sl_lib_elems(a->recv, method);
}

static sl_value str_codepoint_ords(sl_thread *th, const struct sl_args *a) { return elems_impl(th, a, "codepoint_ords"); }
static sl_value str_codepoints(sl_thread *th, const struct sl_args *a) { return elems_impl(th, a, "codepoints"); }
static sl_value str_elem_ords(sl_thread *th, const struct sl_args *a) { return elems_impl(th, a, "elem_ords"); }
static sl_value str_elems(sl_thread *th, const struct sl_args *a) { return elems_impl(th, a, "elems"); }

const struct sl_method sl_string_methods[] = {
	{"capitalize", str_capitalize},
	{"codepoint_ords", str_codepoint_ords},
	{"codepoints", str_codepoints},
	{"count", str_count},
	{"elem_ords", str_elem_ords},
	{"elems", str_elems},
	{"endswith", str_endswith},
	{"find", str_find},
	{"format", sl_lib_string_format},
	{"index", str_index},
	{"isalnum", str_isalnum},
	{"isalpha", str_isalpha},
	{"isdigit", str_isdigit},
	{"islower", str_islower},
	{"isspace", str_isspace},
	{"istitle", str_istitle},
	{"isupper", str_isupper},
	{"join", str_join},
	{"lower", str_lower},
	{"lstrip", str_lstrip},
	{"partition", str_partition},
	{"removeprefix", str_removeprefix},
	{"removesuffix", str_removesuffix},
	{"replace", str_replace},
	{"rfind", str_rfind},
	{"rindex", str_rindex},
	{"rpartition", str_rpartition},
	{"rsplit", str_rsplit},
	{"rstrip", str_rstrip},
	{"split", str_split},
	{"splitlines", str_splitlines},
	{"startswith", str_startswith},
	{"strip", str_strip},
	{"title", str_title},
	{"upper", str_upper},
	{NULL, NULL},
};
