/* gen/starlark/hashtab.c — the insertion-ordered hash table behind dict
 * and set: entries in an array in insertion order (deletions leave holes
 * until the next rehash) and, beyond a few entries, an open-addressing
 * index of entry numbers.  Small tables are searched linearly. */
#include "starlark/starlark.h"
#include "starlark/internal.h"

#include <string.h>

#define SMALL 8   /* up to this many entries: no index */

static bool key_eq_fast(sl_value a, sl_value b, int *res)
{
	if (a == b && sl_kind(a) != SL_KFLOAT) {
		*res = 1;
		return true;
	}
	if (sl_is_smallint(a) || sl_is_smallint(b)) {
		if (sl_is_smallint(a) && sl_is_smallint(b)) {
			*res = 0;
			return true;
		}
		return false;
	}
	if (a->kind == SL_KSTRING && b->kind == SL_KSTRING) {
		*res = SL_STR(a)->len == SL_STR(b)->len && memcmp(SL_STR(a)->data, SL_STR(b)->data, SL_STR(a)->len) == 0;
		return true;
	}
	return false;
}

static void rebuild_index(struct sl_hashtab *t, uint32_t size)
{
	t->index = sl_alloc(size * sizeof *t->index);
	memset(t->index, 0xff, size * sizeof *t->index);
	t->mask = size - 1;
	for (uint32_t i = 0; i < t->used; i++) {
		if (!t->entries[i].key)
			continue;
		uint32_t j = t->entries[i].hash & t->mask;
		while (t->index[j] >= 0)
			j = (j + 1) & t->mask;
		t->index[j] = (int32_t)i;
	}
}

/* sl_hashtab_lookup: entry number of key, -1 if absent, -2 on error.
 * *hashout (if given) receives the key's hash. */
int sl_hashtab_lookup(sl_thread *th, struct sl_hashtab *t, sl_value key, uint32_t *hashout)
{
	uint32_t h;
	if (sl_hash(th, key, &h) < 0)
		return -2;
	if (hashout)
		*hashout = h;
	if (!t->index) {
		for (uint32_t i = 0; i < t->used; i++) {
			struct sl_hentry *e = &t->entries[i];
			if (!e->key || e->hash != h)
				continue;
			int r;
			if (!key_eq_fast(e->key, key, &r))
				r = sl_equal(th, e->key, key);
			if (r < 0)
				return -2;
			if (r)
				return (int)i;
		}
		return -1;
	}
	for (uint32_t j = h & t->mask;; j = (j + 1) & t->mask) {
		int32_t k = t->index[j];
		if (k < 0)
			return -1;
		struct sl_hentry *e = &t->entries[k];
		if (!e->key || e->hash != h)
			continue;
		int r;
		if (!key_eq_fast(e->key, key, &r))
			r = sl_equal(th, e->key, key);
		if (r < 0)
			return -2;
		if (r)
			return k;
	}
}

static void compact(struct sl_hashtab *t)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < t->used; i++)
		if (t->entries[i].key)
			t->entries[k++] = t->entries[i];
	t->used = k;
}

static void insert_new(struct sl_hashtab *t, sl_value key, sl_value val, uint32_t h)
{
	if (t->used == t->cap) {
		if (t->len < t->used) {
			compact(t);
		}
		if (t->used == t->cap) {
			uint32_t cap = t->cap ? t->cap * 2 : 4;
			struct sl_hentry *ne = sl_alloc(cap * sizeof *ne);
			if (t->used)
				memcpy(ne, t->entries, t->used * sizeof *ne);
			t->entries = ne;
			t->cap = cap;
		}
		if (t->cap > SMALL)
			rebuild_index(t, t->cap * 2);
		else
			t->index = NULL;
	}
	uint32_t i = t->used++;
	t->entries[i] = (struct sl_hentry){key, val, h};
	t->len++;
	if (t->index) {
		uint32_t j = h & t->mask;
		while (t->index[j] >= 0)
			j = (j + 1) & t->mask;
		t->index[j] = (int32_t)i;
	}
}

static void table_init(struct sl_hashtab *t, size_t cap)
{
	if (!cap)
		return;
	uint32_t c = 4;
	while (c < cap)
		c *= 2;
	t->entries = sl_alloc(c * sizeof *t->entries);
	t->cap = c;
	if (c > SMALL)
		rebuild_index(t, c * 2);
}

sl_value sl_dict_new(size_t cap)
{
	struct sl_dict *d = sl_alloc_obj(sizeof *d, SL_KDICT);
	table_init(&d->t, cap);
	return (sl_value)d;
}

sl_value sl_set_new(size_t cap)
{
	struct sl_dict *d = sl_alloc_obj(sizeof *d, SL_KSET);
	table_init(&d->t, cap);
	return (sl_value)d;
}

int sl_dict_get(sl_thread *th, sl_value dict, sl_value key, sl_value *out)
{
	struct sl_hashtab *t = &SL_DICT(dict)->t;
	if (t->len == 0) {
		uint32_t h;
		return sl_hash(th, key, &h) < 0 ? -1 : 0;
	}
	int k = sl_hashtab_lookup(th, t, key, NULL);
	if (k == -2)
		return -1;
	if (k < 0)
		return 0;
	if (out)
		*out = t->entries[k].value;
	return 1;
}

int sl_dict_set(sl_thread *th, sl_value dict, sl_value key, sl_value val)
{
	if (sl_check_mutable(th, dict, "insert into") < 0)
		return -1;
	struct sl_hashtab *t = &SL_DICT(dict)->t;
	uint32_t h;
	int k = sl_hashtab_lookup(th, t, key, &h);
	if (k == -2)
		return -1;
	if (k >= 0) {
		t->entries[k].value = val;
		return 0;
	}
	insert_new(t, key, val, h);
	return 0;
}

int sl_dict_delete(sl_thread *th, sl_value dict, sl_value key, sl_value *old)
{
	if (sl_check_mutable(th, dict, "delete from") < 0)
		return -1;
	struct sl_hashtab *t = &SL_DICT(dict)->t;
	int k = sl_hashtab_lookup(th, t, key, NULL);
	if (k == -2)
		return -1;
	if (k < 0)
		return 0;
	if (old)
		*old = t->entries[k].value;
	t->entries[k].key = NULL;
	t->entries[k].value = NULL;
	t->len--;
	if (t->len == 0) {
		/* reset so iteration and the index stay cheap */
		t->used = 0;
		if (t->index)
			memset(t->index, 0xff, (t->mask + 1) * sizeof *t->index);
	}
	return 1;
}

int sl_dict_clear(sl_thread *th, sl_value dict)
{
	if (sl_check_mutable(th, dict, "clear") < 0)
		return -1;
	struct sl_hashtab *t = &SL_DICT(dict)->t;
	t->len = t->used = 0;
	if (t->index)
		memset(t->index, 0xff, (t->mask + 1) * sizeof *t->index);
	return 0;
}

size_t sl_dict_len(sl_value dict) { return SL_DICT(dict)->t.len; }

bool sl_dict_next(sl_value dict, size_t *pos, sl_value *key, sl_value *val)
{
	struct sl_hashtab *t = &SL_DICT(dict)->t;
	while (*pos < t->used) {
		struct sl_hentry *e = &t->entries[(*pos)++];
		if (e->key) {
			*key = e->key;
			if (val)
				*val = e->value;
			return true;
		}
	}
	return false;
}

static bool is_key(sl_value k, const char *key, size_t n)
{
	return k && sl_kind(k) == SL_KSTRING && SL_STR(k)->len == n && memcmp(SL_STR(k)->data, key, n) == 0;
}

sl_value sl_dict_get_str(sl_value dict, const char *key)
{
	struct sl_hashtab *t = &SL_DICT(dict)->t;
	size_t n = strlen(key);
	/* a string key hashes as its bytes do (see sl_hash) */
	uint32_t h = sl_hash_bytes(key, n);
	if (!t->index) {
		for (uint32_t i = 0; i < t->used; i++)
			if (t->entries[i].hash == h && is_key(t->entries[i].key, key, n))
				return t->entries[i].value;
		return NULL;
	}
	for (uint32_t j = h & t->mask;; j = (j + 1) & t->mask) {
		int32_t k = t->index[j];
		if (k < 0)
			return NULL;
		if (t->entries[k].hash == h && is_key(t->entries[k].key, key, n))
			return t->entries[k].value;
	}
}

int sl_set_add(sl_thread *th, sl_value set, sl_value x)
{
	if (sl_check_mutable(th, set, "insert into") < 0)
		return -1;
	struct sl_hashtab *t = &SL_DICT(set)->t;
	uint32_t h;
	int k = sl_hashtab_lookup(th, t, x, &h);
	if (k == -2)
		return -1;
	if (k < 0)
		insert_new(t, x, NULL, h);
	return 0;
}

int sl_set_contains(sl_thread *th, sl_value set, sl_value x)
{
	struct sl_hashtab *t = &SL_DICT(set)->t;
	int k = sl_hashtab_lookup(th, t, x, NULL);
	return k == -2 ? -1 : k >= 0;
}

int sl_set_remove(sl_thread *th, sl_value set, sl_value x)
{
	return sl_dict_delete(th, set, x, NULL);
}
