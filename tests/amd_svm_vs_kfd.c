/* SPDX-License-Identifier: MIT */
/**
 * TEST: amdgpu SVM vs KFD SVM: each scenario through /dev/kfd and through the render node, compared
 * Category: Core
 * Mega feature: SVM
 * Sub-category: amdgpu
 * Description: The RFC's own validation as subtests: its authors ran kfdtest on
 *   the port and compared.  Each subtest runs one scenario twice on the same
 *   GPU and the same 2 MiB-aligned address range, first through KFD's SVM
 *   ioctl (and a KFD SDMA queue), then, after the range was unmapped and
 *   mapped again at the same address, through the render node's SVM ioctl
 *   (and SDMA on the render node), both with lib/amdgpu's one attribute
 *   model (KFD's numbering is the RFC v1 one).  The GET answers of every
 *   attribute over each probed span, and what every GPU access found in
 *   memory, must be the same; a difference fails naming the span, the
 *   attribute and both answers.  Residency is not compared: neither uAPI
 *   reports where a page is.  Skips: no /dev/kfd, a kernel without the RFC
 *   or with it disabled, a KFD process whose XNACK mode is not the one the
 *   RFC's revision runs in (v1 off, v8 on).
 * Functionality: amdgpu, kfd, svm, attributes
 * Test requirement: /dev/kfd and an amdgpu kernel carrying the drm_gpusvm SVM RFC (v1 or v8)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "amdgpu/amdgpu_sdma.h"
#include "amdgpu/amdgpu_svm.h"
#include "igt_core.h"
#include "igt_defer.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_sdma_queue.h"
#include "util.h"

IGT_TEST_DESCRIPTION("The same SVM scenarios through KFD's ioctl and the amdgpu RFC's, compared.");

#define TIMEOUT_S 60
#define CHUNK (2ull << 20)
#define GPU_TIMEOUT_MS 5000

static struct kfd_device *kdev;
static struct amdgpu_svm render, kfd;
static uint64_t page;

static void close_kfd(int sig)
{
	(void)sig;
	if (kdev)
		kfd_device_close(kdev);
	kdev = NULL;
}

static void open_both(void)
{
	int ret = __kfd_device_open_default(&kdev), xnack = -1;

	igt_require_f(ret != -ENODEV && ret != -ENOENT, "no /dev/kfd with a GPU\n");
	igt_assert_f(ret == 0, "bringing up a KFD process: %s\n", strerror(-ret));
	page = (uint64_t)getpagesize();
	amdgpu_svm_of_gpu(&render, kdev, 0);
	amdgpu_svm_on_kfd(&kfd, kdev->fd, render.gpu_id);
	igt_assert_eq(__kfd_xnack_query(kdev->fd, &xnack), 0);
	igt_info("render node: SVM %s%s; KFD process XNACK %s\n",
		 amdgpu_svm_rev_name(render.probe.rev), render.probe.disabled ? " (disabled)" : "",
		 xnack ? "on" : "off");
	if (render.probe.rev == AMDGPU_SVM_ABSENT || render.probe.disabled)
		return;
	if (xnack != (render.probe.rev == AMDGPU_SVM_V8))
		snprintf(render.probe.reason, sizeof(render.probe.reason),
			 "the KFD process runs XNACK %s, RFC %s runs XNACK %s: the two would not "
			 "compare", xnack ? "on" : "off", amdgpu_svm_rev_name(render.probe.rev),
			 xnack ? "off" : "on");
}

static void require_both(void)
{
	igt_require_f(render.probe.rev != AMDGPU_SVM_ABSENT,
		      "kernel without the RFC, nothing to compare: %s\n", render.probe.reason);
	igt_require_f(!render.probe.disabled, "%s\n", render.probe.reason);
	igt_require_f(!strstr(render.probe.reason, "would not compare"), "%s\n",
		      render.probe.reason);
}

/* ---- scenarios: a table of steps over one 2 MiB chunk, in pages ---- */

enum op { END, SET, MUNMAP, REMAP, MPROTECT, DONTNEED, FILL, COPY };

struct step {
	enum op op;
	unsigned int first, pages;	/* pages == 0: to the chunk's end */
	struct amdgpu_svm_attr attrs[4];
	unsigned int n;
};

struct span {
	unsigned int first, pages;
};

struct scenario {
	const char *name;
	const char *what;
	struct step steps[8];
	struct span probes[4];		/* pages == 0 ends the list */
};

#define ACCESS(v) { .kind = ASVM_ACCESS, .value = ASVM_ACCESS_##v }
#define GRAN(v) { .kind = ASVM_GRANULARITY, .value = (v) }
#define FLAG(f, v) { .kind = ASVM_FLAG, .flag = ASVM_FLAG_##f, .value = (v) }
#define LOC_THIS_GPU 0xfffffffeu	/* placeholder, the GPU's id */
#define PREFERRED(v) { .kind = ASVM_PREFERRED_LOC, .value = (v) }

static const struct scenario scenarios[] = {
	{ .name = "attr-keep-defaults", .what = "GET over a page range nothing SET",
	  .steps = { { END } }, .probes = { { 0, 512 } } },
	{ .name = "attr-keep-set-each", .what = "one SET of access, a location, granularity and two flags",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE), PREFERRED(LOC_THIS_GPU), GRAN(4),
				    FLAG(GPU_EXEC, 1) }, 4 },
		     { SET, 0, 0, { FLAG(GPU_READ_MOSTLY, 1), FLAG(HOST_ACCESS, 0) }, 2 },
		     { END } },
	  .probes = { { 0, 512 }, { 100, 1 } } },
	{ .name = "attr-keep-overlap-split", .what = "two overlapping SETs",
	  .steps = { { SET, 0, 256, { GRAN(1), FLAG(GPU_EXEC, 1) }, 2 },
		     { SET, 128, 256, { GRAN(2), FLAG(GPU_RO, 1) }, 2 },
		     { END } },
	  .probes = { { 0, 128 }, { 128, 128 }, { 256, 128 }, { 0, 384 } } },
	{ .name = "attr-keep-partial-munmap", .what = "a SET chunk, then 16 pages of its middle munmapped",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE), GRAN(1), FLAG(GPU_EXEC, 1) }, 3 },
		     { MUNMAP, 256, 16 }, { END } },
	  .probes = { { 0, 256 }, { 272, 240 } } },
	{ .name = "attr-keep-chunk-cut", .what = "a GPU-mapped chunk, then a SET that cuts it",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE), GRAN(1) }, 2 },
		     { SET, 100, 200, { FLAG(GPU_READ_MOSTLY, 1) }, 1 }, { END } },
	  .probes = { { 0, 100 }, { 100, 200 }, { 300, 212 } } },
	{ .name = "attr-keep-remap", .what = "a SET chunk munmapped and mapped again at its address",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE), GRAN(1), FLAG(GPU_EXEC, 1) }, 3 },
		     { REMAP, 0, 0 }, { END } },
	  .probes = { { 0, 512 } } },
	{ .name = "partial-munmap-data", .what = "a GPU-filled chunk, 16 pages munmapped, the rest used",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE) }, 1 }, { FILL, 0, 0 }, { MUNMAP, 256, 16 },
		     { FILL, 0, 256 }, { FILL, 272, 0 }, { COPY, 300, 1 }, { END } } },
	{ .name = "invalidate-mprotect-data", .what = "a GPU-filled chunk, mprotect read-only and back",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE) }, 1 }, { FILL, 0, 0 }, { MPROTECT, 0, 0 },
		     { COPY, 1, 1 }, { FILL, 2, 100 }, { END } } },
	{ .name = "invalidate-dontneed-data", .what = "a GPU-filled chunk, MADV_DONTNEED of all of it",
	  .steps = { { SET, 0, 0, { ACCESS(MIGRATE) }, 1 }, { FILL, 0, 0 }, { DONTNEED, 0, 0 },
		     { COPY, 1, 1 }, { FILL, 2, 100 }, { END } } },
};

/* ---- one side's run ---- */

#define MAX_PROBES 4

struct side {
	const struct amdgpu_svm *svm;
	struct kfd_sdma_queue *q;	/* KFD's side */
	struct amdgpu_sdma *sdma;	/* the render node's */
	struct amdgpu_svm_attr got[MAX_PROBES][ASVM_MAX_ATTRS];
	unsigned int nattrs;
	char data[1024];		/* what each GPU access found, in order */
};

static void note(struct side *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct side *s, const char *fmt, ...)
{
	size_t used = strlen(s->data);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->data + used, sizeof(s->data) - used, fmt, ap);
	va_end(ap);
}

static unsigned int all_attrs(struct amdgpu_svm_attr *out)
{
	static const struct amdgpu_svm_attr all[] = {
		{ .kind = ASVM_PREFERRED_LOC }, { .kind = ASVM_PREFETCH_LOC },
		{ .kind = ASVM_ACCESS }, { .kind = ASVM_GRANULARITY },
		FLAG(HOST_ACCESS, 0), FLAG(COHERENT, 0), FLAG(HIVE_LOCAL, 0), FLAG(GPU_RO, 0),
		FLAG(GPU_EXEC, 0), FLAG(GPU_READ_MOSTLY, 0), FLAG(EXT_COHERENT, 0),
		FLAG(GPU_ALWAYS_MAPPED, 0),
	};
	unsigned int n = 0;

	/* What both numberings have: v8 has no GPU_ALWAYS_MAPPED. */
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		if (render.probe.rev != AMDGPU_SVM_V8 || all[i].kind != ASVM_FLAG ||
		    all[i].flag != ASVM_FLAG_GPU_ALWAYS_MAPPED)
			out[n++] = all[i];
	return n;
}

static uint64_t span_bytes(const struct step *st)
{
	return (uint64_t)(st->pages ? st->pages : (unsigned int)(CHUNK / page) - st->first) * page;
}

/* The GPU writes @value over the span, the CPU reads it back: a verdict noted. */
static void gpu_fill(struct side *s, uint64_t at, uint64_t len, uint32_t value)
{
	int ret = s->q ? __kfd_sdma_fill(s->q, at, value, len, GPU_TIMEOUT_MS)
		       : __amdgpu_sdma_fill(s->sdma, at, value, len);

	if (ret) {
		note(s, "fill: %s; ", strerror(-ret));
		return;
	}
	for (uint64_t i = 0; i < len / 4; i++)
		if (((uint32_t *)(uintptr_t)at)[i] != value) {
			note(s, "fill: dword %" PRIu64 " is %#x; ", i, ((uint32_t *)(uintptr_t)at)[i]);
			return;
		}
	note(s, "fill ok; ");
}

/* The CPU writes a pattern at @src, the GPU copies it to the page after. */
static void gpu_copy(struct side *s, uint64_t src, uint64_t len)
{
	uint32_t *a = (uint32_t *)(uintptr_t)src, *b = (uint32_t *)(uintptr_t)(src + len);
	int ret;

	for (uint64_t i = 0; i < len / 4; i++)
		a[i] = 0x3c3c0000u ^ (uint32_t)i;
	ret = s->q ? __kfd_sdma_copy(s->q, src + len, src, len, GPU_TIMEOUT_MS)
		   : __amdgpu_sdma_copy(s->sdma, src + len, src, len);
	if (ret) {
		note(s, "copy: %s; ", strerror(-ret));
		return;
	}
	for (uint64_t i = 0; i < len / 4; i++)
		if (b[i] != a[i]) {
			note(s, "copy: dword %" PRIu64 " is %#x; ", i, b[i]);
			return;
		}
	note(s, "copy ok; ");
}

static void run_step(struct side *s, uint64_t base, const struct step *st)
{
	uint64_t at = base + (uint64_t)st->first * page, len = span_bytes(st);
	struct amdgpu_svm_attr attrs[4];
	void *p = (void *)(uintptr_t)at;
	int ret;

	switch (st->op) {
	case SET:
		memcpy(attrs, st->attrs, sizeof(attrs));
		for (unsigned int i = 0; i < st->n; i++)
			if (attrs[i].kind == ASVM_PREFERRED_LOC && attrs[i].value == LOC_THIS_GPU)
				attrs[i].value = render.gpu_id;
		ret = __amdgpu_svm_set(s->svm, at, len, attrs, st->n);
		if (ret)
			note(s, "SET: %s; ", strerror(-ret));
		break;
	case MUNMAP:
		igt_assert_eq(munmap(p, len), 0);
		break;
	case REMAP:
		igt_assert_eq(munmap(p, len), 0);
		igt_assert_f(mmap(p, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == p,
			     "mapping %p again: %m\n", p);
		break;
	case MPROTECT:
		igt_assert_eq(mprotect(p, len, PROT_READ), 0);
		igt_assert_eq(mprotect(p, len, PROT_READ | PROT_WRITE), 0);
		break;
	case DONTNEED:
		igt_assert_eq(madvise(p, len, MADV_DONTNEED), 0);
		break;
	case FILL:
		gpu_fill(s, at, len, 0x5a000000u | st->first);
		break;
	case COPY:
		gpu_copy(s, at, len);
		break;
	case END:
		break;
	}
}

/* The chunk at @base is mapped; it is left unmapped, so that the other side starts anew. */
static void run_side(struct side *s, const struct scenario *sc, uint64_t base)
{
	for (const struct step *st = sc->steps; st->op != END; st++)
		run_step(s, base, st);
	for (int i = 0; i < MAX_PROBES && sc->probes[i].pages; i++) {
		uint64_t at = base + (uint64_t)sc->probes[i].first * page;
		int ret;

		s->nattrs = all_attrs(s->got[i]);
		ret = __amdgpu_svm_get(s->svm, at, (uint64_t)sc->probes[i].pages * page, s->got[i],
				       s->nattrs);
		if (ret)
			note(s, "GET %d: %s; ", i, strerror(-ret));
	}
	igt_assert_eq(munmap((void *)(uintptr_t)base, CHUNK), 0);
}

/* The 2 MiB-aligned chunk of a tracked 4 MiB mapping; mapped anew for each side. */
static uint64_t chunk_at(void)
{
	uint64_t region = (uintptr_t)igt_mmap_tracked(NULL, 2 * CHUNK, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return (region + CHUNK - 1) & ~(CHUNK - 1);
}

static void map_again(uint64_t base)
{
	void *p = (void *)(uintptr_t)base;

	igt_assert_f(mmap(p, CHUNK, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == p,
		     "mapping the chunk again at %p: %m\n", p);
}

static bool uses_gpu(const struct scenario *sc)
{
	for (const struct step *st = sc->steps; st->op != END; st++)
		if (st->op == FILL || st->op == COPY)
			return true;
	return false;
}

/**
 * SUBTEST: %s
 * Description: Run through KFD's SVM, then through the render node's, on the
 *   same GPU and address range: %arg[1]; every GET answer and GPU access
 *   result must agree
 *
 * arg[1]:
 * @attr-keep-defaults:       GET over a page range nothing SET
 * @attr-keep-set-each:       one SET of access, a location, granularity and two flags
 * @attr-keep-overlap-split:  two overlapping SETs
 * @attr-keep-partial-munmap: a SET chunk, then 16 pages of its middle munmapped
 * @attr-keep-chunk-cut:      a GPU-mapped chunk, then a SET that cuts it
 * @attr-keep-remap:          a SET chunk munmapped and mapped again at its address
 * @partial-munmap-data:      a GPU-filled chunk, 16 pages munmapped, the rest used
 * @invalidate-mprotect-data: a GPU-filled chunk, mprotect read-only and back
 * @invalidate-dontneed-data: a GPU-filled chunk, MADV_DONTNEED of all of it
 */
static void compare(const struct scenario *sc)
{
	struct side sides[2] = { { .svm = &kfd }, { .svm = &render } };
	struct side *k = &sides[0], *r = &sides[1];
	uint64_t base = chunk_at();
	int differ = 0;

	if (uses_gpu(sc)) {
		k->q = kfd_sdma_queue_create(kdev, &kdev->gpus[0], 0);
		r->sdma = amdgpu_sdma_open(render.fd, kdev->gpus[0].node->gfx_target_version);
	}
	run_side(k, sc, base);
	map_again(base);
	run_side(r, sc, base);
	for (int i = 0; i < MAX_PROBES && sc->probes[i].pages; i++)
		for (unsigned int a = 0; a < k->nattrs; a++) {
			if (k->got[i][a].value == r->got[i][a].value)
				continue;
			igt_warn("pages [%u, +%u): %s is %#x through KFD, %#x through the render node\n",
				 sc->probes[i].first, sc->probes[i].pages,
				 amdgpu_svm_attr_name(&k->got[i][a]), k->got[i][a].value,
				 r->got[i][a].value);
			differ++;
		}
	if (strcmp(k->data, r->data)) {
		igt_warn("GPU accesses through KFD: %s\n", k->data);
		igt_warn("GPU accesses through the render node: %s\n", r->data);
		differ++;
	} else if (*k->data) {
		igt_info("GPU accesses on both: %s\n", k->data);
	}
	igt_assert_f(!differ, "%s: %d difference(s) between KFD's SVM and RFC %s\n", sc->what,
		     differ, amdgpu_svm_rev_name(render.probe.rev));
}

igt_main
{
	igt_fixture {
		igt_install_exit_handler(close_kfd);
		open_both();
	}

	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		igt_subtest(scenarios[i].name) {
			igt_set_timeout(TIMEOUT_S, scenarios[i].name);
			require_both();
			compare(&scenarios[i]);
		}
}
