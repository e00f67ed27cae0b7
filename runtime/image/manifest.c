/* runtime/image/manifest.c — the path → ownership table (manifest.h): an
 * open-addressing hash keyed by path, tree-order sorting and the text form. */
#include "image/manifest.h"
#include "lib/atomicfile.h"
#include "lib/log.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof *m);
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		struct mentry *e = m->slots[i];
		if (e) {
			free(e->path);
			free(e->link);
			free(e);
		}
	}
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static struct mentry **find_slot(struct mentry **slots, size_t cap, const char *path)
{
	size_t i = hash_path(path) & (cap - 1);
	while (slots[i] && strcmp(slots[i]->path, path))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

struct mentry *manifest_get(const struct manifest *m, const char *path)
{
	if (!m->cap)
		return NULL;
	return *find_slot(m->slots, m->cap, path);
}

static int grow(struct manifest *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct mentry **slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i])
			*find_slot(slots, cap, m->slots[i]->path) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

struct mentry *manifest_put(struct manifest *m, const char *path)
{
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	struct mentry **slot = find_slot(m->slots, m->cap, path);
	if (*slot)
		return *slot;
	struct mentry *e = calloc(1, sizeof *e);
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return NULL;
	}
	e->type = M_DIR;
	e->mode = 0755;
	e->pkg = -1;
	*slot = e;
	m->n++;
	return e;
}

int path_cmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	unsigned ca = *a == '/' ? 1 : (unsigned char)*a ? (unsigned char)*a + 1 : 0;
	unsigned cb = *b == '/' ? 1 : (unsigned char)*b ? (unsigned char)*b + 1 : 0;
	return (ca > cb) - (ca < cb);
}

static int entry_cmp(const void *a, const void *b)
{
	return path_cmp((*(struct mentry *const *)a)->path,
	                (*(struct mentry *const *)b)->path);
}

struct mentry **manifest_sorted(const struct manifest *m, size_t *n)
{
	struct mentry **v = malloc((m->n + 1) * sizeof *v);
	size_t k = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i] && !m->slots[i]->deleted)
			v[k++] = m->slots[i];
	qsort(v, k, sizeof *v, entry_cmp);
	*n = k;
	return v;
}

mode_t mtype_mode(enum mtype t)
{
	switch (t) {
	case M_DIR: return S_IFDIR;
	case M_SYMLINK: return S_IFLNK;
	case M_CHR: return S_IFCHR;
	case M_BLK: return S_IFBLK;
	case M_FIFO: return S_IFIFO;
	case M_REG:
	case M_HARDLINK: break;
	}
	return S_IFREG;
}

static const char type_char[] = {
	[M_DIR] = 'd', [M_REG] = '-', [M_SYMLINK] = 'l', [M_HARDLINK] = 'h',
	[M_CHR] = 'c', [M_BLK] = 'b', [M_FIFO] = 'p',
};

int manifest_write(const struct manifest *m, const char *path,
                   char *const *pkgnames)
{
	size_t n;
	struct mentry **v = manifest_sorted(m, &n);
	struct atomic_file af;
	if (!v || atomic_open(&af, path, 0644)) {
		log_errno("%s: cannot write the manifest", path);
		free(v);
		return -1;
	}
	fprintf(af.fp, "# type mode uid gid path [-> target | major,minor] [package]\n");
	for (size_t i = 0; i < n; i++) {
		struct mentry *e = v[i];
		fprintf(af.fp, "%c %04o %u %u /%s", type_char[e->type], (unsigned)e->mode,
		        (unsigned)e->uid, (unsigned)e->gid, e->path);
		if (e->type == M_SYMLINK || e->type == M_HARDLINK)
			fprintf(af.fp, " -> %s", e->link);
		if (e->type == M_CHR || e->type == M_BLK)
			fprintf(af.fp, " %u,%u", e->major, e->minor);
		fprintf(af.fp, " [%s]\n", e->pkg >= 0 ? pkgnames[e->pkg] : "image");
	}
	free(v);
	if (atomic_commit(&af) < 0) {
		log_errno("%s: cannot write the manifest", path);
		return -1;
	}
	return 0;
}
