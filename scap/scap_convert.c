/* scap_convert.c: `sysreplay convert` in both directions, through evt_source.
 *
 * To .sysrec: every record of the .scap (snapshot first) goes through
 * fmt_writer, the snapshot records between fmt_writer_snapshot_begin/end.
 * To .scap: every record of the input goes through scap_writer.
 * Damage in the input stops the conversion with the reader's message; the
 * output written so far is closed properly and stays readable.
 */
#include "scap.h"

#include <stdio.h>
#include <string.h>

#include "../format/evt_source.h"
#include "../format/fmt_writer.h"

int scap_convert_to_sysrec(const char *in, const char *out, int exclusive,
			   struct scap_convert_notes *notes, struct sr_err *err)
{
	struct fmt_writer_opts wo = {.exclusive = exclusive};
	struct evt_source *src;
	struct fmt_writer *w;
	struct fmt_host_info host;
	struct sr_err cerr;
	struct evt ev;
	int rc, r;

	rc = scap_source_open_any(in, &src, err);
	if (rc)
		return rc;
	host = src->host;
	snprintf(host.source, sizeof(host.source), "convert:%s", in);
	if (!host.recorder[0])
		snprintf(host.recorder, sizeof(host.recorder), "sysreplay convert");
	rc = fmt_writer_open(&w, out, &host, &wo, err);
	if (rc) {
		evt_source_close(src);
		return rc;
	}
	while ((r = evt_source_next(src, &ev, err)) == 1) {
		unsigned t = ev.rec->type;

		if (t == EVT_SNAP_BEGIN && (rc = fmt_writer_snapshot_begin(w, err)))
			break;
		if ((rc = fmt_writer_append(w, ev.rec, ev.rec->len, err)))
			break;
		if (t == EVT_SNAP_END && (rc = fmt_writer_snapshot_end(w, err)))
			break;
	}
	if (!rc && r < 0)
		rc = r;
	sr_err_clear(&cerr);
	r = fmt_writer_close(w, rc ? &cerr : err);
	if (!rc)
		rc = r;
	if (notes)
		notes->unpaired = src->unpaired;
	evt_source_close(src);
	return rc;
}

int scap_convert_to_scap(const char *in, const char *out, int exclusive,
			 struct scap_convert_notes *notes, struct sr_err *err)
{
	struct evt_source *src;
	struct scap_writer *w;
	struct sr_err cerr;
	struct evt ev;
	int rc, r;

	rc = scap_source_open_any(in, &src, err);
	if (rc)
		return rc;
	rc = scap_writer_open(&w, out, &src->host, exclusive, err);
	if (rc) {
		evt_source_close(src);
		return rc;
	}
	while ((r = evt_source_next(src, &ev, err)) == 1)
		if ((rc = scap_writer_append(w, ev.rec, ev.rec->len, err)))
			break;
	if (!rc && r < 0)
		rc = r;
	sr_err_clear(&cerr);
	if (notes)
		notes->cut = scap_writer_cut(w);
	r = scap_writer_close(w, rc ? &cerr : err);
	if (!rc)
		rc = r;
	if (notes)
		notes->unpaired = src->unpaired;
	evt_source_close(src);
	return rc;
}
