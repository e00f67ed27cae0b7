/* gen/cli/cmd_info.c — `yoe info`: where yoe thinks things are (the project
 * it found, the helpers it will call), for debugging an install. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *const helpers[] = {
	"fetch-and-verify", "container-step", "apk-sign", "image-assemble", NULL,
};

static int run(int argc, char **argv)
{
	if (argc > 1) {
		extern const struct command cmd_info;
		return usage_error(&cmd_info, "unexpected argument '%s'", argv[1]);
	}
	char *root = project_find();
	if (!root)
		return 1;
	printf("project: %s\n", root);
	printf("libexec: %s\n", libexec_dir());
	int missing = 0;
	for (int i = 0; helpers[i]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", libexec_dir(), helpers[i]);
		int ok = access(path, X_OK) == 0;
		printf("helper:  %-17s %s\n", helpers[i], ok ? path : "MISSING");
		missing += !ok;
	}
	free(root);
	if (missing)
		fprintf(stderr, "yoe: error: %d helper(s) missing from %s "
		        "(reinstall yoe or set YOE_LIBEXEC)\n", missing, libexec_dir());
	return missing ? 1 : 0;
}

const struct command cmd_info = {
	"info", "show the project and helper paths yoe uses",
	"usage: yoe info\n\n"
	"Prints the project directory (the nearest PROJECT.star at or above the\n"
	"current directory, -C DIR or $YOE_PROJECT) and the helper programs yoe\n"
	"calls ($YOE_LIBEXEC, else ../libexec/yoe beside yoe, else yoe's own\n"
	"directory).  Exits 1 when the project or a helper is missing.\n",
	run,
};
