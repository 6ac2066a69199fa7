/* fmt_host: capture-wide metadata carried in the file header. */
#ifndef FMT_HOST_H
#define FMT_HOST_H

#include <stdint.h>

struct fmt_host_info {
	char hostname[256];
	char kernel[128];
	char machine[64];
	char recorder[128];	 /* "sysrec 0.1.0" */
	char options[1024];	 /* recorder command line */
	char source[512];	 /* "live", or "convert:<input>" */
	uint64_t boot_ns;	 /* boot time, epoch ns */
	int64_t clock_offset_ns; /* epoch ns - boot-clock ns at start */
	uint64_t start_ns;	 /* capture start, epoch ns */
	uint32_t snaplen;
	uint32_t ncpus;
	/* 2.1: an extract's provenance (JSON text), or NULL. A reader owns the
	 * string it parsed (freed with the reader); a writer only reads it. */
	const char *provenance;
	/* 2.1: the root public key that signs the capture's checkpoints */
	int has_sign_key;
	uint8_t sign_pub[32];
};

/* Fills hostname, kernel, machine, boot and clock offset from this machine. */
void fmt_host_info_local(struct fmt_host_info *h);

#endif
