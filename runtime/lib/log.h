/* runtime/lib/log.h — diagnostics shared by yoe and its helpers.
 *
 * Every message a user sees starts with the program name, then either a
 * `path:line:col: error: ` location (for input files) or names the file/URL
 * involved, and says how to fix it where there is a fix.  Library code
 * reports with these and returns an error value; only main() decides to exit.
 */
#ifndef YOE_LOG_H
#define YOE_LOG_H

#include <stdarg.h>

/* log_init sets the program name printed before messages (argv[0]'s base). */
void log_init(const char *argv0);
const char *log_progname(void);
/* log_error prints `prog: error: <msg>` to stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_errno is log_error with `: strerror(errno)` appended. */
void log_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verror(const char *kind, const char *fmt, va_list ap);

#endif
