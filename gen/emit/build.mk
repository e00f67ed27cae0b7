# gen/emit/build.mk — the build-graph writers (Ninja, Make) for bin/yoe.
EMIT_SRCS := $(wildcard gen/emit/*.c)
YOE_OBJS += $(call objs,$(EMIT_SRCS))
