/* rpl_view_usage: the --help texts of the views (kept apart from
 * rpl_usage.c, which looks them up here). */
#include <string.h>

#include "rpl_view.h"

static const char h_common[] =
    "\n"
    "COMMON OPTIONS\n"
    "    -j                 one JSON object per line instead of the table\n"
    "    --since T, --until T  the window (views over time); T as in sysreplay --help\n"
    "    -f FILTER          only events matching the sysdig filter count (views over time)\n"
    "    -n N               at most N rows\n"
    "    --live             follow FILE while sysrec writes it (sysreplay events --help);\n"
    "                       the view is printed when it is finished or on Ctrl-C\n"
    "    --host H[,H...]    nats:// sources: only these hosts (as ?host=); repeatable\n"
    "    In the shell the same views run as .ps, .lsof, ... over the shell's window.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 success; 2 bad usage or input (an option the view does not take, a bad\n"
    "    time, filter or pid, an unreadable capture), with a one-line message.\n";

static const struct {
	const char *name, *text;
} helps[] = {
    {"ps", "NAME\n"
	   "    sysreplay ps - the processes alive at a moment\n"
	   "\n"
	   "SYNOPSIS\n"
	   "    sysreplay ps [--at T] [--tree] [-p PID] [-j] FILE...\n"
	   "\n"
	   "DESCRIPTION\n"
	   "    From the state engine as of T (default: the end of the capture): pid, ppid,\n"
	   "    user, start time, container and command line of each process. --tree\n"
	   "    indents children under their parents; -p PID shows PID and its children\n"
	   "    (with --tree: its whole subtree).\n"},
    {"lsof", "NAME\n"
	     "    sysreplay lsof - open file descriptors at a moment\n"
	     "\n"
	     "SYNOPSIS\n"
	     "    sysreplay lsof [--at T] [-p PID] [-j] FILE...\n"
	     "\n"
	     "DESCRIPTION\n"
	     "    Command, pid, user, fd, type and name (path, socket tuple, pipe) of every\n"
	     "    descriptor open at T (default: the end of the capture).\n"},
    {"netstat", "NAME\n"
		"    sysreplay netstat - sockets at a moment\n"
		"\n"
		"SYNOPSIS\n"
		"    sysreplay netstat [--at T] [-p PID] [-j] FILE...\n"
		"\n"
		"DESCRIPTION\n"
		"    Protocol, local and remote endpoints, state and process of every socket\n"
		"    open at T. The state is what the system calls show: LISTEN, ESTABLISHED\n"
		"    (a peer is known) or UNCONNECTED; TCP's finer states are not recorded.\n"},
    {"topconns", "NAME\n"
		 "    sysreplay topconns - connections ranked by bytes\n"
		 "\n"
		 "SYNOPSIS\n"
		 "    sysreplay topconns [-n N] [-f FILTER] [--since T] [--until T] [-j] FILE...\n"
		 "\n"
		 "DESCRIPTION\n"
		 "    Bytes read and written, events and time spent in system calls per\n"
		 "    connection (socket tuple) over the window; 30 rows unless -n.\n"},
    {"topfiles", "NAME\n"
		 "    sysreplay topfiles - files ranked by bytes\n"
		 "\n"
		 "SYNOPSIS\n"
		 "    sysreplay topfiles [-n N] [-f FILTER] [--since T] [--until T] [-j] FILE...\n"
		 "\n"
		 "DESCRIPTION\n"
		 "    Bytes, events and system call time per file path over the window.\n"},
    {"topprocs", "NAME\n"
		 "    sysreplay topprocs - processes ranked by bytes\n"
		 "\n"
		 "SYNOPSIS\n"
		 "    sysreplay topprocs [-n N] [-f FILTER] [--since T] [--until T] [-j] FILE...\n"
		 "\n"
		 "DESCRIPTION\n"
		 "    Bytes read and written, events and system call time per process.\n"},
    {"spy", "NAME\n"
	    "    sysreplay spy - commands run from shells\n"
	    "\n"
	    "SYNOPSIS\n"
	    "    sysreplay spy [-f FILTER] [--since T] [--until T] [-n N] [-j] FILE...\n"
	    "\n"
	    "DESCRIPTION\n"
	    "    Every successful exec by a shell, by a process that was a shell before\n"
	    "    (the last command of sh -c), or by a descendant of one, as sysdig's\n"
	    "    spy_users: time, user, terminal (without one, what stdin is: a reverse\n"
	    "    shell shows its socket), the session's shell (the oldest shell above,\n"
	    "    sysdig's proc.loginshellid), pid, exit code, duration, command line.\n"},
    {"follow", "NAME\n"
	       "    sysreplay follow - the data on one descriptor or connection\n"
	       "\n"
	       "SYNOPSIS\n"
	       "    sysreplay follow (--fd PID:FD | --conn ADDR:PORT | --evt N) [-X] [-n N]\n"
	       "                     [-f FILTER] [--since T] [--until T] [-j] FILE...\n"
	       "\n"
	       "DESCRIPTION\n"
	       "    Each read and write in order (sysdig's echo_fds, Stratoshark's Follow\n"
	       "    stream): a header line, then the bytes the capture kept, non-printable\n"
	       "    ones as \\xNN (-X: a hex dump). Where the snap length cut a buffer,\n"
	       "    \"[... N bytes not recorded]\" says how much is missing. --conn matches\n"
	       "    either end of a socket; --evt follows the descriptor event N uses.\n"},
    {"timeline", "NAME\n"
		 "    sysreplay timeline - what a process and its descendants did\n"
		 "\n"
		 "SYNOPSIS\n"
		 "    sysreplay timeline (--pid P | --alert N) [-f FILTER] [--since T]\n"
		 "                       [--until T] [-n N] [-j] FILE...\n"
		 "\n"
		 "DESCRIPTION\n"
		 "    In time order: execs, files opened for writing, deletes, renames and\n"
		 "    chmods, connections, listens and accepts, children, alerts of the\n"
		 "    default rules, and exits. --alert N starts from the process of the Nth\n"
		 "    alert `sysreplay alerts` prints over the same window.\n"},
    {"report", "NAME\n"
	       "    sysreplay report - one self-contained HTML page about captures\n"
	       "\n"
	       "SYNOPSIS\n"
	       "    sysreplay report -o REPORT.html [--force] [-r RULES.yaml ...] [-f FILTER]\n"
	       "                     [--since T] [--until T] [--host H] FILE...\n"
	       "\n"
	       "DESCRIPTION\n"
	       "    Header (host, kernel, time range, events, drops, integrity as verify\n"
	       "    finds it), alerts (the default rules, or -r files) linking to the timeline\n"
	       "    chart and the process tree, events per time by category, the process tree\n"
	       "    with alerted processes marked and open, connections with bytes, files\n"
	       "    written, deleted, renamed and chmod-ed, shell sessions (spy), containers.\n"
	       "    One pass through the same engine as alerts and the views. Inline CSS, SVG\n"
	       "    and a few lines of script: it opens offline and prints. Long lists are\n"
	       "    capped and say how much was left out.\n"
	       "\n"
	       "    REPORT.html holds what the capture holds: it is created mode 0600, never\n"
	       "    through a symbolic link, and an existing file is kept unless --force.\n"
	       "    --host H[,H...]: nats:// sources read only these hosts (as ?host=).\n"},
};

int rpl_view_usage(FILE *f, const char *name)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		if (!strcmp(helps[i].name, name)) {
			fputs(helps[i].text, f);
			if (strcmp(name, "report"))
				fputs(h_common, f);
			return 1;
		}
	}
	return 0;
}
