# tests/starlark-lib/build.mk — C unit tests of the Starlark built-in library
# (gen/starlark/lib_*.c, format.c): tricky cases evaluated through the
# interpreter and compared with go.starlark.net's results.
UNIT_TESTS += test-starlark-lib
$(BIN)/test-starlark-lib: $(call objs,tests/starlark-lib/test_lib.c) $(TEST_OBJ) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm
