/* tests/fuzz/fuzz_starlark.h — the fuzz target's entry point, shared by the
 * libFuzzer binary (fuzz-starlark) and the regression replay
 * (starlark-fuzz-replay). */
#ifndef YOE_TESTS_FUZZ_STARLARK_H
#define YOE_TESTS_FUZZ_STARLARK_H

#include <stddef.h>
#include <stdint.h>

/* Runs data as a Starlark file ("fuzz.star") the way `yoe starlark` does,
 * with every dialect option on and a step limit, so an infinite loop ends
 * in an error instead of a hang.  Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
