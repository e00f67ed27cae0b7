# tests/rtlib/build.mk — unit tests of runtime/lib (specini.c needs inih).
UNIT_TESTS += test-rtlib
RTLIB_TESTS := tests/rtlib/test_rtlib.c tests/rtlib/test_specini.c
$(BIN)/test-rtlib: $(call objs,$(RTLIB_TESTS)) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,inih)
