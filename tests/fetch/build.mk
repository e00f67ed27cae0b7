# tests/fetch/build.mk — tests of fetch-and-verify: C unit tests of the
# library (safe unpacking, patches, hashing) and the end-to-end script with
# a misbehaving loopback server; the benchmark.
UNIT_TESTS += test-fetch
SCRIPT_TESTS += tests/fetch/test-fetch.sh
BENCHES += tests/fetch/bench-fetch.sh
$(BIN)/test-fetch: $(call objs,tests/fetch/test_fetch.c $(FETCH_LIB_SRCS)) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(FETCH_LIBS))
