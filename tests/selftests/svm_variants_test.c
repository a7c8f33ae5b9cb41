/* SPDX-License-Identifier: MIT */
/*
 * The backend contract's variant axis and device caps, checked from
 * outside: runs svm_fake_plain and svm_fake_variants (svm_fake_backend.c)
 * on a fake device tree it makes, and checks their subtest names, which
 * subtests skip and why, and which run.  Output is TAP, one line per case.
 *
 *   svm_variants_test BUILDDIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "st_run.h"
#include "util.h"

static const char *const variants[] = { "memcpy", "refused" };

static char progdir[2048], tree[64], dev_env[192], sys_env[192];
static char dev_file[128];

static bool make_tree(void)
{
	char path[128];

	snprintf(tree, sizeof(tree), "/tmp/svm-variants-XXXXXX");
	if (!mkdtemp(tree))
		return false;
	snprintf(path, sizeof(path), "%s/dev", tree);
	if (mkdir(path, 0755))
		return false;
	snprintf(dev_env, sizeof(dev_env), "IGT_SVM_DEV_ROOT=%s", path);
	snprintf(path, sizeof(path), "%s/sys", tree);
	if (mkdir(path, 0755))
		return false;
	snprintf(sys_env, sizeof(sys_env), "IGT_SVM_SYSFS_ROOT=%s", path);
	snprintf(dev_file, sizeof(dev_file), "%s/dev/hmm_dmirror0", tree);
	return true;
}

static void remove_tree(void)
{
	char path[128];

	unlink(dev_file);
	snprintf(path, sizeof(path), "%s/dev", tree);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys", tree);
	rmdir(path);
	rmdir(tree);
}

/* The fake device's property words (svm_fake_backend.c). */
static bool set_device(const char *props)
{
	FILE *f = fopen(dev_file, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(props, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Runs @prog with @arg1 (and @arg2) on the fake tree; false if it could not run. */
static bool run(const char *prog, const char *arg1, const char *arg2, struct st_result *r)
{
	const char *const args[] = { arg1, arg2, NULL };
	const char *const env[] = { dev_env, sys_env, NULL };
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", progdir, prog);
	if (st_run(path, args, env, 60, r)) {
		printf("# cannot run %s\n", path);
		return false;
	}
	st_normalise(&r->out);
	st_normalise(&r->err);
	if (r->timed_out)
		printf("# %s %s %s did not finish in time\n", prog, arg1, arg2 ? arg2 : "");
	return !r->timed_out;
}

static void show(const struct st_result *r)
{
	printf("# status %d\n# --- stdout ---\n", r->status);
	for (const char *l = r->out.data; l && *l; ) {
		int len = strcspn(l, "\n");

		printf("#   %.*s\n", len, l);
		l += len + (l[len] == '\n');
	}
	printf("# --- stderr ---\n");
	for (const char *l = r->err.data; l && *l; ) {
		int len = strcspn(l, "\n");

		printf("#   %.*s\n", len, l);
		l += len + (l[len] == '\n');
	}
}

static bool expect(bool cond, const char *what)
{
	if (!cond)
		printf("# not so: %s\n", what);
	return cond;
}

static bool says(const struct st_result *r, const char *text)
{
	bool found = strstr(r->out.data, text) || strstr(r->err.data, text);

	if (!found)
		printf("# no \"%s\" in the output\n", text);
	return found;
}

/* ---- the subtest names --------------------------------------------------- */

/* Lines of @text as an array of strings (in place); returns the count. */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;

	for (char *l = strtok(text, "\n"); l && n < max; l = strtok(NULL, "\n"))
		lines[n++] = l;
	return n;
}

#define MAX_NAMES 2048

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && !strcmp(s + a - b, suffix) && s[a - b - 1] == '-';
}

/*
 * Plain: "contract" then the catalog, with no variant suffix.  Variants:
 * "contract", then the same catalog names once per variant, in order,
 * each with "-<variant>".
 */
static bool case_names(void)
{
	static char *plain[MAX_NAMES], *with[MAX_NAMES];
	struct st_result p, v;
	size_t np, nv;
	bool ok, found;

	if (!run("svm_fake_plain", "--list-subtests", NULL, &p))
		return false;
	if (!run("svm_fake_variants", "--list-subtests", NULL, &v))
		return false;
	ok = expect(p.status == 0 && v.status == 0, "both list with status 0");
	np = split_lines(p.out.data, plain, MAX_NAMES);
	nv = split_lines(v.out.data, with, MAX_NAMES);
	ok &= expect(np > 100 && np < MAX_NAMES / 2, "the plain list has the catalog");
	ok &= expect(np && !strcmp(plain[0], "contract") && nv && !strcmp(with[0], "contract"),
		     "both lists start with the own subtest");
	ok &= expect(nv == 1 + ARRAY_SIZE(variants) * (np - 1), "one catalog per variant");
	for (size_t i = 1; ok && i < np; i++)
		for (size_t k = 0; k < ARRAY_SIZE(variants); k++)
			ok &= expect(!ends_with(plain[i], variants[k]), plain[i]);
	for (size_t k = 0; ok && k < ARRAY_SIZE(variants); k++)
		for (size_t i = 1; ok && i < np; i++) {
			const char *got = with[1 + k * (np - 1) + (i - 1)];
			char want[256];

			snprintf(want, sizeof(want), "%s-%s", plain[i], variants[k]);
			if (strcmp(got, want)) {
				printf("# name %s, expected %s\n", got, want);
				ok = false;
			}
		}
	found = false;
	for (size_t i = 1; i < np; i++)
		found |= !strcmp(plain[i], "gpu-write-cpu-read-malloc");
	ok &= expect(found, "gpu-write-cpu-read-malloc is among the names");
	st_buf_free(&p.out);
	st_buf_free(&p.err);
	st_buf_free(&v.out);
	st_buf_free(&v.err);
	return ok;
}

/* ---- running ------------------------------------------------------------- */

struct run_case {
	const char *name;
	const char *prog;
	const char *device;		/* the fake device's properties */
	const char *selection;		/* --run-subtest */
	int status;
	const char *says[4];		/* lines or fragments that must appear */
};

static const struct run_case run_cases[] = {
	{
		"the refused variant skips naming it and its reason",
		"svm_fake_variants", "", "gpu-write-cpu-read-malloc-refused", 77,
		{ "Subtest gpu-write-cpu-read-malloc-refused: SKIP",
		  "fake backend cannot drive device #0 in variant refused: the fake device has "
		  "no such mode (variant refused asked for)" },
	},
	{
		"the working variant runs, on the fake device",
		"svm_fake_variants", "",
		"gpu-write-cpu-read-malloc-memcpy,gpu-copy-malloc-memcpy", 0,
		{ "Subtest gpu-write-cpu-read-malloc-memcpy: SUCCESS",
		  "Subtest gpu-copy-malloc-memcpy: SUCCESS" },
	},
	{
		"one scenario in both variants: one runs, one skips",
		"svm_fake_variants", "", "cpu-write-gpu-read-stack-*", 0,
		{ "Subtest cpu-write-gpu-read-stack-memcpy: SUCCESS",
		  "Subtest cpu-write-gpu-read-stack-refused: SKIP" },
	},
	{
		"a cap the device's open dropped skips, naming it and the variant",
		"svm_fake_variants", "no-copy",
		"gpu-copy-malloc-memcpy,gpu-write-cpu-read-malloc-memcpy", 0,
		{ "Subtest gpu-copy-malloc-memcpy: SKIP",
		  "fake backend in variant memcpy lacks gpu-copy",
		  "Subtest gpu-write-cpu-read-malloc-memcpy: SUCCESS" },
	},
	{
		"negative control: a device that drops writes fails the subtest",
		"svm_fake_variants", "broken-write", "gpu-write-cpu-read-malloc-memcpy", 98,
		{ "Subtest gpu-write-cpu-read-malloc-memcpy: FAIL" },
	},
	{
		"without variants: plain names run",
		"svm_fake_plain", "", "gpu-write-cpu-read-malloc,gpu-copy-malloc", 0,
		{ "Subtest gpu-write-cpu-read-malloc: SUCCESS",
		  "Subtest gpu-copy-malloc: SUCCESS" },
	},
	{
		"without variants: a dropped cap's skip does not mention variants",
		"svm_fake_plain", "no-copy", "gpu-copy-malloc", 77,
		{ "Subtest gpu-copy-malloc: SKIP", "fake backend lacks gpu-copy" },
	},
	{
		"contract checks, with variants",
		"svm_fake_variants", "", "contract", 0, { "Subtest contract: SUCCESS" },
	},
	{
		"contract checks, with variants, on a device without copy",
		"svm_fake_variants", "no-copy", "contract", 0, { "Subtest contract: SUCCESS" },
	},
	{
		"contract checks, without variants, on a device without copy",
		"svm_fake_plain", "no-copy", "contract", 0, { "Subtest contract: SUCCESS" },
	},
};

static bool run_one(const struct run_case *c)
{
	struct st_result r;
	bool ok;

	if (!set_device(c->device)) {
		printf("# cannot write %s: %s\n", dev_file, strerror(errno));
		return false;
	}
	if (!run(c->prog, "--run-subtest", c->selection, &r))
		return false;
	ok = expect(r.status == c->status, "the expected exit status");
	for (size_t i = 0; i < ARRAY_SIZE(c->says) && c->says[i]; i++)
		ok &= says(&r, c->says[i]);
	if (!ok)
		show(&r);
	st_buf_free(&r.out);
	st_buf_free(&r.err);
	return ok;
}

int main(int argc, char **argv)
{
	int failed = 0, n = 1;
	bool ok;

	if (argc != 2) {
		fprintf(stderr, "usage: %s BUILDDIR\n", argv[0]);
		return 79;
	}
	snprintf(progdir, sizeof(progdir), "%s", argv[1]);
	if (!make_tree() || !set_device("")) {
		printf("Bail out! cannot make a fake device tree: %s\n", strerror(errno));
		remove_tree();
		return 1;
	}
	printf("1..%zu\n", 1 + ARRAY_SIZE(run_cases));
	ok = case_names();
	printf("%sok %d - subtest names: plain without variants, suffixed per variant\n",
	       ok ? "" : "not ", n++);
	failed += !ok;
	for (size_t i = 0; i < ARRAY_SIZE(run_cases); i++) {
		ok = run_one(&run_cases[i]);
		printf("%sok %d - %s\n", ok ? "" : "not ", n++, run_cases[i].name);
		failed += !ok;
	}
	remove_tree();
	return failed ? 1 : 0;
}
