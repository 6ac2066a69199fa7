/* rpl_testout: results of `sysreplay test` as TAP (default), JSON lines
 * (-j) and JUnit XML (--junit FILE: testsuites > testsuite per spec >
 * testcase per unit, with a failure element when it failed). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_test.h"

void rpl_test_tap(FILE *f, struct rpl_unit *const *u, size_t n)
{
	size_t failed = 0;

	fprintf(f, "1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const char *m = u[i]->msg;

		fprintf(f, "%sok %zu - %s\n", u[i]->ok ? "" : "not ", i + 1, u[i]->name);
		if (u[i]->ok)
			continue;
		failed++;
		fprintf(f, "#   %s (%s)\n", u[i]->path, u[i]->spec->path);
		while (m && *m) {
			const char *nl = strchr(m, '\n');
			int len = nl ? (int)(nl - m) : (int)strlen(m);

			fprintf(f, "#   %.*s\n", len, m);
			m += len + (nl ? 1 : 0);
		}
	}
	fprintf(f, "# %zu case%s, %zu passed, %zu failed\n", n, n == 1 ? "" : "s", n - failed,
		failed);
}

void rpl_test_json(FILE *f, struct rpl_unit *const *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject(), *fl = cJSON_CreateArray();
		const char *m = u[i]->msg;
		char *text;

		if (!o || !fl) {
			cJSON_Delete(o);
			cJSON_Delete(fl);
			continue;
		}
		cJSON_AddStringToObject(o, "spec", u[i]->spec->path);
		cJSON_AddStringToObject(o, "case", u[i]->name);
		cJSON_AddStringToObject(o, "capture", u[i]->path);
		cJSON_AddBoolToObject(o, "ok", u[i]->ok);
		cJSON_AddNumberToObject(o, "events", (double)u[i]->events);
		cJSON_AddNumberToObject(o, "alerts", (double)u[i]->alerts);
		while (m && *m) {
			const char *nl = strchr(m, '\n');
			size_t len = nl ? (size_t)(nl - m) : strlen(m);
			char *line = strndup(m, len);

			if (line)
				cJSON_AddItemToArray(fl, cJSON_CreateString(line));
			free(line);
			m += len + (nl ? 1 : 0);
		}
		cJSON_AddItemToObject(o, "failures", fl);
		text = cJSON_PrintUnformatted(o);
		if (text)
			fprintf(f, "%s\n", text);
		free(text);
		cJSON_Delete(o);
	}
}

static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc('?', f); /* not allowed in XML 1.0 */
		else
			fputc(c, f);
	}
}

static void junit_case(FILE *f, const struct rpl_unit *u)
{
	fputs("    <testcase name=\"", f);
	xml_text(f, u->name);
	fputs("\" classname=\"", f);
	xml_text(f, u->spec->path);
	fprintf(f, "\" time=\"%.3f\"", u->secs);
	if (u->ok) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n      <failure message=\"", f);
	{
		const char *nl = u->msg ? strchr(u->msg, '\n') : NULL;
		char *first =
		    u->msg ? strndup(u->msg, nl ? (size_t)(nl - u->msg) : strlen(u->msg)) : NULL;

		xml_text(f, first ? first : "failed");
		free(first);
	}
	fputs("\" type=\"expectation\">", f);
	xml_text(f, u->path);
	fputc('\n', f);
	xml_text(f, u->msg);
	fputs("</failure>\n    </testcase>\n", f);
}

int rpl_test_junit(const char *path, struct rpl_unit *const *u, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t failed = 0;

	if (!f)
		return rpl_fail("--junit %s: %s", path, strerror(errno));
	for (size_t i = 0; i < n; i++)
		failed += !u[i]->ok;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"sysreplay test\" tests=\"%zu\" failures=\"%zu\">\n", n,
		failed);
	for (size_t i = 0; i < n;) {
		size_t j = i, sf = 0;
		double secs = 0;

		while (j < n && u[j]->spec == u[i]->spec) {
			sf += !u[j]->ok;
			secs += u[j]->secs;
			j++;
		}
		fputs("  <testsuite name=\"", f);
		xml_text(f, u[i]->spec->path);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n", j - i,
			sf, secs);
		for (; i < j; i++)
			junit_case(f, u[i]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	if (fclose(f))
		return rpl_fail("--junit %s: %s", path, strerror(errno));
	return 0;
}
