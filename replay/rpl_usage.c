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
    "    sysreplay events  [-f FILTER ...] [-p FORMAT] [-j] [-c] [-n N] [--since T]\n"
    "                      [--until T] [--keep-going] [--live] FILE...\n"
    "    sysreplay alerts  [-r RULES.yaml ...] [--priority P] [-t T | -D S ... | -T T]\n"
    "                      [--all] [-j] [--since T] [--until T] [--keep-going]\n"
    "                      [--live] FILE...\n"
    "    sysreplay shell   [--keep-going] [--live] FILE...\n"
    "    sysreplay info    [-j] FILE...\n"
    "    sysreplay verify  [--key PUB] [-j] FILE...\n"
    "    sysreplay stats   [-f FILTER ...] [-j] [--since T] [--until T] [--keep-going] FILE...\n"
    "    sysreplay convert [--force] IN OUT\n"
    "    sysreplay keygen  -o KEY\n"
    "    sysreplay extract IN... -o OUT [--since T] [--until T] [-f FILTER]\n"
    "                      [--pid P [--descendants]] [--sign-key KEY] [--key PUB]\n"
    "    sysreplay fields  [PREFIX]\n"
    "    sysreplay test    [-j] [--junit FILE] [--update] SPEC...\n"
    "    sysreplay rules   --list | --validate | --coverage DIR  [RULES.yaml...]\n"
    "    sysreplay diff-rules OLD.yaml NEW.yaml CAPTURE...\n"
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
    "    `sysrec -w` for a rotated set: cap.sysrec reads its rotated siblings\n"
    "    cap.<UTC start>.sysrec too, oldest first, then cap.sysrec itself (when\n"
    "    cap.sysrec is gone, cap.*.sysrec). Several files are merged in time order;\n"
    "    a file named twice is read once.\n"
    "\n"
    "    Nothing is lost silently: a capture cut short (recorder stopped mid-write)\n"
    "    or damaged part way gives every event before the cut, then one line on\n"
    "    stderr naming file, chunk, offset and the records lost when the file says,\n"
    "    and exit 2. --keep-going reads past such damage: each damaged chunk or\n"
    "    unreadable file (an empty one in a directory, say) is named on stderr and\n"
    "    skipped, reading goes on, and the exit status is still 2. (A file whose\n"
    "    index had to be rebuilt knows no chunk past its damage: its rest is lost.)\n"
    "    -f given more than once: the filters combine with `and`.\n"
    "\n"
    "TIMES (T)\n"
    "    RFC 3339 with a zone     2026-11-29T13:37:53.5Z, 2026-11-29T14:37:53+01:00\n"
    "    ns since the epoch       1764423473500000000\n"
    "    offset from the start    +90s, +1m30s, +500ms (units ns us ms s m h d)\n"
    "    offset before the end    -10s\n"
    "    time of day              02:07:29.553, 02:07 (local time, as alert lines print\n"
    "                             it; on the capture's day; a capture over several days\n"
    "                             must contain it on exactly one, else exit 2)\n"
    "    Relative times work on .scap too (its range is learnt by reading it first).\n"
    "    --since after --until is refused (exit 2).\n"
    "\n"
    "EXIT STATUS\n"
    "    0  success (alerts found are still success)\n"
    "    1  a finding the command reports: verify found damage\n"
    "    2  bad usage or bad input: missing or unreadable file, not a capture, bad\n"
    "       filter, format, rules file or time; a capture damaged part way (every\n"
    "       event before the damage is printed first), a capture cut short, anything\n"
    "       skipped by --keep-going; output that cannot be written (`writing output:\n"
    "       REASON`). The cause is one line on stderr, and usage errors come before\n"
    "       any output.\n"
    "    The shell reading commands from a pipe exits 1 when any command failed.\n"
    "\n"
    "ENVIRONMENT\n"
    "    SYSREC_RULES_DIR  take the default rule set from this directory; without it\n"
    "                      the first of ../rules/default (a build tree) and\n"
    "                      ../share/sysrec/rules beside the binary,\n"
    "                      /usr/share/sysrec/rules, else the copy compiled in\n"
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
    "    sysreplay events [-f FILTER ...] [-p FORMAT] [-j] [-c] [-n N] [--since T]\n"
    "                     [--until T] [--keep-going] FILE...\n"
    "\n"
    "OPTIONS\n"
    "    -f, --filter FILTER  sysdig/Falco filter, e.g. 'evt.type=openat and proc.name=cat';\n"
    "                         given again, the filters combine with `and`\n"
    "    -p, --format FORMAT  output with sysdig %field syntax, e.g. '%proc.name %fd.name'\n"
    "                         default: " RPL_DEFAULT_FORMAT "\n"
    "    -j, --json           one JSON object per line: num, ts (ns), time (RFC 3339 with\n"
    "                         ns), cpu, pid, tid, ppid, uid, gid, comm, type, res,\n"
    "                         latency, args {name: value}, and the context proc.name,\n"
    "                         proc.pid, proc.ppid, proc.exepath, proc.cmdline, user.name,\n"
    "                         fd.name (only for events that use an fd), container.id\n"
    "                         (null when unknown). With -p FORMAT: one object per event\n"
    "                         whose keys are the format's fields (as sysdig -j -p)\n"
    "    -c, --count          print only the number of matching events\n"
    "    -n, --limit N        stop after N matching events\n"
    "    --since T, --until T only events in this time window (an index seek, not a scan)\n"
    "    --keep-going         skip damaged chunks and unreadable files (named on stderr),\n"
    "                         exit 2 at the end\n"
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
    "                     [-t T | [-D SUBSTRING ...] [-T T]]\n"
    "                     [--all] [-j] [--since T] [--until T] [--keep-going] FILE...\n"
    "\n"
    "OPTIONS\n"
    "    -r, --rules FILE     rules file (repeatable, loaded in order); default: the\n"
    "                         built-in set (see SYSREC_RULES_DIR in sysreplay --help)\n"
    "    --priority P         only rules at P or more severe (emergency ... debug)\n"
    "    -t, --tags T, --enable-tags T\n"
    "                         only rules with one of these tags (comma separated,\n"
    "                         repeatable; Falco's -t)\n"
    "    -D, --disable SUBSTRING\n"
    "                         disable every rule whose name contains SUBSTRING (plain\n"
    "                         text, case-sensitive; repeatable; Falco's -D)\n"
    "    -T, --disable-tags T disable every rule with one of these tags (comma\n"
    "                         separated, repeatable; Falco's -T)\n"
    "    --all                every matching rule alerts, not only the first in file order\n"
    "    -j, --json           Falco JSON alerts (hostname, output, output_fields, priority,\n"
    "                         rule, source, tags, time)\n"
    "    --since T, --until T only events in this time window\n"
    "    --keep-going         skip damaged chunks and unreadable files, exit 2 at the end\n"
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
    "    A -D or --disable-tags that turns off no rule, and a --tags that leaves no\n"
    "    rule, are reported on stderr.\n"
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
    "    sysreplay shell [--keep-going] [--live] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Type a filter expression to list the matching events (paged on a terminal:\n"
    "    space for a page, enter for a line, q to stop). Ctrl-C stops a listing;\n"
    "    Ctrl-D or .quit leaves. Tab completes field names, operators and commands.\n"
    "    History is kept in ~/.sysreplay_history. Without a terminal, commands are\n"
    "    read line by line from stdin. Type .help for the commands.\n"
    "    .range FROM TO with FROM after TO is refused.\n"
    "    --live: listings follow FILE while sysrec writes it, until Ctrl-C.\n"
    "\n"
    "EXIT STATUS\n"
    "    Reading from a pipe, the shell goes on past a failed command (bad filter,\n"
    "    unknown command, damaged capture) and exits 1 at the end when any failed;\n"
    "    0 otherwise. 2 when it cannot start (missing file, bad option).\n";

static const char h_info[] =
    "NAME\n"
    "    sysreplay info - describe captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay info [-j] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Header metadata (host, kernel, recorder and its options, boot time), events\n"
    "    (what `events` lists and `events -c` counts) and, apart, state records\n"
    "    (process/fd snapshots, cgroup and drop notes), the time range of the events,\n"
    "    the time of the first snapshot, chunks, drops, bytes on disk against raw\n"
    "    bytes (the chunks' decompressed payloads), and whether the file is complete,\n"
    "    recovered (recorder killed: index rebuilt) or damaged. A .scap file has no\n"
    "    index nor checksums: its counts come from reading it, and complete means it\n"
    "    was read to its end without error.\n"
    "    -j prints one JSON object per file with the keys format, format_version,\n"
    "    status, complete, recovered, damaged, truncated, events, state_records,\n"
    "    records (their sum), chunks, snapshot_chunks, first_ts, last_ts (of the\n"
    "    events; ns since the epoch) and first_time, last_time (RFC 3339),\n"
    "    snapshot_ts, snapshot_time, bytes, raw_bytes, drops, drops_ring,\n"
    "    drops_backlog, the header's hostname, kernel, machine, recorder, options,\n"
    "    source, boot_ns, start_ns (with boot_time, start_time), snaplen, ncpus, and\n"
    "    damage or truncation {chunk, offset, message} when there is one. Every ns\n"
    "    time key has its RFC 3339 twin (jq reads numbers as doubles).\n"
    "    Also the SHA-256 of the whole file (the hand-over hash: reads the file\n"
    "    once; key sha256) and for 2.1 captures the digest chain and the signature\n"
    "    state (key integrity: digest_chain, signed, key_id, ratchet, checkpoints,\n"
    "    bad_checkpoints checked against the key the file names, final_checkpoint,\n"
    "    unsigned_tail_chunks). That is a glance, not a verification: use\n"
    "    verify --key.\n";

static const char h_verify[] =
    "NAME\n"
    "    sysreplay verify - check captures for damage\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay verify [--key PUB] [-j] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads every chunk through the same reader as the other commands and checks\n"
    "    checksums, the hash chain, record framing and the index. Each problem is\n"
    "    printed with its chunk number and byte offset. A file without its trailer\n"
    "    (recorder killed) is reported as a problem. A .scap file is read to its end.\n"
    "    Format 2.1 captures also carry a BLAKE2b-256 digest chain, and signed ones\n"
    "    (sysrec --sign-key) Ed25519-signed checkpoints: each is listed with the\n"
    "    chunks, records and time range it seals, then the unsigned tail.\n"
    "    --key PUB  the trusted public key (a KEY.pub file from keygen, or its line\n"
    "               \"sysrec-ed25519 <hex>\"): the capture must be signed by it,\n"
    "               every chunk sealed by a valid checkpoint, and closed by a final\n"
    "               one. Without --key only integrity is checked, and it says so.\n"
    "    -j, --json one JSON object per file checked: file, format (sysrec, scap),\n"
    "               ok (true when intact), problems (messages, empty when ok),\n"
    "               integrity (.sysrec: digest_chain, chain_intact, signed, key_id,\n"
    "               key_checked, authenticated, checkpoints [...], unsigned tail),\n"
    "               records (.scap: records read). A file that cannot be read at\n"
    "               all gets no object: its one-line message goes to stderr (exit 2).\n"
    "\n"
    "EXIT STATUS\n"
    "    0 intact (with --key: all data authenticated), 1 problems found (the first\n"
    "    names its chunk and why), 2 a file is not a capture or cannot be read, or\n"
    "    the key is not a key.\n";

static const char h_extract[] =
    "NAME\n"
    "    sysreplay extract - carve selected events into a standalone capture\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay extract IN... -o OUT [--since T] [--until T] [-f FILTER]\n"
    "                      [--pid P [--descendants]] [--sign-key KEY] [--key PUB]\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes OUT, a .sysrec holding exactly the selected events, preceded by a\n"
    "    state snapshot taken at the first of them, so it reads on its own. The\n"
    "    state engine runs over the whole input, so -f may use proc.*, fd.* and\n"
    "    other state fields. --pid P keeps process P's events, with --descendants\n"
    "    also those of every process below it.\n"
    "    OUT's header records the provenance: each source's name, SHA-256 and\n"
    "    signature status (checked against --key PUB when given), the selection,\n"
    "    the tool version and the time of extraction. --sign-key KEY signs OUT\n"
    "    (the analyst's key); verify shows both OUT's signature and provenance.\n";

static const char h_keygen[] =
    "NAME\n"
    "    sysreplay keygen - create a key pair for signed captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay keygen -o KEY\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes KEY, the Ed25519 private key (mode 0600; an existing file or a\n"
    "    symlink is never replaced), and KEY.pub, the public key as one line to\n"
    "    paste or give to verify --key. sysrec --sign-key KEY signs captures.\n";

static const char h_stats[] =
    "NAME\n"
    "    sysreplay stats - summarize captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay stats [-f FILTER ...] [-j] [--since T] [--until T] [--keep-going] FILE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Events per type, per process and per second (a histogram), drops and the\n"
    "    time span, of the events matching the filters (-f given again: `and`).\n"
    "    --keep-going skips damaged chunks and unreadable files (exit 2 at the end).\n"
    "    -j prints one JSON object: events, failed (result < 0), first_ts, last_ts\n"
    "    (ns since the epoch) with first_time, last_time (RFC 3339, ns) and span_ns\n"
    "    when there are events; drops, drops_ring, drops_backlog (drops is null when\n"
    "    the input does not record them); by_type [{type, count}] and by_process\n"
    "    [{name, count, pids}], most events first, every row; per_second [events in\n"
    "    each second from first_ts].\n";

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
    "    What OUT.scap keeps (it is read by sysdig 0.29 on): a syscall scap has no\n"
    "    event of its own for (dup2, capset, memfd_create, ...) becomes scap's\n"
    "    generic event: its name is kept, its arguments and result are not. The\n"
    "    procfork/procexec/procexit records have no scap event and are left out.\n"
    "    In the fd table, fd types sysdig 0.29 does not know are written as the\n"
    "    nearest it knows: memfd as a file; bpf, io_uring, userfaultfd and pidfd\n"
    "    as \"unsupported\" (name kept). An event too big for sysdig's 64 KiB event\n"
    "    blocks has its largest parameters cut, and a warning counts such events.\n"
    "\n"
    "    Reading a .scap (here and in every command), enter events whose exit has\n"
    "    not come yet wait, up to 65536 events or 64 MiB; past that the oldest are\n"
    "    read without their exit, and a warning counts them.\n"
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
    {"events", h_events}, {"alerts", h_alerts},	  {"shell", h_shell},	  {"info", h_info},
    {"verify", h_verify}, {"stats", h_stats},	  {"convert", h_convert}, {"fields", h_fields},
    {"keygen", h_keygen}, {"extract", h_extract},
};

void rpl_usage(FILE *f, const char *cmd)
{
	if (rpl_usage_detect(cmd)) {
		fputs(rpl_usage_detect(cmd), f);
		return;
	}
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

	rpl_flush_stdout();
	fprintf(stderr, "sysreplay%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see sysreplay %s%s--help)\n", cmd ? cmd : "", cmd ? " " : "");
	return RPL_EXIT_BAD;
}
