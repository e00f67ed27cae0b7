/* runtime/image/modules.h — kernel module indexes.  Kernel packages install
 * their modules without running depmod (it is not theirs to run), so the
 * image build does it, as the original did with `chroot depmod -a <kver>`:
 * for every /lib/modules/<kver>/ in the rootfs, the host's `depmod -b
 * <staging tree> <kver>` (kmod reads modules of any arch) writes
 * modules.dep and friends, which then join the manifest as root:root
 * files.  Without depmod on the host this is a warning naming the fix. */
#ifndef YOE_IMAGE_MODULES_H
#define YOE_IMAGE_MODULES_H

#include "image/stage.h"

/* modules_index runs depmod for each kernel version in the tree. */
int modules_index(struct stage *st, const char *tmpdir, const char *what);

#endif
