# tests/cli/build.mk — the `yoe` command line skeleton.
SCRIPT_TESTS += tests/cli/test-cli.sh
SCRIPT_TESTS += tests/cli/test-init.sh
SCRIPT_TESTS += tests/cli/test-run.sh
