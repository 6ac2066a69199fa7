/* scap.h: sysdig/Falco .scap captures, read and written.
 *
 * Reading goes through scap_source_open(), an evt_source (format/evt_source.h)
 * that yields our records: a snapshot (SNAP_BEGIN, PROCINFO, FDINFO, USERINFO,
 * GROUPINFO, SNAP_END) from the capture's process/fd/user lists, then one
 * record per syscall (scap's enter and exit events merged).
 *
 * Writing: scap_writer_open → scap_writer_append (records, snapshot first)
 * → scap_writer_close. The file opens in sysdig 0.29 and later: section
 * header, machine info, process/fd/user lists from the first snapshot, then
 * each record as an enter and an exit event block.
 *
 * Files are created by sr_file_create (common/sr_file.h): mode 0600, never
 * through a symbolic link; with exclusive set an existing file is refused,
 * otherwise an existing regular file is replaced.
 *
 * Conversions for `sysreplay convert`: IN may be anything
 * scap_source_open_any reads; OUT is created as above. Errors name the file and the cause.
 */
#ifndef SCAP_H
#define SCAP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "../format/evt.h"
#include "../format/fmt_host.h"

struct evt_source;
/* Opens a .scap capture (plain or gzip) as an evt_source (format/evt_source.h). */
int scap_source_open(const char *path, struct evt_source **out, struct sr_err *err);
/* Opens any capture this project reads, by its first bytes: a .sysrec
 * through format/ (evt_source_open_sysrec), a .scap through the reader here. */
int scap_source_open_any(const char *path, struct evt_source **out, struct sr_err *err);

struct scap_writer;
int scap_writer_open(struct scap_writer **out, const char *path, const struct fmt_host_info *host,
		     int exclusive, struct sr_err *err);
/* Appends one record (len bytes, struct evt_rec first). Snapshot records
 * before the first event become the lists; later snapshots are skipped. */
int scap_writer_append(struct scap_writer *w, const void *rec, size_t len, struct sr_err *err);
/* Number of scap events written so far (enter and exit count separately). */
unsigned long long scap_writer_events(const struct scap_writer *w);
/* Events written with their largest parameters cut (see scap_writer.c). */
unsigned long long scap_writer_cut(const struct scap_writer *w);
int scap_writer_close(struct scap_writer *w, struct sr_err *err);

/* What a conversion changed on the way, for the user (notes may be NULL):
 * enters read without their exit because too many waited at once (the
 * .scap reader's limits, struct evt_source's unpaired), and events whose
 * largest parameters were cut to fit sysdig's 64 KiB event blocks. */
struct scap_convert_notes {
	uint64_t unpaired;
	unsigned long long cut;
};
int scap_convert_to_scap(const char *in, const char *out, int exclusive,
			 struct scap_convert_notes *notes, struct sr_err *err);
int scap_convert_to_sysrec(const char *in, const char *out, int exclusive,
			   struct scap_convert_notes *notes, struct sr_err *err);

#endif
