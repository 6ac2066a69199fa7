/* scap_int.h: internals shared by the .scap reader and writer (not a public API).
 *
 * A .scap file is a sequence of pcapng-style blocks:
 *     u32 type | u32 total_len | body | padding to 4 | u32 total_len
 * The first is the section header; then machine info, interface, user,
 * process and fd lists; then event blocks, each holding one scap event
 * (a header, a table of parameter lengths, the parameter bytes). Event ids
 * (PPME_*) come in enter/exit pairs: enter even, exit = enter + 1.
 *
 * The event knowledge lives in one table (scap_table.c): for every scap
 * event pair, its parameters in wire order and what each one is in our
 * schema. The reader uses it to turn pairs into our records, the writer to
 * turn our records back into pairs.
 */
#ifndef SCAP_INT_H
#define SCAP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_le.h"
#include "../common/sr_sb.h"
#include "../format/evt.h"
#include "../format/evt_sysnr.h"

/* ---- block types ---- */
#define SCAP_BT_SHB	     0x0A0D0D0Au
#define SCAP_SHB_MAGIC	     0x1A2B3C4Du
#define SCAP_BT_MI	     0x201u
#define SCAP_BT_MI_INT	     0x8002ABCDu
#define SCAP_BT_PL_V1	     0x202u
#define SCAP_BT_PL_V1_INT    0x8000ABCDu
#define SCAP_BT_PL_V2	     0x207u
#define SCAP_BT_PL_V2_INT    0x8013ABCDu
#define SCAP_BT_PL_V3	     0x209u
#define SCAP_BT_PL_V3_INT    0x8014ABCDu
#define SCAP_BT_PL_V4	     0x210u
#define SCAP_BT_PL_V5	     0x211u
#define SCAP_BT_PL_V6	     0x212u
#define SCAP_BT_PL_V7	     0x213u
#define SCAP_BT_PL_V8	     0x214u
#define SCAP_BT_PL_V9	     0x215u
#define SCAP_BT_FDL	     0x203u
#define SCAP_BT_FDL_INT	     0x8001ABCDu
#define SCAP_BT_FDL_V2	     0x218u
#define SCAP_BT_EV	     0x204u
#define SCAP_BT_EV_INT	     0x8010ABCDu
#define SCAP_BT_EV_V2	     0x216u
#define SCAP_BT_EV_V2_LARGE  0x221u
#define SCAP_BT_EVF	     0x208u
#define SCAP_BT_EVF_V2	     0x217u
#define SCAP_BT_EVF_V2_LARGE 0x222u
#define SCAP_BT_IL	     0x205u
#define SCAP_BT_IL_INT	     0x8011ABCDu
#define SCAP_BT_IL_V2	     0x219u
#define SCAP_BT_UL	     0x206u
#define SCAP_BT_UL_INT	     0x8012ABCDu
#define SCAP_BT_UL_V2	     0x220u

/* Limits the reader enforces before trusting a size. */
#define SCAP_BLOCK_MAX	(64u << 20) /* no real block comes near this */
#define SCAP_EVT_HDR_V1 22	    /* ts u64, tid u64, len u32, type u16 */
#define SCAP_EVT_HDR_V2 26	    /* ... plus nparams u32 */
#define SCAP_MAX_PARAMS 64	    /* scap's own limit is 32; be lenient */

/* scap fd types (fd list blocks) */
enum scap_fdt {
	SCAP_FD_UNKNOWN = 0,
	SCAP_FD_FILE = 1,
	SCAP_FD_DIRECTORY = 2,
	SCAP_FD_IPV4_SOCK = 3,
	SCAP_FD_IPV6_SOCK = 4,
	SCAP_FD_IPV4_SERVSOCK = 5,
	SCAP_FD_IPV6_SERVSOCK = 6,
	SCAP_FD_FIFO = 7,
	SCAP_FD_UNIX_SOCK = 8,
	SCAP_FD_EVENT = 9,
	SCAP_FD_UNSUPPORTED = 10,
	SCAP_FD_SIGNALFD = 11,
	SCAP_FD_EVENTPOLL = 12,
	SCAP_FD_INOTIFY = 13,
	SCAP_FD_TIMERFD = 14,
	SCAP_FD_NETLINK = 15,
	SCAP_FD_FILE_V2 = 16,
	SCAP_FD_BPF = 17,
	SCAP_FD_USERFAULTFD = 18,
	SCAP_FD_IOURING = 19,
	SCAP_FD_MEMFD = 20,
	SCAP_FD_PIDFD = 21,
};

/* ---- the event table ---- */

/* How a parameter travels on the wire in a scap event. */
enum scap_wire {
	SW_I8,
	SW_I16,
	SW_I32,
	SW_I64,
	SW_U8,
	SW_U16,
	SW_U32,
	SW_U64,
	SW_STR, /* NUL-terminated text (charbuf, fspath) */
	SW_BUF, /* raw bytes */
	SW_SA,	/* sockaddr: family byte + payload */
	SW_ST,	/* socket tuple */
	SW_FDL, /* fd list */
	SW_DYN, /* index byte + value */
};

/* What a parameter means for us (besides a plain copy into our param). */
enum scap_conv {
	SV_COPY,     /* same value, width/encoding adapted */
	SV_RES,	     /* the syscall's return value */
	SV_OFLAGS,   /* PPM_O_* <-> O_* */
	SV_CLONE,    /* PPM_CL_* <-> CLONE_* */
	SV_FCNTL,    /* PPM_FCNTL_* <-> F_* */
	SV_PTRACE,   /* PPM_PTRACE_* <-> PTRACE_* */
	SV_MMAP,     /* PPM_MAP_* <-> MAP_* */
	SV_EXEFL,    /* PPM_EXE_* <-> EVT_EXEC_* */
	SV_PEER_DST, /* tuple -> sockaddr of its destination side */
	SV_PEER_SRC, /* tuple -> sockaddr of its source side */
	SV_ACCEPT,   /* tuple with sides swapped (scap: client first; ours: local first) */
	SV_ARGV0,    /* exe/argv[0]: first string of our args */
	SV_ARGV,     /* the rest of argv */
	SV_TID,
	SV_PID,
	SV_PTID,
	SV_COMM,
	SV_UID,
	SV_GID,
	SV_VTID,
	SV_VPID,
	SV_CGROUPS,
	SV_SCID,	/* scap's own syscall code (generic events) */
	SV_TRUSTED_EXE, /* resolved executable path */
	SV_CAPEFF,
	SV_CWD, /* working directory (clone family: describes the child) */
};

struct scap_prm {
	uint8_t wire; /* enum scap_wire */
	uint8_t conv; /* enum scap_conv */
	int8_t our;   /* our parameter index, -1: none */
};

#define SD_WRITE    0x01 /* the pair the writer uses for this our-type */
#define SD_SINGLE   0x02 /* a lone event, no enter/exit pairing */
#define SD_SKIP	    0x04 /* not delivered (internal scap bookkeeping) */
#define SD_CLONE    0x08 /* clone family: thread table, child side */
#define SD_EXEC	    0x10 /* execve family: thread table, argv */
#define SD_GENERIC  0x20 /* scap's generic syscall event */
#define SD_PROCEXIT 0x40

struct scap_evdef {
	uint16_t id; /* enter event id; exit is id + 1 (SD_SINGLE: id only) */
	const char *name;
	int16_t nr;   /* native syscall number, -1 unknown */
	uint16_t our; /* enum evt_type; 0: GENERIC when nr >= 0, else skipped */
	uint8_t flags;
	uint8_t ne, nx; /* parameter counts (max, for old blocks without nparams) */
	struct scap_prm e[8];
	struct scap_prm x[32];
};

#define SCAP_EVT_ID_MAX 512

/* The definition covering event id (enter or exit), or NULL. */
const struct scap_evdef *scap_evdef_get(unsigned id);
/* Problems found parsing the table (0 when it is consistent with the schema). */
int scap_table_errors(void);
/* The definition the writer uses for our type, or NULL. */
const struct scap_evdef *scap_evdef_for_type(unsigned our_type);

/* scap's PPM_SC_* code <-> native number (-1 when unknown). */
int scap_sc_to_nr(unsigned sc);
int scap_nr_to_sc(int nr);

/* Flag conversions, scap -> ours (from_ppm) and back (to_ppm). */
uint64_t scap_conv_from_ppm(unsigned conv, uint64_t v);
uint64_t scap_conv_to_ppm(unsigned conv, uint64_t v);

/* scap fd type <-> our fdtype */
unsigned scap_fdtype_to_ours(unsigned t);
unsigned scap_fdtype_from_ours(unsigned t, unsigned server);

#endif
