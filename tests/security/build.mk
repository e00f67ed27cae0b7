# tests/security/build.mk — the threat model's attacks on the build sandbox
# (rows 1, 3, 7, 11): each rogue unit must fail, with the reason in its
# build log and nothing changed outside its own directories.
SCRIPT_TESTS += tests/security/test-sandbox-attacks.sh
