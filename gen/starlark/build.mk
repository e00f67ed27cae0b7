# gen/starlark/build.mk — the Starlark interpreter library: every
# gen/starlark/*.c goes into bin/yoe and into the static archive
# $(OUT)/obj/libstarlark.a (for the conformance runner, fuzzers, benches).
STARLARK_SRCS := $(sort $(wildcard gen/starlark/*.c))
STARLARK_OBJS := $(call objs,$(STARLARK_SRCS))
# bdw-gc (Debian libgc-dev) is the garbage collector; without it the library
# falls back to a never-freeing arena (see alloc.c).
STARLARK_LIBS := openssl libxxhash $(if $(shell $(PKG_CONFIG) --exists bdw-gc && echo y),bdw-gc)
STARLARK_LIB  := $(OUT)/obj/libstarlark.a
YOE_OBJS += $(STARLARK_OBJS)
YOE_LIBS += $(STARLARK_LIBS)

$(STARLARK_LIB): $(STARLARK_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv $@.tmp $@
