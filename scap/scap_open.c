/* scap_open: any capture this project reads, picked by its first bytes. It
 * sits here, above format/, because only this folder knows both formats. */
#include "../format/evt_source.h"
#include "scap.h"

int scap_source_open_any(const char *path, struct evt_source **out, struct sr_err *err)
{
	int kind, rc = evt_source_sniff_path(path, &kind, err);

	*out = NULL;
	if (rc)
		return rc;
	if (kind == SRC_SCAP)
		return scap_source_open(path, out, err);
	if (kind == SRC_SYSREC)
		return evt_source_open_sysrec(path, out, err);
	return SR_EFORMAT; /* err says which */
}
