# runtime/lib/build.mk — librt.a: code shared by yoe and its helpers (atomic
# writes, logging, paths, hashing).  A static archive, so each program links
# only the objects (and so the libraries) it really uses.
RTLIB_SRCS := $(wildcard runtime/lib/*.c)
$(RTLIB): $(call objs,$(RTLIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
