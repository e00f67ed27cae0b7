# tests/e2e/build.mk — the real helpers end to end: yoe gen + ninja with
# fetch-and-verify, container-step (bwrap), apk-sign and image-assemble.
SCRIPT_TESTS += tests/e2e/test-pipeline.sh
SCRIPT_TESTS += tests/e2e/test-demo.sh
