/* SPDX-License-Identifier: MIT */
/**
 * TEST: svm_info
 * Category: Infrastructure
 * Description: Lists the SVM-capable devices this machine has and what each
 *              offers, so that a CI log shows at a glance what the rest of
 *              the suite could run on.
 * Functionality: device discovery, capability query
 */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "igt_core.h"
#include "igt_device.h"
#include "util.h"
#include "amdgpu/amdgpu_svm.h"
#include "svm/svm_caps.h"
#include "vgpu/vgpu_device.h"
#include "vgpu/vgpu_ioctl.h"
#include "xe/xe_query.h"

IGT_TEST_DESCRIPTION("Lists SVM-capable devices (xe, amdgpu, amdkfd, test_hmm, vgpu) and their SVM capabilities.");

static void print_device(const struct igt_device_info *d)
{
	igt_info("%-22s %-12s driver=%-8s pci=%04x:%04x slot=%s sys=%s\n",
		 d->devnode, igt_dev_kind_name(d->kind),
		 d->driver[0] ? d->driver : "?", d->vendor, d->device,
		 d->pci_slot[0] ? d->pci_slot : "-", d->syspath[0] ? d->syspath : "-");
}

/* "renderD128" -> "renderd128": dynamic subtest names are lowercase. */
static const char *dynamic_name(const struct igt_device_info *d)
{
	static char name[64];
	const char *base = strrchr(d->devnode, '/');
	size_t i;

	base = base ? base + 1 : d->devnode;
	for (i = 0; base[i] && i < sizeof(name) - 1; i++)
		name[i] = tolower((unsigned char)base[i]);
	name[i] = '\0';
	return name;
}

static int open_device(const struct igt_device_info *d)
{
	int fd = open(d->devnode, O_RDWR | O_CLOEXEC);

	igt_assert_f(fd >= 0, "cannot open %s\n", d->devnode);
	return fd;
}

/* Every device of @kind/@driver the filter lets through; skips when none. */
static int find_all(enum igt_dev_kind kind, const char *driver,
		    struct igt_device_info *devs, int max)
{
	char wanted[256];
	int n = 0;

	while (n < max && !igt_device_find(kind, driver, n, &devs[n]))
		n++;
	igt_device_describe_wanted(kind, driver, wanted, sizeof(wanted));
	igt_require_f(n > 0, "looked for %s and found none\n", wanted);
	return n;
}

static void report_xe(const struct igt_device_info *d)
{
	struct xe_device xe;
	int fd = open_device(d);
	int ret = __xe_query_device(fd, &xe);

	close(fd);
	print_device(d);
	igt_assert_f(ret == 0, "xe device query failed: %s\n", strerror(-ret));
	igt_info("  device id %#06x rev %#x, VRAM %s, VA bits %u, min alignment %#llx\n",
		 xe.devid, xe.revid, xe_has_vram(&xe) ? "yes" : "no", xe.va_bits,
		 (unsigned long long)xe.min_alignment);
	igt_info("  CPU address mirror (SVM): %s; fault-mode VM: %s\n",
		 xe.config_flags & DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR ? "yes" : "no",
		 xe.fault_vm_err ? strerror(-xe.fault_vm_err) : "yes");
	igt_assert_eq(xe.devid, d->device);
	igt_assert_f(xe.va_bits >= 32 && xe.va_bits <= 57, "implausible VA bits %u\n", xe.va_bits);
	igt_assert_f(xe.min_alignment && !(xe.min_alignment & (xe.min_alignment - 1)),
		     "min alignment %#llx is not a power of two\n",
		     (unsigned long long)xe.min_alignment);
}

static void report_amdgpu(const struct igt_device_info *d)
{
	int fd = open_device(d);
	drmVersionPtr v = drmGetVersion(fd);
	struct amdgpu_svm_probe svm;
	int ret;

	print_device(d);
	if (!v)
		close(fd);
	igt_assert_f(v, "DRM_IOCTL_VERSION failed on %s\n", d->devnode);
	igt_info("  %s %d.%d.%d (%s)\n", v->name, v->version_major,
		 v->version_minor, v->version_patchlevel, v->date);
	ret = strcmp(v->name, "amdgpu");
	drmFreeVersion(v);
	if (ret)
		close(fd);
	igt_assert_f(!ret, "driver is not amdgpu\n");
	/* On this file, not acquired by KFD: RFC v1 then reports "disabled". */
	ret = __amdgpu_svm_probe(fd, &svm);
	close(fd);
	igt_assert_f(ret == 0, "amdgpu SVM probe: %s (%s)\n", strerror(-ret), svm.reason);
	igt_info("  SVM ioctl of the drm_gpusvm RFC: %s%s%s%s\n", amdgpu_svm_rev_name(svm.rev),
		 svm.disabled ? ", disabled" : "", *svm.reason ? ": " : "", svm.reason);
}

static void report_kfd(const struct igt_device_info *d)
{
	struct svm_kfd_caps caps;
	int fd = open_device(d);
	int ret = __svm_probe_kfd(fd, &caps);

	close(fd);
	print_device(d);
	igt_assert_f(ret == 0, "AMDKFD_IOC_GET_VERSION failed: %s\n", strerror(-ret));
	igt_info("  KFD uAPI %u.%u (SVM API needs 1.5: %s)\n", caps.major, caps.minor,
		 caps.minor >= 5 ? "yes" : "no");
	for (int i = 0; i < caps.num_gpus; i++)
		igt_info("  gpu_id %#x renderD%u device %#06x: SVM capability %s\n",
			 caps.gpus[i].gpu_id, caps.gpus[i].render_minor,
			 caps.gpus[i].device_id, caps.gpus[i].svm ? "yes" : "no");
	if (caps.xnack < 0)
		igt_info("  XNACK mode: cannot be queried (%s)\n", strerror(-caps.xnack));
	else
		igt_info("  XNACK mode: %s\n", caps.xnack ? "on" : "off");
	igt_assert_eq(caps.major, 1);
}

static void report_dmirror(const struct igt_device_info *d)
{
	struct svm_dmirror_caps caps;
	int fd = open_device(d);
	int ret = __svm_probe_dmirror(fd, &caps);

	close(fd);
	print_device(d);
	igt_assert_f(ret == 0, "probe failed: %s\n", strerror(-ret));
	igt_info("  ioctl numbering: %s\n", caps.numbering_6_0 ? "Linux >= 6.0" : "pre-6.0 (unsupported)");
	igt_require_f(caps.numbering_6_0, "test_hmm before Linux 6.0 numbers its ioctls differently\n");
	igt_info("  SNAPSHOT of one page: %s\n", caps.snapshot ? strerror(-caps.snapshot) : "ok");
	igt_assert_eq(caps.snapshot, 0);
}

/* A module parameter's value as a number; false when it is absent or not one. */
static bool param_value(const struct vgpu_param *params, int n, const char *name, uint64_t *out)
{
	for (int i = 0; i < n; i++) {
		char *end;

		if (strcmp(params[i].name, name))
			continue;
		*out = strtoull(params[i].value, &end, 0);
		return end != params[i].value && !*end;
	}
	return false;
}

static void report_vgpu(const struct igt_device_info *d)
{
	struct drm_vgpu_device_query q;
	struct vgpu_param params[32];
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE), v;
	char chunks[128] = "";
	int fd = open_device(d);
	int ret = __vgpu_device_query(fd, &q), n;

	close(fd);
	print_device(d);
	igt_assert_f(ret == 0, "DEVICE_QUERY failed: %s\n", strerror(-ret));
	for (uint32_t i = 0; i < q.num_chunks && i < VGPU_MAX_CHUNKS; i++)
		snprintf(chunks + strlen(chunks), sizeof(chunks) - strlen(chunks), "%s%" PRIu64 "K",
			 i ? " " : "", (uint64_t)q.chunk_sizes[i] >> 10);
	igt_info("  vgpu device %u: %u tile(s), %" PRIu64 " MiB of device memory per tile, "
		 "page size %" PRIu64 ", chunk sizes %s\n", q.device_index, q.num_tiles,
		 (uint64_t)q.vram_per_tile >> 20, (uint64_t)q.page_size, chunks);
	n = vgpu_module_params(params, ARRAY_SIZE(params));
	if (n < 0)
		igt_info("  module parameters: not readable (%s)\n", strerror(-n));
	for (int i = 0; i < n; i++)
		igt_info("  module parameter %s = %s\n", params[i].name, params[i].value);

	igt_assert_f(q.num_tiles >= 1 && q.num_tiles <= VGPU_MAX_TILES, "%u tiles\n", q.num_tiles);
	igt_assert_f(q.page_size == ps, "page size %" PRIu64 ", the CPU's is %" PRIu64 "\n",
		     (uint64_t)q.page_size, ps);
	igt_assert_f(q.vram_per_tile && !(q.vram_per_tile % ps), "%" PRIu64 " bytes of device "
		     "memory per tile\n", (uint64_t)q.vram_per_tile);
	igt_assert_f(q.num_chunks >= 1 && q.num_chunks <= VGPU_MAX_CHUNKS, "%u chunk sizes\n",
		     q.num_chunks);
	for (uint32_t i = 0; i < q.num_chunks; i++) {
		uint64_t c = q.chunk_sizes[i];

		igt_assert_f(c >= ps && !(c & (c - 1)) && (!i || c < q.chunk_sizes[i - 1]),
			     "chunk sizes %s: each must be a power of two of at least a page, "
			     "largest first\n", chunks);
	}
	/* The topology the module was asked for is what the device reports. */
	if (n > 0 && param_value(params, n, "tiles", &v))
		igt_assert_f(v == q.num_tiles, "module parameter tiles=%" PRIu64 ", the device "
			     "reports %u\n", v, q.num_tiles);
	if (n > 0 && param_value(params, n, "vram_mb", &v))
		igt_assert_f(v << 20 == q.vram_per_tile, "module parameter vram_mb=%" PRIu64 ", the "
			     "device reports %" PRIu64 " bytes\n", v, (uint64_t)q.vram_per_tile);
}

static const struct {
	const char *name;
	enum igt_dev_kind kind;
	const char *driver;
	void (*report)(const struct igt_device_info *d);
} kinds[] = {
	{ "xe", IGT_DEV_DRM_RENDER, "xe", report_xe },
	{ "amdgpu", IGT_DEV_DRM_RENDER, "amdgpu", report_amdgpu },
	{ "kfd", IGT_DEV_KFD, NULL, report_kfd },
	{ "hmm-dmirror", IGT_DEV_HMM_DMIRROR, NULL, report_dmirror },
	{ "vgpu", IGT_DEV_DRM_RENDER, VGPU_DRIVER_NAME, report_vgpu },
};

/**
 * SUBTEST: devices
 * Description: Lists every DRM render node, /dev/kfd and /dev/hmm_dmirror
 *              device that the device filter lets through, with driver,
 *              PCI id and sysfs path.
 * Functionality: device discovery
 *
 * SUBTEST: xe
 * Description: For each xe render node: device id, VRAM, VA bits, minimum
 *              alignment, the CPU_ADDR_MIRROR (SVM) flag and whether a
 *              fault-mode VM can be created; checks the query answers are
 *              consistent.
 * Functionality: capability query, xe
 *
 * SUBTEST: amdgpu
 * Description: For each amdgpu render node: PCI id, DRM driver version and
 *              which SVM ioctl of the drm_gpusvm RFC it answers (v1, v8,
 *              absent, disabled: lib/amdgpu's probe).
 * Functionality: capability query, amdgpu
 *
 * SUBTEST: kfd
 * Description: /dev/kfd: the KFD uAPI version, the SVM capability bit of
 *              each GPU node in the topology, and the XNACK mode.
 * Functionality: capability query, amdkfd
 *
 * SUBTEST: hmm-dmirror
 * Description: For each /dev/hmm_dmirrorN of the kernel's test_hmm module:
 *              which ioctl numbering applies and whether a SNAPSHOT works.
 * Functionality: capability query, hmm
 *
 * SUBTEST: vgpu
 * Description: For each render node of the suite's virtual SVM GPU
 *              (kmod/vgpu): its tiles, device memory per tile, page size
 *              and drm_gpusvm chunk sizes (DEVICE_QUERY), and every module
 *              parameter, the bug knobs included; checks the answers are
 *              plausible and agree with the tiles and vram_mb parameters.
 * Functionality: capability query, vgpu
 */
igt_main
{
	igt_subtest("devices") {
		static const enum igt_dev_kind all_kinds[] = {
			IGT_DEV_DRM_RENDER, IGT_DEV_KFD, IGT_DEV_HMM_DMIRROR,
		};
		struct igt_device_info d;
		int shown = 0;

		for (size_t k = 0; k < sizeof(all_kinds) / sizeof(all_kinds[0]); k++)
			for (int i = 0; !igt_device_find(all_kinds[k], NULL, i, &d); i++, shown++)
				print_device(&d);
		igt_require_f(shown > 0, "no DRM render node, /dev/kfd or /dev/hmm_dmirror* found%s%s\n",
			      igt_device_filter_get() ? " matching " : "",
			      igt_device_filter_get() ? igt_device_filter_get() : "");
	}

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		igt_subtest_with_dynamic(kinds[k].name) {
			struct igt_device_info devs[IGT_DEVICE_MAX];
			int n = find_all(kinds[k].kind, kinds[k].driver, devs, IGT_DEVICE_MAX);

			for (int i = 0; i < n; i++)
				igt_dynamic(dynamic_name(&devs[i]))
					kinds[k].report(&devs[i]);
		}
	}
}
