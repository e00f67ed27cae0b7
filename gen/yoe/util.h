/* gen/yoe/util.h — the small containers the project model is built from:
 * an arena for strings and records that live until exit, a growable string
 * list, and a string-keyed hash map (XXH3; no adversary at gen time).
 *
 * Everything the model points at lives in one arena (struct yoe_arena), so
 * the model is freed in one go and nothing needs ownership bookkeeping. */
#ifndef YOE_UTIL_H
#define YOE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An arena: a chain of blocks; allocations are never freed one by one. */
struct yoe_arena {
	struct yoe_ablock *blocks; /* newest first */
	char *cur;                 /* next free byte in the newest block */
	size_t left;               /* bytes left in the newest block */
};
void *ar_alloc(struct yoe_arena *a, size_t n);           /* zeroed, aborts on OOM */
char *ar_strdup(struct yoe_arena *a, const char *s);    /* NULL → "" */
char *ar_strndup(struct yoe_arena *a, const char *s, size_t n);
/* ar_join: "a/b" (a hot path: no printf) */
char *ar_join(struct yoe_arena *a, const char *x, const char *y);
char *ar_printf(struct yoe_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ar_free(struct yoe_arena *a);

/* A growable list of strings (pointers into an arena or static).  The
 * vector itself is malloc'd; the model never frees it (lives until exit). */
struct strlist {
	const char **v; /* the strings, in order */
	size_t n;    /* number used */
	size_t cap;  /* allocated slots */
};
void sv_push(struct strlist *l, const char *s);
bool sv_has(const struct strlist *l, const char *s);
void sv_sort(struct strlist *l);          /* byte order */
void sv_uniq(struct strlist *l);          /* drop adjacent duplicates (after sv_sort) */
char *sv_join(struct yoe_arena *a, const struct strlist *l, const char *sep);

/* A string → pointer hash map (open addressing, power-of-two size). */
struct strmap {
	struct strmap_slot *slots; /* cap slots, key NULL = empty */
	size_t len;                /* live entries */
	size_t cap;                /* slot count (power of two) or 0 */
};
struct strmap_slot {
	const char *key; /* NULL = empty (keys are never deleted) */
	void *val;       /* the mapped value */
	uint64_t hash;   /* XXH3-64 of key */
};
void *sm_get(const struct strmap *m, const char *key);
void sm_put(struct strmap *m, const char *key, void *val); /* insert or replace */
const char *sm_get_key(const struct strmap *m, const char *key); /* the stored key, or NULL */
/* sm_keys returns the keys sorted (malloc'd array of n pointers). */
const char **sm_keys(const struct strmap *m, size_t *n);
void sm_free(struct strmap *m);

/* A growable byte buffer (malloc). */
struct buf {
	char *data; /* NUL-terminated when non-NULL */
	size_t len; /* bytes used */
	size_t cap; /* bytes allocated */
};
/* buf_grow makes room for n more bytes and the NUL (the slow path of the
 * inline appends below: key texts and JSON append per field and per byte). */
void buf_grow(struct buf *b, size_t n);
inline void buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}
inline void buf_adds(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }
inline void buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_free(struct buf *b);

/* edit_distance: Levenshtein distance, for "did you mean" hints. */
int edit_distance(const char *a, const char *b);
/* suggest returns the candidate closest to word (distance ≤ max(1, len/3)),
 * or NULL. */
const char *suggest(const char *word, const char *const *cands, size_t n);

#endif
