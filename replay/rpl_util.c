/* rpl_util: messages, option value parsing, SIGINT handling. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"

volatile sig_atomic_t rpl_interrupted;
int rpl_keep_going;

/* errno of the first failed write to stdout: by the time main checks the
 * stream, errno may have been reused. */
static int out_errno;

int rpl_out_failed(int e)
{
	if (!out_errno)
		out_errno = e ? e : EIO;
	return -out_errno;
}

void rpl_flush_stdout(void)
{
	if (fflush(stdout))
		rpl_out_failed(errno);
}

int rpl_out_broken(void)
{
	return out_errno != 0 || ferror(stdout);
}

int rpl_stdout_finish(int rc)
{
	errno = 0;
	if (fflush(stdout))
		rpl_out_failed(errno);
	else if (ferror(stdout))
		rpl_out_failed(EIO);
	if (!out_errno)
		return rc;
	/* A reader that went away (`| head`) is not a failure of ours; SIGPIPE
	 * normally ends the process before this. */
	if (out_errno == EPIPE)
		return rc;
	/* stdout is unusable: the message goes to stderr only (say() flushes
	 * stdout first, which fails again quietly). */
	clearerr(stdout);
	fprintf(stderr, "sysreplay: writing output: %s\n", strerror(out_errno));
	return RPL_EXIT_BAD;
}

/* One message line on stderr, after whatever stdout already holds. */
static void say(const char *prefix, const char *fmt, va_list ap)
{
	rpl_flush_stdout();
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int rpl_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("sysreplay: ", fmt, ap);
	va_end(ap);
	return RPL_EXIT_BAD;
}

void rpl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("sysreplay: warning: ", fmt, ap);
	va_end(ap);
}

int rpl_fail_err(const char *what, const struct sr_err *err)
{
	const char *msg = err->msg[0] ? err->msg : sr_code_name(err->code);

	/* Keep the message on one line even when a lower layer put newlines in it. */
	char line[sizeof(err->msg)];
	size_t i;

	for (i = 0; msg[i] && i + 1 < sizeof(line); i++)
		line[i] = msg[i] == '\n' ? ' ' : msg[i];
	line[i] = '\0';
	if (what && *what && !strstr(line, what))
		return rpl_fail("%s: %s", what, line);
	return rpl_fail("%s", line);
}

int rpl_opt_time(const char *opt, const char *arg, struct sr_time_spec *out)
{
	struct sr_err err;

	sr_err_clear(&err);
	if (sr_time_parse(arg, out, &err))
		return rpl_fail("%s: %s", opt, err.msg);
	return 0;
}

int rpl_opt_count(const char *opt, const char *arg, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!arg || !*arg || *arg == '-')
		return rpl_fail("%s: expected a positive count, got '%s'", opt, arg ? arg : "");
	v = strtoull(arg, &end, 10);
	if (errno || *end || v == 0)
		return rpl_fail("%s: expected a positive count, got '%s'", opt, arg);
	*out = v;
	return 0;
}

int rpl_opt_run(const char *cmd, int opt, char **argv, struct rpl_run_opts *ro)
{
	switch (opt) {
	case RPL_OPT_SINCE:
		if (rpl_opt_time("--since", optarg, &ro->since))
			return RPL_EXIT_BAD;
		rpl_fleet_window(&ro->since, NULL);
		return 0;
	case RPL_OPT_UNTIL:
		if (rpl_opt_time("--until", optarg, &ro->until))
			return RPL_EXIT_BAD;
		rpl_fleet_window(NULL, &ro->until);
		return 0;
	case RPL_OPT_HOST:
		return rpl_fleet_opt_host(optarg);
	case RPL_OPT_NO_PROGRESS:
		ro->progress = 0;
		return 0;
	case RPL_OPT_KEEP_GOING:
		rpl_keep_going = 1;
		return 0;
	case 'J':
		return rpl_opt_threads(cmd, optarg);
	case RPL_OPT_LIVE:
		/* Ctrl-C ends the listing cleanly: output flushed, summary printed */
		rpl_live = 1;
		ro->progress = 0;
		rpl_sigint_catch(1);
		return 0;
	case ':':
		return rpl_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
	default:
		return rpl_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
	}
}

int rpl_input_open_or_fail(struct rpl_input **out, char *const *paths, int npaths)
{
	struct sr_err err;

	sr_err_clear(&err);
	if (rpl_input_open(out, paths, npaths, &err))
		return rpl_fail_err(NULL, &err);
	return 0;
}

void rpl_fmt_bytes(uint64_t n, char *buf, size_t cap)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, cap, "%.1f %s", v, units[u]);
}

static void on_sigint(int sig)
{
	(void)sig;
	rpl_interrupted = 1;
}

void rpl_sigint_catch(int on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read/write returns EINTR so a listing stops
	 * promptly instead of finishing its current page. */
	sa.sa_handler = on ? on_sigint : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
}
