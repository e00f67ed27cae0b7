/* gen/starlark/lib_bytes.c — the methods of bytes.  go.starlark.net has
 * just one, elems(), an iterable of the byte values (see lib_elems.c). */
#include "starlark/lib.h"

static sl_value bytes_elems(sl_thread *th, const struct sl_args *a)
{
	if (sl_no_args(th, a) < 0)
		return NULL;
	return sl_lib_elems(a->recv, "elems");
}

const struct sl_method sl_bytes_methods[] = {
	{"elems", bytes_elems},
	{NULL, NULL},
};
