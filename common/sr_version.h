#ifndef SR_VERSION_H
#define SR_VERSION_H
#define SR_VERSION "0.1.0"
/* The capture format this build writes (format/FORMAT.md); format/fmt_layout.h
 * checks that it is FMT_MAJOR.FMT_MINOR. Printed by --version. */
#define SR_FORMAT_MAJOR	  2
#define SR_FORMAT_MINOR	  1
#define SR_STR_(x)	  #x
#define SR_STR(x)	  SR_STR_(x)
#define SR_FORMAT_VERSION SR_STR(SR_FORMAT_MAJOR) "." SR_STR(SR_FORMAT_MINOR)
#endif
