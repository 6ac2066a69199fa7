/* test_st_helpers.h: building events for the state engine tests (test_st*.c). */
#ifndef TEST_ST_HELPERS_H
#define TEST_ST_HELPERS_H

#include <string.h>

#include "format/evt.h"
#include "state/st.h"

static struct evt_builder tb;
static struct evt tev;
static uint64_t tts = 1700000000000000000ull;
static uint64_t tcg;			/* cgroup id of the records ev_begin starts */
static uint64_t tnetns = 4026531840ull; /* network namespace ev_procinfo gives */

/* Starts a record from thread (pid, tid) whose parent process is ppid. */
static inline void ev_begin(unsigned type, uint32_t pid, uint32_t tid, uint32_t ppid, int64_t res)
{
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = (tts += 1000);
	h.pid = pid;
	h.tid = tid;
	h.ppid = ppid;
	h.res = res;
	h.cgroup_id = tcg;
	snprintf(h.comm, sizeof(h.comm), "c%u", pid);
	evt_builder_begin(&tb, type, &h);
}

static inline void ev_u(uint64_t v)
{
	evt_builder_add_u64(&tb, v);
}
static inline void ev_s(int64_t v)
{
	evt_builder_add_s64(&tb, v);
}
static inline void ev_str(const char *s)
{
	evt_builder_add_str(&tb, s);
}
static inline void ev_bytes(const void *p, size_t n)
{
	evt_builder_add(&tb, p, n);
}

static inline const struct evt *ev_done(void)
{
	size_t len;
	const void *rec = evt_builder_finish(&tb, &len);

	if (!rec || evt_decode(&tev, rec, len) != 0)
		return NULL;
	return &tev;
}

/* Runs the finished event through begin and end. */
static inline void ev_run(struct st_state *st)
{
	const struct evt *ev = ev_done();

	st_event_begin(st, ev);
	st_event_end(st, ev);
}

/* AF_INET tuple: local a.b.c.d:lp, remote, l4 proto. */
static inline size_t tuple4(uint8_t *b, const uint8_t l[4], uint16_t lp, const uint8_t r[4],
			    uint16_t rp, uint8_t l4)
{
	b[0] = 2;
	memcpy(b + 1, l, 4);
	b[5] = (uint8_t)lp;
	b[6] = (uint8_t)(lp >> 8);
	memcpy(b + 7, r, 4);
	b[11] = (uint8_t)rp;
	b[12] = (uint8_t)(rp >> 8);
	b[13] = l4;
	return 14;
}

static inline size_t sockaddr4(uint8_t *b, const uint8_t a[4], uint16_t p)
{
	b[0] = 2;
	memcpy(b + 1, a, 4);
	b[5] = (uint8_t)p;
	b[6] = (uint8_t)(p >> 8);
	return 7;
}

/* A PROCINFO record for a thread (snapshot style). */
static inline void ev_procinfo(struct st_state *st, uint32_t pid, uint32_t tid, uint32_t ppid,
			       const char *exe, const char *exepath, const char *args,
			       size_t args_len, const char *cwd, const char *cgroup)
{
	ev_begin(EVT_PROCINFO, pid, tid, ppid, 0);
	ev_str(exe);
	ev_str(exepath);
	ev_bytes(args, args_len);
	ev_str(cwd);
	ev_u(34816);	  /* tty */
	ev_u(1000);	  /* loginuid */
	ev_u(0);	  /* euid */
	ev_u(0);	  /* egid */
	ev_u(tts - 5000); /* start */
	ev_str(cgroup);
	ev_str("");
	ev_str("");
	ev_u(pid);
	ev_u(tid);
	ev_u(4026531836ull);
	ev_u(4026531841ull);
	ev_u(tnetns);
	ev_u(0);
	ev_bytes("", 0);
	ev_run(st);
}

#endif
