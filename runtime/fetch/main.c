/* runtime/fetch/main.c — `fetch-and-verify`: the only helper that talks to
 * the network.  Everything is in cli.c and the library behind fetch.h. */
#include "fetch/cli.h"
#include "lib/log.h"

int main(int argc, char **argv)
{
	log_init(argv[0]);
	return fetch_cli(argc, argv);
}
