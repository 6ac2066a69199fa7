/* out_dl: client libraries loaded on first use (see out_dl.h). */
#include "out_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t dl_mu = PTHREAD_MUTEX_INITIALIZER;

static int dl_open(struct out_dl *l)
{
	char first_why[200] = "no library name";
	void *h = NULL;

	for (size_t i = 0; l->sonames[i] && !h; i++) {
		h = dlopen(l->sonames[i], RTLD_NOW | RTLD_LOCAL);
		/* the first name's reason: dlerror's text is gone at the next call */
		if (!h && !i)
			snprintf(first_why, sizeof(first_why), "%s", dlerror());
	}
	if (!h) {
		snprintf(l->why, sizeof(l->why), "%s is not installed (%s)", l->what, first_why);
		return SR_EIO;
	}
	for (const struct out_dl_sym *s = l->syms; s->name; s++) {
		*s->fn = dlsym(h, s->name);
		if (!*s->fn) {
			snprintf(l->why, sizeof(l->why), "%s: no function %s (too old?)", l->what,
				 s->name);
			return SR_EIO;
		}
	}
	/* the library stays loaded for the life of the process */
	return 0;
}

int out_dl_load(struct out_dl *l, struct sr_err *err)
{
	int rc;

	pthread_mutex_lock(&dl_mu);
	if (!l->tried) {
		l->rc = dl_open(l);
		l->tried = 1;
	}
	rc = l->rc;
	pthread_mutex_unlock(&dl_mu);
	if (rc)
		return sr_err_set(err, rc, "%s", l->why);
	return 0;
}
