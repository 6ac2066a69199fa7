/* evt: event types, parameter types, and the decoded view of one record.
 *
 * Ownership: a struct evt is a view into a buffer owned by whoever produced
 * it (a reader's chunk buffer, the recorder's ring); it is valid until that
 * producer's next call. Copy what you need to keep.
 */
#ifndef EVT_H
#define EVT_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "evt_abi.h"

enum evt_type {
	EVT_UNKNOWN = 0,
#define PRM(n, t, f, pf)
#define EVT(id, num, name, cat, ef, params) EVT_##id = num,
#include "evt_schema.def"
#undef EVT
#undef PRM
	EVT_TYPE_MAX = 256, /* type ids are below this; the index keeps a 256-bit set */
};

enum evt_category {
	EC_OTHER,
	EC_PROCESS,
	EC_FILE,
	EC_IO,
	EC_NET,
	EC_IPC,
	EC_PRIV,
	EC_SIGNAL,
	EC_MEMORY,
	EC_KERNEL,
	EC_SCHED,
	EC_META,
	EC_ACTION,
};

/* How a parameter's bytes are read and printed. Integers are little endian
 * in 1, 2, 4 or 8 bytes; readers accept any of those widths. */
enum evt_ptype {
	PT_NONE,
	PT_INT,	 /* signed integer */
	PT_UINT, /* unsigned integer */
	PT_HEX,	 /* unsigned, printed in hex */
	PT_FD,	 /* signed; -100 is AT_FDCWD */
	PT_PID,
	PT_UID,
	PT_GID,
	PT_MODE,      /* printed in octal */
	PT_FLAGS,     /* bit set, names from the flag table */
	PT_ENUM,      /* one value, name from the flag table */
	PT_SYSCALLNR, /* syscall number, printed by name */
	PT_ABSTIME,   /* ns since the epoch */
	PT_PATH,      /* file system path, bytes without NUL */
	PT_STR,	      /* text, bytes without NUL */
	PT_BYTES,     /* raw data (I/O buffers), possibly cut at snaplen */
	PT_STRARRAY,  /* strings each terminated by NUL (argv, env) */
	PT_SOCKADDR,  /* see evt_abi.h */
	PT_SOCKTUPLE, /* see evt_abi.h */
};

/* Flag and enum tables named by the schema. */
enum evt_ftable {
	FT_NONE,
	FT_OPEN,
	FT_CLONE,
	FT_AT,
	FT_EXEC,
	FT_FCNTL,
	FT_AF,
	FT_SOCKTYPE,
	FT_RENAME,
	FT_MOUNT,
	FT_UMOUNT,
	FT_PRCTL,
	FT_PTRACE,
	FT_SIGNAL,
	FT_PROT,
	FT_MMAP,
	FT_MEMFD,
	FT_BPFCMD,
	FT_FDTYPE,
	FT_COUNT,
};

/* PROC_EXEC / EXECVE / PROCINFO flags */
#define EVT_EXEC_FROM_MEMFD  0x1 /* executable is a memfd (fileless) */
#define EVT_EXEC_UPPER_LAYER 0x2 /* executable lives in an overlay upper layer */
#define EVT_EXEC_WRITABLE    0x4 /* executable file is writable by the user */

/* FDINFO fdtype values (FT_FDTYPE) */
enum evt_fdtype {
	FDT_UNKNOWN,
	FDT_FILE,
	FDT_DIRECTORY,
	FDT_IPV4,
	FDT_IPV6,
	FDT_UNIX,
	FDT_PIPE,
	FDT_EVENT,
	FDT_SIGNALFD,
	FDT_EVENTPOLL,
	FDT_INOTIFY,
	FDT_TIMERFD,
	FDT_NETLINK,
	FDT_MEMFD,
	FDT_BPF,
	FDT_USERFAULTFD,
	FDT_IOURING,
	FDT_OTHER,
};

/* What an event does (evt_info.flags), declared per type in evt_schema.def.
 * The state engine and the field extractors act on these, not on lists of
 * types. */
enum evt_eflag {
	EF_CREATES_FD = 1u << 0,  /* success adds fds to the table */
	EF_FD_TABLE = 1u << 1,	  /* changes the fd table or an fd's description */
	EF_READS = 1u << 2,	  /* I/O: reads data from its fd (evt.is_io_read) */
	EF_WRITES = 1u << 3,	  /* I/O: writes data to its fd (evt.is_io_write) */
	EF_RES_FD = 1u << 4,	  /* the result is an fd */
	EF_RES_NAMED = 1u << 5,	  /* ... that evt.args shows as fd=, as sysdig names it */
	EF_RES_PID = 1u << 6,	  /* the result is a thread id (the child) */
	EF_RES_ADDR = 1u << 7,	  /* the result is an address, shown in hex */
	EF_OPEN = 1u << 8,	  /* opens its EP_PATH parameter */
	EF_SOCK_NAME = 1u << 9,	  /* sets a socket's addresses (fd.name_changed) */
	EF_FORK = 1u << 10,	  /* creates a thread or process */
	EF_EXEC = 1u << 11,	  /* replaces the process image */
	EF_EXIT = 1u << 12,	  /* ends the calling thread; never returns */
	EF_EXIT_GROUP = 1u << 13, /* ends every thread of the process; never returns */
	EF_CLOSE = 1u << 14,	  /* closes its EP_FD parameter */
	EF_DUP = 1u << 15,	  /* copies its EP_FD parameter to the result */
	EF_CWD = 1u << 16,	  /* changes the working directory */
	EF_SETUID = 1u << 17,	  /* changes the user ids */
	EF_SETGID = 1u << 18,	  /* changes the group ids */
};

/* A parameter's role (evt_param_info.flags). */
enum evt_pflag {
	EP_FD = 1u << 0,	 /* the fd the call works on (fd.* fields) */
	EP_DIRFD = 1u << 1,	 /* resolves the EP_PATH* parameter right after it */
	EP_PATH = 1u << 2,	 /* the path the event names (fs.path.name) */
	EP_PATH_SRC = 1u << 3,	 /* its source path (fs.path.source) */
	EP_PATH_DST = 1u << 4,	 /* its target path (fs.path.target) */
	EP_LOCAL = 1u << 5,	 /* socket address of the local end */
	EP_REMOTE = 1u << 6,	 /* socket address of the peer; a tuple printed peer first */
	EP_HIDDEN = 1u << 7,	 /* sysdig shows it on the enter event only: not in evt.args */
	EP_HIDE_EMPTY = 1u << 8, /* left out of evt.args when empty */
};

struct evt_param_info {
	const char *name;
	enum evt_ptype type;
	enum evt_ftable ftable;
	unsigned flags; /* enum evt_pflag */
};

struct evt_info {
	const char *name; /* syscall-style name, "openat" */
	enum evt_category category;
	unsigned nparams;
	const struct evt_param_info *params;
	unsigned flags; /* enum evt_eflag */
};

/* Schema lookups. evt_info_get() returns NULL for ids the schema lacks:
 * readers skip those records by length. */
const struct evt_info *evt_info_get(unsigned type);
/* The type's EF_ flags; 0 for ids the schema lacks. */
unsigned evt_type_flags(unsigned type);
/* Records of a syscall (not a scheduler tracepoint or a meta record). */
int evt_type_is_syscall(unsigned type);
/* The index of the parameter with role pf (one of EP_PATH, EP_PATH_SRC,
 * EP_PATH_DST, EP_FD), or -1; *dirfd_idx (may be NULL) gets the EP_DIRFD
 * parameter that resolves a path, or -1 when it resolves against the cwd. */
int evt_param_role(unsigned type, unsigned pf, int *dirfd_idx);
/* Type id by name ("openat"), or -1. */
int evt_type_by_name(const char *name);
const char *evt_category_name(enum evt_category c);

/* Flag tables: names for values. */
struct evt_flag_name {
	uint64_t value;
	const char *name;
};
/* Returns the table and its length; for enum tables values are exact. */
const struct evt_flag_name *evt_ftable_get(enum evt_ftable t, size_t *n);

/* The decoded view of a record. */
struct evt {
	const struct evt_rec *rec; /* header; fields read directly */
	uint64_t num;		   /* 1-based position in the stream being read */
	/* Set by a .sysrec reader: 1 or 2 when its keep test
	 * (fmt_reader_set_keep) marked the record, else 0. Other sources
	 * leave it unset. */
	unsigned mark;
	unsigned nparams;
	const uint8_t *p[EVT_MAX_PARAMS];
	uint32_t plen[EVT_MAX_PARAMS];
};

/* Decodes the record at buf (avail bytes readable). Checks every length
 * against avail: returns 0 and fills ev, or SR_ECORRUPT on a record that
 * lies about its sizes. Never reads past buf + avail. */
int evt_decode(struct evt *ev, const void *buf, size_t avail);

/* Parameter access by index; missing params read as absent (0 / NULL).
 * Inline: the state engine and filters read them on every event. Integers
 * of a width other than 1, 2, 4 or 8 bytes read as 0. */
static inline int evt_param_present(const struct evt *ev, unsigned i)
{
	return i < ev->nparams;
}

static inline uint64_t evt_param_u64(const struct evt *ev, unsigned i)
{
	const uint8_t *p;

	if (i >= ev->nparams)
		return 0;
	p = ev->p[i];
	switch (ev->plen[i]) {
	case 1:
		return p[0];
	case 2: {
		uint16_t v;
		__builtin_memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		__builtin_memcpy(&v, p, 4);
		return v;
	}
	case 8: {
		uint64_t v;
		__builtin_memcpy(&v, p, 8);
		return v;
	}
	}
	return 0;
}

static inline int64_t evt_param_s64(const struct evt *ev, unsigned i)
{
	const uint8_t *p;

	if (i >= ev->nparams)
		return 0;
	p = ev->p[i];
	switch (ev->plen[i]) {
	case 1:
		return (int8_t)p[0];
	case 2: {
		int16_t v;
		__builtin_memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		int32_t v;
		__builtin_memcpy(&v, p, 4);
		return v;
	}
	case 8: {
		int64_t v;
		__builtin_memcpy(&v, p, 8);
		return v;
	}
	}
	return 0;
}

/* Whether the record carries exactly the parameters its type declares (the
 * probe always writes them all); 1 for types the schema lacks. */
int evt_nparams_match(const struct evt *ev);

/* Parameter index by name for this event's type, or -1. */
int evt_param_index(unsigned type, const char *name);

/* Record building (recorder snapshots, converters, tests). The builder
 * owns a growable buffer; evt_builder_finish() returns the record bytes,
 * valid until the next evt_builder_begin(). */
struct evt_builder {
	uint8_t *buf;
	size_t cap, len;
	unsigned nparams;
	uint32_t lens[EVT_MAX_PARAMS];
	uint8_t *data; /* param bytes staging */
	size_t data_cap, data_len;
	struct evt_rec hdr;
};
void evt_builder_init(struct evt_builder *b);
void evt_builder_free(struct evt_builder *b);
/* Starts a record; the header (ts, pid, ...) is copied from hdr, type set. */
void evt_builder_begin(struct evt_builder *b, unsigned type, const struct evt_rec *hdr);
int evt_builder_add(struct evt_builder *b, const void *data, size_t len);
int evt_builder_add_u64(struct evt_builder *b, uint64_t v);
int evt_builder_add_s64(struct evt_builder *b, int64_t v);
int evt_builder_add_str(struct evt_builder *b, const char *s); /* NULL adds an empty param */
/* Returns the finished record; *len its size. NULL when the parameters
 * added are not as many as the schema declares for the type (types the
 * schema lacks take any number), or on allocation failure. */
const void *evt_builder_finish(struct evt_builder *b, size_t *len);
/* The same without the parameter count check, for records that are short
 * on purpose: header-only views a reader was asked for, and tests that
 * hand readers malformed records. */
const void *evt_builder_finish_raw(struct evt_builder *b, size_t *len);

#endif
