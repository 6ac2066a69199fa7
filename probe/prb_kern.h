/* prb_kern.h: reading kernel objects for parameters (BPF side only).
 *
 * Paths are rebuilt from dentries (bpf_d_path is not allowed from
 * tracepoints), sockets are read through fd -> file -> socket -> sock, and
 * user sockaddrs are re-encoded into the PT_SOCKADDR layout of evt_abi.h.
 * Everything goes through CO-RE reads so one object runs on many kernels.
 */
#ifndef PRB_KERN_H
#define PRB_KERN_H

#define PRB_PATH_DEPTH 40
#define PRB_AF_UNIX    1
#define PRB_AF_INET    2
#define PRB_AF_INET6   10
#define PRB_S_IFMT     0170000
#define PRB_S_IFSOCK   0140000

/* Writes the absolute path of (dentry, vfsmount) as one parameter, the way
 * the kernel's d_path() shows it (/proc/PID/exe, the /proc snapshot):
 * - a file reachable from no directory (memfd, other pseudo files: their
 *   dentry is its own parent without being a mount's root) is "/NAME
 *   (deleted)", e.g. "/memfd:payload (deleted)";
 * - an unlinked file or directory gets " (deleted)" after its path.
 * The name is assembled backwards in s->tmp, crossing mount points, then
 * copied into the record. Too deep: the leading part is cut (TRUNC). */
static __always_inline void put_dpath(struct prb_scratch *s, struct dentry *d, struct vfsmount *vm)
{
	struct mount *m;
	__u32 len, end;
	int pseudo, deleted;

	if (!d || !vm) {
		rec_commit(s, 0);
		return;
	}
	m = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
	pseudo = d == BPF_CORE_READ(d, d_parent) && d != BPF_CORE_READ(vm, mnt_root);
	deleted = pseudo ||
		  (!pseudo && d != BPF_CORE_READ(d, d_parent) && !BPF_CORE_READ(d, d_hash.pprev));
	/* the write position lives in the map, not a register: the verifier then
	 * sees the same state on every iteration and prunes, instead of
	 * following each possible position separately */
	s->pos = PRB_PARAM_MAX;
	if (deleted) {
		s->pos = PRB_PARAM_MAX - 10;
		__builtin_memcpy(&s->tmp[PRB_PARAM_MAX - 10], " (deleted)", 10);
	}
	end = s->pos;
	for (int i = 0; i < PRB_PATH_DEPTH; i++) {
		struct dentry *root = BPF_CORE_READ(vm, mnt_root);
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		const unsigned char *name;
		__u32 pos = s->pos;

		if (!pseudo && (d == root || d == parent)) {
			struct mount *mp = BPF_CORE_READ(m, mnt_parent);

			/* the global root: the mount is its own parent */
			if (mp == m || !mp)
				break;
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = mp;
			vm = (struct vfsmount *)((void *)m +
						 bpf_core_field_offset(struct mount, mnt));
			continue;
		}
		len = BPF_CORE_READ(d, d_name.len) & 255;
		name = BPF_CORE_READ(d, d_name.name);
		if (pos > PRB_PARAM_MAX || len + 1 >= pos) {
			s->flags |= EVT_RF_TRUNC;
			break;
		}
		pos -= len;
		bpf_probe_read_kernel(&s->tmp[prb_bound(pos, PRB_PARAM_MAX - 1)],
				      prb_bound(len, 255), name);
		pos -= 1;
		s->tmp[prb_bound(pos, PRB_PARAM_MAX - 1)] = '/';
		s->pos = pos;
		/* a pseudo file has no directory above it */
		if (pseudo)
			break;
		d = parent;
	}
	len = s->pos;
	if (len >= end) {
		/* nothing above: the root itself */
		len = end - 1;
		s->tmp[prb_bound(len, PRB_PARAM_MAX - 1)] = '/';
	}
	len = prb_bound(len, PRB_PARAM_MAX - 1);
	put_kbytes(s, &s->tmp[len], PRB_PARAM_MAX - len);
}

static __always_inline struct file *task_fd_file(struct task_struct *t, __s64 fd)
{
	struct file **arr;
	struct file *f = NULL;
	struct fdtable *fdt;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xffffff]);
	return f;
}

static __always_inline struct sock *file_sock(struct file *f)
{
	struct socket *so;

	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & PRB_S_IFMT) != PRB_S_IFSOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	return so ? BPF_CORE_READ(so, sk) : NULL;
}

static __always_inline __u16 prb_ntohs(__u16 v)
{
	return (__u16)((v >> 8) | (v << 8));
}

/* PT_SOCKTUPLE of the socket behind fd, local side first. */
static __always_inline void put_tuple_fd(struct prb_scratch *s, struct task_struct *t, __s64 fd)
{
	struct file *f = task_fd_file(t, fd);
	struct sock *sk = file_sock(f);
	__u32 off = s->off;
	__u8 *o;
	__u16 fam;

	if (!sk || off > PRB_REC_LIMIT - 160) {
		rec_commit(s, 0);
		return;
	}
	o = REC_PTR(s, off);
	fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	o[0] = (__u8)fam;
	if (fam == PRB_AF_INET) {
		*(__u32 *)&o[1] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		*(__u16 *)&o[5] = BPF_CORE_READ(sk, __sk_common.skc_num);
		*(__u32 *)&o[7] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		*(__u16 *)&o[11] = prb_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		o[13] = (__u8)BPF_CORE_READ(sk, sk_protocol);
		rec_commit(s, 14);
	} else if (fam == PRB_AF_INET6) {
		BPF_CORE_READ_INTO(&o[1], sk, __sk_common.skc_v6_rcv_saddr);
		*(__u16 *)&o[17] = BPF_CORE_READ(sk, __sk_common.skc_num);
		BPF_CORE_READ_INTO(&o[19], sk, __sk_common.skc_v6_daddr);
		*(__u16 *)&o[35] = prb_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		o[37] = (__u8)BPF_CORE_READ(sk, sk_protocol);
		rec_commit(s, 38);
	} else if (fam == PRB_AF_UNIX) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		struct unix_address *ua = BPF_CORE_READ(us, addr);
		__u64 pino = 0;
		__u32 plen = 0;
		int alen;

		*(__u64 *)&o[1] = BPF_CORE_READ(f, f_inode, i_ino);
		if (peer)
			pino = BPF_CORE_READ(peer, sk_socket, file, f_inode, i_ino);
		*(__u64 *)&o[9] = pino;
		/* a connecting client has no address of its own: show the server's */
		if (!ua && peer)
			ua = BPF_CORE_READ((struct unix_sock *)peer, addr);
		if (ua) {
			alen = BPF_CORE_READ(ua, len) - 2;
			if (alen > 0 && alen <= 108) {
				const char *p = (const char *)&ua->name[0].sun_path;
				char c0 = 0;

				bpf_probe_read_kernel(&c0, 1, p);
				/* path sockets: up to the NUL; abstract: all alen bytes */
				if (c0) {
					long n = bpf_probe_read_kernel_str(
					    &o[17], prb_bound(alen + 1, 127), p);

					plen = n > 1 ? (__u32)(n - 1) : 0;
				} else if (!bpf_probe_read_kernel(&o[17], prb_bound(alen, 127),
								  p)) {
					plen = (__u32)alen;
				}
			}
		}
		rec_commit(s, 17 + (plen & 127));
	} else {
		rec_commit(s, 1);
	}
}

/* PT_SOCKADDR from a user sockaddr of alen bytes. */
static __always_inline void put_usockaddr(struct prb_scratch *s, const void *uaddr, __u64 alen)
{
	__u32 off = s->off;
	__u8 *o, *a = s->tmp;
	__u16 fam;

	if (!uaddr || alen < 2 || off > PRB_REC_LIMIT - 128) {
		rec_commit(s, 0);
		return;
	}
	if (alen > 110)
		alen = 110;
	if (bpf_probe_read_user(a, prb_bound(alen, 127), uaddr)) {
		rec_commit(s, 0);
		return;
	}
	o = REC_PTR(s, off);
	fam = *(__u16 *)a;
	o[0] = (__u8)fam;
	if (fam == PRB_AF_INET && alen >= 8) {
		*(__u32 *)&o[1] = *(__u32 *)&a[4];
		*(__u16 *)&o[5] = prb_ntohs(*(__u16 *)&a[2]);
		rec_commit(s, 7);
	} else if (fam == PRB_AF_INET6 && alen >= 24) {
		__builtin_memcpy(&o[1], &a[8], 16);
		*(__u16 *)&o[17] = prb_ntohs(*(__u16 *)&a[2]);
		rec_commit(s, 19);
	} else if (fam == PRB_AF_UNIX && alen > 2) {
		__u32 plen = (__u32)alen - 2;

		if (a[2]) {
			/* path socket: stop at the first NUL */
			long n;

			a[prb_bound(alen, 127)] = 0;
			n = bpf_probe_read_kernel_str(&o[1], 110, &a[2]);
			plen = n > 1 ? (__u32)(n - 1) : 0;
		} else {
			bpf_probe_read_kernel(&o[1], prb_bound(plen, 127), &a[2]);
		}
		rec_commit(s, 1 + (plen & 127));
	} else {
		rec_commit(s, 1);
	}
}

/* /proc/PID/stat tty_nr encoding of the controlling terminal, 0 if none. */
static __always_inline __u32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* Executable names of memfds: "memfd:NAME" on the internal shmem mount. */
static __always_inline __u32 file_exec_flags(struct file *f)
{
	char pfx[6] = {};
	const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);

	if (!f || !name)
		return 0;
	bpf_probe_read_kernel(pfx, sizeof(pfx), name);
	if (pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
	    pfx[5] == ':')
		return PRB_EXEC_FROM_MEMFD;
	return 0;
}

/* Thread id as seen in the task's own (innermost) pid namespace. */
static __always_inline __u32 pid_vnr(struct pid *p)
{
	unsigned int level;
	struct upid up = {};

	if (!p)
		return 0;
	level = BPF_CORE_READ(p, level);
	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 63]);
	return (__u32)up.nr;
}

#endif
