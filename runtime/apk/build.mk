# runtime/apk/build.mk — bin/apk-sign and libapk.a, the .apk reader/writer
# library (header runtime/apk/apk.h).  Other programs that read packages
# (image-assemble) link it with:
#     $(APKLIB) $(RTLIB) $(call pkg_libs,$(APK_LIBS))
# and depend on $(APKLIB).  main.c is the only file not in the library, so
# tests link everything else.  inih is for packspec.c (pack --spec reads a
# unit.ini through runtime/lib/specini.c).
APK_SRCS := $(wildcard runtime/apk/*.c)
APK_LIB_SRCS := $(filter-out runtime/apk/main.c,$(APK_SRCS))
APK_LIBS := openssl libarchive zlib libdeflate inih
APKLIB := $(OUT)/obj/libapk.a
$(APKLIB): $(call objs,$(APK_LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
PROGRAMS += $(BIN)/apk-sign
HELPERS += apk-sign
$(BIN)/apk-sign: $(call objs,runtime/apk/main.c) $(APKLIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,runtime/apk/main.c) $(APKLIB) $(RTLIB) $(call pkg_libs,$(APK_LIBS))
