/* gen/starlark/region.c — the memory of syntax trees: one region per
 * compiled file, bump-allocated over chunks.
 *
 * Why not the value heap: a project is mostly small files of builtin calls
 * (one unit() per file) whose tree is dead the moment the file has run —
 * nothing can point into it unless the file made a function (def or
 * lambda).  Such a file's region goes back to a pool and the next file's
 * tree reuses the same memory, already mapped and in cache.  4,000 unit
 * files parsed into the value heap took ~20 MB of fresh pages (a page
 * fault each 4 KB) and a collector allocation per node.
 *
 * Chunks come from sl_alloc_root: scanned by the collector when it runs
 * (tree nodes hold constants that nothing else references), never freed
 * by it.  A chunk is zeroed when it goes back to the pool, so the pool
 * holds no stale pointers and allocations need no clearing. */
#include "starlark/internal.h"

#include <string.h>

#define CHUNK (64 * 1024)   /* bytes of a pooled chunk */
#define POOL_MAX 64         /* pooled chunks kept (4 MB); more are freed */

struct sl_rchunk {
	struct sl_rchunk *next;
	size_t size;             /* bytes in mem */
	size_t used;             /* high-water mark (bytes to clear on release) */
	_Alignas(16) char mem[];
};

static struct sl_region *cur;        /* where sl_ast_alloc allocates, or NULL */
static struct sl_rchunk *pool;       /* zeroed CHUNK-sized chunks */
static int npool;
static struct sl_rchunk *kept;       /* chunks of trees still in use, forever */

void sl_region_begin(struct sl_region *r)
{
	memset(r, 0, sizeof *r);
	r->prev = cur;
	cur = r;
}

void sl_region_end(struct sl_region *r)
{
	if (r->chunks)
		r->chunks->used = (size_t)(r->bump - r->chunks->mem);
	cur = r->prev;
}

static void *chunk_alloc(struct sl_region *r, size_t n)
{
	struct sl_rchunk *c;
	if (n > CHUNK / 4) {
		/* a big array gets a chunk of its own, behind the current one */
		c = sl_alloc_root(sizeof *c + n);
		c->size = c->used = n;
		if (r->chunks) {
			c->next = r->chunks->next;
			r->chunks->next = c;
		} else {
			c->next = NULL;
			r->chunks = c;
			r->bump = r->end = c->mem + n;
		}
		return c->mem;
	}
	if (pool) {
		c = pool;
		pool = c->next;
		npool--;
	} else {
		c = sl_alloc_root(sizeof *c + CHUNK);
		c->size = CHUNK;
	}
	if (r->chunks)
		r->chunks->used = (size_t)(r->bump - r->chunks->mem);
	c->next = r->chunks;
	r->chunks = c;
	r->bump = c->mem + n;
	r->end = c->mem + CHUNK;
	return c->mem;
}

void *sl_ast_alloc(size_t n)
{
	struct sl_region *r = cur;
	if (!r)
		return sl_alloc(n);
	n = (n + 7) & ~(size_t)7;
	if ((size_t)(r->end - r->bump) >= n) {
		void *p = r->bump;
		r->bump += n;
		return p;
	}
	return chunk_alloc(r, n);
}

void sl_region_release(struct sl_region *r)
{
	struct sl_rchunk *next;
	for (struct sl_rchunk *c = r->chunks; c; c = next) {
		next = c->next;
		if (c->size != CHUNK || npool >= POOL_MAX) {
			sl_free_root(c);
			continue;
		}
		memset(c->mem, 0, c->used);
		c->used = 0;
		c->next = pool;
		pool = c;
		npool++;
	}
	r->chunks = NULL;
}

void sl_region_keep(struct sl_region *r)
{
	struct sl_rchunk *c = r->chunks;
	if (!c)
		return;
	while (c->next)
		c = c->next;
	c->next = kept;
	kept = r->chunks;
	r->chunks = NULL;
}
