# tests/starlark-core/build.mk — C unit tests of the Starlark interpreter core
# (scanner, parser, resolver, values, embedding API).
UNIT_TESTS += test-starlark-core
$(BIN)/test-starlark-core: $(call objs,tests/starlark-core/test_core.c) $(TEST_OBJ) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm
