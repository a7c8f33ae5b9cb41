/* SPDX-License-Identifier: MIT */
/* kfdtest-like SVM range helpers (see kfd_svm_range.h). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "kfd_ioctl.h"
#include "kfd_svm_range.h"
#include "util.h"

int __kfd_svm_register(int fd, void *addr, uint64_t size, uint32_t loc, uint32_t flags,
		       uint32_t gpu_id)
{
	struct kfd_ioctl_svm_attribute attrs[] = {
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, loc },
		{ KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, loc },
		{ KFD_IOCTL_SVM_ATTR_SET_FLAGS, flags },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpu_id },
	};

	return __kfd_svm_attrs(fd, KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)addr, size, attrs,
			       ARRAY_SIZE(attrs));
}

void kfd_svm_register(int fd, void *addr, uint64_t size, uint32_t loc, uint32_t flags,
		      uint32_t gpu_id)
{
	int ret = __kfd_svm_register(fd, addr, size, loc, flags, gpu_id);

	igt_assert_f(ret == 0, "registering SVM range %p+%#" PRIx64 " (loc %#x, flags %#x, gpu %#x): %s\n",
		     addr, size, loc, flags, gpu_id, strerror(-ret));
}

int __kfd_svm_set1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value)
{
	struct kfd_ioctl_svm_attribute attr = { type, value };

	return __kfd_svm_attrs(fd, KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)addr, size, &attr, 1);
}

void kfd_svm_set1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value)
{
	int ret = __kfd_svm_set1(fd, addr, size, type, value);

	igt_assert_f(ret == 0, "SVM SET %s=%#x over %p+%#" PRIx64 ": %s\n", kfd_svm_attr_name(type),
		     value, addr, size, strerror(-ret));
}

void kfd_svm_prefetch(int fd, void *addr, uint64_t size, uint32_t loc)
{
	kfd_svm_set1(fd, addr, size, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, loc);
}

void kfd_svm_map_to(int fd, void *addr, uint64_t size, uint32_t gpu_id)
{
	kfd_svm_set1(fd, addr, size, KFD_IOCTL_SVM_ATTR_ACCESS, gpu_id);
}

void kfd_svm_map_in_place(int fd, void *addr, uint64_t size, uint32_t gpu_id)
{
	kfd_svm_set1(fd, addr, size, KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE, gpu_id);
}

void kfd_svm_set_granularity(int fd, void *addr, uint64_t size, uint32_t granularity)
{
	kfd_svm_set1(fd, addr, size, KFD_IOCTL_SVM_ATTR_GRANULARITY, granularity);
}

int __kfd_svm_get1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value_in,
		   uint32_t *value_out)
{
	struct kfd_ioctl_svm_attribute attr = { type, value_in };
	int ret = __kfd_svm_attrs(fd, KFD_IOCTL_SVM_OP_GET_ATTR, (uintptr_t)addr, size, &attr, 1);

	if (!ret)
		*value_out = type == KFD_IOCTL_SVM_ATTR_ACCESS ? attr.type : attr.value;
	return ret;
}

uint32_t kfd_svm_get1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value_in)
{
	uint32_t value = 0;
	int ret = __kfd_svm_get1(fd, addr, size, type, value_in, &value);

	igt_assert_f(ret == 0, "SVM GET %s over %p+%#" PRIx64 ": %s\n", kfd_svm_attr_name(type),
		     addr, size, strerror(-ret));
	return value;
}

uint32_t kfd_svm_get_access(int fd, void *addr, uint64_t size, uint32_t gpu_id)
{
	return kfd_svm_get1(fd, addr, size, KFD_IOCTL_SVM_ATTR_ACCESS, gpu_id);
}

const char *kfd_svm_attr_name(uint32_t type)
{
	static const char *const names[] = {
		[KFD_IOCTL_SVM_ATTR_PREFERRED_LOC] = "PREFERRED_LOC",
		[KFD_IOCTL_SVM_ATTR_PREFETCH_LOC] = "PREFETCH_LOC",
		[KFD_IOCTL_SVM_ATTR_ACCESS] = "ACCESS",
		[KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE] = "ACCESS_IN_PLACE",
		[KFD_IOCTL_SVM_ATTR_NO_ACCESS] = "NO_ACCESS",
		[KFD_IOCTL_SVM_ATTR_SET_FLAGS] = "SET_FLAGS",
		[KFD_IOCTL_SVM_ATTR_CLR_FLAGS] = "CLR_FLAGS",
		[KFD_IOCTL_SVM_ATTR_GRANULARITY] = "GRANULARITY",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "?";
}

/* HSA_MEM_HEAP_TYPE_FB_PUBLIC and _FB_PRIVATE of the topology's mem_banks. */
#define HEAP_TYPE_FB_PUBLIC	1
#define HEAP_TYPE_FB_PRIVATE	2

/* One bank's "heap_type" and "size_in_bytes"; 0 if unreadable. */
static uint64_t bank_vram(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long long value, size = 0;
	unsigned int heap = 0;
	char name[64];

	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu", name, &value) == 2) {
		if (!strcmp(name, "heap_type"))
			heap = (unsigned int)value;
		else if (!strcmp(name, "size_in_bytes"))
			size = value;
	}
	fclose(f);
	return heap == HEAP_TYPE_FB_PUBLIC || heap == HEAP_TYPE_FB_PRIVATE ? size : 0;
}

uint64_t kfd_node_vram_size(const struct kfd_node *node)
{
	char dir[700], path[1000];
	uint64_t total = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/nodes/%d/mem_banks", kfd_topology_dir(), node->index);
	d = opendir(dir);
	if (!d)
		return node->local_mem_size;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/properties", dir, de->d_name);
		total += bank_vram(path);
	}
	closedir(d);
	return total ? total : node->local_mem_size;
}
