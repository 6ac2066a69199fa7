/* scap_input.h: plain-or-gzip byte stream for the .scap reader (scap_input.c). */
#ifndef SCAP_INPUT_H
#define SCAP_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

struct scap_in {
	int fd, gzip, z_init;
	z_stream z;
	uint8_t *in, *out;
	size_t out_len, out_pos;
	int in_eof, eof, err, member_done;
	char msg[160]; /* set when err */
};

/* 0 or -1 (errno set by open). */
int scap_in_open(struct scap_in *in, const char *path);
void scap_in_close(struct scap_in *in);
/* Reads up to n bytes; fewer means the end, or an error when in->err is set. */
size_t scap_in_read(struct scap_in *in, void *dst, size_t n);

#endif
