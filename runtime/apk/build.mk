# runtime/apk/build.mk — bin/apk-sign, linking only what it needs.
APK_SRCS := $(wildcard runtime/apk/*.c)
APK_LIBS := openssl libarchive
PROGRAMS += $(BIN)/apk-sign
HELPERS += apk-sign
$(BIN)/apk-sign: $(call objs,$(APK_SRCS)) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,$(APK_SRCS)) $(RTLIB) $(call pkg_libs,$(APK_LIBS))
