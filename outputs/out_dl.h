/* out_dl: a client library an output needs, loaded when an output of that
 * kind is opened rather than when the program starts. libcurl and
 * librdkafka bring some thirty libraries between them; linking them would
 * make every sysreplay and sysrec start pay for loading them (about 6 ms of
 * an 8 ms start here), used or not. */
#ifndef OUT_DL_H
#define OUT_DL_H

#include <stddef.h>

#include "../common/sr_err.h"

/* A function to resolve: its name, and where its address goes. */
struct out_dl_sym {
	const char *name;
	void **fn;
};

/* A library and its functions, resolved once for the process. */
struct out_dl {
	const char *what;	       /* for messages: "libcurl" */
	const char *const *sonames;    /* tried in order, NULL-terminated */
	const struct out_dl_sym *syms; /* NULL name ends the list */
	/* the outcome, set once */
	int tried, rc;
	char why[256];
};

/* Loads l (the first call; later calls give the same outcome): 0 when the
 * library and every function were found, else an error naming what is
 * missing. Thread safe. */
int out_dl_load(struct out_dl *l, struct sr_err *err);

#endif
