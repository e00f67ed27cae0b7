/* gen/yoe/util.c — arena, string list, string map, buffer and the
 * "did you mean" helper used across the project model. */
#include "yoe/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
/* inlined: string-map keys are short, and a call into the library for
 * each was a visible part of resolving 4,000 units */
#define XXH_INLINE_ALL
#include <xxhash.h>

struct yoe_ablock {
	struct yoe_ablock *next;
	size_t size;         /* payload bytes */
	bool mapped;         /* from mmap (else malloc) */
	max_align_t align[]; /* payload */
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* The first block is 64 KB (enough for a small project); the next ones
 * are HUGE_BLOCK, straight from mmap, asking for transparent huge pages: a
 * 4,000-unit model is ~9 MB of arena, and faulting it in 4 KB at a time
 * cost more than writing it.  Blocks are zeroed up front (mmap'd ones
 * already are), so allocations need no clearing. */
#define FIRST_BLOCK (64 * 1024)
#define HUGE_BLOCK (2 * 1024 * 1024)

static struct yoe_ablock *block_new(size_t sz)
{
	struct yoe_ablock *b;
	size_t total = sizeof *b + sz;
	if (total >= HUGE_BLOCK) {
		total = (total + HUGE_BLOCK - 1) & ~(size_t)(HUGE_BLOCK - 1);
		b = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
			madvise(b, total, MADV_HUGEPAGE);
#endif
			b->size = total - sizeof *b;
			b->mapped = true;
			return b;
		}
	}
	b = xmalloc(total);
	memset(b, 0, total);
	b->size = sz;
	return b;
}

void *ar_alloc(struct yoe_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > a->left) {
		size_t sz = a->blocks ? HUGE_BLOCK - sizeof(struct yoe_ablock) : FIRST_BLOCK;
		if (sz < n)
			sz = n;
		struct yoe_ablock *b = block_new(sz);
		b->next = a->blocks;
		a->blocks = b;
		a->cur = (char *)b->align;
		a->left = b->size;
	}
	void *p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

char *ar_strndup(struct yoe_arena *a, const char *s, size_t n)
{
	char *p = ar_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ar_strdup(struct yoe_arena *a, const char *s)
{
	return s ? ar_strndup(a, s, strlen(s)) : ar_strndup(a, "", 0);
}

char *ar_join(struct yoe_arena *a, const char *x, const char *y)
{
	size_t xl = strlen(x), yl = strlen(y);
	char *p = ar_alloc(a, xl + yl + 2);
	memcpy(p, x, xl);
	p[xl] = '/';
	memcpy(p + xl + 1, y, yl + 1);
	return p;
}

char *ar_printf(struct yoe_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = ar_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void ar_free(struct yoe_arena *a)
{
	while (a->blocks) {
		struct yoe_ablock *b = a->blocks, *n = b->next;
		if (b->mapped)
			munmap(b, sizeof *b + b->size);
		else
			free(b);
		a->blocks = n;
	}
	a->cur = NULL;
	a->left = 0;
}

void sv_push(struct strlist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = s;
}

bool sv_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sv_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmpstr);
}

void sv_uniq(struct strlist *l)
{
	size_t o = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!o || strcmp(l->v[o - 1], l->v[i]))
			l->v[o++] = l->v[i];
	l->n = o;
}

char *sv_join(struct yoe_arena *a, const struct strlist *l, const char *sep)
{
	size_t n = 0, sl = strlen(sep);
	for (size_t i = 0; i < l->n; i++)
		n += strlen(l->v[i]) + (i ? sl : 0);
	char *p = ar_alloc(a, n + 1), *o = p;
	for (size_t i = 0; i < l->n; i++) {
		if (i) {
			memcpy(o, sep, sl);
			o += sl;
		}
		size_t k = strlen(l->v[i]);
		memcpy(o, l->v[i], k);
		o += k;
	}
	*o = '\0';
	return p;
}

static struct strmap_slot *sm_find(const struct strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && !strcmp(s->key, key)))
			return s;
	}
}

void *sm_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = sm_find(m, key, XXH3_64bits(key, strlen(key)));
	return s->key ? s->val : NULL;
}

const char *sm_get_key(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = sm_find(m, key, XXH3_64bits(key, strlen(key)));
	return s->key;
}

void sm_put(struct strmap *m, const char *key, void *val)
{
	if ((m->len + 1) * 4 >= m->cap * 3) {
		struct strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->slots = calloc(m->cap, sizeof *m->slots);
		if (!m->slots)
			abort();
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*sm_find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
		free(old.slots);
	}
	uint64_t h = XXH3_64bits(key, strlen(key));
	struct strmap_slot *s = sm_find(m, key, h);
	if (!s->key) {
		s->key = key;
		s->hash = h;
		m->len++;
	}
	s->val = val;
}

const char **sm_keys(const struct strmap *m, size_t *n)
{
	const char **k = xmalloc((m->len + 1) * sizeof *k);
	size_t o = 0;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			k[o++] = m->slots[i].key;
	if (o > 1)
		qsort(k, o, sizeof *k, cmpstr);
	*n = o;
	return k;
}

void sm_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->len = m->cap = 0;
}

void buf_grow(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
}

/* the external definitions of the inline appends (util.h) */
extern inline void buf_add(struct buf *b, const void *p, size_t n);
extern inline void buf_adds(struct buf *b, const char *s);
extern inline void buf_addc(struct buf *b, char c);

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	int row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cur = row[j];
			int best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *suggest(const char *word, const char *const *cands, size_t n)
{
	int limit = (int)strlen(word) / 3;
	if (limit < 1)
		limit = 1;
	const char *best = NULL;
	int bd = limit + 1;
	for (size_t i = 0; i < n; i++) {
		int d = edit_distance(word, cands[i]);
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}
