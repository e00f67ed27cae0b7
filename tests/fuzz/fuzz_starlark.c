/* tests/fuzz/fuzz_starlark.c — libFuzzer target over the Starlark
 * interpreter: each input is executed as a file, with the standard universe
 * (print discarded), every dialect option enabled (more code reachable), a
 * step limit (no hangs on infinite loops), the conformance runner's assert
 * module as a load()able module and its test types predeclared.  Any error is
 * formatted (exercising tracebacks); a successful module's globals are
 * printed with repr into a buffer.  Built with clang -fsanitize=fuzzer by
 * tests/fuzz/run-fuzz (with -DFUZZ_GC for its --gc mode), and with the normal
 * compiler for the regression replay. */
#include "fuzz_starlark.h"

#include "starlark/starlark.h"
#include "../starlark/harness.h"

#include <string.h>

#define FUZZ_MAX_STEPS 20000

static void discard(sl_thread *th, const char *msg, size_t len, void *ud) {}

static struct sl_module *fuzz_load(sl_thread *th, const char *module, void *ud)
{
	if (strcmp(module, "assert.star") == 0)
		return assert_module(th, module);
	sl_error(th, "cannot load %s", module);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef FUZZ_GC
	/* run-fuzz --gc: the garbage-collected heap of normal builds, collecting
	 * often, to catch values kept where the collector does not look. */
	sl_gc_enable(true);
#endif
	struct assert_state st;
	memset(&st, 0, sizeof st);
	sl_thread *th = sl_thread_new();
	sl_thread_set_name(th, "fuzz");
	sl_thread_set_data(th, &st);
	sl_thread_set_print(th, discard, NULL);
	sl_thread_set_load(th, fuzz_load, NULL);
	sl_thread_set_max_steps(th, FUZZ_MAX_STEPS);
	sl_thread_set_options(th, SL_OPT_SET | SL_OPT_WHILE | SL_OPT_RECURSION |
	                              SL_OPT_GLOBALREASSIGN | SL_OPT_TOPLEVELCONTROL);
	sl_value pre = sl_dict_new(4);
	testtypes_predeclare(th, pre);

	struct sl_module *m = sl_exec_file(th, "fuzz.star", (const char *)data, size, pre);
	struct sl_buf b = SL_BUF_INIT;
	if (m)
		sl_repr(sl_module_globals(m), &b);
	else
		sl_error_format(th, &b);
	sl_buf_free(&b);
	sl_thread_free(th);
	return 0;
}
