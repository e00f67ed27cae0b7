/* runtime/step/util.h — the few containers container-step passes around:
 * a growable string vector (argv, environment), an ordered key/value list
 * (the INI sections), and an error buffer that carries one diagnostic up to
 * main(), which alone decides to print and exit. */
#ifndef YOE_STEP_UTIL_H
#define YOE_STEP_UTIL_H

#include <stddef.h>

/* strvec is a NULL-terminated, growable array of malloc'd strings. */
struct strvec {
	char **v;    /* the strings, v[n] == NULL once anything was pushed */
	size_t n;    /* number of strings */
	size_t cap;  /* allocated slots (n + 1 for the NULL) */
};

void sv_push(struct strvec *sv, const char *s);
void sv_pushf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sv_free(struct strvec *sv);

/* kv is one key = value pair; kvlist keeps them in file order. */
struct kv {
	char *key;  /* name, malloc'd */
	char *val;  /* value, malloc'd, already unescaped */
};
struct kvlist {
	struct kv *v;  /* the pairs in insertion order */
	size_t n;      /* number of pairs */
	size_t cap;    /* allocated pairs */
};

/* kv_set replaces the value of an existing key (keeping its position) or
 * appends a new pair.  Returns the stored pair. */
struct kv *kv_set(struct kvlist *l, const char *key, const char *val);
/* kv_add appends even when the key exists (for ordered duplicate keys). */
struct kv *kv_add(struct kvlist *l, const char *key, const char *val);
const char *kv_get(const struct kvlist *l, const char *key);
void kv_free(struct kvlist *l);

/* errbuf holds the first error message of an operation. */
struct errbuf {
	char msg[2048];  /* one line, no trailing newline; "" when no error */
};
/* errf formats into e (if e is not NULL) and returns -1, so callers can
 * `return errf(e, "...")`. */
int errf(struct errbuf *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* xstrdup / xasprintf abort on out-of-memory: the helper cannot do anything
 * useful without memory, and threading ENOMEM through every path buys
 * nothing. */
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xrealloc(void *p, size_t n);

#endif
