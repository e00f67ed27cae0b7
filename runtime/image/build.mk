# runtime/image/build.mk — bin/image-assemble, linking only what it needs.
IMAGE_SRCS := $(wildcard runtime/image/*.c)
IMAGE_LIBS := libarchive openssl inih
PROGRAMS += $(BIN)/image-assemble
HELPERS += image-assemble
$(BIN)/image-assemble: $(call objs,$(IMAGE_SRCS)) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,$(IMAGE_SRCS)) $(RTLIB) $(call pkg_libs,$(IMAGE_LIBS))
