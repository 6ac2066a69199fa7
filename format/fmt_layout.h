/* fmt_layout.h: on-disk structures of a .sysrec capture (see FORMAT.md).
 * All integers little endian; structs are packed by construction (natural
 * alignment, explicit padding) and checked with static asserts. */
#ifndef FMT_LAYOUT_H
#define FMT_LAYOUT_H

#include <stdint.h>

#include "../common/sr_version.h"

#define FMT_MAGIC	 "SYSREC\r\n" /* 8 bytes; \r\n catches text-mode mangling */
#define FMT_MAJOR	 2
#define FMT_MAJOR_OLDEST 1 /* 1.x payloads hold records in the in-memory layout */
#define FMT_MINOR	 1 /* 2.1: SHA-256 digest chain, signed checkpoints (fmt_seal.h) */
_Static_assert(FMT_MAJOR == SR_FORMAT_MAJOR && FMT_MINOR == SR_FORMAT_MINOR,
	       "common/sr_version.h names another capture format version");
#define FMT_CHUNK_MAGIC	  0x314b4843u /* "CHK1" */
#define FMT_INDEX_MAGIC	  0x31584449u /* "IDX1" */
#define FMT_TRAILER_MAGIC 0x4e455253u /* "SREN" */

/* Limits a reader enforces before trusting any size. */
#define FMT_HEADER_MAX	     (1u << 20)
#define FMT_CHUNK_RAW_MAX    (64u << 20)
#define FMT_CHUNK_COMP_MAX   (64u << 20)
#define FMT_INDEX_MAX_CHUNKS (1u << 24)

struct fmt_file_hdr {
	char magic[8];
	uint16_t major;
	uint16_t minor;
	uint32_t hdr_len; /* whole header: this struct + metadata TLVs + crc32c */
	uint64_t flags;	  /* reserved, must be 0 */
};

/* Metadata TLV: tag u16, zero u16, len u32, then len bytes, padded to 8. */
enum fmt_meta_tag {
	FMT_META_END = 0,
	FMT_META_HOSTNAME = 1,	  /* text */
	FMT_META_KERNEL = 2,	  /* text: uname release */
	FMT_META_BOOT_NS = 3,	  /* u64: boot time, ns since the epoch */
	FMT_META_CLOCK_OFF = 4,	  /* s64: epoch ns minus boot-clock ns */
	FMT_META_RECORDER = 5,	  /* text: producing program and version */
	FMT_META_OPTIONS = 6,	  /* text: the command line options */
	FMT_META_START_NS = 7,	  /* u64: capture start, ns since the epoch */
	FMT_META_SNAPLEN = 8,	  /* u32 */
	FMT_META_MACHINE = 9,	  /* text: uname machine */
	FMT_META_NCPUS = 10,	  /* u32 */
	FMT_META_SOURCE = 11,	  /* text: "live" or "convert:<path>" */
	FMT_META_SIGN_KEY = 12,	  /* 32 bytes: Ed25519 public key of the checkpoints (2.1) */
	FMT_META_PROVENANCE = 13, /* text: JSON provenance of an extract (2.1) */
};

#define FMT_CHF_SNAPSHOT 0x1 /* chunk opens with a full state snapshot */

struct fmt_chunk_hdr {
	uint32_t magic;
	uint32_t hdr_len;	/* sizeof(struct fmt_chunk_hdr); larger in later minors */
	uint64_t seq;		/* chunk number, from 0 */
	uint32_t comp_size;	/* payload bytes following this header */
	uint32_t raw_size;	/* payload bytes once decompressed (wire records in 2.x) */
	uint32_t count;		/* records in the payload */
	uint32_t flags;		/* FMT_CHF_* */
	uint64_t first_ts;	/* smallest record ts, epoch ns */
	uint64_t last_ts;	/* largest */
	uint64_t drops_ring;	/* events lost (kernel ring full) while this chunk filled */
	uint64_t drops_backlog; /* events lost (userspace backlog) */
	uint8_t types[32];	/* bit t set: a record of type t is inside */
	uint32_t payload_crc;	/* crc32c of the compressed payload */
	uint32_t rec_size;	/* 2.x: bytes of the records expanded, padded to 8; 1.x: 0 */
	uint64_t prev_hash;	/* hash field of the previous chunk; file seed for chunk 0 */
	uint64_t hash;		/* sr_hash64(prev_hash, bytes [0, offsetof(hash))) */
	uint32_t hdr_crc;	/* crc32c of bytes [0, offsetof(hdr_crc)) */
	uint32_t pad;		/* 0 */
};

struct fmt_index_hdr {
	uint32_t magic;
	uint32_t entry_size; /* sizeof(struct fmt_index_entry) */
	uint64_t count;	     /* entries */
};

struct fmt_index_entry {
	uint64_t offset; /* of the chunk header, from file start */
	uint32_t comp_size;
	uint32_t raw_size;
	uint64_t first_ts;
	uint64_t last_ts;
	uint32_t count;
	uint32_t flags;
	uint64_t snapshot; /* seq of the newest snapshot chunk at or before this one */
	uint8_t types[32];
};
/* The index block is: fmt_index_hdr, count entries, then a u32 crc32c of all that. */

struct fmt_trailer {
	uint64_t index_offset;
	uint64_t index_size; /* bytes, crc included */
	uint64_t chunks;
	uint64_t events;
	uint64_t drops_ring;
	uint64_t drops_backlog;
	uint64_t last_hash; /* hash of the last chunk */
	uint32_t crc;	    /* crc32c of the bytes above */
	uint32_t magic;	    /* FMT_TRAILER_MAGIC: the file's last 4 bytes */
};

_Static_assert(sizeof(struct fmt_file_hdr) == 24, "file header layout");
_Static_assert(sizeof(struct fmt_chunk_hdr) == 128, "chunk header layout");
_Static_assert(sizeof(struct fmt_index_entry) == 80, "index entry layout");
_Static_assert(sizeof(struct fmt_trailer) == 64, "trailer layout");

#endif
