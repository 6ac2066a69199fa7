/* scap_params.h: parameter encodings, scap wire <-> ours (see scap_params.c).
 * Every function reads at most len input bytes and writes at most cap bytes,
 * returning the bytes written. Socket helpers need cap >= 64. */
#ifndef SCAP_PARAMS_H
#define SCAP_PARAMS_H

#include "scap_int.h"

int64_t scap_wire_num(unsigned wire, const uint8_t *p, uint32_t len);
unsigned scap_wire_width(unsigned wire);
uint32_t scap_str_len(const uint8_t *p, uint32_t len);

uint32_t scap_sa_to_ours(const uint8_t *p, uint32_t len, uint8_t *out, uint32_t cap);
uint32_t scap_st_to_ours(const uint8_t *p, uint32_t len, int swap, uint8_t *out, uint32_t cap);
/* Tuple -> sockaddr of one side: dst 1 takes the destination. */
uint32_t scap_st_to_sa(const uint8_t *p, uint32_t len, int dst, uint8_t *out, uint32_t cap);

uint32_t scap_sa_from_ours(const uint8_t *p, uint32_t len, uint8_t *out, uint32_t cap);
uint32_t scap_st_from_ours(const uint8_t *p, uint32_t len, int swap, uint8_t *out, uint32_t cap);
/* Sockaddr -> tuple with the other side zero: dst 1 puts it as destination. */
uint32_t scap_sa_to_st(const uint8_t *p, uint32_t len, int dst, uint8_t *out, uint32_t cap);

#endif
