# tests/starlark/build.mk — Starlark conformance against go.starlark.net's test
# files and the runner's own unit tests, both C programs in UNIT_TESTS so that
# `make check` runs them in the normal and the ASan/UBSan tree;
# bin/starlark-conformance fetches the test files on first use through
# tests/starlark/fetch-testdata.  tests/starlark/test-yoe-starlark.sh checks
# what yoe promises of `yoe starlark` (error format, options, limits).
SLCONF_OBJS := $(call objs,tests/starlark/chunks.c tests/starlark/assert.c \
                 tests/starlark/testtypes.c)

UNIT_TESTS += starlark-conformance test-starlark-harness
$(BIN)/starlark-conformance: $(call objs,tests/starlark/conformance.c tests/lib/findtop.c) $(SLCONF_OBJS) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm

$(BIN)/test-starlark-harness: $(call objs,tests/starlark/test_harness.c) $(SLCONF_OBJS) $(TEST_OBJ) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm

SCRIPT_TESTS += tests/starlark/test-yoe-starlark.sh

# The units benchmark driver (tests/bench/starlark/run-bench, `make bench`).
BENCHES += tests/bench/starlark/run-bench
$(BIN)/starlark-bench-units: $(call objs,tests/bench/starlark/bench_units.c) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm
