// SPDX-License-Identifier: MIT
/*
 * Unit test of device discovery and device filters, without hardware: builds
 * a fake /sys and /dev (two PCI GPUs, /dev/kfd, two hmm_dmirror nodes), points
 * IGT_SVM_SYSFS_ROOT / IGT_SVM_DEV_ROOT at it and checks what the scan finds
 * and what each filter selects.  Plain C, no igt core: prints failures on
 * stderr, exits 0 or 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "igt_device.h"
#include "util.h"

static char root[64];
static int checks, failures;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok)
		return;
	failures++;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- fake tree ---- */

static int mkdirs(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

/* Creates @rel (a file holding @text, or a symlink to @target). */
static int make(const char *rel, const char *text, const char *target)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (mkdirs(dir))
		return -1;
	if (target)
		return symlink(target, path);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static const struct fake_gpu {
	const char *slot, *vendor, *device, *driver;
	int minor, card;
} gpus[] = {
	{ "0000:03:00.0", "0x8086", "0x64a0", "xe", 128, 0 },
	{ "0000:0b:00.0", "0x1002", "0x744c", "amdgpu", 129, 1 },
};

static int add_gpu(const struct fake_gpu *g)
{
	char dev[128], rel[256], target[128], node[2][16];
	int err = 0;

	snprintf(dev, sizeof(dev), "sys/devices/pci0000:00/%s", g->slot);
	snprintf(node[0], sizeof(node[0]), "renderD%d", g->minor);
	snprintf(node[1], sizeof(node[1]), "card%d", g->card);
	snprintf(rel, sizeof(rel), "%s/vendor", dev);
	err |= make(rel, g->vendor, NULL);
	snprintf(rel, sizeof(rel), "%s/device", dev);
	err |= make(rel, g->device, NULL);
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s", g->driver);
	err |= mkdirs(rel);
	snprintf(rel, sizeof(rel), "%s/driver", dev);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", g->driver);
	err |= make(rel, NULL, target);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", g->slot);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", g->slot);
	err |= make(rel, NULL, target);
	for (int i = 0; i < 2; i++) {	/* as in sysfs: class link -> device/drm/X */
		snprintf(rel, sizeof(rel), "%s/drm/%s/device", dev, node[i]);
		snprintf(target, sizeof(target), "../../../%s", g->slot);
		err |= make(rel, NULL, target);
		snprintf(rel, sizeof(rel), "sys/class/drm/%s", node[i]);
		snprintf(target, sizeof(target), "../../devices/pci0000:00/%s/drm/%s", g->slot, node[i]);
		err |= make(rel, NULL, target);
		snprintf(rel, sizeof(rel), "dev/dri/%s", node[i]);
		err |= make(rel, "", NULL);
	}
	return err;
}

static int build_tree(void)
{
	static const char *const nodes[] = { "dev/kfd", "dev/hmm_dmirror0", "dev/hmm_dmirror1" };
	char env[128];
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(gpus); i++)
		err |= add_gpu(&gpus[i]);
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		err |= make(nodes[i], "", NULL);
	/* A render node sysfs knows of but /dev lacks must not be reported. */
	err |= make("sys/class/drm/renderD130/dev", "226:130", NULL);
	snprintf(env, sizeof(env), "%s/sys", root);
	err |= setenv("IGT_SVM_SYSFS_ROOT", env, 1);
	snprintf(env, sizeof(env), "%s/dev", root);
	err |= setenv("IGT_SVM_DEV_ROOT", env, 1);
	return err;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* ---- scan ---- */

static const struct igt_device_info expected_scan[] = {
	{ IGT_DEV_DRM_RENDER, "/dev/dri/renderD128", "/sys/devices/pci0000:00/0000:03:00.0",
	  "xe", "0000:03:00.0", 0x8086, 0x64a0, 0 },
	{ IGT_DEV_DRM_RENDER, "/dev/dri/renderD129", "/sys/devices/pci0000:00/0000:0b:00.0",
	  "amdgpu", "0000:0b:00.0", 0x1002, 0x744c, 1 },
	{ IGT_DEV_KFD, "/dev/kfd", "", "amdgpu", "", 0, 0, -1 },
	{ IGT_DEV_HMM_DMIRROR, "/dev/hmm_dmirror0", "", "test_hmm", "", 0, 0, -1 },
	{ IGT_DEV_HMM_DMIRROR, "/dev/hmm_dmirror1", "", "test_hmm", "", 0, 0, -1 },
};

static void test_scan(void)
{
	struct igt_device_info devs[IGT_DEVICE_MAX];
	int n = igt_device_scan(devs, IGT_DEVICE_MAX);

	check(n == ARRAY_SIZE(expected_scan), "scan found %d devices, expected %zu",
	      n, ARRAY_SIZE(expected_scan));
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(expected_scan); i++) {
		const struct igt_device_info *e = &expected_scan[i], *d = &devs[i];

		check(d->kind == e->kind && !strcmp(d->devnode, e->devnode) &&
		      !strcmp(d->syspath, e->syspath) && !strcmp(d->driver, e->driver) &&
		      !strcmp(d->pci_slot, e->pci_slot) && d->vendor == e->vendor &&
		      d->device == e->device && d->card == e->card,
		      "scan[%d]: got %s %s '%s' drv '%s' slot '%s' %04x:%04x card %d, expected %s",
		      i, igt_dev_kind_name(d->kind), d->devnode, d->syspath, d->driver,
		      d->pci_slot, d->vendor, d->device, d->card, e->devnode);
	}
	check(igt_device_scan(devs, 2) == 2, "scan with max=2 did not return 2");
}

/* ---- filters ---- */

#define R IGT_DEV_DRM_RENDER
#define K IGT_DEV_KFD
#define H IGT_DEV_HMM_DMIRROR

static const struct find_case {
	const char *filter;	/* NULL: none */
	enum igt_dev_kind kind;
	const char *driver;
	int index;
	const char *expect;	/* NULL: -ENODEV */
} find_cases[] = {
	{ NULL, R, NULL, 0, "/dev/dri/renderD128" },
	{ NULL, R, NULL, 1, "/dev/dri/renderD129" },
	{ NULL, R, NULL, 2, NULL },
	{ NULL, R, "amdgpu", 0, "/dev/dri/renderD129" },
	{ NULL, R, "xe", 1, NULL },
	{ NULL, R, "i915", 0, NULL },
	{ NULL, K, NULL, 0, "/dev/kfd" },
	{ NULL, K, "amdgpu", 0, "/dev/kfd" },
	{ NULL, H, NULL, 1, "/dev/hmm_dmirror1" },
	{ NULL, H, "test_hmm", 2, NULL },
	{ "drm:/dev/dri/renderD129", R, NULL, 0, "/dev/dri/renderD129" },
	{ "drm:/dev/dri/renderD129", R, NULL, 1, NULL },
	{ "drm:/dev/dri/renderD129", K, NULL, 0, NULL },	/* drm: names nodes */
	{ "drm:/dev/dri/renderD129", H, NULL, 0, NULL },
	{ "drm:/dev/dri/card0", R, NULL, 0, "/dev/dri/renderD128" },
	{ "drm:/dev/dri/card1", R, "amdgpu", 0, "/dev/dri/renderD129" },
	{ "drm:/dev/dri/card1", R, "xe", 0, NULL },
	{ "drm:/dev/dri/card7", R, NULL, 0, NULL },
	{ "drm:/dev/kfd", K, NULL, 0, "/dev/kfd" },
	{ "drm:/dev/kfd", R, NULL, 0, NULL },
	{ "drm:/dev/hmm_dmirror1", H, NULL, 0, "/dev/hmm_dmirror1" },
	{ "drm:/dev/hmm_dmirror1", H, NULL, 1, NULL },
	{ "pci:vendor=8086", R, NULL, 0, "/dev/dri/renderD128" },
	{ "pci:vendor=8086", R, NULL, 1, NULL },
	{ "pci:vendor=8086", K, NULL, 0, NULL },
	{ "pci:vendor=8086", H, NULL, 0, NULL },
	{ "pci:vendor=intel", R, "xe", 0, "/dev/dri/renderD128" },
	{ "pci:vendor=AMD", R, NULL, 0, "/dev/dri/renderD129" },
	{ "pci:vendor=amd", K, NULL, 0, "/dev/kfd" },
	{ "pci:vendor=amd", H, NULL, 0, NULL },
	{ "pci:vendor=0x1002,device=744C", R, NULL, 0, "/dev/dri/renderD129" },
	{ "pci:device=64a0", R, NULL, 0, "/dev/dri/renderD128" },
	{ "pci:vendor=8086,device=744c", R, NULL, 0, NULL },
	{ "pci:card=1", R, NULL, 0, "/dev/dri/renderD129" },
	{ "pci:card=1", K, NULL, 0, "/dev/kfd" },
	{ "pci:card=0", K, NULL, 0, NULL },
	{ "pci:card=2", R, NULL, 0, NULL },
	{ "pci:vendor=amd,card=0", R, NULL, 0, "/dev/dri/renderD129" },
	{ "pci:vendor=amd,card=1", R, NULL, 0, NULL },
	{ "pci:vendor=amd,card=1", K, NULL, 0, NULL },
	{ "pci:slot=0000:0b:00.0", R, NULL, 0, "/dev/dri/renderD129" },
	{ "pci:slot=03:00.0", R, NULL, 0, "/dev/dri/renderD128" },
	{ "pci:slot=0000:0B:00.0,vendor=amd,device=744c,card=0", K, NULL, 0, "/dev/kfd" },
	{ "sys:/sys/devices/pci0000:00/0000:03:00.0", R, NULL, 0, "/dev/dri/renderD128" },
	{ "sys:/sys/devices/pci0000:00/0000:03:00.0", K, NULL, 0, NULL },
	{ "sys:/sys/bus/pci/devices/0000:0b:00.0/", R, NULL, 0, "/dev/dri/renderD129" },
	{ "sys:/sys/bus/pci/devices/0000:0b:00.0", K, NULL, 0, "/dev/kfd" },
	{ "sys:/sys/devices/pci0000:00/0000:99:00.0", R, NULL, 0, NULL },
	{ "drm:/dev/hmm_dmirror0;pci:vendor=intel", R, NULL, 0, "/dev/dri/renderD128" },
	{ "drm:/dev/hmm_dmirror0;pci:vendor=intel", R, NULL, 1, NULL },
	{ "drm:/dev/hmm_dmirror0;pci:vendor=intel", H, NULL, 0, "/dev/hmm_dmirror0" },
	{ "drm:/dev/hmm_dmirror0;pci:vendor=intel", H, NULL, 1, NULL },
	{ "pci:vendor=amd;pci:vendor=intel", R, NULL, 1, "/dev/dri/renderD129" },
	{ "", R, NULL, 1, "/dev/dri/renderD129" },	/* "" clears */
	{ "", H, NULL, 0, "/dev/hmm_dmirror0" },
};

static void test_find(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		struct igt_device_info dev = { 0 };
		char why[256] = "";
		int err = igt_device_filter_set(c->filter, why, sizeof(why));

		check(!err, "filter '%s' rejected: %s", c->filter, why);
		err = igt_device_find(c->kind, c->driver, c->index, &dev);
		check(c->expect ? !err && !strcmp(dev.devnode, c->expect) : err == -ENODEV,
		      "filter '%s', %s driver %s index %d: got %d %s, expected %s",
		      c->filter ? c->filter : "(none)", igt_dev_kind_name(c->kind),
		      c->driver ? c->driver : "(any)", c->index, err, err ? "" : dev.devnode,
		      c->expect ? c->expect : "-ENODEV");
	}
}

static const char *const malformed[] = {
	"foo:bar", "drm", "drm:", "sys:", "pci:", ":/dev/kfd", ";", "drm:/dev/kfd;",
	"drm:/dev/kfd;;pci:card=0", "drm:renderD128", "drm:/dev/", "sys:devices/x",
	"sys:/dev/kfd", "pci:vendor", "pci:vendor=", "pci:vendor=xyz", "pci:vendor=12345",
	"pci:vendor=nvidia", "pci:device=0x", "pci:color=red", "pci:card=-1", "pci:card=x",
	"pci:card=", "pci:vendor=8086,", "pci:,vendor=8086", "pci:vendor=8086,vendor=1002",
	"pci:slot=0000:03:00", "pci:slot=03:20.0", "pci:slot=0x03:00.0", "pci:slot=03:00.8",
	"DRM:/dev/kfd",
};

static void test_malformed(void)
{
	char why[256];

	igt_device_filter_set("pci:vendor=amd", NULL, 0);
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++) {
		int err;

		strcpy(why, "");
		err = igt_device_filter_set(malformed[i], why, sizeof(why));
		check(err == -EINVAL && why[0] && !strchr(why, '\n'),
		      "malformed filter '%s': got %d, reason '%s'", malformed[i], err, why);
		check(igt_device_filter_get() && !strcmp(igt_device_filter_get(), "pci:vendor=amd"),
		      "malformed filter '%s' replaced the installed one", malformed[i]);
	}
	/* The example from the interface description, word for word. */
	igt_device_filter_set("foo:x", why, sizeof(why));
	check(!strcmp(why, "unknown filter type 'foo' (expected drm:, pci: or sys:)"),
	      "unexpected reason '%s'", why);
	igt_device_filter_set(NULL, NULL, 0);
	check(!igt_device_filter_get(), "NULL did not clear the filter");
}

static const struct describe_case {
	const char *filter;
	enum igt_dev_kind kind;
	const char *driver, *expect;
} describe_cases[] = {
	{ "pci:vendor=8086", R, "xe", "an xe render node (filter: pci:vendor=8086)" },
	{ NULL, R, "amdgpu", "an amdgpu render node" },
	{ NULL, R, NULL, "a DRM render node" },
	{ "drm:/dev/kfd", K, NULL, "/dev/kfd (filter: drm:/dev/kfd)" },
	{ NULL, H, NULL, "a /dev/hmm_dmirror node" },
};

static void test_describe(void)
{
	char buf[128];

	for (size_t i = 0; i < ARRAY_SIZE(describe_cases); i++) {
		const struct describe_case *c = &describe_cases[i];

		igt_device_filter_set(c->filter, NULL, 0);
		igt_device_describe_wanted(c->kind, c->driver, buf, sizeof(buf));
		check(!strcmp(buf, c->expect), "describe: got '%s', expected '%s'", buf, c->expect);
	}
	igt_device_describe_wanted(R, "xe", buf, 8);	/* must truncate, not overflow */
	check(strlen(buf) == 7, "describe did not truncate to the buffer");
	igt_device_filter_set(NULL, NULL, 0);
}

/* Whatever this machine has, the real scan must work and be well-formed. */
static void test_real_scan(void)
{
	struct igt_device_info devs[IGT_DEVICE_MAX];
	int n;

	unsetenv("IGT_SVM_SYSFS_ROOT");
	unsetenv("IGT_SVM_DEV_ROOT");
	n = igt_device_scan(devs, IGT_DEVICE_MAX);
	check(n >= 0 && n <= IGT_DEVICE_MAX, "real scan returned %d", n);
	for (int i = 0; i < n; i++)
		check(!strncmp(devs[i].devnode, "/dev/", 5), "real scan: odd node '%s'",
		      devs[i].devnode);
	fprintf(stderr, "device_filter_test: real scan found %d device(s)\n", n);
}

int main(void)
{
	int rc = 1;

	snprintf(root, sizeof(root), "%s/igt-device-filter-XXXXXX",
		 getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 30 ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("device_filter_test: mkdtemp");
		return 1;
	}
	if (build_tree()) {
		perror("device_filter_test: building the fake tree");
		goto out;
	}
	test_scan();
	test_find();
	test_malformed();
	test_describe();
	test_real_scan();
	fprintf(stderr, "device_filter_test: %d checks, %d failed\n", checks, failures);
	rc = failures ? 1 : 0;
out:
	if (nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, "device_filter_test: could not remove %s\n", root);
	return rc;
}
