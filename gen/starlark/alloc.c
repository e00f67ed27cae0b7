/* gen/starlark/alloc.c — the interpreter's memory: a bump allocator over
 * large chunks (values are never freed one by one; the heap lives as long
 * as the process), the growable string buffer, and the intern table that
 * makes identifiers unique so names compare by pointer. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* inlined: interning hashes every identifier the scanner sees */
#define XXH_INLINE_ALL
#include <xxhash.h>

static void oom(void)
{
	fputs("starlark: out of memory\n", stderr);
	abort();
}

/* clang spells "ASan is on" with __has_feature, gcc with a macro */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(SL_ASAN) || defined(SL_NO_GC) || !__has_include(<gc.h>)
/* Sanitizer builds: a bump allocator over chunks chained from a global (so
 * leak checkers see them as reachable); nothing is ever collected. */
struct chunk {
	struct chunk *next;
	size_t size;
	_Alignas(16) char mem[];
};
static struct chunk *chunks;
static char *bump, *bump_end;
#define CHUNK_SIZE (256 * 1024)

static void *chunk_new(size_t size)
{
	struct chunk *c = calloc(1, sizeof *c + size);
	if (!c)
		oom();
	c->size = size;
	c->next = chunks;
	chunks = c;
	return c->mem;
}

void *sl_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if ((size_t)(bump_end - bump) >= n) {
		void *p = bump;
		bump += n;
		return p;
	}
	if (n > CHUNK_SIZE / 4)
		return chunk_new(n);
	bump = chunk_new(CHUNK_SIZE);
	bump_end = bump + CHUNK_SIZE;
	void *p = bump;
	bump += n;
	return p;
}
static void *alloc_atomic(size_t n) { return sl_alloc(n); }
void *sl_alloc_root(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		oom();
	return p;
}
void sl_free_root(void *p) { free(p); }
void sl_gc_enable(bool on) { (void)on; }
void sl_gc_finalize(void *obj, void (*fn)(void *obj)) { (void)obj; (void)fn; }
#else
/* Normal builds: the Boehm collector.  Collection starts disabled (the heap
 * only grows, like an arena) because an embedder may keep values in
 * malloc'd memory, which the collector does not scan; sl_gc_enable turns
 * it on for programs that keep values only where it looks. */
#include <gc.h>
#include <sys/mman.h>

/* free space divisor: the heap may grow by live/SL_GC_DIVISOR before a
 * collection (Boehm's default is 3) */
#define SL_GC_DIVISOR 3

static bool gc_ready;
static void gc_init(void)
{
	GC_INIT();
	/* collect less often (the heap may grow to about twice the live data):
	 * interpreter workloads allocate fast and keep little */
	if (!getenv("GC_FREE_SPACE_DIVISOR"))
		GC_set_free_space_divisor(SL_GC_DIVISOR);
	GC_disable();
	gc_ready = true;
}

static bool gc_enabled;

/* While collection is off — an embedder that keeps values where the
 * collector does not look, like yoe's model, never turns it on — values
 * are bump-allocated from big chunks: a pointer bump instead of the
 * collector's free lists, which were a tenth of evaluating 4,000 unit
 * files.  Chunks are mmap'd asking for transparent huge pages (faulting
 * the value heap in 4 KB at a time cost more than writing it).  Turning
 * collection on registers every chunk as a root, so what was allocated
 * before stays valid (for good). */
#define BUMP_CHUNK (2 * 1024 * 1024)
static char *bump, *bump_end;
static char **chunks;          /* every mmap'd chunk, for sl_gc_enable */
static size_t nchunks;
static bool gc_ever;           /* collection was on at some point */

static void *bump_chunk(void)
{
	void *c = mmap(NULL, BUMP_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		/* scanned and never freed by itself */
		c = GC_MALLOC_UNCOLLECTABLE(BUMP_CHUNK);
		if (!c)
			oom();
		return c;
	}
#ifdef MADV_HUGEPAGE
	madvise(c, BUMP_CHUNK, MADV_HUGEPAGE);
#endif
	char **nc = realloc(chunks, (nchunks + 1) * sizeof *chunks);
	if (!nc)
		oom();
	chunks = nc;
	chunks[nchunks++] = c;
	if (gc_ever)
		GC_add_roots(c, (char *)c + BUMP_CHUNK);
	return c;
}

static void *bump_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if ((size_t)(bump_end - bump) < n) {
		if (n > BUMP_CHUNK / 8) {
			void *p = GC_MALLOC_UNCOLLECTABLE(n);
			if (!p)
				oom();
			return p;
		}
		bump = bump_chunk();
		bump_end = bump + BUMP_CHUNK;
	}
	void *p = bump;
	bump += n;
	return p;
}

void *sl_alloc(size_t n)
{
	if (!gc_ready)
		gc_init();
	if (!gc_enabled)
		return bump_alloc(n);
	void *p = GC_MALLOC(n);
	if (!p)
		oom();
	return p;
}

/* alloc_atomic: memory the collector need not scan (no pointers to values). */
static void *alloc_atomic(size_t n)
{
	if (!gc_ready)
		gc_init();
	if (!gc_enabled)
		return bump_alloc(n);
	void *p = GC_MALLOC_ATOMIC(n);
	if (!p)
		oom();
	return p;
}

void *sl_alloc_root(size_t n)
{
	if (!gc_ready)
		gc_init();
	void *p = GC_MALLOC_UNCOLLECTABLE(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void sl_free_root(void *p) { GC_FREE(p); }

static void run_finalizer(void *obj, void *fn)
{
	void (*f)(void *);
	memcpy(&f, &fn, sizeof f);
	f(obj);
}

void sl_gc_finalize(void *obj, void (*fn)(void *obj))
{
	/* only worth it when objects can actually be collected */
	if (!gc_enabled)
		return;
	void *cd;
	memcpy(&cd, &fn, sizeof cd);
	GC_REGISTER_FINALIZER_NO_ORDER(obj, run_finalizer, cd, NULL, NULL);
}

void sl_gc_enable(bool on)
{
	static bool enabled;
	if (!gc_ready)
		gc_init();
	if (on && !gc_ever) {
		/* from now on the collector must see what the chunks point to */
		gc_ever = true;
		for (size_t i = 0; i < nchunks; i++)
			GC_add_roots(chunks[i], chunks[i] + BUMP_CHUNK);
	}
	if (on && !enabled)
		GC_enable();
	else if (!on && enabled)
		GC_disable();
	enabled = on;
	gc_enabled = on;
}
#endif

void *sl_alloc_obj(size_t n, enum sl_kind kind)
{
	struct sl_obj *o = sl_alloc(n);
	o->kind = (uint8_t)kind;
	return o;
}

char *sl_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(sl_alloc(n), s, n);
}

/* ---- buffer ---- */
static void buf_grow(struct sl_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap * 2 : 64;
	while (cap < need)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d)
		oom();
	b->data = d;
	b->cap = cap;
}

void sl_buf_add(struct sl_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void sl_buf_addc(struct sl_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = 0;
}

void sl_buf_adds(struct sl_buf *b, const char *s) { sl_buf_add(b, s, strlen(s)); }

void sl_buf_vprintf(struct sl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sl_buf_add(b, tmp, (size_t)n);
		return;
	}
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void sl_buf_free(struct sl_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

sl_value sl_buf_string(struct sl_buf *b)
{
	sl_value v = sl_string(b->data ? b->data : "", b->len);
	sl_buf_free(b);
	return v;
}

sl_value sl_buf_bytes(struct sl_buf *b)
{
	sl_value v = sl_bytes(b->data ? b->data : "", b->len);
	sl_buf_free(b);
	return v;
}

/* ---- strings ---- */
static sl_value str_alloc(size_t n, enum sl_kind kind)
{
	if (n > UINT32_MAX - 64) {
		fputs("starlark: string too large\n", stderr);
		abort();
	}
	struct sl_string *s = alloc_atomic(sizeof *s + n + 1);
	memset(s, 0, sizeof *s);
	s->h.kind = (uint8_t)kind;
	s->h.frozen = 1;
	s->len = (uint32_t)n;
	s->data[n] = 0;
	return (sl_value)s;
}

sl_value sl_string_new(size_t n) { return str_alloc(n, SL_KSTRING); }
sl_value sl_bytes_new(size_t n) { return str_alloc(n, SL_KBYTES); }

sl_value sl_string(const char *p, size_t n)
{
	if (n <= 1)
		return sl_char_string(n ? (unsigned char)p[0] : -1);
	sl_value v = str_alloc(n, SL_KSTRING);
	if (n)
		memcpy(SL_STR(v)->data, p, n);
	return v;
}

sl_value sl_cstring(const char *s) { return sl_string(s, strlen(s)); }

sl_value sl_bytes(const char *p, size_t n)
{
	sl_value v = str_alloc(n, SL_KBYTES);
	if (n)
		memcpy(SL_STR(v)->data, p, n);
	return v;
}

/* One-byte strings and "" are preallocated: they are very common
 * (iteration over characters, indexing). */
static struct { struct sl_string s; char d[2]; } onechar[257];
sl_value sl_char_string(int c)
{
	int i = c < 0 ? 256 : c;
	struct sl_string *s = &onechar[i].s;
	if (!s->h.kind) {
		s->h.kind = SL_KSTRING;
		s->h.frozen = 1;
		s->len = c < 0 ? 0 : 1;
		onechar[i].d[0] = c < 0 ? 0 : (char)c;
	}
	return (sl_value)s;
}

uint32_t sl_hash_bytes(const void *p, size_t n)
{
	uint32_t h = (uint32_t)XXH3_64bits(p, n);
	return h ? h : 1;
}

/* ---- interning ---- */
static sl_value *itab;
static size_t icap, ilen;

sl_value sl_intern(const char *p, size_t n)
{
	if (ilen * 2 >= icap) {
		size_t ncap = icap ? icap * 2 : 1024;
		sl_value *nt = sl_alloc_root(ncap * sizeof *nt);
		for (size_t i = 0; i < icap; i++) {
			if (!itab[i])
				continue;
			size_t j = SL_STR(itab[i])->hash & (ncap - 1);
			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = itab[i];
		}
		if (itab)
			sl_free_root(itab);
		itab = nt;
		icap = ncap;
	}
	uint32_t h = sl_hash_bytes(p, n);
	size_t j = h & (icap - 1);
	for (; itab[j]; j = (j + 1) & (icap - 1)) {
		struct sl_string *s = SL_STR(itab[j]);
		if (s->hash == h && s->len == n && memcmp(s->data, p, n) == 0)
			return itab[j];
	}
	sl_value v = str_alloc(n, SL_KSTRING);
	if (n)
		memcpy(SL_STR(v)->data, p, n);
	SL_STR(v)->hash = h;
	SL_STR(v)->h.flags |= SL_FLAG_INTERNED;
	itab[j] = v;
	ilen++;
	return v;
}
