# tests/model/build.mk — the project model: C unit tests of registration,
# shadowing, provides, closure, DAG and keys on plain structs, and the
# fixture-project tests that run `yoe query/desc/refs/graph/audit`.
UNIT_TESTS += test-model
$(BIN)/test-model: $(call objs,tests/model/test_model.c) $(YOE_MODEL_OBJS) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,openssl libxxhash)
SCRIPT_TESTS += tests/model/test-fixtures.sh tests/model/test-keys.sh
BENCHES += tests/bench/model/bench-model.sh
