/* evt_abi.h: the event record layout shared by the probe and userspace.
 *
 * Includes nothing: the includer provides __u8..__u64/__s64 (vmlinux.h in
 * the probe, <linux/types.h> in userspace). Every multi-byte field is little
 * endian; the probe writes records in exactly this layout so the recorder
 * only rewrites the timestamp before appending them to a chunk.
 *
 * A record:   struct evt_rec | lens[nparams] | param bytes ...
 *   lens are __u16 each, or __u32 each when flags has EVT_RF_LARGE.
 *   len counts everything, header included; a record may exceed 64 KiB
 *   (up to EVT_REC_MAX) when its lens are 32-bit.
 */
#ifndef EVT_ABI_H
#define EVT_ABI_H

#define EVT_REC_MAX    (16u << 20) /* largest record a reader accepts */
#define EVT_MAX_PARAMS 24	   /* more parameters than this: the record is damaged */
#define EVT_COMM_LEN   16

/* evt_rec.flags */
#define EVT_RF_LARGE	  0x0001 /* lens are 32-bit */
#define EVT_RF_TRUNC	  0x0002 /* some parameter was cut by snaplen or probe limits */
#define EVT_RF_NORET	  0x0004 /* syscall did not return (exit, successful execve of old image) */
#define EVT_RF_ENTER_ONLY 0x0008 /* exit was never seen (e.g. thread killed); res invalid */
#define EVT_RF_NORES                                                                               \
	0x0010 /* the source did not record the return value (scap generic                         \
		  events): res is 0 and means nothing */

struct evt_rec {
	__u32 len;  /* whole record, bytes */
	__u16 type; /* enum evt_type */
	__u16 nparams;
	__u64 ts;      /* ns since the epoch in files; ns since boot inside the probe */
	__u64 latency; /* syscall duration, ns (0 when not a syscall) */
	__s64 res;     /* syscall return value */
	__u32 pid;     /* thread group id (user-visible pid, init namespace) */
	__u32 tid;     /* thread id (init namespace) */
	__u32 ppid;    /* parent's tgid */
	__u32 uid;
	__u32 gid;
	__u16 cpu;
	__u16 flags; /* EVT_RF_* */
	__u64 cgroup_id;
	char comm[EVT_COMM_LEN];
};

#define EVT_REC_HDR 80

/* A DROP record's header cpu when the loss belongs to no CPU (records the
 * recorder's reader found malformed). */
#define EVT_GAP_NO_CPU 0xffff

/* Socket address parameter (PT_SOCKADDR): family byte then payload.
 *   AF_INET (2):  4 address bytes (network order), port u16 (host order)
 *   AF_INET6 (10): 16 address bytes, port u16
 *   AF_UNIX (1):  path bytes (no NUL); abstract sockets start with '\0'
 * Socket tuple parameter (PT_SOCKTUPLE): family byte then
 *   AF_INET:  saddr[4] sport u16 daddr[4] dport u16  (s = local, d = remote)
 *   AF_INET6: saddr[16] sport u16 daddr[16] dport u16
 *   AF_UNIX:  u64 local inode, u64 peer inode, path bytes
 *   plus, for INET families, an optional trailing l4 protocol byte (6 tcp, 17 udp). */

#endif
