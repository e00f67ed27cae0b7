/* hello.c — prints the demo's greeting (framed by libgreeting). */
#include <greeting.h>
#include <stdio.h>

#define GREETING "Hello from yoe"

int main(void)
{
	char line[256];
	greeting_compose(line, sizeof line, GREETING);
	puts(line);
	return 0;
}
