/* evt_source: one stream of events, whatever file it comes from.
 *
 * evt_source_open_sysrec() opens a .sysrec capture; scap_source_open()
 * (scap/) a sysdig/Falco .scap, behind the same interface. Replay, state and
 * rules read only through it, so every command works on both formats.
 * Views returned by next() are valid until the next call.
 */
#ifndef EVT_SOURCE_H
#define EVT_SOURCE_H

#include <stdint.h>

#include "../common/sr_err.h"
#include "evt.h"
#include "fmt_host.h"

/* What a keep test (set_keep below, fmt_reader_set_keep) says of a record. */
enum fmt_keep {
	FMT_KEEP_SKIP = 0,  /* pass over */
	FMT_KEEP = 1,	    /* deliver */
	FMT_KEEP_COUNT = 2, /* pass over and count it (fmt_reader_counted) */
	FMT_KEEP_MARK = 3,  /* deliver with ev->mark 1 (a note for the consumer) */
	/* FMT_KEEP_MARK for a consumer that reads only the record's header: a
	 * worker-tested record then comes with nparams 0 (its parameters are
	 * not walked) */
	FMT_KEEP_MARK_HDR = 4,
	FMT_KEEP_MARK2 = 5, /* deliver with ev->mark 2 (a second note) */
};

struct evt_source;

struct evt_source_ops {
	/* 1: event; 0: end; <0: error (err filled; earlier events were delivered) */
	int (*next)(struct evt_source *s, struct evt *ev, struct sr_err *err);
	/* Optional (NULL: the caller skips by reading). */
	int (*seek_time)(struct evt_source *s, uint64_t ts_ns, struct sr_err *err);
	/* Optional hint: only types in set are wanted. */
	void (*set_types)(struct evt_source *s, const uint8_t set[32]);
	/* Optional hint: every record is still delivered, but records of
	 * types outside set may come header-only (nparams 0, res 0): for a reader
	 * that needs only the headers of those (the state engine, see
	 * st_type_reads_params). Cancels set_types; NULL set: all in full. */
	void (*set_header_types)(struct evt_source *s, const uint8_t set[32]);
	void (*close)(struct evt_source *s);
	/* Optional: after next() failed, go on past the damage; 0 or -1 when
	 * nothing readable is known to follow. NULL: the source ends there. */
	int (*skip_damage)(struct evt_source *s);
	/* Optional (NULL: the source never grows): records appended since the
	 * end was reached, for a capture being written (fmt_reader_refresh):
	 * 1 new ones, 0 none yet, 2 finished, <0 error. */
	int (*refresh)(struct evt_source *s, struct sr_err *err);
	/* Optional, both or neither (NULL: the caller tests records itself):
	 * a test every record passes before next() delivers it, run on the
	 * loading threads where there are some; counted: the records it
	 * counted instead of delivering. fmt_reader_set_keep says the rest. */
	void (*set_keep)(struct evt_source *s, int (*keep)(void *ctx, const struct evt *ev),
			 void *ctx);
	uint64_t (*counted)(struct evt_source *s);
};

enum evt_source_kind { SRC_SYSREC, SRC_SCAP };

struct evt_source {
	const struct evt_source_ops *ops;
	enum evt_source_kind kind;
	struct fmt_host_info host;
	char path[4096];
	uint64_t first_ts, last_ts; /* when known without reading (0 otherwise) */
	/* enter events delivered without their exit because too many waited
	 * at once (the .scap reader's limits; their exits come alone): the
	 * reader of the source tells the user */
	uint64_t unpaired;
};

/* Opens a .sysrec capture (SR_EFORMAT for anything else, a .scap named as such). */
int evt_source_open_sysrec(const char *path, struct evt_source **out, struct sr_err *err);
/* Process wide, before sources open: .sysrec chunks are loaded (read,
 * checked, decompressed, expanded) ahead by `workers` threads, up to `depth`
 * chunks per source (format/fmt_pipe.c). 0 workers: each source loads its
 * chunks on the caller's thread (the default). Events come out the same
 * either way. */
void evt_source_set_threads(unsigned workers, unsigned depth);
static inline int evt_source_next(struct evt_source *s, struct evt *ev, struct sr_err *err)
{
	return s->ops->next(s, ev, err);
}
void evt_source_close(struct evt_source *s);

/* What a file's first bytes (n of them, up to 8 are read) say it is:
 * SRC_SYSREC (our magic), SRC_SCAP (a pcapng section header, or gzip), or
 * -1 when neither. */
int evt_source_sniff(const void *head, size_t n);
/* The same for the file at path: 0 with *kind SRC_SYSREC, SRC_SCAP, or -1
 * (neither: err then says "empty file" or "not a capture file"); or an
 * error (SR_EIO: cannot open or read it, err says so). */
int evt_source_sniff_path(const char *path, int *kind, struct sr_err *err);

#endif
