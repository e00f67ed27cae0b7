# tests/rtlib/build.mk — unit tests of runtime/lib.
UNIT_TESTS += test-rtlib
$(BIN)/test-rtlib: $(call objs,tests/rtlib/test_rtlib.c) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
