# tests/gen/build.mk — `yoe gen`: golden build.ninja, real ninja/make runs
# with helper doubles, the regeneration matrix, subninja and multi-machine.
SCRIPT_TESTS += tests/gen/test-gen.sh
BENCHES += tests/bench/gen/bench-gen.sh
SCRIPT_TESTS += tests/gen/test-modules.sh
