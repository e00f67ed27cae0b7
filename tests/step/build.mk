# tests/step/build.mk — container-step tests: C unit tests of the spec
# parser, templates, install confinement, sysroot merge and sandbox argv;
# script tests that run real bwrap builds, failure paths and golden
# podman/docker argv; the step benchmark.
UNIT_TESTS += test-step
SCRIPT_TESTS += tests/step/test-step-run.sh tests/step/test-step-argv.sh tests/step/test-step-container.sh
BENCHES += tests/step/bench-step.sh
$(BIN)/test-step: $(call objs,tests/step/test_step.c $(STEP_SRCS)) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(STEP_LIBS))
