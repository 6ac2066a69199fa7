/* fleet_pub: publishes a capture set, read back from disk, to JetStream.
 *
 * The ring files are the queue: the thread finds the oldest file not yet
 * sent (by its start time), walks its chunk headers and publishes each chunk
 * once all its bytes are on disk and its header crc holds. Publishes are
 * asynchronous, in batches; a batch whose acks do not all come back is sent
 * again from its first chunk (same message ids: the stream drops what it
 * already has). Only acknowledged progress goes to the state file.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_time.h"
#include "../format/fmt_host.h"
#include "../format/fmt_tail.h"
#include "fleet_int.h"

#define BATCH_MSGS  64
#define BATCH_BYTES (8u << 20)
#define ACK_WAIT_MS 5000

struct pub_state {
	uint64_t start_ns; /* of the file in progress (0: none yet) */
	char fid[64];
	uint64_t next; /* chunks [0, next) acknowledged */
	int hdr_sent, done;
};

/* Where one file goes: the ring's files on .files/.chunks with the ring's
 * state; an evidence file, whole, on its own subject with a state of its own. */
struct pub_dest {
	const char *subj_files, *subj_chunks;
	const char *idp;  /* message ids: "<idp>.<fid>.<seq>" */
	const char *name; /* evidence: its file name, in the header message */
	struct pub_state *ps;
	int ring; /* progress saved after each batch; the live file may still grow */
};

struct fleet_pub {
	struct fleet_cfg cfg;
	char path[4096], state_path[4200], ev_state_path[4200];
	char **ev_done; /* evidence file names acknowledged whole */
	size_t nev_done;
	uint64_t ev_scan_ns; /* monotonic, of the last look for evidence */
	char host[256], subj_chunks[320], subj_files[320];
	struct out_nats_conn c;
	size_t part_max;    /* bytes of a chunk per message */
	size_t payload_max; /* the server's limit, less room for headers */
	uint64_t skip_seq;  /* tests: 1 + the chunk left out, 0: none */
	struct pub_state ps;
	pthread_t th;
	pthread_mutex_t mu;
	struct fleet_pub_stats st;
	atomic_int stop, failed;
	uint64_t deadline; /* monotonic ns, when stop is set */
	int push;	   /* fleet push: the files as they are now, then return */
	int started;
};

static int give_up(struct fleet_pub *p)
{
	return atomic_load(&p->stop) && sr_time_now(CLOCK_MONOTONIC) >= p->deadline;
}

static void nap(struct fleet_pub *p, unsigned ms)
{
	while (ms && !give_up(p)) {
		unsigned step = ms < 50 ? ms : 50;

		usleep(step * 1000);
		ms -= step;
	}
}

static void on_pub_err(jsCtx *js, jsPubAckErr *pae, void *closure)
{
	struct fleet_pub *p = closure;

	(void)js;
	(void)pae;
	atomic_store(&p->failed, 1);
}

static int state_load(struct fleet_pub *p)
{
	FILE *f = fopen(p->state_path, "r");
	unsigned long long start = 0, next = 0;
	int hs = 0, done = 0;

	memset(&p->ps, 0, sizeof(p->ps));
	if (!f)
		return 0;
	if (fscanf(f, "%llu %63s %llu %d %d", &start, p->ps.fid, &next, &hs, &done) == 5) {
		p->ps.start_ns = start;
		p->ps.next = next;
		p->ps.hdr_sent = hs;
		p->ps.done = done;
	} else {
		memset(&p->ps, 0, sizeof(p->ps));
	}
	fclose(f);
	return 0;
}

/* Written to a temporary name and renamed: a crash leaves the old or the new. */
static void state_save(struct fleet_pub *p)
{
	char tmp[4300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", p->state_path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%llu %s %llu %d %d\n", (unsigned long long)p->ps.start_ns,
		p->ps.fid[0] ? p->ps.fid : "-", (unsigned long long)p->ps.next, p->ps.hdr_sent,
		p->ps.done);
	if (fclose(f) == 0)
		rename(tmp, p->state_path);
}

static int pub_msg(struct fleet_pub *p, const struct pub_dest *d, const char *subj, const char *id,
		   const char *kind, const char *fid, uint64_t seq, const char *part,
		   const struct fmt_tail_chunk *ch, const void *data, size_t len)
{
	natsMsg *m = NULL;
	jsPubOptions po;
	char num[32];
	natsStatus s;

	s = natsMsg_Create(&m, subj, NULL, data, (int)len);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, FLEET_H_KIND, kind);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, FLEET_H_FILE, fid);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)seq);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, FLEET_H_SEQ, num);
	if (s == NATS_OK && part)
		s = natsMsgHeader_Set(m, FLEET_H_PART, part);
	if (s == NATS_OK && d->name && !strcmp(kind, "header"))
		s = natsMsgHeader_Set(m, FLEET_H_NAME, d->name);
	if (s == NATS_OK && ch) {
		snprintf(num, sizeof(num), "%u", ch->count);
		s = natsMsgHeader_Set(m, FLEET_H_COUNT, num);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)ch->first_ts);
		if (s == NATS_OK)
			s = natsMsgHeader_Set(m, FLEET_H_FIRST, num);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)ch->last_ts);
		if (s == NATS_OK)
			s = natsMsgHeader_Set(m, FLEET_H_LAST, num);
	}
	jsPubOptions_Init(&po);
	po.MsgId = id;
	po.MaxWait = ACK_WAIT_MS;
	if (s == NATS_OK)
		s = js_PublishMsgAsync(p->c.js, &m, &po);
	if (m)
		natsMsg_Destroy(m); /* only when the library did not take it */
	return s == NATS_OK ? 0 : -1;
}

/* Waits for the batch's acks. 0: all stored; -1: send the batch again. */
static int batch_wait(struct fleet_pub *p)
{
	/* the unacknowledged are dropped there and sent again from disk */
	if (out_nats_async_wait(&p->c, ACK_WAIT_MS))
		atomic_store(&p->failed, 1);
	if (atomic_exchange(&p->failed, 0))
		return -1;
	return 0;
}

static int buf_fit(uint8_t **buf, size_t *cap, size_t len)
{
	uint8_t *nb;

	if (len <= *cap)
		return 0;
	nb = realloc(*buf, len);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = len;
	return 0;
}

struct file_head {
	char path[4096];
	uint64_t start_ns;
	char fid[64];
	uint8_t *hdr;
	uint32_t hdr_len;
};

static int head_read(const char *path, struct file_head *fh)
{
	struct fmt_host_info hi;
	uint32_t crc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(fh, 0, sizeof(*fh));
	if (fd < 0)
		return -1;
	if (fmt_tail_header(fd, &fh->hdr, &fh->hdr_len, &crc, &hi)) {
		close(fd);
		return -1;
	}
	free((void *)hi.provenance);
	fh->start_ns = hi.start_ns;
	snprintf(fh->fid, sizeof(fh->fid), "%llu-%08x", (unsigned long long)hi.start_ns, crc);
	snprintf(fh->path, sizeof(fh->path), "%s", path);
	close(fd);
	return 0;
}

static int cmp_head(const void *a, const void *b)
{
	const struct file_head *x = a, *y = b;

	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* path without its .sysrec: the stem its siblings are named after */
static int stem_len(const char *path)
{
	size_t len = strlen(path);

	return (int)(len > 7 && !strcmp(path + len - 7, ".sysrec") ? len - 7 : len);
}

/* The capture set of path: its rotated siblings (STEM.*.sysrec, not the
 * evidence files STEM.evidence.*) and itself, oldest first; with evidence,
 * the evidence files only. Files without a readable header yet are left out. */
static size_t list_files(const char *path, int evidence, struct file_head **out)
{
	char pat[4300], ev[4200];
	size_t n = 0, evlen;
	int sl = stem_len(path);
	struct file_head *v;
	glob_t g;

	evlen = (size_t)snprintf(ev, sizeof(ev), "%.*s.evidence.", sl, path);
	if (evidence)
		snprintf(pat, sizeof(pat), "%s*.sysrec", ev);
	else if ((size_t)sl < strlen(path))
		snprintf(pat, sizeof(pat), "%.*s.*.sysrec", sl, path);
	else
		snprintf(pat, sizeof(pat), "%s.*", path);
	memset(&g, 0, sizeof(g));
	glob(pat, 0, NULL, &g);
	v = calloc(g.gl_pathc + 1, sizeof(*v));
	if (!v) {
		globfree(&g);
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (!evidence && !strncmp(g.gl_pathv[i], ev, evlen))
			continue;
		if (!head_read(g.gl_pathv[i], &v[n]))
			n++;
	}
	globfree(&g);
	if (!evidence && !head_read(path, &v[n]))
		n++;
	qsort(v, n, sizeof(*v), cmp_head);
	*out = v;
	return n;
}

static void list_free(struct file_head *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].hdr);
	free(v);
}

static void add_stats(struct fleet_pub *p, uint64_t chunks, uint64_t bytes, uint64_t events,
		      uint64_t files)
{
	pthread_mutex_lock(&p->mu);
	p->st.chunks += chunks;
	p->st.bytes += bytes;
	p->st.events += events;
	p->st.files += files;
	pthread_mutex_unlock(&p->mu);
}

static int pub_evidence(struct fleet_pub *p, int force);

static size_t list_set(const char *path, struct file_head **out)
{
	return list_files(path, 0, out);
}

/* Publishes one file from the state's position. 0: the file is done (its
 * index reached, or it stopped growing and is no longer the live file);
 * 1: stopping before its end. */
static int pub_file(struct fleet_pub *p, const struct file_head *fh, const struct pub_dest *d)
{
	struct pub_state *ps = d->ps;
	char id[400], part[48];
	uint8_t *buf = NULL;
	size_t cap = 0;
	uint64_t off = fh->hdr_len, seq = 0, b_off, b_seq, b_events = 0, b_bytes = 0;
	unsigned b_msgs = 0, idle = 0;
	int fd = open(fh->path, O_RDONLY | O_CLOEXEC), hdr_sent, end = 0, rc = 1;
	struct stat me;

	if (fd < 0 || fstat(fd, &me)) {
		if (fd >= 0)
			close(fd);
		return 0; /* removed meanwhile: the caller counts it */
	}
	if (strcmp(ps->fid, fh->fid) != 0) {
		memset(ps, 0, sizeof(*ps));
		snprintf(ps->fid, sizeof(ps->fid), "%s", fh->fid);
		ps->start_ns = fh->start_ns;
	}
	hdr_sent = ps->hdr_sent;
	/* skip what the stream acknowledged */
	while (seq < ps->next) {
		struct fmt_tail_chunk h;

		if (fmt_tail_chunk(fd, off, &h) != FMT_TAIL_CHUNK)
			break;
		off += h.size;
		seq++;
	}
	b_off = off;
	b_seq = seq;
	while (!give_up(p)) {
		struct fmt_tail_chunk h;
		int k = FMT_TAIL_NONE;

		if (!hdr_sent) {
			snprintf(id, sizeof(id), "%s.%s.h", d->idp, fh->fid);
			if (pub_msg(p, d, d->subj_files, id, "header", fh->fid, 0, NULL, NULL,
				    fh->hdr, fh->hdr_len))
				atomic_store(&p->failed, 1);
			hdr_sent = 1;
			b_msgs++;
		}
		if (!end)
			k = fmt_tail_chunk(fd, off, &h);
		if (k == FMT_TAIL_CHUNK) {
			size_t len = (size_t)h.size, nparts;

			if (buf_fit(&buf, &cap, len) || fmt_tail_read(fd, off, buf, len))
				break;
			nparts = (len + p->part_max - 1) / p->part_max;
			/* tests: a chunk that never reaches the stream (a gap) */
			if (p->skip_seq && seq == p->skip_seq - 1)
				nparts = 0;
			for (size_t i = 0; i < nparts; i++) {
				size_t plen = i + 1 < nparts ? p->part_max : len - i * p->part_max;

				if (nparts > 1) {
					snprintf(id, sizeof(id), "%s.%s.%llu.%zu", d->idp, fh->fid,
						 (unsigned long long)seq, i);
					snprintf(part, sizeof(part), "%zu/%zu", i, nparts);
				} else {
					snprintf(id, sizeof(id), "%s.%s.%llu", d->idp, fh->fid,
						 (unsigned long long)seq);
				}
				if (pub_msg(p, d, d->subj_chunks, id, "chunk", fh->fid, seq,
					    nparts > 1 ? part : NULL, &h, buf + i * p->part_max,
					    plen))
					atomic_store(&p->failed, 1);
			}
			off += len;
			seq++;
			b_msgs += (unsigned)nparts;
			b_bytes += len;
			b_events += h.count;
			idle = 0;
			if (b_msgs < BATCH_MSGS && b_bytes < BATCH_BYTES)
				continue;
		} else if (k == FMT_TAIL_INDEX) {
			struct stat sb;
			size_t tail = 0;

			/* the index and trailer ride along when they fit: the reader
			 * then rebuilds the very file, which verify takes as complete */
			if (!fstat(fd, &sb) && (uint64_t)sb.st_size > off &&
			    (uint64_t)sb.st_size - off <= p->payload_max) {
				tail = (size_t)((uint64_t)sb.st_size - off);
				if (buf_fit(&buf, &cap, tail) || fmt_tail_read(fd, off, buf, tail))
					tail = 0;
			}
			snprintf(id, sizeof(id), "%s.%s.end", d->idp, fh->fid);
			if (pub_msg(p, d, d->subj_files, id, "end", fh->fid, seq, NULL, NULL,
				    tail ? (const void *)buf : "", tail))
				atomic_store(&p->failed, 1);
			end = 1;
			b_msgs++;
		}
		if (b_msgs) {
			if (batch_wait(p)) {
				/* again from the batch's first chunk, after a pause */
				pthread_mutex_lock(&p->mu);
				p->st.retries++;
				p->st.connected = 0;
				pthread_mutex_unlock(&p->mu);
				off = b_off;
				seq = b_seq;
				hdr_sent = ps->hdr_sent;
				end = 0;
				b_msgs = 0;
				b_bytes = b_events = 0;
				nap(p, 500);
				continue;
			}
			add_stats(p, seq - b_seq, b_bytes, b_events, end && d->ring);
			pthread_mutex_lock(&p->mu);
			p->st.connected = 1;
			pthread_mutex_unlock(&p->mu);
			ps->next = seq;
			ps->hdr_sent = 1;
			ps->done = end;
			if (d->ring)
				state_save(p);
			b_off = off;
			b_seq = seq;
			b_msgs = 0;
			b_bytes = b_events = 0;
		}
		if (end) {
			rc = 0;
			break;
		}
		if (k == 1)
			continue; /* a full batch went out: on with the next chunk */
		/* Not complete yet. A file that is no longer the live one and has
		 * stopped growing was left by a killed recorder; push takes a
		 * file as it is now. */
		{
			struct stat cur;
			int live = !stat(p->path, &cur) && cur.st_ino == me.st_ino &&
				   cur.st_dev == me.st_dev;

			/* an evidence file is taken once closed, or as it was left */
			if (p->push || !d->ring || (!live && ++idle > 20)) {
				rc = 0;
				break;
			}
		}
		/* the live file takes as long as it is recorded: evidence closed
		 * meanwhile goes between its batches (none is in flight here) */
		if (d->ring && pub_evidence(p, 0))
			break;
		nap(p, 50);
	}
	free(buf);
	close(fd);
	return rc;
}

/* ---- evidence captures ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int ev_is_done(const struct fleet_pub *p, const char *name)
{
	for (size_t i = 0; i < p->nev_done; i++)
		if (!strcmp(p->ev_done[i], name))
			return 1;
	return 0;
}

static void ev_add_done(struct fleet_pub *p, const char *name)
{
	char **nv = realloc(p->ev_done, (p->nev_done + 1) * sizeof(*nv));

	if (!nv)
		return; /* sent again later: the message ids keep it single */
	p->ev_done = nv;
	nv[p->nev_done] = strdup(name);
	if (nv[p->nev_done])
		p->nev_done++;
}

/* "<path>.fleet-evidence": one line per evidence file acknowledged whole,
 * "NAME FILE-ID". Appended after the acks; a line lost to a crash means the
 * file goes again, and the stream drops it as a duplicate. */
static void ev_state_load(struct fleet_pub *p)
{
	FILE *f = fopen(p->ev_state_path, "r");
	char name[4096], fid[64];

	if (!f)
		return;
	while (fscanf(f, "%4095s %63s", name, fid) == 2)
		ev_add_done(p, name);
	fclose(f);
}

static void ev_state_add(struct fleet_pub *p, const struct file_head *fh)
{
	FILE *f = fopen(p->ev_state_path, "a");

	ev_add_done(p, base_name(fh->path));
	if (!f)
		return;
	fprintf(f, "%s %s\n", base_name(fh->path), fh->fid);
	fclose(f);
}

/* 1 when the evidence file is closed (its index follows the last chunk), or
 * was left unclosed (no change for a minute: its recorder was killed). */
static int ev_ready(const struct file_head *fh)
{
	struct fmt_tail_chunk h;
	uint64_t off = fh->hdr_len;
	struct stat sb;
	int fd = open(fh->path, O_RDONLY | O_CLOEXEC), k;

	if (fd < 0)
		return 0;
	while ((k = fmt_tail_chunk(fd, off, &h)) == FMT_TAIL_CHUNK)
		off += h.size;
	if (k != FMT_TAIL_INDEX && !fstat(fd, &sb) &&
	    (uint64_t)time(NULL) > (uint64_t)sb.st_mtim.tv_sec + 60)
		k = FMT_TAIL_INDEX;
	close(fd);
	return k == FMT_TAIL_INDEX;
}

/* Sends every evidence file that is ready and not sent yet, oldest first:
 * header, chunks and end on sysrec.<host>.evidence.<file id>, message ids
 * "<host>.evidence.<file id>.<seq>". Looks at most once a second unless
 * forced. 1: stopping before the end. */
static int pub_evidence(struct fleet_pub *p, int force)
{
	char subj[400], idp[300];
	struct file_head *v;
	uint64_t now = sr_time_now(CLOCK_MONOTONIC);
	size_t n;
	int rc = 0;

	if (!force && now - p->ev_scan_ns < 1000000000ull)
		return 0;
	p->ev_scan_ns = now;
	n = list_files(p->path, 1, &v);
	snprintf(idp, sizeof(idp), "%s.evidence", p->host);
	for (size_t i = 0; i < n && !rc; i++) {
		struct pub_state ps;
		struct pub_dest d = {subj, subj, idp, base_name(v[i].path), &ps, 0};

		if (ev_is_done(p, d.name) || !ev_ready(&v[i]))
			continue;
		memset(&ps, 0, sizeof(ps));
		snprintf(subj, sizeof(subj), "sysrec.%s.evidence.%s", p->host, v[i].fid);
		rc = pub_file(p, &v[i], &d);
		if (!rc) {
			ev_state_add(p, &v[i]);
			pthread_mutex_lock(&p->mu);
			p->st.evidence++;
			pthread_mutex_unlock(&p->mu);
		}
	}
	list_free(v, n);
	return rc;
}

static void *pub_main(void *arg)
{
	struct fleet_pub *p = arg;
	struct pub_dest ring = {p->subj_files, p->subj_chunks, p->host, NULL, &p->ps, 1};

	while (!give_up(p)) {
		struct file_head *v;
		size_t n, pick;
		int state_file_seen = 0;

		/* evidence first: small, and what an analyst asks for first */
		if (pub_evidence(p, p->push))
			break;
		n = list_set(p->path, &v);
		pick = n;

		for (size_t i = 0; i < n; i++) {
			if (!strcmp(v[i].fid, p->ps.fid))
				state_file_seen = 1;
			if (v[i].start_ns > p->ps.start_ns ||
			    (!strcmp(v[i].fid, p->ps.fid) && !p->ps.done)) {
				pick = i;
				break;
			}
		}
		/* the file in progress was removed before all of it was sent */
		if (p->ps.fid[0] && !p->ps.done && !state_file_seen && pick < n) {
			pthread_mutex_lock(&p->mu);
			p->st.lost_files++;
			pthread_mutex_unlock(&p->mu);
		}
		if (pick == n) {
			list_free(v, n);
			/* the recorder closed its evidence before it stopped us */
			if (atomic_load(&p->stop) && pub_evidence(p, 1))
				break;
			if (atomic_load(&p->stop) || p->push)
				break;
			nap(p, 100);
			continue;
		}
		if (pub_file(p, &v[pick], &ring)) {
			list_free(v, n);
			break;
		}
		/* a file taken as it stood (killed recorder, push) counts as done */
		if (!p->ps.done) {
			p->ps.done = 1;
			state_save(p);
			add_stats(p, 0, 0, 0, 1);
		}
		list_free(v, n);
	}
	return NULL;
}

static int pub_init(struct fleet_pub *p, const struct fleet_cfg *cfg, const char *path,
		    const char *hostname, struct sr_err *err)
{
	jsOptions jo;
	int64_t maxp;
	int rc;

	p->cfg = *cfg;
	snprintf(p->path, sizeof(p->path), "%s", path);
	snprintf(p->state_path, sizeof(p->state_path), "%s.fleet", path);
	snprintf(p->ev_state_path, sizeof(p->ev_state_path), "%s.fleet-evidence", path);
	fleet_subject_host(hostname, p->host, sizeof(p->host));
	snprintf(p->subj_chunks, sizeof(p->subj_chunks), "sysrec.%s.chunks", p->host);
	snprintf(p->subj_files, sizeof(p->subj_files), "sysrec.%s.files", p->host);
	pthread_mutex_init(&p->mu, NULL);
	jsOptions_Init(&jo);
	jo.Wait = ACK_WAIT_MS;
	jo.PublishAsync.MaxPending = 2 * BATCH_MSGS;
	jo.PublishAsync.ErrHandler = on_pub_err;
	jo.PublishAsync.ErrHandlerClosure = p;
	rc = fleet_conn_open(&p->c, cfg->servers, cfg->nservers, cfg->creds, 1, &jo, err);
	if (rc)
		return rc;
	maxp = natsConnection_GetMaxPayload(p->c.nc);
	/* room for the headers; 1 MiB when not connected yet (the server default) */
	p->payload_max = (size_t)(maxp > 4096 ? maxp : 1 << 20) - 1024;
	p->part_max = p->payload_max;
	if (getenv("SYSREC_FLEET_PART_MAX")) /* tests: force splitting */
		p->part_max = strtoul(getenv("SYSREC_FLEET_PART_MAX"), NULL, 10);
	if (getenv("SYSREC_FLEET_SKIP_CHUNK")) /* tests: leave chunk N out (N from 0) */
		p->skip_seq = strtoull(getenv("SYSREC_FLEET_SKIP_CHUNK"), NULL, 10) + 1;
	if (p->part_max < 512)
		p->part_max = 512;
	state_load(p);
	ev_state_load(p);
	return 0;
}

/* What the starting thread hands the publisher thread, and gets back. */
struct pub_boot {
	struct fleet_pub *p;
	const char *path, *hostname;
	struct sr_err *err;
	int rc, ready;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The publisher and the NATS client's threads (created by the connect
 * below, from this thread) run at nice +10: the recorder runs at -10 so the
 * ring consumer keeps up, and publishing must never take its CPU. */
static void *pub_thread(void *arg)
{
	struct pub_boot *b = arg;
	struct fleet_pub *p = b->p;
	int rc;

	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	rc = pub_init(p, &p->cfg, b->path, b->hostname, b->err);
	pthread_mutex_lock(&b->mu);
	b->rc = rc;
	b->ready = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	/* b is gone once the starter saw ready */
	if (!rc)
		pub_main(p);
	return NULL;
}

static void pub_free(struct fleet_pub *p)
{
	for (size_t i = 0; i < p->nev_done; i++)
		free(p->ev_done[i]);
	free(p->ev_done);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int fleet_pub_start(struct fleet_pub **out, const struct fleet_cfg *cfg, const char *path,
		    const char *hostname, struct sr_err *err)
{
	struct fleet_pub *p = calloc(1, sizeof(*p));
	struct pub_boot b = {.path = path, .hostname = hostname, .err = err};

	*out = NULL;
	if (!p)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	p->cfg = *cfg;
	b.p = p;
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	if (pthread_create(&p->th, NULL, pub_thread, &b)) {
		free(p);
		return sr_err_set(err, SR_EIO, "fleet: cannot start the publisher thread");
	}
	pthread_mutex_lock(&b.mu);
	while (!b.ready)
		pthread_cond_wait(&b.cv, &b.mu);
	pthread_mutex_unlock(&b.mu);
	pthread_cond_destroy(&b.cv);
	pthread_mutex_destroy(&b.mu);
	if (b.rc) {
		pthread_join(p->th, NULL);
		out_nats_close(&p->c);
		free(p);
		return b.rc;
	}
	p->started = 1;
	*out = p;
	return 0;
}

void fleet_pub_stats(struct fleet_pub *p, struct fleet_pub_stats *st)
{
	pthread_mutex_lock(&p->mu);
	*st = p->st;
	pthread_mutex_unlock(&p->mu);
}

/* Complete chunks on disk the stream has not acknowledged: what the drain
 * time left behind, for the recorder to say (fleet push sends them). */
static uint64_t count_behind(struct fleet_pub *p)
{
	struct file_head *v;
	size_t n = list_set(p->path, &v);
	uint64_t behind = 0;

	for (size_t i = 0; i < n; i++) {
		int cur = !strcmp(v[i].fid, p->ps.fid);
		uint64_t off = v[i].hdr_len, seq = 0;
		struct fmt_tail_chunk h;
		int fd;

		if (cur ? p->ps.done : v[i].start_ns < p->ps.start_ns)
			continue;
		fd = open(v[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		while (fmt_tail_chunk(fd, off, &h) == FMT_TAIL_CHUNK) {
			off += h.size;
			if (!cur || seq >= p->ps.next)
				behind++;
			seq++;
		}
		close(fd);
	}
	list_free(v, n);
	return behind;
}

void fleet_pub_stop(struct fleet_pub *p, struct fleet_pub_stats *st)
{
	if (!p)
		return;
	p->deadline =
	    sr_time_now(CLOCK_MONOTONIC) + (p->cfg.drain_ns ? p->cfg.drain_ns : 10000000000ull);
	atomic_store(&p->stop, 1);
	if (p->started)
		pthread_join(p->th, NULL);
	p->st.behind_chunks = count_behind(p);
	if (st)
		fleet_pub_stats(p, st);
	out_nats_close(&p->c);
	pub_free(p);
}

int fleet_push(const struct fleet_cfg *cfg, const char *path, const char *hostname,
	       struct fleet_pub_stats *st, struct sr_err *err)
{
	struct fleet_pub *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	p->push = 1;
	rc = pub_init(p, cfg, path, hostname, err);
	if (!rc) {
		pub_main(p);
		if (st)
			fleet_pub_stats(p, st);
		out_nats_close(&p->c);
	}
	pub_free(p);
	return rc;
}
