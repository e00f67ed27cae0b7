# tests/apk/build.mk — tests of apk-sign and libapk (runtime/apk).
UNIT_TESTS += test-apk
SCRIPT_TESTS += tests/apk/test-apk-sign.sh
BENCHES += tests/apk/bench-apk.sh
$(BIN)/test-apk: $(call objs,tests/apk/test_apk.c) $(TEST_OBJ) $(APKLIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,tests/apk/test_apk.c) $(TEST_OBJ) $(APKLIB) $(RTLIB) $(call pkg_libs,$(APK_LIBS))
