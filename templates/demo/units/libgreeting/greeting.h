/* greeting.h — libgreeting: frames a greeting with where it runs. */
#ifndef GREETING_H
#define GREETING_H
#include <stddef.h>

/* greeting_compose writes "*** <text> (on <machine>, Linux <release>) ***"
 * into buf (size n) and returns the length it needed, as snprintf does. */
int greeting_compose(char *buf, size_t n, const char *text);

#endif
