/* runtime/image/apkdb.h — the files that make the rootfs a working apk
 * system and a named host: lib/apk/db/installed (every package with its
 * files, owners and checksums, as `apk info -L` and `apk del` need),
 * lib/apk/db/triggers, etc/apk/world, etc/apk/arch, etc/apk/keys/<key>,
 * etc/apk/repositories, etc/hostname, etc/timezone (+ etc/localtime). */
#ifndef YOE_IMAGE_APKDB_H
#define YOE_IMAGE_APKDB_H

#include "image/spec.h"
#include "image/stage.h"

/* apkdb_write stages all of the above (image-owned, root:root). */
int apkdb_write(struct stage *st, const struct image_spec *s);

/* apkdb_installed returns the malloc'd text of lib/apk/db/installed. */
char *apkdb_installed(const struct stage *st, size_t *len);

#endif
