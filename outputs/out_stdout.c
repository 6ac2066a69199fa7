/* out_stdout.c: alerts on standard output, in the emitter's thread, as
 * sysrec always printed them (a pipe reader sees them at once). */
#include <stdio.h>

#include "out_int.h"

void out_stdout_write(const char *line)
{
	fputs(line ? line : "", stdout);
	fputc('\n', stdout);
	fflush(stdout);
}
