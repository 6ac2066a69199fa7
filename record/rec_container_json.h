/* rec_container_json: container runtime API answers to CONTAINERINFO records.
 *
 * Reads the answer of GET /containers/ID/json (docker, podman's
 * docker-compatible endpoint) and of podman's GET /libpod/containers/ID/json
 * (the same shape plus ImageName, ImageDigest, OCIRuntime). Anything that
 * is not such an object is bad input: an error, never a crash.
 */
#ifndef REC_CONTAINER_JSON_H
#define REC_CONTAINER_JSON_H

#include <stddef.h>

#include "../common/sr_err.h"
#include "../format/evt.h"

/* Builds a CONTAINERINFO record (header hdr) into b from the answer
 * json[0..len) of a runtime of type ("docker", "podman"). want_id, when
 * not NULL, must be a prefix of the answer's Id. 0 or SR_EFORMAT. */
int rec_ctr_json_record(const char *json, size_t len, const char *type, const char *want_id,
			const struct evt_rec *hdr, struct evt_builder *b, struct sr_err *err);

/* Calls fn for the Id of every container in a GET /containers/json answer;
 * 0, or SR_EFORMAT when it is not a list. */
int rec_ctr_json_ids(const char *json, size_t len, void (*fn)(void *ctx, const char *id),
		     void *ctx);

/* RFC 3339 time ("2026-12-06T04:01:08.659221093Z", "+01:00" offsets) to
 * epoch ns; 0 for the zero time or anything unreadable. */
unsigned long long rec_ctr_json_time(const char *s);

#endif
