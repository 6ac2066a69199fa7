/* Runs a libFuzzer target over every file of its corpus folder without
 * libFuzzer, so the corpus doubles as a regression test in `make test`. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d) {
		printf("SKIP: %s/corpus: no corpus at %s\n", prog, dir);
		return 0;
	}
	while ((de = readdir(d))) {
		char path[4096];
		FILE *f;
		long len;
		uint8_t *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc(len ? (size_t)len : 1);
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
			LLVMFuzzerTestOneInput(buf, (size_t)len);
			n++;
		}
		free(buf);
		fclose(f);
	}
	closedir(d);
	/* Reaching here means no input crashed the target. */
	printf("PASS: %s/corpus (%d inputs)\n", prog, n);
	return 0;
}
