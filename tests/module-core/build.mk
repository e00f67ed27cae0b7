# tests/module-core/build.mk — module-core's classes, machines and images.
SCRIPT_TESTS += tests/module-core/test-module-core.sh
