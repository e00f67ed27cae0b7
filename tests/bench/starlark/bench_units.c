/* tests/bench/starlark/bench_units.c — our side of the "units" benchmark:
 * evaluates every *.star file of a directory (sorted) as its own module, with
 * stub unit(**kwargs) and task(**kwargs) builtins predeclared, exactly as the
 * Go driver (tests/bench/oracle/main.go -units DIR) does.
 *
 *   starlark-bench-units DIR      prints "N files, N units, N tasks"
 */
#include "starlark/starlark.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long units, tasks;

static sl_value stub(sl_thread *th, const struct sl_args *a)
{
	if (a->npos)
		return sl_error(th, "%s: unexpected positional arguments", a->name);
	if (strcmp(a->name, "unit") == 0)
		units++;
	else
		tasks++;
	return SL_NONE;
}

static int star_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && strcmp(e->d_name + n - 5, ".star") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: starlark-bench-units DIR\n"
		      "Evaluates every DIR/*.star with stub unit()/task() builtins.\n", stderr);
		return 2;
	}
	struct dirent **ents;
	int n = scandir(argv[1], &ents, star_file, by_name);
	if (n < 0) {
		perror(argv[1]);
		return 1;
	}
	sl_gc_enable(true);  /* as `yoe starlark` does: values live only where the collector looks */
	sl_thread *th = sl_thread_new();
	sl_value pre = sl_dict_new(2);
	sl_dict_set(th, pre, sl_cstring("unit"), sl_builtin_new("unit", stub, NULL));
	sl_dict_set(th, pre, sl_cstring("task"), sl_builtin_new("task", stub, NULL));
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], ents[i]->d_name);
		if (rc == 0 && !sl_exec_file(th, path, NULL, 0, pre)) {
			struct sl_buf b = SL_BUF_INIT;
			sl_error_format(th, &b);
			fputs(b.data ? b.data : "error\n", stderr);
			sl_buf_free(&b);
			rc = 1;
		}
		free(ents[i]);
	}
	free(ents);
	sl_thread_free(th);
	if (rc == 0)
		printf("%d files, %ld units, %ld tasks\n", n, units, tasks);
	return rc;
}
