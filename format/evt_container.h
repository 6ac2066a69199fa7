/* evt_container: the CONTAINERINFO record (format/evt_schema.def), built
 * from a description and read back by parameter index.
 *
 * Producers (the recorder's runtime clients, the .scap importer) fill a
 * struct evt_container with borrowed strings and call evt_container_add;
 * readers (state) take parameters by the EVT_CTR_* indexes below.
 */
#ifndef EVT_CONTAINER_H
#define EVT_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "evt.h"

/* Parameter indexes of CONTAINERINFO, in schema order. */
enum evt_ctr_param {
	EVT_CTR_ID,
	EVT_CTR_NAME,
	EVT_CTR_IMAGE,
	EVT_CTR_IMAGE_REPO,
	EVT_CTR_IMAGE_TAG,
	EVT_CTR_IMAGE_DIGEST,
	EVT_CTR_IMAGE_ID,
	EVT_CTR_TYPE,
	EVT_CTR_RUNTIME,
	EVT_CTR_PRIVILEGED,
	EVT_CTR_HOST_NETWORK,
	EVT_CTR_HOST_PID,
	EVT_CTR_USER,
	EVT_CTR_START_TS,
	EVT_CTR_LABELS,
	EVT_CTR_MOUNTS,
	EVT_CTR_POD_LABELS,
	EVT_CTR_NPARAMS,
};

/* Limits on what a description may hold (bad input beyond them is cut). */
#define EVT_CTR_MAX_LABELS 256
#define EVT_CTR_MAX_MOUNTS 128

/* A description; every pointer borrowed, NULL meaning unknown. labels and
 * pod_labels are NUL-terminated "key=value" strings back to back (len
 * bytes); mounts are (source, destination, "rw"/"ro") triples the same way. */
struct evt_container {
	const char *id; /* 64 hex digits (or what the runtime calls the id) */
	const char *name, *image, *image_repo, *image_tag, *image_digest, *image_id;
	const char *type;    /* engine: docker, podman, containerd, cri-o */
	const char *runtime; /* OCI runtime: runc, crun, ... */
	const char *user;
	int privileged, host_network, host_pid;
	uint64_t start_ts; /* epoch ns, 0 unknown */
	const char *labels, *mounts, *pod_labels;
	size_t labels_len, mounts_len, pod_labels_len;
};

/* Adds the parameters of d to a record begun with EVT_CONTAINERINFO. */
int evt_container_add(struct evt_builder *b, const struct evt_container *d);

/* Splits an image reference "reg:5000/repo/name:tag@sha256:..." into its
 * repository ("reg:5000/repo/name"), tag ("tag", "" when none) and digest
 * ("sha256:...", "" when none), each NUL-terminated into a buffer of cap
 * bytes (cut to fit). */
void evt_container_split_image(const char *image, char *repo, char *tag, char *digest, size_t cap);

#endif
