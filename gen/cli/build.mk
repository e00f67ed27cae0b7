# gen/cli/build.mk — the command line's objects for bin/yoe (linked in the
# top-level Makefile together with gen/starlark, gen/yoe and gen/emit).
YOE_OBJS += $(call objs,$(wildcard gen/cli/*.c))
