/* scap_writer.c: our records -> a .scap capture that sysdig (0.29 on) reads.
 *
 * Layout written: section header (1.2), machine info, then from the first
 * snapshot a process list (PL_V9), one fd list per process (FDL_V2) and a
 * user list (UL_V2), then events. Each syscall record becomes an enter and
 * an exit event (EVF_V2 blocks) in scap's event ids and encodings, using the
 * pair marked SD_WRITE in scap_table.c; records without a pair become
 * scap's generic syscall event. Parameter lengths are 16-bit in these
 * blocks and sysdig reads them into a 64 KiB buffer, so an event that would
 * not fit is cut (largest variable parameters first), never dropped.
 */
#include "scap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_file.h"
#include "scap_int.h"
#include "scap_reader.h"
#include "scap_params.h"

/* Why events are cut: EVF_V2 blocks give every parameter a u16 length, and
 * sysdig 0.29 reads such a block into a 64 KiB buffer; a bigger one makes it
 * stop reading the whole file ("event block length N greater than NON-LARGE
 * read buffer size 65536"). scap's LARGE blocks lift the first limit but
 * sysdig 0.29 misreads them (their u32 lengths taken for u16 ones). So an
 * event that would not fit has its largest variable parameters (buffers,
 * strings, string arrays) cut to a common length, as a snaplen cuts a
 * buffer: every event is kept, its fixed parameters intact. */
#define W_BLOCK_MAX 65536u		       /* sysdig's read buffer; kept to the whole block */
#define W_EVENT_MAX (W_BLOCK_MAX - 12 - 6 - 3) /* less framing, cpu+flags, padding */
#define W_PARAM_MAX 65535u		       /* a u16 parameter length */
#define W_NOT_VAR   UINT32_MAX		       /* marks a fixed-size parameter */
#define ALIGN8(n)   (((n) + 7) & ~(size_t)7)

/* A parent we do not know is (uint32_t)-1 in our records and -1 in scap's
 * 64-bit ptid, as sysdig writes it. */
static uint64_t scap_ptid(uint32_t ppid)
{
	return ppid == UINT32_MAX ? UINT64_MAX : ppid;
}

struct scap_writer {
	FILE *f;
	char path[4096];
	int lists_done, in_snap, failed;
	struct sr_sb snap; /* snapshot records waiting for the lists */
	struct sr_sb blk;  /* block assembly */
	struct sr_sb tmp;
	unsigned long long events;
	unsigned long long cut; /* events with parameters cut to fit */
};

static int wb_put(struct sr_sb *b, const void *d, size_t n)
{
	return sr_sb_put(b, d, n);
}

static int wb_u8(struct sr_sb *b, uint8_t v)
{
	return wb_put(b, &v, 1);
}
static int wb_u16(struct sr_sb *b, uint16_t v)
{
	return wb_put(b, &v, 2);
}
static int wb_u32(struct sr_sb *b, uint32_t v)
{
	return wb_put(b, &v, 4);
}
static int wb_u64(struct sr_sb *b, uint64_t v)
{
	return wb_put(b, &v, 8);
}

/* u16 length + bytes (list blocks store strings without NUL). */
static int wb_lstr(struct sr_sb *b, const uint8_t *p, uint32_t n)
{
	if (n > 1024)
		n = 1024;
	return wb_u16(b, (uint16_t)n) | wb_put(b, p, n);
}

/* Wraps body in a block (header, padding, trailer) and writes it. */
static int write_block(struct scap_writer *w, uint32_t type, const struct sr_sb *body,
		       struct sr_err *err)
{
	uint32_t pad = (uint32_t)((4 - body->len % 4) % 4);
	uint32_t tl = (uint32_t)(12 + body->len + pad);
	static const uint8_t zeros[4];

	if (fwrite(&type, 4, 1, w->f) != 1 || fwrite(&tl, 4, 1, w->f) != 1 ||
	    (body->len && fwrite(body->p, body->len, 1, w->f) != 1) ||
	    (pad && fwrite(zeros, pad, 1, w->f) != 1) || fwrite(&tl, 4, 1, w->f) != 1) {
		w->failed = 1;
		return sr_err_set(err, SR_EIO, "%s: write failed", w->path);
	}
	return 0;
}

int scap_writer_open(struct scap_writer **out, const char *path, const struct fmt_host_info *host,
		     int exclusive, struct sr_err *err)
{
	struct scap_writer *w = calloc(1, sizeof(*w));
	struct sr_sb b = {0};
	char hn[128];
	int rc, fd;

	*out = NULL;
	if (!w)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	snprintf(w->path, sizeof(w->path), "%s", path);
	fd = sr_file_create(path, exclusive ? 0 : SR_FILE_REPLACE, err);
	if (fd < 0) {
		free(w);
		return fd;
	}
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		sr_file_discard(fd, path);
		free(w);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	/* section header: magic, version 1.2, section length unknown (-1) */
	rc = wb_u32(&b, SCAP_SHB_MAGIC) | wb_u16(&b, 1) | wb_u16(&b, 2) | wb_u64(&b, UINT64_MAX);
	rc |= write_block(w, SCAP_BT_SHB, &b, err);
	sr_sb_setlen(&b, 0);
	memset(hn, 0, sizeof(hn));
	if (host)
		memcpy(hn, host->hostname, strnlen(host->hostname, sizeof(hn) - 1));
	rc |= wb_u32(&b, host && host->ncpus ? host->ncpus : 1) | wb_u64(&b, 0) | wb_u64(&b, 0);
	rc |= wb_put(&b, hn, 128);
	rc |= wb_u64(&b, host ? host->boot_ns : 0) | wb_u64(&b, 0) | wb_u64(&b, 0) | wb_u64(&b, 0);
	rc |= write_block(w, SCAP_BT_MI, &b, err);
	sr_sb_free(&b);
	if (rc) {
		fclose(w->f);
		free(w);
		return err && err->code ? err->code : SR_EIO;
	}
	*out = w;
	return 0;
}

/* ---------- lists from the snapshot ---------- */

static const uint8_t *prm(const struct evt *ev, int i, uint32_t *len)
{
	if (i < 0 || (unsigned)i >= ev->nparams) {
		*len = 0;
		return (const uint8_t *)"";
	}
	*len = ev->plen[i];
	return ev->p[i];
}

static int pl_entry(struct sr_sb *b, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	unsigned t = r->type;
	uint32_t exe_l, exep_l, args_l, cwd_l, env_l, cg_l;
	const uint8_t *exe = prm(ev, evt_param_index(t, "exe"), &exe_l);
	const uint8_t *exep = prm(ev, evt_param_index(t, "exepath"), &exep_l);
	const uint8_t *args = prm(ev, evt_param_index(t, "args"), &args_l);
	const uint8_t *cwd = prm(ev, evt_param_index(t, "cwd"), &cwd_l);
	const uint8_t *env = prm(ev, evt_param_index(t, "env"), &env_l);
	const uint8_t *cg = prm(ev, evt_param_index(t, "cgroup"), &cg_l);
	size_t start = b->len;
	uint8_t cgbuf[1100];
	uint32_t cgn = 0, sub;
	int rc = 0;

	rc |= wb_u32(b, 0); /* sub_len, patched below */
	rc |= wb_u64(b, r->tid) | wb_u64(b, r->pid) | wb_u64(b, scap_ptid(r->ppid));
	rc |= wb_u64(b, 0) | wb_u64(b, 0); /* sid, vpgid */
	rc |= wb_lstr(b, (const uint8_t *)r->comm, (uint32_t)strnlen(r->comm, EVT_COMM_LEN));
	rc |= wb_lstr(b, exe, exe_l);
	rc |= wb_lstr(b, exep, exep_l);
	rc |= wb_lstr(b, args, args_l); /* PROCINFO args already exclude argv[0] */
	rc |= wb_lstr(b, cwd, cwd_l);
	rc |= wb_u64(b, 1024) | wb_u32(b, 0) | wb_u32(b, r->uid) | wb_u32(b, r->gid);
	rc |= wb_u32(b, 0) | wb_u32(b, 0) | wb_u32(b, 0) | wb_u64(b, 0) | wb_u64(b, 0);
	rc |= wb_lstr(b, env, env_l);
	rc |= wb_u64(b, evt_param_u64(ev, (unsigned)evt_param_index(t, "vtid")));
	rc |= wb_u64(b, evt_param_u64(ev, (unsigned)evt_param_index(t, "vpid")));
	if (cg_l) {
		cgn = (uint32_t)snprintf((char *)cgbuf, sizeof(cgbuf), "cpuset=%.*s",
					 (int)(cg_l < 1000 ? cg_l : 1000), (const char *)cg) +
		      1;
	}
	rc |= wb_lstr(b, cgbuf, cgn);
	rc |= wb_lstr(b, (const uint8_t *)"/", 1);
	/* the pre-0.10 tail (loginuid, exe_writable, caps): every reader knows it */
	rc |= wb_u32(b, (uint32_t)evt_param_u64(ev, (unsigned)evt_param_index(t, "loginuid")));
	rc |= wb_u8(
	    b, (evt_param_u64(ev, (unsigned)evt_param_index(t, "flags")) & EVT_EXEC_WRITABLE) != 0);
	rc |= wb_u64(b, 0) | wb_u64(b, 0) | wb_u64(b, 0);
	sub = (uint32_t)(b->len - start);
	memcpy(b->p + start, &sub, 4);
	return rc;
}

static uint8_t l4_scap(uint8_t l4)
{
	return l4 == 6 ? 2 : l4 == 17 ? 3 : l4 == 1 ? 4 : 0;
}

/* sysdig 0.29's scap reader knows fd types up to SCAP_FD_FILE_V2 (16) and
 * refuses the whole file on a later one ("wrong fd type 17"). The later
 * types are written as the nearest one it knows: a memfd is a file (its
 * name, "/memfd:NAME (deleted)", and open flags are kept); BPF, userfaultfd,
 * io_uring, pidfd and anything else become SCAP_FD_UNSUPPORTED, which keeps
 * the fd and its name in the table (fd.type shows "unknown" there). Reading
 * the file back gives FDT_FILE and FDT_OTHER for them. */
static unsigned fdtype_for_sysdig(unsigned type)
{
	if (type <= SCAP_FD_FILE_V2)
		return type;
	return type == SCAP_FD_MEMFD ? SCAP_FD_FILE_V2 : SCAP_FD_UNSUPPORTED;
}

static int fd_entry(struct sr_sb *b, const struct evt *ev)
{
	uint32_t nl, tl;
	const uint8_t *name = prm(ev, 2, &nl), *tu = prm(ev, 3, &tl);
	unsigned ours = (unsigned)evt_param_u64(ev, 1);
	int server =
	    (ours == FDT_IPV4 && tl >= 13 && !memcmp(tu + 7, "\0\0\0\0\0\0", 6)) ||
	    (ours == FDT_IPV6 && tl >= 37 && sr_rd64(tu + 19) == 0 && sr_rd64(tu + 27) == 0);
	unsigned type = fdtype_for_sysdig(scap_fdtype_from_ours(ours, (unsigned)server));
	size_t start = b->len;
	uint32_t sub;
	int rc = 0;

	rc |= wb_u32(b, 0) | wb_u64(b, (uint64_t)evt_param_s64(ev, 0)) |
	      wb_u64(b, evt_param_u64(ev, 5));
	rc |= wb_u8(b, (uint8_t)type);
	switch (type) {
	case SCAP_FD_IPV4_SOCK:
		if (tl < 13)
			return -1;
		rc |= wb_put(b, tu + 1, 4) | wb_put(b, tu + 7, 4) | wb_put(b, tu + 5, 2) |
		      wb_put(b, tu + 11, 2) | wb_u8(b, l4_scap(tl > 13 ? tu[13] : 0));
		break;
	case SCAP_FD_IPV4_SERVSOCK:
		rc |= wb_put(b, tu + 1, 4) | wb_put(b, tu + 5, 2) |
		      wb_u8(b, l4_scap(tl > 13 ? tu[13] : 0));
		break;
	case SCAP_FD_IPV6_SOCK:
		if (tl < 37)
			return -1;
		rc |= wb_put(b, tu + 1, 16) | wb_put(b, tu + 19, 16) | wb_put(b, tu + 17, 2) |
		      wb_put(b, tu + 35, 2) | wb_u8(b, l4_scap(tl > 37 ? tu[37] : 0));
		break;
	case SCAP_FD_IPV6_SERVSOCK:
		rc |= wb_put(b, tu + 1, 16) | wb_put(b, tu + 17, 2) |
		      wb_u8(b, l4_scap(tl > 37 ? tu[37] : 0));
		break;
	case SCAP_FD_UNIX_SOCK:
		rc |= wb_u64(b, tl >= 17 ? sr_rd64(tu + 1) : 0);
		rc |= wb_u64(b, tl >= 17 ? sr_rd64(tu + 9) : 0);
		rc |= wb_lstr(b, name, nl);
		break;
	case SCAP_FD_FILE_V2:
		rc |= wb_u32(b, (uint32_t)scap_conv_to_ppm(SV_OFLAGS, evt_param_u64(ev, 4)));
		rc |= wb_lstr(b, name, nl);
		break;
	default:
		rc |= wb_lstr(b, name, nl);
		break;
	}
	sub = (uint32_t)(b->len - start);
	memcpy(b->p + start, &sub, 4);
	return rc;
}

/* Writes the lists from the gathered snapshot records. */
/* A CONTAINERINFO record as libsinsp's container JSON event (272, one
 * string parameter), which sysdig reads into its container table. */
static int write_container(struct scap_writer *w, const struct evt *ev, struct sr_err *err)
{
	static char json[60000];
	size_t n = scap_container_to_json(ev, json, sizeof(json));
	uint32_t evlen = (uint32_t)(SCAP_EVT_HDR_V2 + 2 + n + 1);
	int rc = 0;

	if (!n)
		return 0; /* too large for one event: left out */
	sr_sb_setlen(&w->blk, 0);
	rc |= wb_u16(&w->blk, 0) | wb_u32(&w->blk, 0);
	rc |= wb_u64(&w->blk, ev->rec->ts) | wb_u64(&w->blk, UINT64_MAX) | wb_u32(&w->blk, evlen);
	rc |= wb_u16(&w->blk, SCAP_CONTAINER_JSON) | wb_u32(&w->blk, 1);
	rc |= wb_u16(&w->blk, (uint16_t)(n + 1)) | wb_put(&w->blk, json, n + 1);
	if (rc)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	w->events++;
	return write_block(w, SCAP_BT_EVF_V2, &w->blk, err);
}

static int write_lists(struct scap_writer *w, struct sr_err *err)
{
	struct sr_sb b = {0};
	struct evt ev;
	size_t off;
	int rc = 0;

	w->lists_done = 1;
	/* process list */
	for (off = 0; off < w->snap.len; off += ALIGN8(ev.rec->len)) {
		if (evt_decode(&ev, w->snap.p + off, w->snap.len - off))
			break;
		if (ev.rec->type == EVT_PROCINFO)
			rc |= pl_entry(&b, &ev);
	}
	if (!rc && b.len)
		rc = write_block(w, SCAP_BT_PL_V9, &b, err);
	/* fd lists: one block per run of records of the same process */
	for (off = 0; !rc && off < w->snap.len;) {
		uint32_t pid;
		sr_sb_setlen(&b, 0);
		if (evt_decode(&ev, w->snap.p + off, w->snap.len - off))
			break;
		if (ev.rec->type != EVT_FDINFO) {
			off += ALIGN8(ev.rec->len);
			continue;
		}
		pid = ev.rec->pid;
		rc |= wb_u64(&b, pid);
		while (off < w->snap.len && !evt_decode(&ev, w->snap.p + off, w->snap.len - off) &&
		       ev.rec->type == EVT_FDINFO && ev.rec->pid == pid) {
			size_t mark = b.len;
			if (fd_entry(&b, &ev) < 0)
				sr_sb_setlen(&b,
					     mark); /* a tuple too short to describe: left out */
			off += ALIGN8(ev.rec->len);
		}
		if (!rc && b.len > 8)
			rc = write_block(w, SCAP_BT_FDL_V2, &b, err);
	}
	/* users and groups */
	sr_sb_setlen(&b, 0);
	for (off = 0; !rc && off < w->snap.len; off += ALIGN8(ev.rec->len)) {
		size_t start = b.len;
		uint32_t l1, l2, l3, sub;
		const uint8_t *s1, *s2, *s3;

		if (evt_decode(&ev, w->snap.p + off, w->snap.len - off))
			break;
		if (ev.rec->type == EVT_USERINFO) {
			s1 = prm(&ev, 2, &l1);
			s2 = prm(&ev, 3, &l2);
			s3 = prm(&ev, 4, &l3);
			rc |= wb_u32(&b, 0) | wb_u8(&b, 0) |
			      wb_u32(&b, (uint32_t)evt_param_u64(&ev, 0)) |
			      wb_u32(&b, (uint32_t)evt_param_u64(&ev, 1)) | wb_lstr(&b, s1, l1) |
			      wb_lstr(&b, s2, l2) | wb_lstr(&b, s3, l3);
		} else if (ev.rec->type == EVT_GROUPINFO) {
			s1 = prm(&ev, 1, &l1);
			rc |= wb_u32(&b, 0) | wb_u8(&b, 1) |
			      wb_u32(&b, (uint32_t)evt_param_u64(&ev, 0)) | wb_lstr(&b, s1, l1);
		} else {
			continue;
		}
		sub = (uint32_t)(b.len - start);
		memcpy(b.p + start, &sub, 4);
	}
	if (!rc && b.len)
		rc = write_block(w, SCAP_BT_UL_V2, &b, err);
	/* containers: as events right after the lists */
	for (off = 0; !rc && off < w->snap.len; off += ALIGN8(ev.rec->len)) {
		if (evt_decode(&ev, w->snap.p + off, w->snap.len - off))
			break;
		if (ev.rec->type == EVT_CONTAINERINFO)
			rc = write_container(w, &ev, err);
	}
	sr_sb_free(&b);
	sr_sb_free(&w->snap);
	memset(&w->snap, 0, sizeof(w->snap));
	if (rc && !(err && err->code))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	return rc;
}

/* ---------- events ---------- */

/* Parameter counts sysdig 0.29 expects where newer scap added more. */
static unsigned exit_count_for_writing(const struct scap_evdef *d)
{
	switch (d->id) {
	case 22:
		return 2; /* connect */
	case 292:
	case 330:
		return 20; /* execve, execveat */
	default:
		return d->nx;
	}
}

/* 1 when parameter d holds NUL-terminated strings back to back (argv, env). */
static int is_strarray(const struct scap_prm *d, const struct evt_info *info)
{
	if (d->conv == SV_ARGV)
		return 1;
	return info && d->our >= 0 && (unsigned)d->our < info->nparams &&
	       info->params[d->our].type == PT_STRARRAY;
}

/* Appends one scap parameter value for d (our record ev) to w->tmp: its
 * length in *lenp; for a variable-size one, its content (NUL excluded) cut
 * to cap bytes, that content's length in *varp (W_NOT_VAR otherwise). */
static int put_param(struct scap_writer *w, const struct scap_prm *d, const struct evt *ev,
		     uint16_t sc, uint32_t cap, uint16_t *lenp, uint32_t *varp)
{
	const struct evt_rec *r = ev->rec;
	struct sr_sb *t = &w->tmp;
	size_t start = t->len;
	unsigned width = scap_wire_width(d->wire);
	uint8_t sock[160];
	uint32_t l = 0, a0;
	const uint8_t *p = NULL;
	uint64_t num = 0;
	int have = d->our >= 0 && (unsigned)d->our < ev->nparams && ev->plen[d->our] > 0;
	int rc = 0;

	*varp = W_NOT_VAR;
	if (have)
		p = prm(ev, d->our, &l);
	switch (d->conv) {
	case SV_RES:
		num = (uint64_t)r->res;
		have = 1;
		break;
	case SV_TID:
	case SV_VTID:
		num = r->tid;
		have = 1;
		break;
	case SV_PID:
	case SV_VPID:
		num = r->pid;
		have = 1;
		break;
	case SV_PTID:
		num = scap_ptid(r->ppid);
		have = 1;
		break;
	case SV_UID:
		num = r->uid;
		have = 1;
		break;
	case SV_GID:
		num = r->gid;
		have = 1;
		break;
	case SV_SCID:
		num = sc;
		have = 1;
		break;
	case SV_COMM:
		p = (const uint8_t *)r->comm;
		l = (uint32_t)strnlen(r->comm, EVT_COMM_LEN);
		have = 1;
		break;
	case SV_ARGV0:
	case SV_ARGV:
		p = prm(ev, evt_param_index(r->type, "args"), &l);
		a0 = scap_str_len(p, l);
		if (d->conv == SV_ARGV0)
			l = a0;
		else if (a0 < l)
			p += a0 + 1, l -= a0 + 1;
		else
			l = 0;
		have = 1;
		break;
	case SV_TRUSTED_EXE:
		p = prm(ev, evt_param_index(r->type, "exe"), &l);
		have = 1;
		break;
	default:
		break;
	}
	if (width) {
		if (d->our >= 0 && (unsigned)d->our < ev->nparams && ev->plen[d->our])
			num = scap_conv_to_ppm(d->conv, evt_param_u64(ev, (unsigned)d->our));
		rc = wb_put(t, &num, width); /* little endian: the low bytes first */
	} else {
		if (!have)
			l = 0;
		switch (d->wire) {
		case SW_STR:
			if (cap > W_PARAM_MAX - 1)
				cap = W_PARAM_MAX - 1; /* room for the NUL */
			if (l > cap)
				l = cap;
			rc = wb_put(t, p, l) | wb_u8(t, 0);
			*varp = l;
			break;
		case SW_BUF:
			if (cap > W_PARAM_MAX)
				cap = W_PARAM_MAX;
			if (l > cap && is_strarray(d, evt_info_get(r->type)) && cap > 0) {
				/* a cut string array still ends its last string */
				rc = wb_put(t, p, cap - 1) | wb_u8(t, 0);
				l = cap;
			} else {
				if (l > cap)
					l = cap;
				rc = wb_put(t, p, l);
			}
			*varp = l;
			break;
		case SW_SA:
			rc = wb_put(
			    t, sock,
			    scap_sa_from_ours(have ? p : NULL, have ? l : 0, sock, sizeof(sock)));
			break;
		case SW_ST:
			if (d->conv == SV_PEER_DST || d->conv == SV_PEER_SRC)
				rc = wb_put(t, sock,
					    scap_sa_to_st(have ? p : NULL, have ? l : 0,
							  d->conv == SV_PEER_DST, sock,
							  sizeof(sock)));
			else
				rc = wb_put(t, sock,
					    scap_st_from_ours(have ? p : NULL, have ? l : 0,
							      d->conv == SV_ACCEPT, sock,
							      sizeof(sock)));
			break;
		case SW_FDL:
			rc = wb_u16(t, 0);
			break;
		default: /* dyn: index 0, 8-byte zero */
			rc = wb_u8(t, 0) | wb_u64(t, 0);
			break;
		}
	}
	*lenp = (uint16_t)(t->len - start);
	return rc;
}

/* The largest length L such that cutting every variable parameter to L
 * makes their total fit budget (var[i] == W_NOT_VAR: fixed, not counted). */
static uint32_t cut_level(const uint32_t *var, unsigned n, uint64_t budget)
{
	uint32_t lo = 0, hi = 0;

	for (unsigned i = 0; i < n; i++)
		if (var[i] != W_NOT_VAR && var[i] > hi)
			hi = var[i];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		uint64_t sum = 0;

		for (unsigned i = 0; i < n; i++)
			if (var[i] != W_NOT_VAR)
				sum += var[i] < mid ? var[i] : mid;
		if (sum <= budget)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Encodes the n parameters into w->tmp, each variable one cut to cap. */
static int put_params(struct scap_writer *w, const struct evt *ev, const struct scap_prm *defs,
		      unsigned n, uint16_t sc, uint32_t cap, uint16_t *lens, uint32_t *var)
{
	int rc = 0;

	sr_sb_setlen(&w->tmp, 0);
	for (unsigned i = 0; i < n && !rc; i++)
		rc = put_param(w, &defs[i], ev, sc, cap, &lens[i], &var[i]);
	return rc;
}

static int write_event(struct scap_writer *w, uint16_t type, uint64_t ts, const struct evt *ev,
		       const struct scap_prm *defs, unsigned n, uint16_t sc, struct sr_err *err)
{
	const struct evt_rec *r = ev->rec;
	uint16_t lens[32];
	uint32_t var[32];
	uint32_t evlen, flags = 0, nparams = n;
	uint16_t cpu = r->cpu;
	int rc = 0;

	if (n > 32)
		return sr_err_set(err, SR_ELIMIT, "scap event %u: %u parameters", type, n);
	if (put_params(w, ev, defs, n, sc, W_PARAM_MAX, lens, var))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	evlen = (uint32_t)(SCAP_EVT_HDR_V2 + 2 * n + w->tmp.len);
	if (evlen > W_EVENT_MAX) {
		/* Too big for sysdig: cut the variable parameters to a common
		 * length that fits, so the biggest lose the most. */
		uint64_t fixed = evlen;

		for (unsigned i = 0; i < n; i++)
			if (var[i] != W_NOT_VAR)
				fixed -= var[i];
		if (put_params(w, ev, defs, n, sc,
			       cut_level(var, n, fixed < W_EVENT_MAX ? W_EVENT_MAX - fixed : 0),
			       lens, var))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
		evlen = (uint32_t)(SCAP_EVT_HDR_V2 + 2 * n + w->tmp.len);
		w->cut++;
		if (evlen > W_EVENT_MAX) /* fixed parts alone are < 6 KiB: cannot happen */
			return sr_err_set(err, SR_ELIMIT, "scap event %u: %u bytes after cutting",
					  type, evlen);
	}
	sr_sb_setlen(&w->blk, 0);
	rc |= wb_u16(&w->blk, cpu) | wb_u32(&w->blk, flags);
	rc |= wb_u64(&w->blk, ts) | wb_u64(&w->blk, r->tid) | wb_u32(&w->blk, evlen);
	rc |= wb_u16(&w->blk, type) | wb_u32(&w->blk, nparams);
	rc |= wb_put(&w->blk, lens, 2 * n) | wb_put(&w->blk, w->tmp.p, w->tmp.len);
	if (rc)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	w->events++;
	return write_block(w, SCAP_BT_EVF_V2, &w->blk, err);
}

int scap_writer_append(struct scap_writer *w, const void *rec, size_t len, struct sr_err *err)
{
	struct evt ev;
	const struct evt_rec *r;
	const struct evt_info *info;
	const struct scap_evdef *d;
	static struct scap_prm generic_e[2] = {{SW_U16, SV_SCID, -1}, {SW_U16, SV_COPY, 0}};
	static struct scap_prm generic_x[1] = {{SW_U16, SV_SCID, -1}};
	uint64_t exit_ts, enter_ts;
	int rc, sc = 0;

	if (w->failed)
		return sr_err_set(err, SR_EIO, "%s: writer failed earlier", w->path);
	if (evt_decode(&ev, rec, len))
		return sr_err_set(err, SR_ECORRUPT, "record to write is malformed");
	r = ev.rec;
	info = evt_info_get(r->type);
	if (info && info->category == EC_META) {
		if (w->lists_done && r->type == EVT_CONTAINERINFO)
			return write_container(w, &ev, err);
		if (w->lists_done)
			return 0; /* later snapshots: scap has no place for them */
		if (r->type == EVT_SNAP_BEGIN)
			w->in_snap = 1;
		else if (r->type == EVT_SNAP_END)
			w->in_snap = 0;
		else if (r->type != EVT_DROP) {
			static const uint8_t zeros[8];
			/* kept 8-byte aligned: decoded views read header fields directly */
			if (wb_put(&w->snap, rec, len) ||
			    wb_put(&w->snap, zeros, ALIGN8(len) - len))
				return sr_err_set(err, SR_ENOMEM, "out of memory");
		}
		return 0;
	}
	if (!w->lists_done && (rc = write_lists(w, err)))
		return rc;
	d = scap_evdef_for_type(r->type);
	exit_ts = r->ts;
	enter_ts = r->latency <= r->ts ? r->ts - r->latency : r->ts;
	if (!d) {
		int nr;
		uint64_t v;
		struct evt fake = ev;

		/* Scheduler records (procfork/procexec/procexit) have no scap
		 * event. A decoded syscall without a scap pair (dup2, capset,
		 * memfd_create, ...) becomes scap's generic event, as an
		 * undecoded one does: its number is kept, its arguments and
		 * result are not (the generic event has no place for them). */
		if (r->type == EVT_GENERIC)
			nr = (int)evt_param_s64(&ev, 0);
		else if (evt_type_is_syscall(r->type))
			nr = evt_sysnr_by_name(info->name);
		else
			nr = -1;
		if (nr < 0)
			return 0;
		sc = scap_nr_to_sc(nr);
		if (sc < 0)
			sc = 0;
		v = (uint64_t)nr;
		fake.nparams = 1;
		fake.p[0] = (const uint8_t *)&v;
		fake.plen[0] = 8;
		if (r->type == EVT_EXIT || r->type == EVT_EXIT_GROUP)
			/* they never return: scap's generic enter alone */
			return write_event(w, 0, exit_ts, &fake, generic_e, 2, (uint16_t)sc, err);
		rc = write_event(w, 0, enter_ts, &fake, generic_e, 2, (uint16_t)sc, err);
		if (!rc && !(r->flags & EVT_RF_ENTER_ONLY))
			rc = write_event(w, 1, exit_ts, &fake, generic_x, 1, (uint16_t)sc, err);
		return rc;
	}
	if (d->flags & SD_SINGLE)
		return write_event(w, d->id, exit_ts, &ev, d->e, d->ne, 0, err);
	rc = write_event(w, d->id, enter_ts, &ev, d->e, d->ne, 0, err);
	if (!rc && !(r->flags & EVT_RF_ENTER_ONLY))
		rc = write_event(w, (uint16_t)(d->id + 1), exit_ts, &ev, d->x,
				 exit_count_for_writing(d), 0, err);
	return rc;
}

unsigned long long scap_writer_events(const struct scap_writer *w)
{
	return w->events;
}

unsigned long long scap_writer_cut(const struct scap_writer *w)
{
	return w->cut;
}

int scap_writer_close(struct scap_writer *w, struct sr_err *err)
{
	int rc = 0;

	if (!w)
		return 0;
	if (!w->failed && !w->lists_done)
		rc = write_lists(w, err);
	if (fclose(w->f) != 0 && !rc)
		rc = sr_err_set(err, SR_EIO, "%s: write failed", w->path);
	if (w->failed && !rc)
		rc = SR_EIO;
	sr_sb_free(&w->snap);
	sr_sb_free(&w->blk);
	sr_sb_free(&w->tmp);
	free(w);
	return rc;
}
