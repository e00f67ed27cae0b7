/* tests/lib/findtop.h — where the repository is, for test programs that
 * read fixtures from the tree they were built in. */
#ifndef YOE_TEST_FINDTOP_H
#define YOE_TEST_FINDTOP_H

#include <stddef.h>

/* test_find_top writes the repository root to out: $YOE_TOP when set, else
 * the first directory above this program (<top>/bin, <top>/.san/bin) that
 * holds marker, a path relative to the root.  -1 when none does. */
int test_find_top(char *out, size_t n, const char *marker);

#endif
