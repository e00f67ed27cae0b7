/* gen/starlark/stubs.c — empty stand-ins for the built-in library tables
 * (lib_*.c, format.c) while those files do not exist yet, so the
 * interpreter always links.  Each stub is compiled only when its real file
 * is absent, and is weak besides. */
#include "starlark/starlark.h"

#define WEAK __attribute__((weak))

#if !__has_include("lib_string.c")
WEAK const struct sl_method sl_string_methods[] = {{NULL, NULL}};
#endif
#if !__has_include("lib_bytes.c")
WEAK const struct sl_method sl_bytes_methods[] = {{NULL, NULL}};
#endif
#if !__has_include("lib_list.c")
WEAK const struct sl_method sl_list_methods[] = {{NULL, NULL}};
#endif
#if !__has_include("lib_dict.c")
WEAK const struct sl_method sl_dict_methods[] = {{NULL, NULL}};
#endif
#if !__has_include("lib_set.c")
WEAK const struct sl_method sl_set_methods[] = {{NULL, NULL}};
#endif
#if !__has_include("lib_universe.c")
static sl_value stub_print(sl_thread *th, const struct sl_args *a)
{
	struct sl_buf b = SL_BUF_INIT;
	for (size_t i = 0; i < a->npos; i++) {
		if (i)
			sl_buf_addc(&b, ' ');
		sl_str(a->pos[i], &b);
	}
	sl_print(th, b.data ? b.data : "", b.len);
	sl_buf_free(&b);
	return SL_NONE;
}
WEAK const struct sl_builtin_def sl_universe[] = {{"print", stub_print}, {NULL, NULL}};
#endif
#if !__has_include("format.c")
WEAK sl_value sl_string_percent(sl_thread *th, sl_value format, sl_value arg)
{
	return sl_error(th, "string %% not implemented yet");
}
#endif
