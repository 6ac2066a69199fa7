/* scap_meta.c: machine info, process, fd and user list blocks -> our snapshot records.
 *
 * List blocks come before the first event block. Each thread becomes a
 * PROCINFO record, each fd an FDINFO, each user/group a USERINFO/GROUPINFO;
 * they wait in s->snap until the first event (whose timestamp they take)
 * and are then delivered between SNAP_BEGIN and SNAP_END.
 *
 * Every field is read through a cursor that checks the bytes remaining:
 * a list entry that claims more than its block holds is damage.
 */
#include "scap_reader.h"
#include "scap_params.h"
#include "../format/evt_snap.h"

#include <stdio.h>
#include <string.h>

#include "../common/sr_err.h"

struct cur {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static int need(struct cur *c, size_t n)
{
	if (c->bad || n > c->len - c->off) {
		c->bad = 1;
		return 0;
	}
	return 1;
}

static uint64_t get(struct cur *c, unsigned width)
{
	uint64_t v = 0;

	if (!need(c, width))
		return 0;
	switch (width) {
	case 1:
		v = c->p[c->off];
		break;
	case 2:
		v = sr_rd16(c->p + c->off);
		break;
	case 4:
		v = sr_rd32(c->p + c->off);
		break;
	case 8:
		v = sr_rd64(c->p + c->off);
		break;
	}
	c->off += width;
	return v;
}

static const uint8_t *get_bytes(struct cur *c, size_t n)
{
	const uint8_t *p;

	if (!need(c, n))
		return NULL;
	p = c->p + c->off;
	c->off += n;
	return p;
}

/* A u16-length-prefixed string (no NUL on disk). */
static const uint8_t *get_str(struct cur *c, uint32_t *len)
{
	uint32_t n = (uint32_t)get(c, 2);
	const uint8_t *p = get_bytes(c, n);

	*len = p ? n : 0;
	return p;
}

static void take(struct cur *c, uint8_t *dst, size_t n)
{
	const uint8_t *p = get_bytes(c, n);

	if (p)
		memcpy(dst, p, n);
}

void scap_comm_set(char *dst, const uint8_t *p, uint32_t n)
{
	if (n >= EVT_COMM_LEN)
		n = EVT_COMM_LEN - 1;
	memset(dst, 0, EVT_COMM_LEN);
	if (p && n)
		memcpy(dst, p, n);
}

int scap_meta_machine(struct scap_src *s, const uint8_t *body, size_t len, struct sr_err *err)
{
	struct cur c = {body, len, 0, 0};
	const uint8_t *host;
	uint32_t ncpus;

	(void)err;
	ncpus = (uint32_t)get(&c, 4);
	get(&c, 8); /* memory */
	get(&c, 8); /* max pid */
	host = get_bytes(&c, 128);
	if (c.bad)
		return 0; /* a short machine block only loses the host name */
	s->base.host.ncpus = ncpus;
	memcpy(s->base.host.hostname, host, 127);
	s->base.host.hostname[127] = 0;
	/* Newer writers keep the boot time (epoch ns) in the first reserved word. */
	if (len - c.off >= 8)
		s->base.host.boot_ns = get(&c, 8);
	return 0;
}

/* First path of a cgroups list ("cpuset=/docker/abc\0cpu=/docker/abc\0..."). */
static void cgroup_first(const uint8_t *p, uint32_t n, const uint8_t **out, uint32_t *olen)
{
	uint32_t e = scap_str_len(p, n);
	const uint8_t *eq = memchr(p, '=', e);

	*out = eq ? eq + 1 : p;
	*olen = eq ? (uint32_t)(p + e - (eq + 1)) : e;
}

/* Container id from a cgroup path: the 64-hex id docker, containerd and
 * cri-o put in it, shortened to 12 characters as sysdig shows it. */
static void container_id(const uint8_t *p, uint32_t n, char out[13])
{
	uint32_t run = 0;

	out[0] = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		int hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
		run = hex ? run + 1 : 0;
		if (run == 64) {
			memcpy(out, p + i - 63, 12);
			out[12] = 0;
			return;
		}
	}
}

static int is_pl(uint32_t bt)
{
	switch (bt) {
	case SCAP_BT_PL_V1:
	case SCAP_BT_PL_V1_INT:
		return 1;
	case SCAP_BT_PL_V2:
	case SCAP_BT_PL_V2_INT:
		return 2;
	case SCAP_BT_PL_V3:
	case SCAP_BT_PL_V3_INT:
		return 3;
	case SCAP_BT_PL_V4:
		return 4;
	case SCAP_BT_PL_V5:
		return 5;
	case SCAP_BT_PL_V6:
		return 6;
	case SCAP_BT_PL_V7:
		return 7;
	case SCAP_BT_PL_V8:
		return 8;
	case SCAP_BT_PL_V9:
		return 9;
	}
	return 0;
}

/* One PROCINFO record for e: into the snapshot (to NULL) or, with header
 * time ts, into the delivery queue (a thread first met mid-capture). */
static int add_procinfo_to(struct scap_src *s, const struct scap_pl_entry *e, struct sr_sb *to,
			   uint64_t ts)
{
	struct evt_procinfo pi;
	struct evt_rec h;
	const uint8_t *cg = NULL;
	uint32_t cglen = 0, flags = 0;
	char cid[13];
	struct scap_thr *t;
	int rc = 0;

	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.pid = (uint32_t)e->pid;
	h.tid = (uint32_t)e->tid;
	h.ppid = (uint32_t)e->ptid;
	h.uid = e->uid;
	h.gid = e->gid;
	scap_comm_set(h.comm, e->comm, e->comm_len);

	t = scap_thr_get(s, e->tid, 1);
	if (!t)
		return SR_ENOMEM;
	t->pid = e->pid;
	t->ptid = e->ptid;
	t->uid = e->uid;
	t->gid = e->gid;
	memcpy(t->comm, h.comm, EVT_COMM_LEN);

	if (e->cgroups_len)
		cgroup_first(e->cgroups, e->cgroups_len, &cg, &cglen);
	container_id(e->cgroups ? e->cgroups : (const uint8_t *)"", e->cgroups_len, cid);
	if (e->exe_writable)
		flags |= EVT_EXEC_WRITABLE;
	if (e->exe_upper)
		flags |= EVT_EXEC_UPPER_LAYER;
	if (e->exe_memfd)
		flags |= EVT_EXEC_FROM_MEMFD;

	/* args: the arguments after argv[0] (exe holds argv[0]), each
	 * NUL-terminated: the PROCINFO convention of state/st.h. */
	sr_sb_setlen(&s->scratch, 0);
	if (e->args_len) {
		rc |= sr_sb_put(&s->scratch, e->args, e->args_len);
		if (e->args[e->args_len - 1] != 0)
			rc |= sr_sb_put(&s->scratch, "", 1);
	}
	pi = (struct evt_procinfo){
	    .exe = {e->exe, scap_str_len(e->exe ? e->exe : (const uint8_t *)"", e->exe_len)},
	    .exepath = e->exepath ? (struct evt_bytes){e->exepath, e->exepath_len}
				  : (struct evt_bytes){e->exe, e->exe_len},
	    .args = {s->scratch.p, s->scratch.len},
	    .cwd = {e->cwd, e->cwd_len},
	    .tty = e->tty,
	    .loginuid = e->loginuid,
	    .euid = e->uid, /* scap keeps one uid: the effective */
	    .egid = e->gid,
	    .cgroup = {cg, cglen},
	    .container_id = evt_str(cid),
	    .vpid = e->vpid,
	    .vtid = e->vtid,
	    .flags = flags, /* start_ts and namespaces: unknown (0) */
	    .env = {e->env, e->env_len},
	};
	rc |= evt_build_procinfo(&s->b, &h, &pi);
	if (rc)
		return SR_ENOMEM;
	if (to)
		return scap_emit(s, to);
	s->snap_threads++;
	return scap_emit(s, &s->snap);
}

static int add_procinfo(struct scap_src *s, const struct scap_pl_entry *e)
{
	return add_procinfo_to(s, e, NULL, 0);
}

int scap_meta_procinfo(struct scap_src *s, const struct scap_pl_entry *e, uint64_t ts)
{
	return add_procinfo_to(s, e, &s->q, ts);
}

int scap_meta_proclist(struct scap_src *s, uint32_t bt, const uint8_t *body, size_t len,
		       struct sr_err *err)
{
	int v = is_pl(bt);
	struct cur c = {body, len, 0, 0};

	while (len - c.off >= 4) {
		struct scap_pl_entry e;
		size_t start = c.off, sub_len = 0;

		memset(&e, 0, sizeof(e));
		e.loginuid = UINT32_MAX;
		e.vtid = e.vpid = -1;
		if (v == 9) {
			sub_len = (size_t)get(&c, 4);
			/* An entry must fit in its block; its length counts itself. */
			if (sub_len < 4 || sub_len > len - start)
				goto bad;
		}
		e.tid = get(&c, 8);
		e.pid = get(&c, 8);
		e.ptid = get(&c, 8);
		if (v >= 6)
			get(&c, 8); /* sid */
		if (v >= 8)
			get(&c, 8); /* vpgid */
		e.comm = get_str(&c, &e.comm_len);
		e.exe = get_str(&c, &e.exe_len);
		if (v >= 7)
			e.exepath = get_str(&c, &e.exepath_len);
		e.args = get_str(&c, &e.args_len);
		e.cwd = get_str(&c, &e.cwd_len);
		get(&c, 8); /* fdlimit */
		e.flags = (uint32_t)get(&c, 4);
		e.uid = (uint32_t)get(&c, 4);
		e.gid = (uint32_t)get(&c, 4);
		if (v >= 2) {
			get(&c, 4);
			get(&c, 4);
			get(&c, 4); /* vm size, rss, swap */
			get(&c, 8);
			get(&c, 8); /* page faults */
			if (v >= 3)
				e.env = get_str(&c, &e.env_len);
			if (v >= 4) {
				e.vtid = (int64_t)get(&c, 8);
				e.vpid = (int64_t)get(&c, 8);
				e.cgroups = get_str(&c, &e.cgroups_len);
				if (v >= 5) {
					uint32_t rl;
					get_str(&c, &rl); /* root */
				}
			}
		}
		if (c.bad)
			goto bad;
		if (v == 9) {
			size_t used = c.off - start;
			/* Writers before libs 0.10 put fewer fields here; tell them
			 * apart by what is left, as scap's own reader does. */
			int old = sub_len - used <= 29;
#define HAVE(n) (c.off - start + (n) <= sub_len)
			if (!old && HAVE(8))
				get(&c, 8); /* pidns init start */
			if (!old && HAVE(4))
				e.tty = (uint32_t)get(&c, 4);
			if (HAVE(4))
				e.loginuid = (uint32_t)get(&c, 4);
			if (HAVE(1))
				e.exe_writable = (uint8_t)get(&c, 1);
			if (HAVE(8))
				get(&c, 8);
			if (HAVE(8))
				get(&c, 8);
			if (HAVE(8))
				e.cap_eff = get(&c, 8);
			if (HAVE(1))
				e.exe_upper = (uint8_t)get(&c, 1);
			if (HAVE(8))
				get(&c, 8);
			if (HAVE(8))
				get(&c, 8);
			if (HAVE(8))
				get(&c, 8);
			if (HAVE(1))
				e.exe_memfd = (uint8_t)get(&c, 1);
#undef HAVE
			if (c.off - start > sub_len)
				goto bad;
			c.off = start + sub_len;
		}
		if (add_procinfo(s, &e))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	return 0;
bad:
	return sr_err_set(err, SR_ECORRUPT,
			  "process list entry at byte %zu of the block is damaged", c.off + 8);
}

static uint8_t l4_ours(uint8_t scap_l4)
{
	switch (scap_l4) {
	case 2:
		return 6;
	case 3:
		return 17;
	case 4:
		return 1;
	default:
		return 0;
	}
}

/* An inet fd entry -> our tuple: family | src addr | src port | dst addr |
 * dst port | l4. On disk: src addr, [dst addr], src port, [dst port], l4;
 * a server socket has no destination side. Returns the tuple length. */
static uint32_t inet_tuple(struct cur *c, uint8_t *tuple, uint8_t family, unsigned alen, int server)
{
	uint16_t sp, dp;

	tuple[0] = family;
	take(c, tuple + 1, alen);
	if (!server)
		take(c, tuple + 3 + alen, alen);
	sp = (uint16_t)get(c, 2);
	memcpy(tuple + 1 + alen, &sp, 2);
	if (!server) {
		dp = (uint16_t)get(c, 2);
		memcpy(tuple + 3 + 2 * alen, &dp, 2);
	}
	tuple[5 + 2 * alen] = l4_ours((uint8_t)get(c, 1));
	return 6 + 2 * alen;
}

int scap_meta_fdlist(struct scap_src *s, uint32_t bt, const uint8_t *body, size_t len,
		     struct sr_err *err)
{
	struct cur c = {body, len, 0, 0};
	uint64_t tid = get(&c, 8);
	struct scap_thr *t = scap_thr_get(s, tid, 0);
	struct evt_rec h;

	if (c.bad)
		goto bad;
	memset(&h, 0, sizeof(h));
	h.tid = (uint32_t)tid;
	h.pid = t ? (uint32_t)t->pid : (uint32_t)tid;
	if (t) {
		h.ppid = (uint32_t)t->ptid;
		h.uid = t->uid;
		h.gid = t->gid;
		memcpy(h.comm, t->comm, EVT_COMM_LEN);
	}
	while (len - c.off >= 4) {
		size_t start = c.off, sub_len = 0;
		int64_t fd;
		uint64_t ino, oflags = 0;
		unsigned type;
		const uint8_t *name = NULL;
		uint32_t name_len = 0, tlen = 0;
		uint8_t tuple[64];
		int rc = 0, known = 1;

		if (bt == SCAP_BT_FDL_V2) {
			sub_len = (size_t)get(&c, 4);
			if (sub_len < 4 || sub_len > len - start)
				goto bad;
		}
		fd = (int64_t)get(&c, 8);
		ino = get(&c, 8);
		type = (unsigned)get(&c, 1);
		memset(tuple, 0, sizeof(tuple));
		switch (type) {
		case SCAP_FD_IPV4_SOCK:
			tlen = inet_tuple(&c, tuple, 2, 4, 0);
			break;
		case SCAP_FD_IPV4_SERVSOCK:
			tlen = inet_tuple(&c, tuple, 2, 4, 1);
			break;
		case SCAP_FD_IPV6_SOCK:
			tlen = inet_tuple(&c, tuple, 10, 16, 0);
			break;
		case SCAP_FD_IPV6_SERVSOCK:
			tlen = inet_tuple(&c, tuple, 10, 16, 1);
			break;
		case SCAP_FD_UNIX_SOCK:
			tuple[0] = 1;
			take(&c, tuple + 1, 8);
			take(&c, tuple + 9, 8);
			tlen = 17;
			name = get_str(&c, &name_len);
			break;
		case SCAP_FD_FILE_V2:
			oflags = scap_conv_from_ppm(SV_OFLAGS, get(&c, 4));
			name = get_str(&c, &name_len);
			if (sub_len && c.off - start + 4 <= sub_len)
				get(&c, 4); /* dev */
			break;
		case SCAP_FD_UNKNOWN:
			break;
		case SCAP_FD_FIFO:
		case SCAP_FD_FILE:
		case SCAP_FD_DIRECTORY:
		case SCAP_FD_UNSUPPORTED:
		case SCAP_FD_EVENT:
		case SCAP_FD_SIGNALFD:
		case SCAP_FD_EVENTPOLL:
		case SCAP_FD_INOTIFY:
		case SCAP_FD_TIMERFD:
		case SCAP_FD_NETLINK:
		case SCAP_FD_BPF:
		case SCAP_FD_USERFAULTFD:
		case SCAP_FD_IOURING:
		case SCAP_FD_MEMFD:
		case SCAP_FD_PIDFD:
			name = get_str(&c, &name_len);
			break;
		default:
			known = 0;
			break;
		}
		if (c.bad)
			goto bad;
		if (sub_len) {
			if (c.off - start > sub_len)
				goto bad;
			c.off = start + sub_len;
		} else if (!known) {
			/* Without entry lengths an unknown fd type cannot be stepped over. */
			return sr_err_set(err, SR_ECORRUPT, "fd list entry of unknown type %u",
					  type);
		}
		if (!known)
			continue;
		if (tlen == 17 && name_len) {
			uint32_t n = name_len < sizeof(tuple) - 17 ? name_len : sizeof(tuple) - 17;
			memcpy(tuple + 17, name, n);
			tlen += n;
		}
		rc |= evt_build_fdinfo(
		    &s->b, &h,
		    &(struct evt_fdinfo){.fd = fd,
					 .type = scap_fdtype_to_ours(type),
					 .name = {name, name ? scap_str_len(name, name_len) : 0},
					 .tuple = {tuple, tlen},
					 .flags = oflags,
					 .ino = ino});
		if (rc || scap_emit(s, &s->snap))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	return 0;
bad:
	return sr_err_set(err, SR_ECORRUPT, "fd list entry at byte %zu of the block is damaged",
			  c.off + 8);
}

int scap_meta_userlist(struct scap_src *s, uint32_t bt, const uint8_t *body, size_t len,
		       struct sr_err *err)
{
	struct cur c = {body, len, 0, 0};
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	while (len - c.off >= 4) {
		size_t start = c.off, sub_len = 0;
		unsigned type;
		int rc = 0;

		if (bt == SCAP_BT_UL_V2) {
			sub_len = (size_t)get(&c, 4);
			if (sub_len < 4 || sub_len > len - start)
				goto bad;
		}
		type = (unsigned)get(&c, 1);
		if (type == 0) { /* user */
			uint32_t uid = (uint32_t)get(&c, 4), gid = (uint32_t)get(&c, 4);
			uint32_t nl, hl, sl;
			const uint8_t *n = get_str(&c, &nl), *home = get_str(&c, &hl);
			const uint8_t *sh = get_str(&c, &sl);

			if (c.bad)
				goto bad;
			evt_builder_begin(&s->b, EVT_USERINFO, &h);
			rc |= evt_builder_add_u64(&s->b, uid);
			rc |= evt_builder_add_u64(&s->b, gid);
			rc |= evt_builder_add(&s->b, n, nl);
			rc |= evt_builder_add(&s->b, home, hl);
			rc |= evt_builder_add(&s->b, sh, sl);
		} else {
			uint32_t gid = (uint32_t)get(&c, 4), nl;
			const uint8_t *n = get_str(&c, &nl);

			if (c.bad)
				goto bad;
			evt_builder_begin(&s->b, EVT_GROUPINFO, &h);
			rc |= evt_builder_add_u64(&s->b, gid);
			rc |= evt_builder_add(&s->b, n, nl);
		}
		if (sub_len) {
			if (c.off - start > sub_len)
				goto bad;
			c.off = start + sub_len;
		}
		if (rc || scap_emit(s, &s->snap))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	return 0;
bad:
	return sr_err_set(err, SR_ECORRUPT, "user list entry at byte %zu of the block is damaged",
			  c.off + 8);
}

int scap_meta_flush(struct scap_src *s, uint64_t ts)
{
	struct evt_rec h;
	size_t off = 0;

	if (!s->snap.len && !s->snap_threads)
		return 0;
	memset(&h, 0, sizeof(h));
	h.ts = ts;
	evt_builder_begin(&s->b, EVT_SNAP_BEGIN, &h);
	if (evt_builder_add_u64(&s->b, s->snap_threads) || scap_emit(s, &s->q))
		return SR_ENOMEM;
	/* Stamp each gathered record with the snapshot time. */
	while (off + EVT_REC_HDR <= s->snap.len) {
		struct evt_rec *r = (struct evt_rec *)(void *)(s->snap.p + off);
		uint32_t l;

		memcpy(&l, &r->len, 4);
		memcpy((uint8_t *)r + offsetof(struct evt_rec, ts), &ts, 8);
		if (l < EVT_REC_HDR)
			break; /* cannot happen: records come from our builder */
		off += SCAP_ALIGN8(l);
	}
	if (sr_sb_put(&s->q, s->snap.p, s->snap.len))
		return SR_ENOMEM;
	evt_builder_begin(&s->b, EVT_SNAP_END, &h);
	if (evt_builder_add_u64(&s->b, s->snap_threads) || scap_emit(s, &s->q))
		return SR_ENOMEM;
	sr_sb_setlen(&s->snap, 0);
	s->snap_threads = 0;
	return 0;
}
