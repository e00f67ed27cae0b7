# runtime/image/build.mk — bin/image-assemble.  It reads packages with the
# runtime/apk library ($(APKLIB), header apk/apk.h); everything but main.c
# also goes into the tests in tests/image.
IMAGE_SRCS := $(filter-out runtime/image/main.c,$(wildcard runtime/image/*.c))
IMAGE_OBJS := $(call objs,$(IMAGE_SRCS))
IMAGE_LIBS := libarchive openssl inih $(APK_LIBS)
PROGRAMS += $(BIN)/image-assemble
HELPERS += image-assemble
$(BIN)/image-assemble: $(call objs,runtime/image/main.c) $(IMAGE_OBJS) $(APKLIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(sort $(IMAGE_LIBS))) -pthread
