# gen/cli/build.mk — the command line's objects for bin/yoe (linked in the
# top-level Makefile together with gen/starlark, gen/yoe and gen/emit).
YOE_OBJS += $(call objs,$(wildcard gen/cli/*.c))
# module pins: fetch-and-verify's module library, linked in so `yoe gen` and
# `yoe module` check checkouts in-process (libgit2 only, no curl).
YOE_FETCH_SRCS := runtime/fetch/module.c runtime/fetch/gitrefs.c runtime/fetch/progress.c \
                  runtime/fetch/common.c
YOE_OBJS += $(call objs,$(YOE_FETCH_SRCS))
YOE_LIBS += libgit2
# yoe run reads the image's qemu.ini (gen/cli/qemu_conf.c) with inih.
YOE_LIBS += inih
