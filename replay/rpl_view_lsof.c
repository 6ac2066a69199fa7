/* sysreplay lsof: the open file descriptors of every process (or of -p PID)
 * at a moment, from the state engine: command, pid, user, fd, type, name. */
#include <inttypes.h>
#include <string.h>

#include "rpl_view.h"

struct lsof_ctx {
	const struct rpl_view_opts *o;
	const struct st_state *st;
	uint64_t n;
};

static int lsof_fd(void *ctx, const struct st_thread *t, const struct st_fd *fd)
{
	struct lsof_ctx *l = ctx;
	const struct rpl_view_opts *o = l->o;
	char ubuf[16];
	const char *u = rpl_view_user(l->st, t->uid, ubuf, sizeof(ubuf));
	const char *name = fd->name ? fd->name : "";
	const char *type = rpl_view_fdtype(fd->type);
	char sock[128];

	/* sockets known from a table (scap) may carry endpoints but no name */
	if (!*name && (fd->type == FDT_IPV4 || fd->type == FDT_IPV6) &&
	    st_fd_sockname(fd, sock, sizeof(sock)))
		name = sock;

	l->n++;
	if (o->json) {
		fputs("{\"command\":", o->out);
		rpl_view_json_str(o->out, t->comm, strnlen(t->comm, sizeof(t->comm)));
		fprintf(o->out, ",\"pid\":%u,\"user\":", t->pid);
		rpl_view_json_str(o->out, u, strlen(u));
		fprintf(o->out, ",\"fd\":%" PRId64 ",\"type\":\"%s\",\"name\":", fd->fd, type);
		rpl_view_json_str(o->out, name, strlen(name));
		fputs("}\n", o->out);
	} else {
		fprintf(o->out, "%-16.16s %7u %-10s %5" PRId64 " %-10s ", t->comm, t->pid, u,
			fd->fd, type);
		/* names are bytes from the capture: one line each, whatever they hold */
		rpl_view_escape(o->out, (const uint8_t *)name, strlen(name), 0);
		fputc('\n', o->out);
	}
	return 0;
}

int rpl_view_lsof(struct rpl_view_opts *o)
{
	struct lsof_ctx l = {.o = o};
	struct st_state *st;
	uint64_t at;
	char when[48];

	if (rpl_view_state_at(o, &st, &at))
		return RPL_EXIT_BAD;
	l.st = st;
	if (!o->json) {
		rpl_view_time(at, when, sizeof(when));
		fprintf(o->out, "# open files at %s\n%-16s %7s %-10s %5s %-10s %s\n", when,
			"COMMAND", "PID", "USER", "FD", "TYPE", "NAME");
	}
	rpl_view_fds(st, o->pid, lsof_fd, &l);
	if (o->pid && !l.n && !st_thread_get(st, o->pid))
		rpl_warn("pid %u is not known at that time (not started yet, or exited)", o->pid);
	st_free(st);
	return RPL_EXIT_OK;
}
