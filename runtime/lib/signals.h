/* runtime/lib/signals.h — the "stop" signals yoe and its helpers catch. */
#ifndef YOE_SIGNALS_H
#define YOE_SIGNALS_H

/* signals_catch_stop runs handler on SIGINT, SIGTERM and SIGHUP, without
 * SA_RESTART: a blocking wait returns EINTR, so the caller notices, stops
 * its child and exits instead of being killed with the child left behind. */
void signals_catch_stop(void (*handler)(int));

#endif
