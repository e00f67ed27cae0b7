# tests/fuzz/build.mk — the Starlark fuzz target.  `make check` replays the
# regression corpus tests/fuzz/regressions/ through it (starlark-fuzz-replay,
# also under ASan/UBSan); tests/fuzz/run-fuzz builds the libFuzzer binary
# fuzz-starlark with clang in its own tree (OUT=tests/.cache/fuzz) and runs it.
FUZZ_OBJS := $(call objs,tests/fuzz/fuzz_starlark.c tests/starlark/assert.c \
               tests/starlark/testtypes.c tests/starlark/chunks.c)

UNIT_TESTS += starlark-fuzz-replay
$(BIN)/starlark-fuzz-replay: $(call objs,tests/fuzz/replay.c tests/lib/findtop.c) $(FUZZ_OBJS) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm

# Built only by tests/fuzz/run-fuzz (CC=clang, objects compiled with
# -fsanitize=fuzzer-no-link,address,undefined; FUZZ_LDFLAGS says how to link).
FUZZ_LDFLAGS ?= -fsanitize=fuzzer,address,undefined
$(BIN)/fuzz-starlark: $(FUZZ_OBJS) $(STARLARK_LIB) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(FUZZ_LDFLAGS) -o $@ $(filter %.o,$^) $(STARLARK_LIB) $(RTLIB) $(call pkg_libs,$(STARLARK_LIBS)) -lm
