/* fleet_fetch: reads captures back from the stream (sysreplay nats://...).
 *
 * Each host's files are rebuilt byte for byte: the header message, then the
 * chunks in seq order (parts joined), into a temporary folder. The files end
 * without index or trailer, as a killed recorder's do, unless the end message
 * came and nothing is missing; the reader finds the chunks by scanning and
 * checks every CRC and the digest chain; a chunk missing from the stream
 * breaks the chain there, and is reported here too.
 *
 * A time window (absolute since/until) fetches the chunks from the stream
 * time since - lookback (JetStream's start-by-time), back to the covering
 * snapshot, and stops once every file's chunks start after until; the
 * chunks before are holes and an index built from the chunk headers lets
 * the reader seek past them (docs/fleet.md, "Time windows").
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../format/fmt_tail.h"
#include "fleet_int.h"
#include "fleet_msg.h"

struct piece {
	struct fleet_msg m;
	uint64_t stream_ns, stream_seq;
	uint8_t *data;
	size_t len;
	char *name; /* evidence header: the file's name on disk (malloc'd), or NULL */
};

/* A file known from its header message, for a window's stop rule: once
 * each file is done (a chunk starting after --until seen, its last chunk
 * seen, or closed before the fetch started) the chunk fetch stops. */
struct wfile {
	char host[256];
	char fid[64];
	uint64_t end_count; /* chunks, from the end message; UINT64_MAX: open */
	uint64_t end_ns;    /* the end message's stream time */
	int done, active;
};

struct pieces {
	struct piece *v;
	size_t n, cap;
	int want_data;
	struct fleet_fetch *f; /* alerts counted into its hosts */
	/* a window's fetch of chunks (files NULL: no window) */
	struct wfile *files;
	size_t nfiles, left; /* left: active files not done yet */
	uint64_t until_ns;   /* UINT64_MAX: none */
	/* a fetch further back: from this stream sequence (0: by time or all)
	 * to the one before stop_seq (UINT64_MAX: the end) */
	uint64_t start_seq, stop_seq;
	int batch;
};

int fleet_is_url(const char *s)
{
	return !strncmp(s, "nats://", 7);
}

/* nats://HOST:PORT/STREAM -> server URL and stream name */
static int parse_url(const char *url, char *server, size_t scap, char *stream, size_t tcap,
		     struct sr_err *err)
{
	const char *rest = url + 7, *slash = strchr(rest, '/');

	if (!fleet_is_url(url) || !slash || slash == rest || !slash[1] || strchr(slash + 1, '/'))
		return sr_err_set(err, SR_ESYNTAX, "%s: expected nats://HOST:PORT/STREAM", url);
	snprintf(server, scap, "nats://%.*s", (int)(slash - rest), rest);
	snprintf(stream, tcap, "%s", slash + 1);
	return 0;
}

static struct fleet_host_info *host_get(struct fleet_fetch *f, const char *name)
{
	struct fleet_host_info *nv;

	for (size_t i = 0; i < f->nhosts; i++)
		if (!strcmp(f->hosts[i].name, name))
			return &f->hosts[i];
	nv = realloc(f->hosts, (f->nhosts + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	f->hosts = nv;
	nv = &f->hosts[f->nhosts++];
	memset(nv, 0, sizeof(*nv));
	snprintf(nv->name, sizeof(nv->name), "%s", name);
	return nv;
}

static const char *hdr(natsMsg *m, const char *key)
{
	const char *v = NULL;

	return natsMsgHeader_Get(m, key, &v) == NATS_OK ? v : NULL;
}

static int cmp_wfile(const void *a, const void *b)
{
	const struct wfile *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	return c ? c : strcmp(x->fid, y->fid);
}

/* A chunk of a window's fetch: is its file done? */
static void window_note(struct pieces *ps, const struct fleet_msg *m)
{
	struct wfile key, *w;

	snprintf(key.host, sizeof(key.host), "%s", m->host);
	snprintf(key.fid, sizeof(key.fid), "%s", m->fid);
	w = bsearch(&key, ps->files, ps->nfiles, sizeof(key), cmp_wfile);
	if (!w || w->done)
		return;
	/* chunks of a file start in time order (within the reader's slack
	 * for CPUs racing, far below a second) */
	if ((m->count && ps->until_ns != UINT64_MAX &&
	     m->first_ts > ps->until_ns + FLEET_SLACK_NS) ||
	    (w->end_count != UINT64_MAX && m->seq + 1 >= w->end_count &&
	     m->part + 1 == m->nparts)) {
		w->done = 1;
		if (w->active && ps->left)
			ps->left--;
	}
}

static int on_msg(struct pieces *ps, natsMsg *m, uint64_t stream_ns, uint64_t stream_seq)
{
	struct fleet_msg_hdrs h = {hdr(m, FLEET_H_KIND),  hdr(m, FLEET_H_FILE),
				   hdr(m, FLEET_H_SEQ),	  hdr(m, FLEET_H_PART),
				   hdr(m, FLEET_H_COUNT), hdr(m, FLEET_H_FIRST),
				   hdr(m, FLEET_H_LAST),  hdr(m, FLEET_H_NAME)};
	struct piece *p;
	struct fleet_msg pm;

	/* not ours: other publishers may share the subjects */
	if (fleet_msg_parse(natsMsg_GetSubject(m), &h, &pm))
		return 0;
	if (pm.kind == FLEET_KIND_ALERT) {
		struct fleet_host_info *hi = host_get(ps->f, pm.host);

		if (hi) {
			hi->alerts++;
			if (stream_ns > hi->last_seen_ns)
				hi->last_seen_ns = stream_ns;
		}
		return 0;
	}
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 1024;
		struct piece *nv = realloc(ps->v, nc * sizeof(*nv));

		if (!nv)
			return SR_ENOMEM;
		ps->v = nv;
		ps->cap = nc;
	}
	p = &ps->v[ps->n];
	memset(p, 0, sizeof(*p));
	p->m = pm;
	p->stream_ns = stream_ns;
	p->stream_seq = stream_seq;
	p->len = (size_t)natsMsg_GetDataLength(m);
	if (pm.evidence && pm.kind == FLEET_KIND_HEADER && h.name && !(p->name = strdup(h.name)))
		return SR_ENOMEM;
	if (ps->want_data) {
		p->data = malloc(p->len ? p->len : 1);
		if (!p->data)
			return SR_ENOMEM;
		memcpy(p->data, natsMsg_GetData(m), p->len);
	}
	ps->n++;
	if (ps->files && pm.kind == FLEET_KIND_CHUNK)
		window_note(ps, &pm);
	return 0;
}

/* Reads the messages of subj from ps->start_seq, else from start_ns (0:
 * all), through an ephemeral pull consumer that the server forgets after a
 * minute unused, up to the stream's end, ps->stop_seq, or (a window's
 * chunks) every active file done. */
static int fetch_subject(struct out_nats_conn *c, const char *stream, const char *subj,
			 uint64_t start_ns, int headers_only, struct pieces *ps, struct sr_err *err)
{
	natsSubscription *sub = NULL;
	jsConsumerInfo *ci = NULL;
	jsSubOptions so;
	jsErrCode jerr = 0;
	natsStatus s;
	uint64_t pending;
	int rc = 0, timeouts = 0, end = 0, probe;

	jsSubOptions_Init(&so);
	so.Stream = stream;
	so.Config.AckPolicy = js_AckNone;
	so.Config.DeliverPolicy = ps->start_seq ? js_DeliverByStartSequence
				  : start_ns	? js_DeliverByStartTime
						: js_DeliverAll;
	so.Config.OptStartSeq = ps->start_seq;
	so.Config.OptStartTime = ps->start_seq ? 0 : (int64_t)start_ns;
	so.Config.HeadersOnly = headers_only;
	so.Config.InactiveThreshold = 60ll * 1000000000ll;
	so.Config.MemoryStorage = true;
	/* A cluster electing a leader answers late, or "temporarily
	 * unavailable" (for seconds after its nodes restart on a loaded
	 * machine): tried for up to 20 s; a stream that is not there fails
	 * at once. */
	for (int tries = 0;; tries++) {
		jerr = 0;
		s = js_PullSubscribe(&sub, c->js, subj, NULL, NULL, &so, &jerr);
		if (s == NATS_OK) {
			s = natsSubscription_GetConsumerInfo(&ci, sub, NULL, &jerr);
			if (s != NATS_OK) {
				natsSubscription_Destroy(sub);
				sub = NULL;
			}
		}
		if (s == NATS_OK)
			break;
		if (tries == 40 || jerr == JSStreamNotFoundErr)
			return out_nats_fail(err, s, subj);
		usleep(500000);
	}
	pending = ci->NumPending;
	jsConsumerInfo_Destroy(ci);
	if (ps->files && !ps->left)
		end = 1;
	/* a consumer just created on a loaded cluster may report nothing
	 * pending while messages are there: one short look anyway */
	probe = !pending;
	while ((pending || probe) && !rc && !end) {
		natsMsgList list = {0};

		s = natsSubscription_Fetch(&list, sub, ps->batch ? ps->batch : 256,
					   probe ? 300 : 5000, &jerr);
		if (probe && s != NATS_OK)
			break;
		probe = 0;
		if (s == NATS_TIMEOUT && ++timeouts < 6)
			continue;
		if (s != NATS_OK) {
			rc = out_nats_fail(err, s, subj);
			break;
		}
		timeouts = 0;
		/* what came, whether used or not */
		for (int i = 0; i < list.Count; i++) {
			ps->f->fetched_msgs++;
			ps->f->fetched_bytes += (uint64_t)natsMsg_GetDataLength(list.Msgs[i]);
		}
		for (int i = 0; i < list.Count && !rc && !end; i++) {
			jsMsgMetaData *md = NULL;
			uint64_t ts = 0, seq = 0;

			if (natsMsg_GetMetaData(&md, list.Msgs[i]) == NATS_OK) {
				ts = (uint64_t)md->Timestamp;
				seq = md->Sequence.Stream;
				pending = md->NumPending;
				jsMsgMetaData_Destroy(md);
			}
			if (seq >= ps->stop_seq) {
				end = 1;
				break;
			}
			rc = on_msg(ps, list.Msgs[i], ts, seq);
			if (ps->files && !ps->left)
				end = 1;
		}
		natsMsgList_Destroy(&list);
	}
	natsSubscription_Unsubscribe(sub);
	natsSubscription_Destroy(sub);
	if (rc == SR_ENOMEM)
		sr_err_set(err, rc, "out of memory");
	return rc;
}

static int cmp_piece(const void *a, const void *b)
{
	const struct fleet_msg *x = &((const struct piece *)a)->m,
			       *y = &((const struct piece *)b)->m;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	c = strcmp(x->fid, y->fid);
	if (c)
		return c;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (int)x->part - (int)y->part;
}

static int add_path(struct fleet_fetch *f, const char *p, int partial)
{
	char **nv = realloc(f->paths, (f->npaths + 1) * sizeof(*nv));
	unsigned char *np;

	if (!nv)
		return SR_ENOMEM;
	f->paths = nv;
	np = realloc(f->partial, f->npaths + 1);
	if (!np)
		return SR_ENOMEM;
	f->partial = np;
	np[f->npaths] = (unsigned char)partial;
	nv[f->npaths] = strdup(p);
	if (!nv[f->npaths])
		return SR_ENOMEM;
	f->npaths++;
	return 0;
}

static void gap(struct fleet_fetch *f, struct fleet_host_info *h, const struct piece *p,
		uint64_t from, uint64_t to, int quiet)
{
	if (!quiet)
		fprintf(stderr,
			"sysreplay: nats: host %s file %s: chunk%s %llu%s%.0llu missing from the "
			"stream (gap)\n",
			p->m.host, p->m.fid, to > from + 1 ? "s" : "", (unsigned long long)from,
			to > from + 1 ? "-" : "", to > from + 1 ? (unsigned long long)(to - 1) : 0);
	f->gaps += to - from;
	if (h)
		h->gaps += to - from;
}

/* The chunk starting at v[k]: end of its pieces (*e) and whether every part
 * is there (duplicates passed over). */
static int chunk_whole(const struct piece *v, size_t k, size_t j, size_t *e)
{
	unsigned np = v[k].m.nparts, got = 0;
	size_t x;

	for (x = k; x < j && v[x].m.kind == FLEET_KIND_CHUNK && v[x].m.seq == v[k].m.seq; x++)
		if (v[x].m.part == got && v[x].m.nparts == np)
			got++;
	*e = x;
	return got == np;
}

/* The bytes of a whole chunk [k, e): its parts once each. */
static uint64_t chunk_len(const struct piece *v, size_t k, size_t e)
{
	unsigned want = 0;
	uint64_t n = 0;

	for (size_t x = k; x < e; x++)
		if (v[x].m.part == want) {
			want++;
			n += v[x].len;
		}
	return n;
}

/* Writes the parts of a whole chunk [k, e) at off (duplicates counted);
 * returns the bytes written or -1. */
static int64_t chunk_write(int fd, const struct piece *v, size_t k, size_t e, uint64_t off,
			   struct fleet_host_info *h)
{
	unsigned want = 0;
	uint64_t n = 0;

	for (size_t x = k; x < e; x++) {
		if (v[x].m.part != want) {
			h->dups++;
			continue;
		}
		want++;
		if (fd >= 0 &&
		    pwrite(fd, v[x].data, v[x].len, (off_t)(off + n)) != (ssize_t)v[x].len)
			return -1;
		n += v[x].len;
	}
	return (int64_t)n;
}

static void host_count(struct fleet_host_info *h, const struct fleet_msg *c, uint64_t bytes)
{
	h->chunks++;
	h->events += c->count;
	h->bytes += bytes;
	if (c->count && (!h->first_ts || c->first_ts < h->first_ts))
		h->first_ts = c->first_ts;
	if (c->last_ts > h->last_ts)
		h->last_ts = c->last_ts;
}

/* The chunks of a file rebuilt from the start: header, chunks in order
 * (the file ends as a killed recorder's does), and the index and trailer
 * of the end message when every chunk is there. */
static int write_plain(struct fleet_fetch *f, struct fleet_host_info *h, int fd, struct piece *v,
		       size_t i, size_t k, size_t j, const struct fleet_fetch_opts *o, int window)
{
	uint64_t expect = 0, end_count = UINT64_MAX, off = v[i].len, gaps0 = h->gaps;

	for (size_t x = i; x < j; x++)
		if (v[x].m.kind == FLEET_KIND_END)
			end_count = v[x].m.seq;
	while (k < j && v[k].m.kind == FLEET_KIND_CHUNK) {
		const struct piece *c = &v[k];
		size_t e;

		if (c->m.seq > expect)
			gap(f, h, c, expect, c->m.seq, o->quiet);
		if (!chunk_whole(v, k, j, &e)) {
			gap(f, h, c, c->m.seq, c->m.seq + 1, o->quiet);
		} else {
			int64_t n = chunk_write(fd, v, k, e, off, h);

			if (n < 0)
				return SR_EIO;
			off += (uint64_t)n;
			host_count(h, &c->m, (uint64_t)n);
		}
		expect = c->m.seq + 1;
		k = e;
	}
	/* a window stops early on purpose: what follows is no gap */
	if (!window && end_count != UINT64_MAX && end_count > expect)
		gap(f, h, &v[i], expect, end_count, o->quiet);
	/* the closed file's index and trailer, when every chunk is here */
	if (fd >= 0 && end_count == expect && h->gaps == gaps0)
		for (size_t x = i; x < j; x++)
			if (v[x].m.kind == FLEET_KIND_END && v[x].len) {
				if (pwrite(fd, v[x].data, v[x].len, (off_t)off) !=
				    (ssize_t)v[x].len)
					return SR_EIO;
				break;
			}
	return 0;
}

/* A window's chunks of a file, from chunk k0 on: the header, holes for the
 * chunks before k0 (and any missing one), the chunks at their place, then an
 * index and trailer built from the chunk headers. The reader's seek to
 * --since goes to the covering snapshot chunk by that index and never reads
 * a hole; a missing chunk after the seek point stops it as damage. */
static int write_window(struct fleet_fetch *f, struct fleet_host_info *h, int fd, struct piece *v,
			size_t i, size_t k, size_t j, const struct fleet_fetch_opts *o)
{
	struct fmt_tail_index *x = fmt_tail_index_new();
	uint64_t off = v[i].len, expect = 0;
	int rc = 0;

	if (!x)
		return SR_ENOMEM;
	while (!rc && k < j && v[k].m.kind == FLEET_KIND_CHUNK) {
		const struct piece *c = &v[k];
		struct fmt_tail_chunk ch;
		size_t e;
		int whole = chunk_whole(v, k, j, &e);

		if (c->m.seq >= FMT_TAIL_MAX_CHUNKS)
			break;
		if (fmt_tail_index_count(x) && c->m.seq > expect)
			gap(f, h, c, expect, c->m.seq, o->quiet);
		/* the chunks before (outside the window, or missing) as holes */
		for (; !rc && expect < c->m.seq; expect++, off += FMT_TAIL_HOLE_SIZE)
			rc = fmt_tail_index_hole(x, off);
		if (rc)
			break;
		if (!whole || fmt_tail_chunk_parse(c->data, c->len, chunk_len(v, k, e), &ch) ||
		    ch.seq != c->m.seq) {
			gap(f, h, c, c->m.seq, c->m.seq + 1, o->quiet);
			rc = fmt_tail_index_hole(x, off);
			off += FMT_TAIL_HOLE_SIZE;
		} else {
			int64_t len = chunk_write(fd, v, k, e, off, h);

			if (len < 0) {
				rc = SR_EIO;
				break;
			}
			rc = fmt_tail_index_add(x, c->data, c->len, off);
			off += (uint64_t)len;
			host_count(h, &c->m, (uint64_t)len);
		}
		expect = c->m.seq + 1;
		k = e;
	}
	if (!rc)
		rc = fmt_tail_index_write(x, fd, off);
	fmt_tail_index_free(x);
	return rc;
}

/* Groups [i, j) are one file's pieces, sorted: header(s), chunks, end. */
static int write_file(struct fleet_fetch *f, struct piece *v, size_t i, size_t j,
		      const struct fleet_fetch_opts *o, int window, struct sr_err *err)
{
	struct fleet_host_info *h = host_get(f, v[i].m.host);
	char path[4600];
	size_t k = i;
	int fd = -1, rc = 0, write_it = f->dir[0] != 0, partial;

	if (!h)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	h->files++;
	for (size_t x = i; x < j; x++)
		if (v[x].stream_ns > h->last_seen_ns)
			h->last_seen_ns = v[x].stream_ns;
	if (v[k].m.kind != FLEET_KIND_HEADER) {
		if (!o->quiet)
			fprintf(stderr,
				"sysreplay: nats: host %s file %s: header missing from the "
				"stream; file skipped\n",
				v[i].m.host, v[i].m.fid);
		f->gaps++;
		h->gaps++;
		return 0;
	}
	while (++k < j && v[k].m.kind == FLEET_KIND_HEADER) /* a header sent twice */
		h->dups++;
	/* a window: a file none of whose chunks came holds nothing in it */
	if (window && (k == j || v[k].m.kind != FLEET_KIND_CHUNK))
		return 0;
	snprintf(path, sizeof(path), "%s/%s.%s.sysrec", f->dir, v[i].m.host, v[i].m.fid);
	if (write_it) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
		if (pwrite(fd, v[i].data, v[i].len, 0) != (ssize_t)v[i].len)
			rc = SR_EIO;
	}
	/* a window's file may end early and start with holes */
	partial = write_it && window;
	if (!rc && partial && v[k].m.seq > 0)
		rc = write_window(f, h, fd, v, i, k, j, o);
	else if (!rc)
		rc = write_plain(f, h, fd, v, i, k, j, o, window);
	if (write_it) {
		if (close(fd) && !rc)
			rc = SR_EIO;
		if (rc)
			return sr_err_set(err, rc, "%s: write failed", path);
		rc = add_path(f, path, partial);
		if (rc)
			return sr_err_set(err, rc, "out of memory");
	}
	return 0;
}

/* An evidence id as a subject token: [A-Za-z0-9_-], 1..63 characters. */
static int evidence_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '-' && id[i] != '_')
			return 0;
	return 1;
}

/* One evidence file's messages (sysrec.<host>.evidence.<id>), whole: an
 * evidence file is published once closed, so it has no time window. */
static int fetch_evidence(struct out_nats_conn *c, const char *stream, const char *host,
			  const char *id, struct pieces *ps, struct sr_err *err)
{
	char subj[400];

	if (!evidence_id_ok(id))
		return sr_err_set(err, SR_ESYNTAX,
				  "evidence id '%s': expected the id `sysreplay hosts --evidence` "
				  "lists ([A-Za-z0-9_-])",
				  id);
	snprintf(subj, sizeof(subj), "sysrec.%s.evidence.%s", host, id);
	return fetch_subject(c, stream, subj, 0, 0, ps, err);
}

static struct fleet_evidence_info *evidence_get(struct fleet_fetch *f, const struct piece *p)
{
	struct fleet_evidence_info *nv;

	for (size_t i = 0; i < f->nevidence; i++)
		if (!strcmp(f->evidence[i].host, p->m.host) && !strcmp(f->evidence[i].id, p->m.fid))
			return &f->evidence[i];
	nv = realloc(f->evidence, (f->nevidence + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	f->evidence = nv;
	nv = &f->evidence[f->nevidence++];
	memset(nv, 0, sizeof(*nv));
	snprintf(nv->host, sizeof(nv->host), "%s", p->m.host);
	snprintf(nv->id, sizeof(nv->id), "%s", p->m.fid);
	return nv;
}

/* sysreplay hosts: the evidence files of host (or "*"), from their message
 * headers only, into f->evidence and each host's count. */
static int list_evidence(struct out_nats_conn *c, const char *stream, const char *host,
			 struct fleet_fetch *f, struct sr_err *err)
{
	struct pieces ps = {0};
	char subj[400];
	int rc;

	ps.f = f;
	ps.stop_seq = UINT64_MAX;
	snprintf(subj, sizeof(subj), "sysrec.%s.evidence.*", host);
	rc = fetch_subject(c, stream, subj, 0, 1, &ps, err);
	qsort(ps.v, ps.n, sizeof(*ps.v), cmp_piece);
	for (size_t i = 0; i < ps.n && !rc; i++) {
		const struct piece *p = &ps.v[i];
		struct fleet_evidence_info *e = evidence_get(f, p);
		struct fleet_host_info *h = host_get(f, p->m.host);

		if (!e || !h) {
			rc = sr_err_set(err, SR_ENOMEM, "out of memory");
			break;
		}
		if (p->m.kind == FLEET_KIND_HEADER && !e->name[0]) {
			snprintf(e->name, sizeof(e->name), "%s", p->name ? p->name : "-");
			h->evidence++;
		} else if (p->m.kind == FLEET_KIND_CHUNK && p->m.part == 0 &&
			   (i == 0 || ps.v[i - 1].m.kind != FLEET_KIND_CHUNK ||
			    ps.v[i - 1].m.seq != p->m.seq)) {
			e->chunks++;
			e->events += p->m.count;
			if (p->m.count && (!e->first_ts || p->m.first_ts < e->first_ts))
				e->first_ts = p->m.first_ts;
			if (p->m.last_ts > e->last_ts)
				e->last_ts = p->m.last_ts;
		} else if (p->m.kind == FLEET_KIND_END) {
			e->closed = 1;
		}
	}
	for (size_t i = 0; i < ps.n; i++) {
		free(ps.v[i].data);
		free(ps.v[i].name);
	}
	free(ps.v);
	return rc;
}

/* The file groups of ps, sorted: calls fn on each [i, j). */
static int each_file(struct pieces *ps, int (*fn)(void *ctx, struct piece *v, size_t i, size_t j),
		     void *ctx)
{
	int rc = 0;

	qsort(ps->v, ps->n, sizeof(*ps->v), cmp_piece);
	for (size_t i = 0; i < ps->n && !rc;) {
		size_t j = i;

		while (j < ps->n && !strcmp(ps->v[j].m.host, ps->v[i].m.host) &&
		       !strcmp(ps->v[j].m.fid, ps->v[i].m.fid))
			j++;
		rc = fn(ctx, ps->v, i, j);
		i = j;
	}
	return rc;
}

/* The window's files from their header and end messages. */
static int files_collect(void *ctx, struct piece *v, size_t i, size_t j)
{
	struct pieces *ps = ctx;
	struct wfile *w, *nv;

	if (v[i].m.kind != FLEET_KIND_HEADER)
		return 0;
	nv = realloc(ps->files, (ps->nfiles + 1) * sizeof(*nv));
	if (!nv)
		return SR_ENOMEM;
	ps->files = nv;
	w = &nv[ps->nfiles++];
	memset(w, 0, sizeof(*w));
	snprintf(w->host, sizeof(w->host), "%s", v[i].m.host);
	snprintf(w->fid, sizeof(w->fid), "%s", v[i].m.fid);
	w->end_count = UINT64_MAX;
	for (size_t x = i; x < j; x++)
		if (v[x].m.kind == FLEET_KIND_END) {
			w->end_count = v[x].m.seq;
			w->end_ns = v[x].stream_ns;
		}
	return 0;
}

struct cover {
	uint64_t since_ns, start_ns;
	int missing; /* files whose window may lack chunks or its snapshot */
};

/* Is a file's window whole among the chunks fetched? Either they start the
 * file, or the first of them ends before --since (so nothing before it is
 * in the window: the server's start-by-time may start a little late) and a
 * snapshot chunk comes before the window's first chunk (the reader's seek
 * goes there). A closed file stored after the fetch's start with no chunk
 * fetched lost them to that late start. */
static int cover_check(void *ctx, struct piece *v, size_t i, size_t j)
{
	struct cover *cv = ctx;
	int first = 1, early = 0;

	for (size_t k = i; k < j; k++) {
		struct fmt_tail_chunk ch;

		if (v[k].m.kind == FLEET_KIND_END && first && v[k].m.seq &&
		    v[k].stream_ns >= cv->start_ns && k + 1 == j) {
			cv->missing++;
			return 0;
		}
		if (v[k].m.kind != FLEET_KIND_CHUNK)
			continue;
		if (first) {
			if (v[k].m.seq == 0)
				return 0;
			early = v[k].m.last_ts + FLEET_SLACK_NS < cv->since_ns;
			first = 0;
		}
		if (early && v[k].m.part == 0 &&
		    !fmt_tail_chunk_parse(v[k].data, v[k].len, 0, &ch) && ch.snapshot)
			return 0;
		if (v[k].m.last_ts >= cv->since_ns) {
			cv->missing++;
			return 0;
		}
	}
	if (!first && !early)
		cv->missing++;
	return 0;
}

struct writer {
	struct fleet_fetch *f;
	const struct fleet_fetch_opts *o;
	int window;
	struct sr_err *err;
};

static int write_one(void *ctx, struct piece *v, size_t i, size_t j)
{
	struct writer *w = ctx;

	return write_file(w->f, v, i, j, w->o, w->window, w->err);
}

/* The chunks subject of each host (or all), from start_ns. */
static int fetch_chunks(struct out_nats_conn *c, const char *stream,
			const struct fleet_fetch_opts *o, uint64_t start_ns, int headers_only,
			struct pieces *ps, struct sr_err *err)
{
	size_t nh = o->nhosts ? o->nhosts : 1;
	int rc = 0;

	for (size_t i = 0; i < nh && !rc; i++) {
		char host[256], subj[400];

		if (o->nhosts)
			fleet_subject_host(o->hosts[i], host, sizeof(host));
		else
			snprintf(host, sizeof(host), "*");
		ps->left = 0;
		for (size_t k = 0; k < ps->nfiles; k++) {
			struct wfile *w = &ps->files[k];

			w->active = !o->nhosts || !strcmp(w->host, host);
			ps->left += w->active && !w->done;
		}
		snprintf(subj, sizeof(subj), "sysrec.%s.chunks", host);
		rc = fetch_subject(c, stream, subj, start_ns, headers_only, ps, err);
	}
	return rc;
}

static int run_fetch(const char *url, const struct fleet_fetch_opts *o, int want_data, int alerts,
		     struct fleet_fetch **out, struct sr_err *err)
{
	char server[1024], stream[256], subj[400];
	const char *servers[1] = {server};
	struct fleet_fetch *f = calloc(1, sizeof(*f));
	struct pieces ps = {0};
	struct out_nats_conn c;
	size_t nh = o->nhosts ? o->nhosts : 1;
	uint64_t lookback = o->lookback_ns ? o->lookback_ns : FLEET_LOOKBACK_NS, start = 0;
	uint64_t last_seq = 0; /* the stream's newest message */
	/* an evidence file comes whole (the reader applies the window) */
	int rc, window = want_data && !o->evidence && (o->since_ns || o->until_ns);

	*out = NULL;
	if (!f)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	ps.want_data = want_data;
	ps.f = f;
	ps.until_ns = o->until_ns ? o->until_ns : UINT64_MAX;
	ps.stop_seq = UINT64_MAX;
	rc = parse_url(url, server, sizeof(server), stream, sizeof(stream), err);
	if (!rc)
		rc = fleet_conn_open(&c, servers, 1, NULL, 0, NULL, err);
	if (rc) {
		free(f);
		return rc;
	}
	if (want_data) {
		jsStreamInfo *si = NULL;
		jsErrCode jerr = 0;

		if (js_GetStreamInfo(&si, c.js, stream, NULL, &jerr) == NATS_OK && si) {
			f->stream_msgs = si->State.Msgs;
			f->stream_bytes = si->State.Bytes;
			last_seq = si->State.LastSeq;
			jsStreamInfo_Destroy(si);
		}
	}
	/* every file's header first: small, and it names the files a window
	 * waits for */
	for (size_t i = 0; i < nh && !rc; i++) {
		char host[256];

		if (o->nhosts)
			fleet_subject_host(o->hosts[i], host, sizeof(host));
		else
			snprintf(host, sizeof(host), "*");
		if (o->evidence) {
			rc = fetch_evidence(&c, stream, host, o->evidence, &ps, err);
			continue;
		}
		snprintf(subj, sizeof(subj), "sysrec.%s.files", host);
		rc = fetch_subject(&c, stream, subj, 0, !want_data, &ps, err);
		snprintf(subj, sizeof(subj), "sysrec.%s.alerts", host);
		if (!rc && alerts)
			rc = fetch_subject(&c, stream, subj, 0, 1, &ps, err);
		if (!rc && alerts)
			rc = list_evidence(&c, stream, host, f, err);
	}
	/* a window: chunks published before since - lookback hold no event
	 * after it (a chunk is published after its last event) */
	if (!rc && window) {
		if (o->since_ns > lookback)
			start = o->since_ns - lookback;
		rc = each_file(&ps, files_collect, &ps);
		if (!rc) {
			qsort(ps.files, ps.nfiles, sizeof(*ps.files), cmp_wfile);
			/* a file closed before the fetch starts has no chunk after it */
			for (size_t i = 0; i < ps.nfiles; i++)
				ps.files[i].done = start && ps.files[i].end_count != UINT64_MAX &&
						   ps.files[i].end_ns < start;
			ps.batch = FLEET_WINDOW_BATCH;
		}
	}
	if (!rc && !o->evidence)
		rc = fetch_chunks(&c, stream, o, start, !want_data, &ps, err);
	/* the snapshot that gives the window's first chunk its processes may
	 * be older than the lookback (a longer snapshot interval, a publisher
	 * that lagged): fetch further back by stream sequence, up to the first
	 * message already held, 4 times as many messages each time */
	for (uint64_t back = 0; !rc && window && start;) {
		struct cover cv = {o->since_ns, start, 0};
		struct wfile *files = ps.files;
		size_t nfiles = ps.nfiles;
		uint64_t first = last_seq + 1;

		rc = each_file(&ps, cover_check, &cv);
		if (rc || !cv.missing)
			break;
		for (size_t i = 0; i < ps.n; i++)
			if (ps.v[i].m.kind == FLEET_KIND_CHUNK && ps.v[i].stream_seq < first)
				first = ps.v[i].stream_seq;
		if (first <= 1)
			break;
		back = back ? back * 4 : 16;
		ps.start_seq = first > back ? first - back : 1;
		ps.stop_seq = first;
		ps.files = NULL;
		ps.nfiles = 0;
		rc = fetch_chunks(&c, stream, o, 0, 0, &ps, err);
		ps.files = files;
		ps.nfiles = nfiles;
		if (ps.start_seq == 1)
			break;
	}
	ps.start_seq = 0;
	ps.stop_seq = UINT64_MAX;
	out_nats_close(&c);
	if (!rc && want_data) {
		snprintf(f->dir, sizeof(f->dir), "%s/sysreplay-nats-XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(f->dir)) {
			f->dir[0] = 0;
			rc = sr_err_set(err, SR_EIO, "cannot create a temporary folder: %s",
					strerror(errno));
		}
	}
	if (!rc) {
		struct writer w = {f, o, window, err};

		rc = each_file(&ps, write_one, &w);
		/* a window with nothing in it: one file's header, so that the
		 * commands read no event, as over a local file */
		for (size_t i = 0; !rc && window && !f->npaths && i < ps.n; i++)
			if (ps.v[i].m.kind == FLEET_KIND_HEADER) {
				rc = write_file(f, ps.v, i, i + 1, o, 0, err);
				break;
			}
	}
	if (rc == SR_ENOMEM)
		sr_err_set(err, rc, "out of memory");
	for (size_t i = 0; i < ps.n; i++) {
		free(ps.v[i].data);
		free(ps.v[i].name);
	}
	free(ps.v);
	free(ps.files);
	if (rc) {
		fleet_fetch_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

int fleet_fetch(const char *url, const struct fleet_fetch_opts *o, struct fleet_fetch **out,
		struct sr_err *err)
{
	return run_fetch(url, o, 1, 0, out, err);
}

int fleet_hosts(const char *url, const struct fleet_fetch_opts *o, struct fleet_fetch **out,
		struct sr_err *err)
{
	return run_fetch(url, o, 0, 1, out, err);
}

void fleet_fetch_free(struct fleet_fetch *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->npaths; i++) {
		unlink(f->paths[i]);
		free(f->paths[i]);
	}
	if (f->dir[0])
		rmdir(f->dir);
	free(f->paths);
	free(f->partial);
	free(f->hosts);
	free(f->evidence);
	free(f);
}
