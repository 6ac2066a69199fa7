/* sysreplay keygen: writes an Ed25519 key pair for signed captures and
 * extracts: KEY (private, mode 0600, never replaced) and KEY.pub (one
 * pasteable line, the argument of verify --key). `sysrec keygen` is the
 * same command: both run fmt_key_cmd. */
#include "rpl.h"
#include "format/fmt_seal.h"

int rpl_cmd_keygen(int argc, char **argv)
{
	return fmt_key_cmd("sysreplay", argc, argv);
}
