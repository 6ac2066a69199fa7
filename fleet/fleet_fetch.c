/* fleet_fetch: reads captures back from the stream (sysreplay nats://...).
 *
 * Each host's files are rebuilt byte for byte: the header message, then the
 * chunks in seq order (parts joined), into a temporary folder. The files end
 * without index or trailer, as a killed recorder's do, so the reader finds
 * the chunks by scanning and checks every CRC and the digest chain; a chunk
 * missing from the stream breaks the chain there, and is reported here too.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet_int.h"

struct piece {
	char host[256];
	char fid[64];
	int kind; /* 0 header, 1 chunk, 2 end */
	uint64_t seq;
	unsigned part, nparts;
	uint32_t count;
	uint64_t first_ts, last_ts, stream_ns;
	uint8_t *data;
	size_t len;
	char *name; /* evidence header: the file's name on disk (malloc'd), or NULL */
};

struct pieces {
	struct piece *v;
	size_t n, cap;
	int want_data;
	struct fleet_fetch *f; /* alerts counted into its hosts */
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

static uint64_t hdr_u64(natsMsg *m, const char *key)
{
	const char *v = NULL;

	if (natsMsgHeader_Get(m, key, &v) != NATS_OK || !v)
		return 0;
	return strtoull(v, NULL, 10);
}

/* sysrec.<host>.<what> -> host */
static void subject_host(const char *subj, char *out, size_t cap)
{
	const char *a = strchr(subj, '.'), *b = a ? strchr(a + 1, '.') : NULL;

	if (!a || !b)
		snprintf(out, cap, "?");
	else
		snprintf(out, cap, "%.*s", (int)(b - a - 1), a + 1);
}

/* Host names and file ids become file names in the rebuild folder: a name
 * a hostile publisher could make climb out of it ("..", "a/b") or that the
 * buffers would cut is not a sysrec recorder's, and its messages are left
 * alone like any other publisher's. */
static int name_ok(const char *s, size_t cap)
{
	size_t n = strlen(s);

	if (!n || n >= cap - 1 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(isalnum(c) || c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int on_msg(struct pieces *ps, natsMsg *m, uint64_t stream_ns)
{
	const char *kind = NULL, *fid = NULL, *part = NULL;
	struct piece *p;
	char host[256];

	subject_host(natsMsg_GetSubject(m), host, sizeof(host));
	if (strstr(natsMsg_GetSubject(m), ".alerts")) {
		struct fleet_host_info *h = host_get(ps->f, host);

		if (h) {
			h->alerts++;
			if (stream_ns > h->last_seen_ns)
				h->last_seen_ns = stream_ns;
		}
		return 0;
	}
	if (natsMsgHeader_Get(m, FLEET_H_KIND, &kind) != NATS_OK ||
	    natsMsgHeader_Get(m, FLEET_H_FILE, &fid) != NATS_OK)
		return 0; /* not ours: other publishers may share the subjects */
	if (!name_ok(host, sizeof(((struct piece *)0)->host)) ||
	    !name_ok(fid, sizeof(((struct piece *)0)->fid)))
		return 0;
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
	snprintf(p->host, sizeof(p->host), "%s", host);
	snprintf(p->fid, sizeof(p->fid), "%s", fid);
	p->kind = !strcmp(kind, "header") ? 0 : !strcmp(kind, "chunk") ? 1 : 2;
	p->seq = hdr_u64(m, FLEET_H_SEQ);
	p->count = (uint32_t)hdr_u64(m, FLEET_H_COUNT);
	p->first_ts = hdr_u64(m, FLEET_H_FIRST);
	p->last_ts = hdr_u64(m, FLEET_H_LAST);
	p->stream_ns = stream_ns;
	p->nparts = 1;
	if (natsMsgHeader_Get(m, FLEET_H_PART, &part) == NATS_OK && part &&
	    sscanf(part, "%u/%u", &p->part, &p->nparts) != 2)
		return 0;
	if (!p->nparts || p->part >= p->nparts)
		return 0;
	if (natsMsgHeader_Get(m, FLEET_H_NAME, &part) == NATS_OK && part &&
	    !(p->name = strdup(part)))
		return SR_ENOMEM;
	if (ps->want_data) {
		p->len = (size_t)natsMsg_GetDataLength(m);
		p->data = malloc(p->len ? p->len : 1);
		if (!p->data)
			return SR_ENOMEM;
		memcpy(p->data, natsMsg_GetData(m), p->len);
	} else {
		p->len = (size_t)natsMsg_GetDataLength(m);
	}
	ps->n++;
	return 0;
}

/* Reads every message of subj from start_ns (0: all), through an ephemeral
 * pull consumer that the server forgets after a minute unused. */
static int fetch_subject(struct out_nats_conn *c, const char *stream, const char *subj,
			 uint64_t start_ns, int headers_only, struct pieces *ps, struct sr_err *err)
{
	natsSubscription *sub = NULL;
	jsConsumerInfo *ci = NULL;
	jsSubOptions so;
	jsErrCode jerr = 0;
	natsStatus s;
	uint64_t pending;
	int rc = 0, timeouts = 0;

	jsSubOptions_Init(&so);
	so.Stream = stream;
	so.Config.AckPolicy = js_AckNone;
	so.Config.DeliverPolicy = start_ns ? js_DeliverByStartTime : js_DeliverAll;
	so.Config.OptStartTime = (int64_t)start_ns;
	so.Config.HeadersOnly = headers_only;
	so.Config.InactiveThreshold = 60ll * 1000000000ll;
	so.Config.MemoryStorage = true;
	/* a cluster electing a leader answers late: a few tries */
	for (int tries = 0;; tries++) {
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
		if (tries == 10)
			return out_nats_fail(err, s, subj);
		usleep(500000);
	}
	pending = ci->NumPending;
	jsConsumerInfo_Destroy(ci);
	while (pending && !rc) {
		natsMsgList list = {0};

		s = natsSubscription_Fetch(&list, sub, 256, 5000, &jerr);
		if (s == NATS_TIMEOUT && ++timeouts < 6)
			continue;
		if (s != NATS_OK) {
			rc = out_nats_fail(err, s, subj);
			break;
		}
		timeouts = 0;
		for (int i = 0; i < list.Count && !rc; i++) {
			jsMsgMetaData *md = NULL;
			uint64_t ts = 0;

			if (natsMsg_GetMetaData(&md, list.Msgs[i]) == NATS_OK) {
				ts = (uint64_t)md->Timestamp;
				pending = md->NumPending;
				jsMsgMetaData_Destroy(md);
			}
			rc = on_msg(ps, list.Msgs[i], ts);
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
	const struct piece *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c)
		return c;
	c = strcmp(x->fid, y->fid);
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (int)x->part - (int)y->part;
}

static int add_path(struct fleet_fetch *f, const char *p)
{
	char **nv = realloc(f->paths, (f->npaths + 1) * sizeof(*nv));

	if (!nv)
		return SR_ENOMEM;
	f->paths = nv;
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
			p->host, p->fid, to > from + 1 ? "s" : "", (unsigned long long)from,
			to > from + 1 ? "-" : "", to > from + 1 ? (unsigned long long)(to - 1) : 0);
	f->gaps += to - from;
	if (h)
		h->gaps += to - from;
}

/* Groups [i, j) are one file's pieces, sorted: header(s), chunks, end. */
static int write_file(struct fleet_fetch *f, struct piece *v, size_t i, size_t j,
		      const struct fleet_fetch_opts *o, struct sr_err *err)
{
	struct fleet_host_info *h = host_get(f, v[i].host);
	char path[4600];
	uint64_t expect = UINT64_MAX, end_count = UINT64_MAX;
	size_t k = i;
	int fd, rc = 0, write_it = f->dir[0] != 0;
	uint64_t gaps0;

	if (!h)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	gaps0 = h->gaps;
	h->files++;
	for (size_t x = i; x < j; x++) {
		if (v[x].stream_ns > h->last_seen_ns)
			h->last_seen_ns = v[x].stream_ns;
		if (v[x].kind == 2)
			end_count = v[x].seq;
	}
	if (v[k].kind != 0) {
		if (!o->quiet)
			fprintf(stderr,
				"sysreplay: nats: host %s file %s: header missing from the "
				"stream; file skipped\n",
				v[i].host, v[i].fid);
		f->gaps++;
		h->gaps++;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s.%s.sysrec", f->dir, v[i].host, v[i].fid);
	fd = write_it ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
	if (write_it && fd < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	if (write_it && write(fd, v[k].data, v[k].len) != (ssize_t)v[k].len)
		rc = SR_EIO;
	while (++k < j && v[k].kind == 0) /* a header sent twice */
		h->dups++;
	/* a window starts at the first chunk received */
	if (!o->since_ns)
		expect = 0;
	for (; k < j && !rc && v[k].kind == 1;) {
		const struct piece *c = &v[k];
		size_t e = k, np = c->nparts, got = 0;

		/* the parts of this chunk (duplicates skipped) */
		while (e < j && v[e].kind == 1 && v[e].seq == c->seq)
			e++;
		for (size_t x = k; x < e; x++)
			if (v[x].part == got && v[x].nparts == np)
				got++;
		if (expect != UINT64_MAX && c->seq > expect)
			gap(f, h, c, expect, c->seq, o->quiet);
		if (got != np) {
			gap(f, h, c, c->seq, c->seq + 1, o->quiet);
		} else {
			unsigned want = 0;

			for (size_t x = k; x < e && !rc; x++) {
				if (v[x].part != want) {
					h->dups++;
					continue;
				}
				want++;
				if (write_it && write(fd, v[x].data, v[x].len) != (ssize_t)v[x].len)
					rc = SR_EIO;
				h->bytes += v[x].len;
			}
			h->chunks++;
			h->events += c->count;
			if (c->count && (!h->first_ts || c->first_ts < h->first_ts))
				h->first_ts = c->first_ts;
			if (c->last_ts > h->last_ts)
				h->last_ts = c->last_ts;
		}
		expect = c->seq + 1;
		k = e;
	}
	if (end_count != UINT64_MAX && expect != UINT64_MAX && end_count > expect)
		gap(f, h, &v[i], expect, end_count, o->quiet);
	/* the closed file's index and trailer, when every chunk is here */
	if (write_it && !rc && end_count == expect && h->gaps == gaps0) {
		for (size_t x = i; x < j; x++)
			if (v[x].kind == 2 && v[x].len) {
				if (write(fd, v[x].data, v[x].len) != (ssize_t)v[x].len)
					rc = SR_EIO;
				break;
			}
	}
	if (write_it) {
		if (close(fd) && !rc)
			rc = SR_EIO;
		if (rc)
			return sr_err_set(err, SR_EIO, "%s: write failed", path);
		rc = add_path(f, path);
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
		if (!strcmp(f->evidence[i].host, p->host) && !strcmp(f->evidence[i].id, p->fid))
			return &f->evidence[i];
	nv = realloc(f->evidence, (f->nevidence + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	f->evidence = nv;
	nv = &f->evidence[f->nevidence++];
	memset(nv, 0, sizeof(*nv));
	snprintf(nv->host, sizeof(nv->host), "%s", p->host);
	snprintf(nv->id, sizeof(nv->id), "%s", p->fid);
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
	snprintf(subj, sizeof(subj), "sysrec.%s.evidence.*", host);
	rc = fetch_subject(c, stream, subj, 0, 1, &ps, err);
	qsort(ps.v, ps.n, sizeof(*ps.v), cmp_piece);
	for (size_t i = 0; i < ps.n && !rc; i++) {
		const struct piece *p = &ps.v[i];
		struct fleet_evidence_info *e = evidence_get(f, p);
		struct fleet_host_info *h = host_get(f, p->host);

		if (!e || !h) {
			rc = sr_err_set(err, SR_ENOMEM, "out of memory");
			break;
		}
		if (p->kind == 0 && !e->name[0]) {
			snprintf(e->name, sizeof(e->name), "%s", p->name ? p->name : "-");
			h->evidence++;
		} else if (p->kind == 1 && p->part == 0 &&
			   (i == 0 || ps.v[i - 1].kind != 1 || ps.v[i - 1].seq != p->seq)) {
			e->chunks++;
			e->events += p->count;
			if (p->count && (!e->first_ts || p->first_ts < e->first_ts))
				e->first_ts = p->first_ts;
			if (p->last_ts > e->last_ts)
				e->last_ts = p->last_ts;
		} else if (p->kind == 2) {
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

static int run_fetch(const char *url, const struct fleet_fetch_opts *o, int want_data, int alerts,
		     struct fleet_fetch **out, struct sr_err *err)
{
	char server[1024], stream[256], subj[400];
	const char *servers[1] = {server};
	struct fleet_fetch *f = calloc(1, sizeof(*f));
	struct pieces ps = {0};
	struct out_nats_conn c;
	size_t nh = o->nhosts ? o->nhosts : 1;
	int rc;

	*out = NULL;
	if (!f)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	ps.want_data = want_data;
	ps.f = f;
	rc = parse_url(url, server, sizeof(server), stream, sizeof(stream), err);
	if (!rc)
		rc = fleet_conn_open(&c, servers, 1, NULL, 0, NULL, err);
	if (rc) {
		free(f);
		return rc;
	}
	for (size_t i = 0; i < nh && !rc; i++) {
		char host[256];
		uint64_t start = 0;

		fleet_subject_host(o->nhosts ? o->hosts[i] : "*", host, sizeof(host));
		if (!o->nhosts)
			snprintf(host, sizeof(host), "*");
		if (o->evidence) {
			rc = fetch_evidence(&c, stream, host, o->evidence, &ps, err);
			continue;
		}
		snprintf(subj, sizeof(subj), "sysrec.%s.files", host);
		rc = fetch_subject(&c, stream, subj, 0, !want_data, &ps, err);
		/* a window: chunks published before since - lookback hold no event
		 * after it (a chunk is published after its last event) */
		if (o->since_ns > o->lookback_ns)
			start = o->since_ns - o->lookback_ns;
		snprintf(subj, sizeof(subj), "sysrec.%s.chunks", host);
		if (!rc)
			rc = fetch_subject(&c, stream, subj, start, !want_data, &ps, err);
		snprintf(subj, sizeof(subj), "sysrec.%s.alerts", host);
		if (!rc && alerts)
			rc = fetch_subject(&c, stream, subj, 0, 1, &ps, err);
		if (!rc && alerts)
			rc = list_evidence(&c, stream, host, f, err);
	}
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
		qsort(ps.v, ps.n, sizeof(*ps.v), cmp_piece);
		for (size_t i = 0; i < ps.n && !rc;) {
			size_t j = i;

			while (j < ps.n && !strcmp(ps.v[j].host, ps.v[i].host) &&
			       !strcmp(ps.v[j].fid, ps.v[i].fid))
				j++;
			rc = write_file(f, ps.v, i, j, o, err);
			i = j;
		}
	}
	for (size_t i = 0; i < ps.n; i++) {
		free(ps.v[i].data);
		free(ps.v[i].name);
	}
	free(ps.v);
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

int fleet_hosts(const char *url, struct fleet_fetch **out, struct sr_err *err)
{
	struct fleet_fetch_opts o = {0};

	o.quiet = 1;
	return run_fetch(url, &o, 0, 1, out, err);
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
	free(f->hosts);
	free(f->evidence);
	free(f);
}
