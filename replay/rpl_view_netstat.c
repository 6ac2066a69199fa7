/* sysreplay netstat: the sockets open at a moment, from the state engine:
 * protocol, local and remote endpoints, state, process. The state is what
 * the syscalls tell: LISTEN for a listening socket, ESTABLISHED for one with
 * a peer, UNCONNECTED otherwise (TCP's finer states are not recorded). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "rpl_view.h"

static void endpoint(const struct st_fd *fd, const uint8_t *ip, uint16_t port, char *buf,
		     size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	int v6 = fd->family == AF_INET6;

	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, ip, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, cap, v6 ? "[%s]:%u" : "%s:%u", a, port);
}

static int ns_fd(void *ctx, const struct st_thread *t, const struct st_fd *fd)
{
	const struct rpl_view_opts *o = ctx;
	char local[64] = "", remote[64] = "";
	const char *proto, *state;

	if (fd->type == FDT_IPV4 || fd->type == FDT_IPV6) {
		proto = fd->l4proto == 17 ? "udp" : fd->l4proto == 1 ? "icmp" : "tcp";
		if (fd->type == FDT_IPV6)
			proto = fd->l4proto == 17 ? "udp6" : "tcp6";
		endpoint(fd, fd->lip, fd->lport, local, sizeof(local));
		if (fd->rport)
			endpoint(fd, fd->rip, fd->rport, remote, sizeof(remote));
		else
			snprintf(remote, sizeof(remote), "*");
		state = fd->rport ? "ESTABLISHED" : fd->is_server == 1 ? "LISTEN" : "UNCONNECTED";
		if (fd->l4proto == 17 && !fd->rport)
			state = "-";
	} else if (fd->type == FDT_UNIX) {
		proto = "unix";
		snprintf(local, sizeof(local), "%.60s", fd->name ? fd->name : "");
		snprintf(remote, sizeof(remote), "-");
		state = "-";
	} else {
		return 0;
	}
	if (o->json) {
		fprintf(o->out, "{\"proto\":\"%s\",\"local\":", proto);
		rpl_view_json_str(o->out, local, strlen(local));
		fputs(",\"remote\":", o->out);
		rpl_view_json_str(o->out, remote, strlen(remote));
		fprintf(o->out,
			",\"state\":\"%s\",\"pid\":%u,\"fd\":%" PRId64 ",\"command\":", state,
			t->pid, fd->fd);
		rpl_view_json_str(o->out, t->comm, strnlen(t->comm, sizeof(t->comm)));
		fputs(",\"name\":", o->out);
		rpl_view_json_str(o->out, fd->name ? fd->name : "",
				  fd->name ? strlen(fd->name) : 0);
		fputs("}\n", o->out);
	} else {
		fprintf(o->out, "%-5s %-40s %-40s %-11s %u/%.16s fd %" PRId64 "\n", proto, local,
			remote, state, t->pid, t->comm, fd->fd);
	}
	return 0;
}

int rpl_view_netstat(struct rpl_view_opts *o)
{
	struct st_state *st;
	uint64_t at;
	char when[48];

	if (rpl_view_state_at(o, &st, &at))
		return RPL_EXIT_BAD;
	if (!o->json) {
		rpl_view_time(at, when, sizeof(when));
		fprintf(o->out, "# sockets at %s\n%-5s %-40s %-40s %-11s %s\n", when, "PROTO",
			"LOCAL", "REMOTE", "STATE", "PID/COMMAND FD");
	}
	rpl_view_fds(st, o->pid, ns_fd, o);
	st_free(st);
	return RPL_EXIT_OK;
}
