/* rpl_usage: man-style help for sysreplay and each command. */
#include <stdarg.h>
#include <string.h>

#include "rpl.h"
#include "rpl_view.h"
#include "common/sr_version.h"

static const char overview[] =
    "NAME\n"
    "    sysreplay - analyze sysrec and sysdig/Falco captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay events  [-f FILTER] [-p FORMAT | -j] [-c] [-n N] [--since T] [--until T] "
    "FILE...\n"
    "    sysreplay alerts  [-r RULES.yaml ...] [--priority P] [--tags T | -D S ... |\n"
    "                      --disable-tags T] [--all] [-j] [--since T] [--until T] FILE...\n"
    "    sysreplay shell   [--live] FILE...\n"
    "    sysreplay info    [-j] FILE...\n"
    "    sysreplay verify  FILE...\n"
    "    sysreplay stats   [--since T] [--until T] FILE...\n"
    "    sysreplay convert [--force] IN OUT\n"
    "    sysreplay fields  [PREFIX]\n"
    "    sysreplay ps|lsof|netstat [--at T] [-p PID] [--tree] [-j] FILE...\n"
    "    sysreplay topconns|topfiles|topprocs|spy [-f FILTER] [-n N] [-j] FILE...\n"
    "    sysreplay follow (--fd PID:FD | --conn ADDR:PORT | --evt N) [-X] FILE...\n"
    "    sysreplay timeline (--pid P | --alert N) FILE...\n"
    "    sysreplay report  -o REPORT.html [--force] [-r RULES.yaml ...] [-f FILTER]\n"
    "                      [--since T] [--until T] FILE...\n"
    "    sysreplay --help | --version | COMMAND --help\n"
    "\n"
    "DESCRIPTION\n"
    "    sysreplay reads capture files written by sysrec (.sysrec) and by sysdig or\n"
    "    Falco (.scap, plain or gzip), rebuilds process and file-descriptor state from\n"
    "    them, and lists events through the sysdig filter language, runs Falco rules\n"
    "    over them, or explores them in an interactive shell.\n"
    "\n"
    "    FILE may be a capture, a directory of captures, or the name given to\n"
    "    `sysrec -w` for a rotated set (FILE.* siblings). Several files are merged\n"
    "    in time order.\n"
    "\n"
    "TIMES (T)\n"
    "    RFC 3339 with a zone     2026-11-29T13:37:53.5Z, 2026-11-29T14:37:53+01:00\n"
    "    ns since the epoch       1764423473500000000\n"
    "    offset from the start    +90s, +1m30s, +500ms (units ns us ms s m h d)\n"
    "    offset before the end    -10s\n"
    "\n"
    "EXIT STATUS\n"
    "    0  success (alerts found are still success)\n"
    "    1  a finding the command reports: verify found damage\n"
    "    2  bad usage or bad input: missing or unreadable file, not a capture, bad\n"
    "       filter, format, rules file or time; a capture damaged part way (every\n"
    "       event before the damage is printed first). The cause is one line on stderr.\n"
    "\n"
    "ENVIRONMENT\n"
    "    SYSREC_RULES_DIR  where the default rule set lives (rules/default)\n"
    "    SYSREPLAY_DEBUG   print records read, events matched and whether the state\n"
    "                      engine ran, on stderr after a run\n"
    "    SYSREPLAY_FORCE_STATE  run the state engine even when nothing needs it\n"
    "\n"
    "Run `sysreplay COMMAND --help` for a command's options.\n";

static const char h_events[] =
    "NAME\n"
    "    sysreplay events - list the events that match a filter\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay events [-f FILTER] [-p FORMAT | -j] [-c] [-n N] [--since T] [--until T]\n"
    "                     FILE...\n"
    "\n"
    "OPTIONS\n"
    "    -f, --filter FILTER  sysdig/Falco filter, e.g. 'evt.type=openat and proc.name=cat'\n"
    "    -p, --format FORMAT  output with sysdig %%field syntax, e.g. '%%proc.name %%fd.name'\n"
    "                         default: " RPL_DEFAULT_FORMAT "\n"
    "    -j, --json           one JSON object per line: num, ts, time, cpu, pid, tid, ppid,\n"
    "                         uid, gid, comm, type, res, latency, args\n"
    "    -c, --count          print only the number of matching events\n"
    "    -n, --limit N        stop after N matching events\n"
    "    --since T, --until T only events in this time window (an index seek, not a scan)\n"
    "    --no-progress        never draw the progress bar (it is drawn only on a terminal)\n"
    "    --live               follow FILE (one capture, or a directory: its newest) while\n"
    "                         sysrec writes it, across rotations; ends when it is finished\n"
    "                         (at once for a file finished before) or on Ctrl-C\n"
    "\n"
    "    Snapshot records (the process table at capture start and at intervals) feed\n"
    "    the state engine but are not listed. Events are exit-time: evt.dir is '<'.\n"
    "    With -c or a -p format, when the filter and the format read only fields the\n"
    "    record carries (evt.type, evt.time, evt.res, proc.name, proc.pid, thread.tid,\n"
    "    ...), a .sysrec input is read without the state engine: same results, faster.\n"
    "\n"
    "EXAMPLES\n"
    "    sysreplay events -f 'fd.name startswith /etc' cap.sysrec\n"
    "    sysreplay events -c -f 'evt.type=execve' --since +30s --until +1m cap.sysrec\n"
    "    sysreplay events -j -n 10 trace.scap\n";

static const char h_alerts[] =
    "NAME\n"
    "    sysreplay alerts - run Falco rules over captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay alerts [-r RULES.yaml ...] [--priority P]\n"
    "                     [--tags T | [-D SUBSTRING ...] [--disable-tags T]]\n"
    "                     [--all] [-j] [--since T] [--until T] FILE...\n"
    "\n"
    "OPTIONS\n"
    "    -r, --rules FILE     rules file (repeatable, loaded in order); default: the\n"
    "                         built-in set (rules/default, or $SYSREC_RULES_DIR)\n"
    "    --priority P         only rules at P or more severe (emergency ... debug)\n"
    "    --tags T, --enable-tags T\n"
    "                         only rules with one of these tags (comma separated,\n"
    "                         repeatable; Falco's -t)\n"
    "    -D, --disable SUBSTRING\n"
    "                         disable every rule whose name contains SUBSTRING (plain\n"
    "                         text, case-sensitive; repeatable; Falco's -D)\n"
    "    --disable-tags T     disable every rule with one of these tags (comma\n"
    "                         separated, repeatable; Falco's -T)\n"
    "    --all                every matching rule alerts, not only the first in file order\n"
    "    -j, --json           Falco JSON alerts (hostname, output, output_fields, priority,\n"
    "                         rule, source, tags, time)\n"
    "    --since T, --until T only events in this time window\n"
    "    --no-progress        never draw the progress bar\n"
    "    --live               follow FILE while sysrec writes it (see events --help)\n"
    "\n"
    "    Alerts go to stdout, in Falco's text form by default; a per-rule summary\n"
    "    (rule, priority, count) follows on stderr.\n"
    "\n"
    "    Rule selection is Falco's: -D and --disable-tags apply once every rules file\n"
    "    is loaded, so they win over `enabled: true`; a rule with `enabled: false`\n"
    "    stays off. --tags keeps only the rules having a tag, and, as in Falco, cannot\n"
    "    be combined with -D or --disable-tags (exit 2). --priority applies on top.\n"
    "    A -D or --disable-tags that turns off no rule is reported on stderr.\n"
    "\n"
    "EXAMPLES\n"
    "    sysreplay alerts cap.sysrec\n"
    "    sysreplay alerts -r falco_rules.yaml -D 'Read sensitive' --disable-tags network\n"
    "                     trace.scap\n"
    "    sysreplay alerts --tags mitre_persistence --priority warning -j cap.sysrec\n";

static const char h_shell[] =
    "NAME\n"
    "    sysreplay shell - explore captures interactively\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay shell [--live] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Type a filter expression to list the matching events (paged on a terminal:\n"
    "    space for a page, enter for a line, q to stop). Ctrl-C stops a listing;\n"
    "    Ctrl-D or .quit leaves. Tab completes field names, operators and commands.\n"
    "    History is kept in ~/.sysreplay_history. Without a terminal, commands are\n"
    "    read line by line from stdin. Type .help for the commands.\n"
    "    --live: listings follow FILE while sysrec writes it, until Ctrl-C.\n";

static const char h_info[] =
    "NAME\n"
    "    sysreplay info - describe captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay info [-j] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Header metadata (host, kernel, recorder and its options, boot time), chunks,\n"
    "    events, time range, drops, bytes on disk against raw bytes (the chunks'\n"
    "    decompressed payloads), and whether the file is complete, recovered\n"
    "    (recorder killed: index rebuilt) or damaged.\n"
    "    -j prints one JSON object per file with at least format_version, events,\n"
    "    chunks, first_ts, last_ts (ns since the epoch), bytes, raw_bytes, drops,\n"
    "    complete. For .scap files the counts come from reading the events.\n";

static const char h_verify[] =
    "NAME\n"
    "    sysreplay verify - check captures for damage\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay verify FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads every chunk through the same reader as the other commands and checks\n"
    "    checksums, the hash chain, record framing and the index. Each problem is\n"
    "    printed with its chunk number and byte offset. A file without its trailer\n"
    "    (recorder killed) is reported as a problem. A .scap file is read to its end.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 intact, 1 problems found, 2 a file is not a capture or cannot be read.\n";

static const char h_stats[] =
    "NAME\n"
    "    sysreplay stats - summarize captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay stats [-f FILTER] [--since T] [--until T] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Events per type, per process and per second (a histogram), drops and the\n"
    "    time span.\n";

static const char h_convert[] =
    "NAME\n"
    "    sysreplay convert - convert between .scap and .sysrec\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay convert [--force] IN OUT\n"
    "\n"
    "DESCRIPTION\n"
    "    The direction follows OUT's extension: OUT.sysrec writes a sysrec capture\n"
    "    (IN may be .scap, plain or gzip, or .sysrec), OUT.scap writes a capture that\n"
    "    sysdig and Falco read. OUT is created mode 0600 (it holds what IN holds),\n"
    "    never through a symbolic link; an existing OUT is refused.\n"
    "\n"
    "OPTIONS\n"
    "    --force   replace an existing OUT (a regular file; never a symbolic link)\n";

static const char h_fields[] =
    "NAME\n"
    "    sysreplay fields - list the fields filters and formats can use\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay fields [PREFIX]\n"
    "\n"
    "DESCRIPTION\n"
    "    One line per field: name, type, description. [N] marks fields that take an\n"
    "    index (proc.aname[2]), [KEY] fields that take a name (evt.arg[name]).\n"
    "    Fields marked (unavailable) are known to Falco but cannot be derived from\n"
    "    these captures; they read as absent.\n";

static const struct {
	const char *name;
	const char *text;
} helps[] = {
    {"events", h_events}, {"alerts", h_alerts}, {"shell", h_shell},	{"info", h_info},
    {"verify", h_verify}, {"stats", h_stats},	{"convert", h_convert}, {"fields", h_fields},
};

void rpl_usage(FILE *f, const char *cmd)
{
	if (cmd && rpl_view_usage(f, cmd))
		return;
	if (cmd) {
		for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
			if (!strcmp(helps[i].name, cmd)) {
				fputs(helps[i].text, f);
				return;
			}
		}
	}
	fputs(overview, f);
	fprintf(f, "\nsysreplay " SR_VERSION "\n");
}

int rpl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "sysreplay%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see sysreplay %s%s--help)\n", cmd ? cmd : "", cmd ? " " : "");
	return RPL_EXIT_BAD;
}
