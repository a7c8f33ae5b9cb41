/* SPDX-License-Identifier: MIT */
/*
 * The core's protocol, checked from outside: each case runs one small
 * program from progs/ and compares its exit status and its exact,
 * normalised stdout and stderr with what igt_runner relies on.
 * Output is TAP, one line per case.
 *
 *   core_selftest PROGDIR            run every case
 *   core_selftest PROGDIR --show C   print what case C produced, to write expectations
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "st_run.h"
#include "core_cases.h"

static bool compare(const char *what, const char *expected, const char *got)
{
	if (!strcmp(expected, got))
		return true;
	printf("# %s differs.\n# --- expected ---\n", what);
	for (const char *l = expected; *l; l = strchr(l, '\n') + 1)
		printf("#   %.*s\n", (int)(strchr(l, '\n') - l), l);
	printf("# --- got ---\n");
	for (const char *l = got; *l; ) {
		const char *nl = strchr(l, '\n');
		int len = nl ? (int)(nl - l) : (int)strlen(l);
		printf("#   %.*s%s\n", len, l, nl ? "" : "  [no newline]");
		l += len + (nl ? 1 : 0);
	}
	return false;
}

static bool run_case(const char *dir, const struct core_case *c, bool show)
{
	char path[4096];
	struct st_result r;
	bool ok = true;

	snprintf(path, sizeof(path), "%s/%s", dir, c->prog);
	if (st_run(path, c->args, c->env, 30, &r)) {
		printf("# cannot run %s\n", path);
		return false;
	}
	st_normalise(&r.out);
	st_normalise(&r.err);
	if (show) {
		printf("status %d%s\n--- stdout ---\n%s--- stderr ---\n%s", r.status,
		       r.timed_out ? " (timed out)" : "", r.out.data, r.err.data);
	} else {
		if (r.timed_out) {
			printf("# %s did not finish in time\n", c->prog);
			ok = false;
		}
		if (r.status != c->status) {
			printf("# exit status %d, expected %d\n", r.status, c->status);
			ok = false;
		}
		ok &= compare("stdout", c->out, r.out.data);
		ok &= compare("stderr", c->err, r.err.data);
	}
	st_buf_free(&r.out);
	st_buf_free(&r.err);
	return ok;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc == 4 && !strcmp(argv[2], "--show")) {
		for (size_t i = 0; i < num_core_cases; i++)
			if (!strcmp(core_cases[i].name, argv[3]))
				return run_case(argv[1], &core_cases[i], true) ? 0 : 1;
		fprintf(stderr, "no case %s\n", argv[3]);
		return 79;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s PROGDIR [--show CASE]\n", argv[0]);
		return 79;
	}
	printf("1..%zu\n", num_core_cases);
	for (size_t i = 0; i < num_core_cases; i++) {
		bool ok = run_case(argv[1], &core_cases[i], false);

		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, core_cases[i].name);
		failed += !ok;
	}
	return failed ? 1 : 0;
}
