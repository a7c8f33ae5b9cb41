// SPDX-License-Identifier: MIT
/*
 * Device filters (--device, IGT_DEVICE): parsing, and deciding which scanned
 * devices a filter lets through.
 *
 * Syntax: FILTER[;FILTER...], a device passes if any FILTER selects it.
 *   drm:/dev/...   a device node.  /dev/dri/cardN stands for the render node
 *                  of the same GPU, because the suite only uses render nodes
 *                  but users often know their GPU by its card node.
 *   pci:KEY=VAL,.. vendor (hex, or intel/amd), device (hex), slot
 *                  ([dddd:]bb:dd.f) and card=N, the N-th (0-based, scan order)
 *                  PCI device that matches the other keys.
 *   sys:/sys/...   the device's sysfs directory, compared after resolving
 *                  symlinks so /sys/bus/pci/devices/<slot> works as well.
 *
 * Which kinds each filter can select, and why:
 *   - Render nodes: all three; this is what filters are for.
 *   - /dev/kfd: drm:/dev/kfd, or a pci:/sys: filter that selects an AMD GPU.
 *     KFD is a single node serving every AMD GPU and has no PCI identity of
 *     its own, so "run on this AMD GPU" must include it, or every KFD test
 *     would skip as soon as the user names the GPU.  A drm: filter naming an
 *     AMD render node does not: drm: names nodes, not GPUs.
 *   - /dev/hmm_dmirrorN: only a drm: filter naming it.  These are a kernel
 *     test driver's software devices, not PCI; a filter that picks a GPU says
 *     nothing about them, and running them anyway would defeat a filter meant
 *     to restrict a run to one GPU.
 * With no filter installed every device passes.
 *
 * Parsing is purely syntactic (it runs during option parsing, possibly with
 * no GPU), and what a filter selects is decided against each scan.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "igt_device.h"
#include "util.h"

#define MAX_FILTERS 16
#define AMD_VENDOR 0x1002

enum filter_type { F_DRM, F_PCI, F_SYS };

struct filter {
	enum filter_type type;
	char path[256];		/* drm:, sys: */
	int vendor, device;	/* pci:, -1 = any */
	int card;		/* pci:, -1 = any */
	char slot[16];		/* pci:, normalised dddd:bb:dd.f, "" = any */
};

static struct filter installed[MAX_FILTERS];
static int n_installed;
static char installed_str[1024];

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* 1-4 hex digits, optional 0x. */
static int parse_hex16(const char *val, int *out)
{
	size_t n;

	if (!strncasecmp(val, "0x", 2))
		val += 2;
	n = strspn(val, "0123456789abcdefABCDEF");
	if (n == 0 || n > 4 || val[n])
		return -EINVAL;
	*out = (int)strtol(val, NULL, 16);
	return 0;
}

static int key_vendor(const char *val, struct filter *f)
{
	static const struct { const char *name; int id; } names[] = {
		{ "intel", 0x8086 },
		{ "amd", AMD_VENDOR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(val, names[i].name)) {
			f->vendor = names[i].id;
			return 0;
		}
	return parse_hex16(val, &f->vendor);
}

static int key_device(const char *val, struct filter *f)
{
	return parse_hex16(val, &f->device);
}

static int key_card(const char *val, struct filter *f)
{
	size_t n = strspn(val, "0123456789");

	if (n == 0 || n > 4 || val[n])
		return -EINVAL;
	f->card = atoi(val);
	return 0;
}

/* [dddd:]bb:dd.f in hex; stored in the dddd:bb:dd.f spelling sysfs uses. */
static int key_slot(const char *val, struct filter *f)
{
	unsigned int dom = 0, bus, dev, fn;
	int end = -1;

	/* Restricting the characters first keeps sscanf from taking 0x or signs. */
	if (val[strspn(val, "0123456789abcdefABCDEF:.")])
		return -EINVAL;
	if (sscanf(val, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &end) != 4 || val[end]) {
		dom = 0;
		end = -1;
		if (sscanf(val, "%x:%x.%x%n", &bus, &dev, &fn, &end) != 3 || val[end])
			return -EINVAL;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(f->slot, sizeof(f->slot), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

static const struct pci_key {
	const char *name, *expected;
	int (*parse)(const char *val, struct filter *f);
} pci_keys[] = {
	{ "vendor", "hex id, intel or amd", key_vendor },
	{ "device", "hex id", key_device },
	{ "card", "decimal index", key_card },
	{ "slot", "[dddd:]bb:dd.f", key_slot },
};

static int parse_pci_pair(char *pair, struct filter *f, unsigned int *seen,
			  char *why, size_t why_len)
{
	char *val = strchr(pair, '=');
	size_t k;

	if (!*pair)
		return fail(why, why_len, "pci: empty key (stray ',')");
	if (!val)
		return fail(why, why_len, "pci: '%s' is not key=value", pair);
	*val++ = '\0';
	for (k = 0; k < ARRAY_SIZE(pci_keys) && strcmp(pair, pci_keys[k].name); k++)
		;
	if (k == ARRAY_SIZE(pci_keys))
		return fail(why, why_len, "pci: unknown key '%s' (expected vendor, device, card or slot)",
			    pair);
	if (*seen & (1u << k))
		return fail(why, why_len, "pci: key '%s' given twice", pair);
	*seen |= 1u << k;
	if (!*val)
		return fail(why, why_len, "pci: empty value for '%s'", pair);
	if (pci_keys[k].parse(val, f))
		return fail(why, why_len, "pci: bad %s '%s' (expected %s)", pair, val,
			    pci_keys[k].expected);
	return 0;
}

static int parse_pci(char *body, struct filter *f, char *why, size_t why_len)
{
	unsigned int seen = 0;
	char *pair;
	int err = 0;

	if (!*body)
		return fail(why, why_len, "pci: needs at least one of vendor, device, card, slot");
	/* strsep, unlike strtok, keeps the empty fields of "a,,b" to reject. */
	while (!err && (pair = strsep(&body, ",")))
		err = parse_pci_pair(pair, f, &seen, why, why_len);
	return err;
}

/* drm: and sys: take an absolute path under their own tree. */
static int parse_path(const char *type, const char *root, const char *body,
		      struct filter *f, char *why, size_t why_len)
{
	size_t len = strlen(body);

	if (!len)
		return fail(why, why_len, "%s: empty path", type);
	while (len > 1 && body[len - 1] == '/')
		len--;	/* sysfs paths are compared as strings */
	if (strncmp(body, root, strlen(root)) || len <= strlen(root))
		return fail(why, why_len, "%s: path '%s' is not under %s", type, body, root);
	if (len >= sizeof(f->path))
		return fail(why, why_len, "%s: path too long", type);
	snprintf(f->path, sizeof(f->path), "%.*s", (int)len, body);
	return 0;
}

static const struct {
	const char *prefix;
	enum filter_type type;
	const char *root;	/* drm: and sys: paths must lie under it */
} filter_types[] = {
	{ "drm", F_DRM, "/dev/" },
	{ "pci", F_PCI, NULL },
	{ "sys", F_SYS, "/sys/" },
};

static int parse_one(char *one, struct filter *f, char *why, size_t why_len)
{
	char *body = strchr(one, ':');

	if (!*one)
		return fail(why, why_len, "empty filter in the ';'-separated list");
	if (!body)
		return fail(why, why_len, "filter '%s' has no type (expected drm:, pci: or sys:)", one);
	*body++ = '\0';
	*f = (struct filter){ .vendor = -1, .device = -1, .card = -1 };
	for (size_t i = 0; i < ARRAY_SIZE(filter_types); i++) {
		if (strcmp(one, filter_types[i].prefix))
			continue;
		f->type = filter_types[i].type;
		return f->type == F_PCI ? parse_pci(body, f, why, why_len) :
			parse_path(one, filter_types[i].root, body, f, why, why_len);
	}
	return fail(why, why_len, "unknown filter type '%s' (expected drm:, pci: or sys:)", one);
}

/* On error the previous filter stays installed. */
int igt_device_filter_set(const char *filters, char *why, size_t why_len)
{
	struct filter parsed[MAX_FILTERS];
	char buf[sizeof(installed_str)], *p = buf, *one;
	int n = 0, err;

	if (!filters || !*filters) {
		n_installed = 0;
		return 0;
	}
	if (strlen(filters) >= sizeof(buf))
		return fail(why, why_len, "filter list longer than %zu characters", sizeof(buf) - 1);
	strcpy(buf, filters);
	while ((one = strsep(&p, ";"))) {
		if (n == MAX_FILTERS)
			return fail(why, why_len, "more than %d filters", MAX_FILTERS);
		err = parse_one(one, &parsed[n++], why, why_len);
		if (err)
			return err;
	}
	memcpy(installed, parsed, n * sizeof(parsed[0]));
	n_installed = n;
	strcpy(installed_str, filters);
	return 0;
}

const char *igt_device_filter_get(void)
{
	return n_installed ? installed_str : NULL;
}

static bool pci_keys_match(const struct filter *f, const struct igt_device_info *d)
{
	return d->pci_slot[0] &&
	       (f->vendor < 0 || f->vendor == d->vendor) &&
	       (f->device < 0 || f->device == d->device) &&
	       (!f->slot[0] || !strcasecmp(f->slot, d->pci_slot));
}

/* Whether the pci: or sys: filter @f selects the PCI device @devs[@i]. */
static bool selects_gpu(const struct filter *f, const struct igt_device_info *devs, int i)
{
	char canon[256];
	int rank = 0;

	if (!devs[i].pci_slot[0])
		return false;
	if (f->type == F_SYS)
		return !__igt_device_sysfs_canonical(f->path, canon, sizeof(canon)) &&
		       !strcmp(canon, devs[i].syspath);
	if (!pci_keys_match(f, &devs[i]))
		return false;
	for (int j = 0; j < i && f->card >= 0; j++)
		rank += pci_keys_match(f, &devs[j]);
	return f->card < 0 || rank == f->card;
}

/* drm:/dev/dri/cardN names the render node of the same device. */
static bool card_node_names(const char *path, const struct igt_device_info *d)
{
	char link[128], canon[256];

	if (strncmp(path, "/dev/dri/card", 13) || !d->syspath[0] ||
	    snprintf(link, sizeof(link), "/sys/class/drm/%s/device", path + 9) >= (int)sizeof(link))
		return false;
	return !__igt_device_sysfs_canonical(link, canon, sizeof(canon)) &&
	       !strcmp(canon, d->syspath);
}

static bool filter_selects(const struct filter *f, const struct igt_device_info *devs,
			   int n, int i)
{
	const struct igt_device_info *d = &devs[i];

	if (f->type == F_DRM)
		return !strcmp(f->path, d->devnode) ||
		       (d->kind == IGT_DEV_DRM_RENDER && card_node_names(f->path, d));
	if (d->kind == IGT_DEV_DRM_RENDER)
		return selects_gpu(f, devs, i);
	for (int j = 0; j < n && d->kind == IGT_DEV_KFD; j++)
		if (devs[j].vendor == AMD_VENDOR && selects_gpu(f, devs, j))
			return true;
	return false;	/* hmm_dmirror: only drm: names it */
}

bool __igt_device_filter_allows(const struct igt_device_info *devs, int n, int i)
{
	if (!n_installed)
		return true;
	for (int k = 0; k < n_installed; k++)
		if (filter_selects(&installed[k], devs, n, i))
			return true;
	return false;
}
