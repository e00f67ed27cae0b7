# tests/emit/build.mk — unit tests of the Ninja/Make writers (gen/emit).
UNIT_TESTS += test-emit
TEST_EMIT_OBJS := $(call objs,tests/emit/test_emit.c $(wildcard gen/emit/*.c))
$(BIN)/test-emit: $(TEST_EMIT_OBJS) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
