/* runtime/fetch/extract.h — the three ways a new src/ tree is filled, each
 * writing only through the confined writer of tree.h into root:
 * extract_archive (archive.c), copy_file (archive.c) and export_git
 * (gitexport.c).  unpack.c picks one and does the rest. */
#ifndef YOE_FETCH_EXTRACT_H
#define YOE_FETCH_EXTRACT_H

#include "fetch/fetch.h"

/* extract_archive unpacks o->archive into root with every entry check,
 * hashing the whole file as it is read and comparing with o->sha256; hex
 * receives the file's SHA-256 either way. */
int extract_archive(const struct unpack_opts *o, const char *root, char hex[65],
                    struct ferr *e);
/* copy_file puts o->archive itself into root as o->copy_as (mode 0755),
 * hashed on the way. */
int copy_file(const struct unpack_opts *o, const char *root, char hex[65], struct ferr *e);
/* export_git writes the tree of o->commit from the bare o->git_mirror. */
int export_git(const struct unpack_opts *o, const char *root, struct ferr *e);

#endif
