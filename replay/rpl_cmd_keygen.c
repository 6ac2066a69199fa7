/* sysreplay keygen: writes an Ed25519 key pair for signed captures and
 * extracts: KEY (private, mode 0600, never replaced) and KEY.pub (one
 * pasteable line, the argument of verify --key). */
#include <getopt.h>
#include <stdio.h>

#include "rpl.h"
#include "format/fmt_seal.h"

int rpl_cmd_keygen(int argc, char **argv)
{
	static const struct option lo[] = {{"output", required_argument, NULL, 'o'},
					   {NULL, 0, NULL, 0}};
	const char *out = NULL;
	struct fmt_sign_key k;
	struct sr_err err;
	char line[100], id[2 * FMT_KEYID_LEN + 1];
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else
			return rpl_usage_error("keygen", "unknown option '%s'", argv[optind - 1]);
	}
	if (!out || optind < argc)
		return rpl_usage_error("keygen", "usage: sysreplay keygen -o KEY");
	sr_err_clear(&err);
	if (fmt_key_generate(out, &k, &err))
		return rpl_fail_err("keygen", &err);
	fmt_key_public_text(k.pub, line);
	fmt_seal_key_id_hex(k.pub, id);
	printf("private key: %s (mode 0600: keep it on the recording host only)\n"
	       "public key:  %s.pub (key id %s)\n%s\n",
	       out, out, id, line);
	return RPL_EXIT_OK;
}
