/* rec_procfs_sock: what each socket inode of the /proc snapshot is, per network namespace.
 *
 * A process's socket fd shows only "socket:[INODE]"; its family, endpoints
 * and role are in the tables of the process's network namespace
 * (PID/net/tcp, tcp6, udp, udp6, unix, netlink). Every namespace has its own
 * tables, and two namespaces may show the same port (or, in a synthetic tree,
 * the same inode), so entries are never compared across namespaces.
 *
 * Use: s = rec_socks_new("/proc"); for each socket fd,
 * rec_socks_find(s, netns_inode, "/proc/PID", ino, &e); rec_socks_free(s).
 * The first lookup for a namespace reads that process's tables once and
 * indexes them by inode (hash table), so later processes of the namespace
 * share the read and every lookup is O(1); deciding the roles is one linear
 * pass per namespace.
 *
 * Roles (struct st_fd.is_server): a TCP socket in LISTEN, or a bound and
 * unconnected UDP socket, is 1 (listening); an unconnected one is 2
 * (unknown); a connected TCP/UDP socket is 1 (the accepted, server side)
 * when a listener of the same protocol in the same namespace has its local
 * port, else 0 (client). Unix and netlink entries keep 0.
 *
 * netns 0 means "not known" (the ns link could not be read): those tables
 * are read from pid_dir and kept only while the same pid_dir asks, since
 * nothing tells which other processes share them.
 *
 * Not thread-safe. *out stays valid until the next rec_socks_find() or
 * rec_socks_free().
 */
#ifndef REC_PROCFS_SOCK_H
#define REC_PROCFS_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "../state/st.h"

/* More entries than this in one namespace's tables are left out (unknown). */
#define REC_SOCKS_MAX_PER_NS (1u << 24)

struct rec_sock {
	uint64_t ino;
	struct st_fd fd; /* family, l4proto, lip/rip, lport/rport, is_server; name unused */
	char path[108];	 /* unix: the bound path ("@name" for abstract), "" when none */
	uint8_t listening;
};

struct rec_socks;

struct rec_socks_stats {
	uint64_t ns_reads;   /* times a namespace's tables were read */
	uint64_t entries;    /* entries held now, all namespaces */
	uint64_t namespaces; /* namespaces held now (the unknown one included) */
};

/* root: where other namespaces' processes are looked for ("/proc").
 * NULL when out of memory. */
struct rec_socks *rec_socks_new(const char *root);
void rec_socks_free(struct rec_socks *s);

/* The entry of socket inode ino for a process in namespace netns whose
 * /proc directory is pid_dir ("/proc/1234"): from that namespace's tables,
 * else (a socket created in another namespace) from any namespace's; the
 * first such miss reads every namespace found under proc_root once. Returns
 * 1 with *out set, 0 when no table has the inode (closed meanwhile, a
 * protocol not read here, an unbound netlink socket), or SR_ENOMEM. */
int rec_socks_find(struct rec_socks *s, uint64_t netns, const char *pid_dir, uint64_t ino,
		   const struct rec_sock **out);

void rec_socks_get_stats(const struct rec_socks *s, struct rec_socks_stats *out);

#endif
