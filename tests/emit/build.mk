# tests/emit/build.mk — unit tests of the Ninja/Make writers (gen/emit).
UNIT_TESTS += test-emit
TEST_EMIT_OBJS := $(call objs,tests/emit/test_emit.c gen/emit/graph.c gen/emit/ninja.c gen/emit/make.c)
$(BIN)/test-emit: $(TEST_EMIT_OBJS) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
