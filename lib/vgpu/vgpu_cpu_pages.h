/* SPDX-License-Identifier: MIT */
/*
 * The CPU's side of a page, from /proc/self/pagemap: present in system
 * memory, not populated, or a non-present entry -- on the suite's VMs (no
 * swap) a device-private page, or one being migrated.  The vgpu device
 * answers only for its own translations (QUERY_PAGES); this says where a
 * page is when the device has none, and lets tests check that pages left
 * device memory without touching them (a CPU access would fault them back).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum vgpu_cpu_page {
	VGPU_CPU_NONE,		/* nothing mapped: never touched, or dropped */
	VGPU_CPU_PRESENT,	/* a page in system memory */
	VGPU_CPU_ENTRY,		/* a non-present entry: device-private (or swap, migration) */
};

/* One enum vgpu_cpu_page per page of @npages from page-aligned @addr; 0 or -errno. */
int vgpu_cpu_pages(const void *addr, size_t npages, uint8_t *out);

/* How many of the @npages from @addr are @state; asserts the read worked. */
size_t vgpu_cpu_count(const void *addr, size_t npages, enum vgpu_cpu_page state);

const char *vgpu_cpu_page_name(enum vgpu_cpu_page state);
