/* SPDX-License-Identifier: MIT */
/*
 * amdkfd ioctl wrappers (see kfd_ioctl.h).  Argument layouts:
 * include/uapi/kfd_svm_ioctl.h; what the kernel checks: kfd_chardev.c.
 */
#include <errno.h>
#include <string.h>

#include "igt_core.h"
#include "kfd_ioctl.h"
#include "util.h"

/* The asserting twin of a __kfd_*() call: names the ioctl and the errno. */
#define kfd_check(call, what, ...) do { \
	int __ret = (call); \
	igt_assert_f(__ret == 0, what ": %s\n", ##__VA_ARGS__, strerror(-__ret)); \
} while (0)

int __kfd_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl_restarting(fd, request, arg);
}

int __kfd_get_version(int fd, uint32_t *major, uint32_t *minor)
{
	struct kfd_ioctl_get_version_args args = { 0 };
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_GET_VERSION, &args);

	if (!ret) {
		*major = args.major_version;
		*minor = args.minor_version;
	}
	return ret;
}

void kfd_get_version(int fd, uint32_t *major, uint32_t *minor)
{
	kfd_check(__kfd_get_version(fd, major, minor), "GET_VERSION");
}

int __kfd_get_process_apertures(int fd, struct kfd_process_device_apertures *apertures,
				uint32_t num, uint32_t *num_out)
{
	struct kfd_ioctl_get_process_apertures_new_args args = {
		.kfd_process_device_apertures_ptr = (uintptr_t)apertures,
		.num_of_nodes = apertures ? num : 0,
	};
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_GET_PROCESS_APERTURES_NEW, &args);

	if (!ret)
		*num_out = args.num_of_nodes;
	return ret;
}

int __kfd_acquire_vm(int fd, int drm_fd, uint32_t gpu_id)
{
	struct kfd_ioctl_acquire_vm_args args = { .drm_fd = drm_fd, .gpu_id = gpu_id };

	return __kfd_ioctl(fd, AMDKFD_IOC_ACQUIRE_VM, &args);
}

void kfd_acquire_vm(int fd, int drm_fd, uint32_t gpu_id)
{
	kfd_check(__kfd_acquire_vm(fd, drm_fd, gpu_id), "ACQUIRE_VM(drm fd %d, gpu %#x)",
		  drm_fd, gpu_id);
}

int __kfd_alloc_memory(int fd, uint32_t gpu_id, uint64_t va, uint64_t size, uint32_t flags,
		       uint64_t *mmap_offset, uint64_t *handle)
{
	struct kfd_ioctl_alloc_memory_of_gpu_args args = {
		.va_addr = va,
		.size = size,
		.gpu_id = gpu_id,
		.flags = flags,
		.mmap_offset = mmap_offset ? *mmap_offset : 0,
	};
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_ALLOC_MEMORY_OF_GPU, &args);

	if (ret)
		return ret;
	*handle = args.handle;
	if (mmap_offset)
		*mmap_offset = args.mmap_offset;
	return 0;
}

uint64_t kfd_alloc_memory(int fd, uint32_t gpu_id, uint64_t va, uint64_t size, uint32_t flags,
			  uint64_t *mmap_offset)
{
	uint64_t handle = 0;

	kfd_check(__kfd_alloc_memory(fd, gpu_id, va, size, flags, mmap_offset, &handle),
		  "ALLOC_MEMORY_OF_GPU(gpu %#x, va %#" PRIx64 ", size %#" PRIx64 ", flags %#x)",
		  gpu_id, va, size, flags);
	return handle;
}

int __kfd_free_memory(int fd, uint64_t handle)
{
	struct kfd_ioctl_free_memory_of_gpu_args args = { .handle = handle };

	return __kfd_ioctl(fd, AMDKFD_IOC_FREE_MEMORY_OF_GPU, &args);
}

void kfd_free_memory(int fd, uint64_t handle)
{
	kfd_check(__kfd_free_memory(fd, handle), "FREE_MEMORY_OF_GPU(%#" PRIx64 ")", handle);
}

/* MAP and UNMAP share the argument layout and the resume-from-n_success rule. */
static int map_or_unmap(int fd, unsigned long request, uint64_t handle, const uint32_t *gpu_ids,
			uint32_t n, uint32_t *n_success)
{
	struct kfd_ioctl_map_memory_to_gpu_args args = {
		.handle = handle,
		.device_ids_array_ptr = (uintptr_t)gpu_ids,
		.n_devices = n,
	};
	int ret;

	_Static_assert(sizeof(struct kfd_ioctl_map_memory_to_gpu_args) ==
		       sizeof(struct kfd_ioctl_unmap_memory_from_gpu_args), "same layout");
	ret = __kfd_ioctl(fd, request, &args);
	if (n_success)
		*n_success = args.n_success;
	return ret;
}

int __kfd_map_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
		     uint32_t *n_success)
{
	return map_or_unmap(fd, AMDKFD_IOC_MAP_MEMORY_TO_GPU, handle, gpu_ids, n, n_success);
}

void kfd_map_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n)
{
	kfd_check(__kfd_map_memory(fd, handle, gpu_ids, n, NULL),
		  "MAP_MEMORY_TO_GPU(%#" PRIx64 ", %u GPUs)", handle, n);
}

int __kfd_unmap_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
		       uint32_t *n_success)
{
	return map_or_unmap(fd, AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU, handle, gpu_ids, n, n_success);
}

void kfd_unmap_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n)
{
	kfd_check(__kfd_unmap_memory(fd, handle, gpu_ids, n, NULL),
		  "UNMAP_MEMORY_FROM_GPU(%#" PRIx64 ", %u GPUs)", handle, n);
}

int __kfd_create_queue(int fd, struct kfd_ioctl_create_queue_args *args)
{
	return __kfd_ioctl(fd, AMDKFD_IOC_CREATE_QUEUE, args);
}

void kfd_create_queue(int fd, struct kfd_ioctl_create_queue_args *args)
{
	kfd_check(__kfd_create_queue(fd, args), "CREATE_QUEUE(gpu %#x, type %u)",
		  args->gpu_id, args->queue_type);
}

int __kfd_destroy_queue(int fd, uint32_t queue_id)
{
	struct kfd_ioctl_destroy_queue_args args = { .queue_id = queue_id };

	return __kfd_ioctl(fd, AMDKFD_IOC_DESTROY_QUEUE, &args);
}

void kfd_destroy_queue(int fd, uint32_t queue_id)
{
	kfd_check(__kfd_destroy_queue(fd, queue_id), "DESTROY_QUEUE(%u)", queue_id);
}

int __kfd_create_event(int fd, struct kfd_ioctl_create_event_args *args)
{
	return __kfd_ioctl(fd, AMDKFD_IOC_CREATE_EVENT, args);
}

void kfd_create_event(int fd, struct kfd_ioctl_create_event_args *args)
{
	kfd_check(__kfd_create_event(fd, args), "CREATE_EVENT(type %u)", args->event_type);
}

int __kfd_destroy_event(int fd, uint32_t event_id)
{
	struct kfd_ioctl_destroy_event_args args = { .event_id = event_id };

	return __kfd_ioctl(fd, AMDKFD_IOC_DESTROY_EVENT, &args);
}

void kfd_destroy_event(int fd, uint32_t event_id)
{
	kfd_check(__kfd_destroy_event(fd, event_id), "DESTROY_EVENT(%u)", event_id);
}

int __kfd_set_event(int fd, uint32_t event_id)
{
	struct kfd_ioctl_set_event_args args = { .event_id = event_id };

	return __kfd_ioctl(fd, AMDKFD_IOC_SET_EVENT, &args);
}

int __kfd_reset_event(int fd, uint32_t event_id)
{
	struct kfd_ioctl_reset_event_args args = { .event_id = event_id };

	return __kfd_ioctl(fd, AMDKFD_IOC_RESET_EVENT, &args);
}

int __kfd_wait_events(int fd, struct kfd_event_data *events, uint32_t n, bool wait_all,
		      uint32_t timeout_ms, uint32_t *result)
{
	struct kfd_ioctl_wait_events_args args = {
		.events_ptr = (uintptr_t)events,
		.num_events = n,
		.wait_for_all = wait_all,
		.timeout = timeout_ms,
	};
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_WAIT_EVENTS, &args);

	if (!ret)
		*result = args.wait_result;
	return ret;
}

int __kfd_smi_events(int fd, uint32_t gpu_id, int *smi_fd)
{
	struct kfd_ioctl_smi_events_args args = { .gpuid = gpu_id };
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_SMI_EVENTS, &args);

	if (!ret)
		*smi_fd = (int)args.anon_fd;
	return ret;
}

unsigned long kfd_svm_request(uint32_t nattr)
{
	return IGT_AMDKFD_IOC_SVM_NATTR(nattr);
}

int __kfd_svm_raw(int fd, struct kfd_ioctl_svm_args *args, uint32_t encoded_nattr)
{
	/* _IOC_SIZE is 14 bits: a larger size would spill into the direction bits. */
	if (sizeof(*args) + (uint64_t)encoded_nattr * sizeof(args->attrs[0]) > _IOC_SIZEMASK)
		return -E2BIG;
	return __kfd_ioctl(fd, kfd_svm_request(encoded_nattr), args);
}

int __kfd_svm(int fd, struct kfd_ioctl_svm_args *args)
{
	return __kfd_svm_raw(fd, args, args->nattr);
}

void kfd_svm(int fd, struct kfd_ioctl_svm_args *args)
{
	kfd_check(__kfd_svm(fd, args), "SVM(op %u, %#" PRIx64 "+%#" PRIx64 ", %u attrs)",
		  args->op, (uint64_t)args->start_addr, (uint64_t)args->size, args->nattr);
}

/* Enough for every attribute type once plus a few ACCESS queries. */
#define KFD_SVM_MAX_ATTRS 64

int __kfd_svm_attrs(int fd, uint32_t op, uint64_t start, uint64_t size,
		    struct kfd_ioctl_svm_attribute *attrs, uint32_t nattr)
{
	struct {
		struct kfd_ioctl_svm_args args;
		struct kfd_ioctl_svm_attribute attrs[KFD_SVM_MAX_ATTRS];
	} buf = { .args = { .start_addr = start, .size = size, .op = op, .nattr = nattr } };
	int ret;

	/* attrs[] of the header must be where our array is. */
	_Static_assert(offsetof(typeof(buf), attrs) == sizeof(struct kfd_ioctl_svm_args),
		       "attributes follow the header");
	if (nattr > KFD_SVM_MAX_ATTRS)
		return -E2BIG;
	memcpy(buf.attrs, attrs, nattr * sizeof(*attrs));
	ret = __kfd_svm(fd, &buf.args);
	if (!ret && op == KFD_IOCTL_SVM_OP_GET_ATTR)
		memcpy(attrs, buf.attrs, nattr * sizeof(*attrs));
	return ret;
}

void kfd_svm_set(int fd, uint64_t start, uint64_t size,
		 const struct kfd_ioctl_svm_attribute *attrs, uint32_t nattr)
{
	kfd_check(__kfd_svm_attrs(fd, KFD_IOCTL_SVM_OP_SET_ATTR, start, size,
				  (struct kfd_ioctl_svm_attribute *)attrs, nattr),
		  "SVM SET_ATTR(%#" PRIx64 "+%#" PRIx64 ", %u attrs)", start, size, nattr);
}

void kfd_svm_get(int fd, uint64_t start, uint64_t size,
		 struct kfd_ioctl_svm_attribute *attrs, uint32_t nattr)
{
	kfd_check(__kfd_svm_attrs(fd, KFD_IOCTL_SVM_OP_GET_ATTR, start, size, attrs, nattr),
		  "SVM GET_ATTR(%#" PRIx64 "+%#" PRIx64 ", %u attrs)", start, size, nattr);
}

int __kfd_xnack_query(int fd, int *enabled)
{
	/* A negative value only asks; the current mode comes back in it. */
	struct kfd_ioctl_set_xnack_mode_args args = { .xnack_enabled = -1 };
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_SET_XNACK_MODE, &args);

	if (!ret)
		*enabled = args.xnack_enabled > 0;
	return ret;
}

int __kfd_xnack_set(int fd, bool enable)
{
	struct kfd_ioctl_set_xnack_mode_args args = { .xnack_enabled = enable };

	return __kfd_ioctl(fd, AMDKFD_IOC_SET_XNACK_MODE, &args);
}

void kfd_xnack_set(int fd, bool enable)
{
	kfd_check(__kfd_xnack_set(fd, enable), "SET_XNACK_MODE(%d)", enable);
}

int __kfd_available_memory(int fd, uint32_t gpu_id, uint64_t *bytes)
{
	struct kfd_ioctl_get_available_memory_args args = { .gpu_id = gpu_id };
	int ret = __kfd_ioctl(fd, AMDKFD_IOC_AVAILABLE_MEMORY, &args);

	if (!ret)
		*bytes = args.available;
	return ret;
}

uint64_t kfd_available_memory(int fd, uint32_t gpu_id)
{
	uint64_t bytes = 0;

	kfd_check(__kfd_available_memory(fd, gpu_id, &bytes), "AVAILABLE_MEMORY(gpu %#x)", gpu_id);
	return bytes;
}
