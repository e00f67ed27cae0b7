/* runtime/apk/main.c — `apk-sign`: placeholder until its issue lands; prints
 * usage.  yoe's build edges call this helper. */
#include "lib/log.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	log_init(argv[0]);
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: apk-sign ...\n(not implemented yet)\n");
		return 0;
	}
	log_error("not implemented yet (see 'apk-sign --help')");
	return 2;
}
