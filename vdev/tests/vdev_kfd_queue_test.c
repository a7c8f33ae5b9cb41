/* SPDX-License-Identifier: MIT */
/*
 * vdev's amdkfd BOs, SDMA queues and events, driven by the suite's own
 * lib/kfd (its first user): run it under vdev/run --preset kfd-*.  A
 * process is brought up, an SDMA queue writes, copies (more than one 2 MiB
 * chunk), fills, completes by polling and by FENCE+TRAP; the BO, queue and
 * event ioctls refuse with the kernel's errnos; a fault into an
 * unregistered range with XNACK off signals the MEMORY event and stops the
 * queues; close leaves no engine thread; a fork child gets EBADF on its
 * parent's descriptor and a process of its own when it opens one.  One
 * "ok"/"not ok" line per check (TAP); exit 1 if any failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "kfd/kfd_compute_queue.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_events.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_mem.h"
#include "kfd/kfd_sdma.h"
#include "kfd/kfd_sdma_queue.h"

#define PAGE 4096ul
#define TIMEOUT_MS 5000
#define ENOTSUPP 524


static bool check_ret(long got, long want, const char *name)
{
	return check(got == want, name, "returned %ld (%s), want %ld (%s)", got,
		     got < 0 ? strerror((int)-got) : "-", want, want < 0 ? strerror((int)-want) : "-");
}

static int tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * Whether the kernel log has a line of this run (vdev/run's VDEV_RUN_ID)
 * holding @what: 1 yes, 0 no, -1 the log cannot be read here.
 */
static int kmsg_has(const char *what)
{
	const char *run = getenv("VDEV_RUN_ID");
	char tag[64], rec[1024];
	int fd, found = 0;
	ssize_t n;

	if (!run || !*run)
		return -1;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(tag, sizeof(tag), "vdev[%s]", run);
	while (!found && ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE))) {
		if (n <= 0)
			continue;	/* a record overwritten under us */
		rec[n] = 0;
		found = strstr(rec, tag) && strstr(rec, what);
	}
	close(fd);
	return found;
}

static void check_kmsg(const char *what, const char *name)
{
	int has = kmsg_has(what);

	if (has < 0)
		printf("ok %u - %s # SKIP /dev/kmsg not readable\n", ++checks, name);
	else
		check(has, name, "no \"%s\" line of this run", what);
}

static uint64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_usec;
}

/* An APU's topology node has no memory bank of its own. */
static bool is_apu(const struct kfd_gpu *gpu)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/nodes/%d/mem_banks/0", kfd_topology_dir(),
		 gpu->node->index);
	return access(path, F_OK) != 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct kfd_device *open_device(const char *what)
{
	struct kfd_device *dev;
	int ret = __kfd_device_open_default(&dev);

	check_ret(ret, 0, what);
	return ret ? NULL : dev;
}

/* WRITE, COPY over 2 MiB (USERPTR source, GTT destination), FILL, FENCE+TRAP. */
static void test_sdma(struct kfd_device *dev, struct kfd_sdma_queue *q)
{
	const uint64_t copy_bytes = 5 * 1024 * 1024 / 2 + 3 * PAGE;	/* two chunks and a part */
	struct kfd_gpu *gpu = &dev->gpus[0];
	struct kfd_bo *dst, *src, *gtt;
	uint32_t data[64];
	bool same = true;
	int ret;

	gtt = kfd_bo_gtt(gpu, dev, 16 * PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	for (unsigned int i = 0; i < 64; i++)
		data[i] = 0xc0de0000 | i;
	ret = __kfd_sdma_write(q, gtt->va + 8, data, 64, TIMEOUT_MS);
	check_ret(ret, 0, "SDMA WRITE completes (polling rptr)");
	check(!memcmp((char *)gtt->cpu + 8, data, sizeof(data)), "WRITE's data in the GTT BO",
	      "first dword %#x", *(uint32_t *)((char *)gtt->cpu + 8));

	src = kfd_bo_userptr(gpu, dev, NULL, copy_bytes, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	dst = kfd_bo_gtt(gpu, dev, copy_bytes, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	for (uint64_t i = 0; i < copy_bytes / 4; i++)
		((uint32_t *)src->cpu)[i] = (uint32_t)(i * 2654435761u);
	ret = __kfd_sdma_copy(q, dst->va, src->va, copy_bytes, TIMEOUT_MS);
	check_ret(ret, 0, "SDMA COPY of 2.5 MiB + 3 pages (chunked) completes");
	for (uint64_t i = 0; i < copy_bytes / 4 && same; i++)
		same = ((uint32_t *)dst->cpu)[i] == (uint32_t)(i * 2654435761u);
	check(same, "COPY USERPTR -> GTT moved every byte", "mismatch");

	ret = __kfd_sdma_fill(q, src->va + 4, 0x5a5a1234, 2 * 1024 * 1024 + 8, TIMEOUT_MS);
	check_ret(ret, 0, "SDMA CONST_FILL of 2 MiB + 8 into the USERPTR BO completes");
	same = ((uint32_t *)src->cpu)[0] == 0;
	for (uint64_t i = 1; i <= (2 * 1024 * 1024 + 8) / 4 && same; i++)
		same = ((uint32_t *)src->cpu)[i] == 0x5a5a1234;
	same &= ((uint32_t *)src->cpu)[(2 * 1024 * 1024 + 8) / 4 + 1] ==
		(uint32_t)(((2 * 1024 * 1024 + 8) / 4 + 1) * 2654435761u);
	check(same, "FILL wrote exactly its dwords (CPU sees them through the USERPTR)", "mismatch");

	ret = __kfd_sdma_wait_event(q, TIMEOUT_MS);
	check_ret(ret, 0, "FENCE into the event slot + TRAP signals the event");
	ret = __kfd_sdma_wait_event(q, TIMEOUT_MS);
	check_ret(ret, 0, "a second FENCE+TRAP signals the auto-reset event again");
	check(kfd_ring_idle(&q->ring), "the ring is idle after the TRAP", "not idle");
	__kfd_bo_free(dst);
	__kfd_bo_free(src);
	__kfd_bo_free(gtt);
}

/* A one-page ring wraps many times; an unknown opcode hangs its queue only. */
static void test_ring(struct kfd_device *dev, struct kfd_sdma_queue *other)
{
	struct kfd_gpu *gpu = &dev->gpus[0];
	struct kfd_bo *bo = kfd_bo_gtt(gpu, dev, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	struct kfd_sdma_queue *q = kfd_sdma_queue_create(dev, gpu, PAGE);
	uint32_t data[16], bogus = 0x7f, word = 0xabcd;
	bool same = true;
	int ret = 0;

	for (unsigned int i = 0; i < 250 && !ret; i++) {
		for (unsigned int d = 0; d < 16; d++)
			data[d] = i << 8 | d;
		ret = __kfd_sdma_write(q, bo->va + (i % 16) * 64, data, 16, TIMEOUT_MS);
		same &= !memcmp((char *)bo->cpu + (i % 16) * 64, data, sizeof(data));
	}
	check(!ret && same, "250 WRITEs through a 4 KiB ring (wrapping 4 times)", "ret %d", ret);
	check(q->ring.wptr_bytes > 4 * PAGE && *q->ring.rptr == q->ring.wptr_bytes,
	      "the 64-bit byte rptr follows the wptr past the ring's size",
	      "rptr %#llx wptr %#llx", (unsigned long long)*q->ring.rptr,
	      (unsigned long long)q->ring.wptr_bytes);
	ret = __kfd_sdma_submit(q, &bogus, 1, TIMEOUT_MS);
	if (!ret)
		ret = __kfd_sdma_write(q, bo->va, &word, 1, 300);
	check_ret(ret, -ETIME, "after an unknown opcode the queue runs nothing more");
	check(*(uint32_t *)bo->cpu != word, "the WRITE behind it did not run", "it ran");
	check_kmsg("unknown packet 0x0000007f", "the hang is in the kernel log");
	ret = __kfd_sdma_write(other, bo->va, &word, 1, TIMEOUT_MS);
	check(!ret && *(uint32_t *)bo->cpu == word, "another queue still runs", "ret %d", ret);
	__kfd_sdma_queue_destroy(q);
	__kfd_bo_free(bo);
}

static void test_bo_refusals(struct kfd_device *dev)
{
	struct kfd_gpu *gpu = &dev->gpus[0];
	uint64_t off = 0, handle, h2;
	uint32_t n_success = 0, bad_id = 0x7777;
	struct kfd_bo *bo, *mmio;
	void *unmapped;
	int ret;

	bo = kfd_bo_gtt(gpu, dev, 4 * PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	check_ret(__kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, 0,
				     KFD_IOC_ALLOC_MEM_FLAGS_GTT, &off, &handle),
		  -EINVAL, "ALLOC of size 0: EINVAL");
	check_ret(__kfd_alloc_memory(dev->fd, bad_id, bo->va, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_GTT,
				     &off, &handle), -EINVAL, "ALLOC on an unknown gpu_id: EINVAL");
	check_ret(__kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, PAGE,
				     KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE, &off, &handle),
		  -EINVAL, "ALLOC with no domain flag: EINVAL");
	off = 0;
	check_ret(__kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, PAGE,
				     KFD_IOC_ALLOC_MEM_FLAGS_USERPTR, &off, &handle),
		  -EINVAL, "ALLOC USERPTR at CPU address 0: EINVAL");
	unmapped = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, 2 * PAGE);
	off = (uintptr_t)unmapped;
	check_ret(__kfd_alloc_memory(dev->fd, gpu->gpu_id, off, 2 * PAGE,
				     KFD_IOC_ALLOC_MEM_FLAGS_USERPTR, &off, &handle),
		  -EFAULT, "ALLOC USERPTR of unmapped pages: EFAULT");
	check_ret(__kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, PAGE,
				     KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL, &off, &handle),
		  -EINVAL, "ALLOC DOORBELL of one page (not the 8 KiB slice): EINVAL");
	check_ret(__kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, 2 * PAGE,
				     KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP, &off, &handle),
		  -EINVAL, "ALLOC MMIO_REMAP of two pages: EINVAL");
	ret = __kfd_mmio_remap(gpu, dev, &mmio);
	check_ret(ret, 0, "the MMIO-remap page allocates and maps with 4K pages");
	if (!ret)
		__kfd_bo_free(mmio);

	check_ret(__kfd_unmap_memory(dev->fd, bo->handle, &gpu->gpu_id, 1, NULL), 0,
		  "UNMAP of the mapped BO");
	check_ret(__kfd_unmap_memory(dev->fd, bo->handle, &gpu->gpu_id, 1, NULL), -EINVAL,
		  "UNMAP of a BO that VM does not map: EINVAL");
	check_ret(__kfd_map_memory(dev->fd, bo->handle, &gpu->gpu_id, 1, NULL), 0,
		  "MAP it again");
	check_ret(__kfd_free_memory(dev->fd, bo->handle + 1000), -EINVAL,
		  "FREE of an unknown handle: EINVAL");
	check_ret(__kfd_free_memory(dev->fd, bo->handle), -EBUSY,
		  "FREE of a BO still mapped to the GPU: EBUSY");
	check_ret(__kfd_map_memory(dev->fd, bo->handle, &gpu->gpu_id, 0, &n_success), -EINVAL,
		  "MAP with n_devices 0: EINVAL");
	check_ret(__kfd_map_memory(dev->fd, bo->handle + 1000, &gpu->gpu_id, 1, &n_success),
		  -ENOMEM, "MAP of an unknown handle: ENOMEM (no mem object)");
	check_ret(__kfd_map_memory(dev->fd, bo->handle, &bad_id, 1, &n_success), -EINVAL,
		  "MAP to an unknown peer gpu_id: EINVAL");
	check_ret(__kfd_map_memory(dev->fd, bo->handle, &gpu->gpu_id, 1, &n_success), 0,
		  "MAP again on a GPU it is mapped on: 0");
	check(n_success == 1, "n_success counts the GPU", "n_success %u", n_success);

	/* A second BO at the same VA: allocates, but its mapping overlaps. */
	ret = __kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_GTT,
				 &off, &h2);
	check_ret(ret, 0, "ALLOC of a GTT BO at a VA in use (not mapped yet)");
	if (!ret) {
		n_success = 0;
		check_ret(__kfd_map_memory(dev->fd, h2, &gpu->gpu_id, 1, &n_success), -EINVAL,
			  "MAP over another BO's mapping: EINVAL (amdgpu_vm_bo_map)");
		check(n_success == 0, "n_success stays 0 on a refused map", "n_success %u",
		      n_success);
		check_ret(__kfd_free_memory(dev->fd, h2), 0, "FREE of the unmapped BO");
	}
	if (dev->event_page)
		check_ret(__kfd_free_memory(dev->fd, dev->event_page->handle), -EPERM,
			  "FREE of the event page BO: EPERM");
	check_ret(__kfd_bo_free(bo), 0, "UNMAP then FREE of the GTT BO");
}

static int create_queue(struct kfd_device *dev, uint64_t ring, uint32_t ring_size,
			uint64_t rptr, uint64_t wptr, uint32_t type, uint32_t prio, uint32_t pct,
			uint32_t *id)
{
	struct kfd_ioctl_create_queue_args a = {
		.ring_base_address = ring, .ring_size = ring_size,
		.read_pointer_address = rptr, .write_pointer_address = wptr,
		.gpu_id = dev->gpus[0].gpu_id, .queue_type = type,
		.queue_percentage = pct, .queue_priority = prio,
	};
	int ret = __kfd_create_queue(dev->fd, &a);

	*id = a.queue_id;
	return ret;
}

/* A compute queue's EOP and CWSR checks (7.3.4's kfd_queue_acquire_buffers). */
static void test_compute_queue(struct kfd_device *dev, struct kfd_sdma_queue *sdma)
{
	struct kfd_gpu *gpu = &dev->gpus[0];
	const struct kfd_node *node = gpu->node;
	static const struct {
		struct kfd_compute_queue_sizes want;
		const char *what;
	} refused[] = {
		{ { .eop = 2048 }, "an EOP buffer under the node's 4K" },
		{ { .ctl_stack = 1 }, "a ctl_stack_size not the topology's" },
		{ { .ctx_save = 4096 }, "a ctx_save_restore_size under the topology's cwsr_size" },
	};
	struct kfd_compute_queue *q;
	int ret;

	check(node->ctl_stack_size && node->cwsr_size >= node->ctl_stack_size,
	      "the topology has a compute queue's CWSR sizes", "ctl_stack_size %u cwsr_size %u",
	      node->ctl_stack_size, node->cwsr_size);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ret = __kfd_compute_queue_create(dev, gpu, &refused[i].want, &q);
		check(ret == -EINVAL, refused[i].what, "CREATE_QUEUE: %s, not EINVAL",
		      strerror(-ret));
		if (!ret)
			__kfd_compute_queue_destroy(q);
	}
	ret = __kfd_compute_queue_create(dev, gpu, NULL, &q);
	check_ret(ret, 0, "CREATE_QUEUE COMPUTE_AQL with EOP and CWSR buffers (never executed)");
	if (ret)
		return;
	check_ret(__kfd_unmap_memory(dev->fd, q->ring_bo->handle, &gpu->gpu_id, 1, NULL), -EBUSY,
		  "UNMAP of a queue's ring: EBUSY");
	check_ret(__kfd_unmap_memory(dev->fd, q->cwsr_bo->handle, &gpu->gpu_id, 1, NULL), -EBUSY,
		  "UNMAP of a queue's CWSR area: EBUSY");
	check(q->queue_id != sdma->queue_id, "queue ids differ", "both %u", q->queue_id);
	check_ret(__kfd_compute_queue_destroy(q), 0, "DESTROY_QUEUE of the compute queue");
}

static void test_queue_refusals(struct kfd_device *dev, struct kfd_sdma_queue *q)
{
	struct kfd_gpu *gpu = &dev->gpus[0];
	struct kfd_bo *two = kfd_bo_gtt(gpu, dev, 2 * PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	struct kfd_bo *ring = kfd_bo_gtt(gpu, dev, 4 * PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	struct kfd_bo *ptrs = kfd_bo_gtt(gpu, dev, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	struct kfd_bo *ptrs2 = kfd_bo_gtt(gpu, dev, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	uint32_t sdma = KFD_IOC_QUEUE_TYPE_SDMA, id;
	char *anon = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	check_ret(create_queue(dev, ring->va, 4 * PAGE, ptrs->va, ptrs2->va, sdma, 16, 100, &id),
		  -EINVAL, "CREATE_QUEUE with priority 16: EINVAL");
	check_ret(create_queue(dev, ring->va, 4 * PAGE, ptrs->va, ptrs2->va, sdma, 7, 101, &id),
		  -EINVAL, "CREATE_QUEUE with percentage 101: EINVAL");
	check_ret(create_queue(dev, ring->va, 3 * PAGE, ptrs->va, ptrs2->va, sdma, 7, 100, &id),
		  -EINVAL, "CREATE_QUEUE with a ring size not a power of 2: EINVAL");
	check_ret(create_queue(dev, ring->va, 4 * PAGE, ptrs->va, ptrs2->va, 99, 7, 100, &id),
		  -ENOTSUPP, "CREATE_QUEUE of an unknown type: ENOTSUPP (524)");
	check_ret(create_queue(dev, (uintptr_t)anon, 4 * PAGE, ptrs->va, ptrs2->va, sdma, 7, 100,
			       &id), -EINVAL, "CREATE_QUEUE with a ring in no BO: EINVAL");
	check_ret(create_queue(dev, ring->va, 2 * PAGE, ptrs->va, ptrs2->va, sdma, 7, 100, &id),
		  -EINVAL, "CREATE_QUEUE with ring_size short of the ring's BO: EINVAL");
	check_ret(create_queue(dev, ring->va + PAGE, 2 * PAGE, ptrs->va, ptrs2->va, sdma, 7, 100,
			       &id), -EINVAL, "CREATE_QUEUE with a ring inside a BO: EINVAL");
	check_ret(create_queue(dev, ring->va, 4 * PAGE, ptrs->va, two->va, sdma, 7, 100, &id),
		  -EINVAL, "CREATE_QUEUE with the wptr in a two-page BO: EINVAL");
	check_ret(create_queue(dev, ring->va, 4 * PAGE, (uintptr_t)anon, ptrs2->va, sdma, 7, 100,
			       &id), -EINVAL, "CREATE_QUEUE with the rptr in no BO: EINVAL");
	check_ret(__kfd_destroy_queue(dev->fd, 999), -EINVAL, "DESTROY_QUEUE of no queue: EINVAL");
	check_ret(create_queue(dev, ring->va, 4 * PAGE, ptrs->va, ptrs2->va,
			       KFD_IOC_QUEUE_TYPE_COMPUTE, 7, 100, &id), -EINVAL,
		  "CREATE_QUEUE COMPUTE without a CWSR area: EINVAL");
	test_compute_queue(dev, q);
	check_ret(__kfd_xnack_set(dev->fd, false), -EBUSY, "SET_XNACK_MODE while a queue exists: EBUSY");
	munmap(anon, 4 * PAGE);
	__kfd_bo_free(ptrs2);
	__kfd_bo_free(ptrs);
	__kfd_bo_free(ring);
	__kfd_bo_free(two);
}

struct setter {
	struct kfd_event *ev;
	int ret;
};

static void *set_later(void *arg)
{
	struct setter *s = arg;

	usleep(100 * 1000);
	s->ret = __kfd_event_set(s->ev);
	return NULL;
}

/* A wait sleeps until another thread sets the event; the slots run out with ENOSPC. */
static void test_events_more(struct kfd_device *dev)
{
	struct kfd_event *ev = kfd_event_create(dev, KFD_IOC_EVENT_SIGNAL, true);
	struct setter s = { .ev = ev, .ret = -1 };
	unsigned int alive = 0, made = 0;
	uint32_t ids[KFD_SIGNAL_EVENT_LIMIT];
	pthread_t t;
	uint64_t t0;
	int ret;

	pthread_create(&t, NULL, set_later, &s);
	t0 = now_ms();
	ret = __kfd_event_wait(ev, TIMEOUT_MS, NULL);
	check(ret == 0 && now_ms() - t0 >= 90 && now_ms() - t0 < 2000,
	      "a blocked wait wakes when another thread sets the event",
	      "ret %d after %llu ms", ret, (unsigned long long)(now_ms() - t0));
	pthread_join(t, NULL);
	check_ret(__kfd_event_wait(ev, 0, NULL), -ETIME, "the auto-reset event was taken by the wait");
	for (struct kfd_event *e = dev->events; e; e = e->next)
		alive += e->type == KFD_IOC_EVENT_SIGNAL;
	for (;;) {
		struct kfd_ioctl_create_event_args a = { .event_type = KFD_IOC_EVENT_SIGNAL };

		ret = __kfd_create_event(dev->fd, &a);
		if (ret || made == KFD_SIGNAL_EVENT_LIMIT)
			break;
		ids[made++] = a.event_id;
	}
	check(ret == -ENOSPC && alive + made == KFD_SIGNAL_EVENT_LIMIT - 1,
	      "signal events run out after 4095 (slot 0 is reserved): ENOSPC",
	      "ret %d after %u + %u", ret, alive, made);
	for (unsigned int i = 0; i < made; i++)
		__kfd_destroy_event(dev->fd, ids[i]);
	__kfd_event_destroy(ev);
}

static void test_events(struct kfd_device *dev)
{
	struct kfd_event *sig = kfd_event_create(dev, KFD_IOC_EVENT_SIGNAL, false);
	struct kfd_event *mem = kfd_event_create(dev, KFD_IOC_EVENT_MEMORY, false);
	struct kfd_event_data data[2] = { { .event_id = sig->id }, { .event_id = mem->id } };
	uint32_t result = 99, id;
	uint64_t t0;
	int ret;

	check(sig->id >= 1 && sig->id < KFD_SIGNAL_EVENT_LIMIT && sig->slot_index == sig->id &&
	      sig->trigger_data == sig->id, "a SIGNAL event: id = slot = trigger data, below the limit",
	      "id %u slot %u trigger %u", sig->id, sig->slot_index, sig->trigger_data);
	check(mem->id >= 0x40000000u, "a MEMORY event's id is a non-signal id", "id %#x", mem->id);
	t0 = now_ms();
	ret = __kfd_event_wait(sig, 100, NULL);
	check(ret == -ETIME && now_ms() - t0 >= 90, "an unsignalled wait times out after 100 ms",
	      "ret %d after %llu ms", ret, (unsigned long long)(now_ms() - t0));
	check_ret(__kfd_event_set(sig), 0, "SET_EVENT");
	check_ret(__kfd_event_wait(sig, 0, NULL), 0, "a set event completes a zero-timeout wait");
	check_ret(__kfd_event_wait(sig, 0, NULL), 0, "a manual-reset event stays set");
	check_ret(__kfd_event_reset(sig), 0, "RESET_EVENT");
	check_ret(__kfd_event_wait(sig, 0, NULL), -ETIME, "a reset event times out at once");
	check_ret(__kfd_event_set(sig), 0, "SET_EVENT again");
	ret = __kfd_wait_events(dev->fd, data, 2, true, 0, &result);
	check(ret == 0 && result == KFD_IOC_WAIT_RESULT_TIMEOUT,
	      "wait for all of a set and an unset event: TIMEOUT", "ret %d result %u", ret, result);
	ret = __kfd_wait_events(dev->fd, data, 2, false, 0, &result);
	check(ret == 0 && result == KFD_IOC_WAIT_RESULT_COMPLETE,
	      "wait for any of them: COMPLETE", "ret %d result %u", ret, result);
	check_ret(__kfd_set_event(dev->fd, mem->id), -EINVAL, "SET_EVENT of a MEMORY event: EINVAL");
	check_ret(__kfd_set_event(dev->fd, 0), -EINVAL, "SET_EVENT of id 0 (reserved): EINVAL");
	id = sig->id;
	check_ret(__kfd_event_destroy(sig), 0, "DESTROY_EVENT");
	data[0].event_id = id;
	check_ret(__kfd_wait_events(dev->fd, data, 1, true, 0, &result), -EINVAL,
		  "wait on a destroyed event: EINVAL");
	check_ret(__kfd_destroy_event(dev->fd, id), -EINVAL, "DESTROY_EVENT twice: EINVAL");
	__kfd_event_destroy(mem);
}

/* /dev/kfd's mmap by the offset's type, and a VRAM BO as an SDMA operand. */
static void test_mmap_vram(struct kfd_device *dev, struct kfd_sdma_queue *q)
{
	const uint64_t events = 2ull << 62, mmio = 0;
	struct kfd_gpu *gpu = &dev->gpus[0];
	struct kfd_bo *gtt = kfd_bo_gtt(gpu, dev, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	uint64_t off = 0, handle, va;
	uint32_t data[4] = { 1, 2, 3, 4 }, n;
	void *p;
	int ret;

	p = mmap(NULL, KFD_SIGNAL_EVENT_LIMIT * 8, PROT_READ, MAP_SHARED, dev->fd, (off_t)events);
	check(p != MAP_FAILED && *(volatile uint64_t *)p != 0,
	      "/dev/kfd's event page maps at the EVENTS offset", "%s", strerror(errno));
	if (p != MAP_FAILED)
		munmap(p, KFD_SIGNAL_EVENT_LIMIT * 8);
	p = mmap(NULL, 2 * KFD_SIGNAL_EVENT_LIMIT * 8, PROT_READ, MAP_SHARED, dev->fd, (off_t)events);
	check(p == MAP_FAILED && errno == EINVAL, "an event page mmap larger than the page: EINVAL",
	      "%p %s", p, strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, dev->fd, (off_t)mmio);
	check(p == MAP_FAILED && errno == ENODEV, "an MMIO mmap without a gpu_id: ENODEV",
	      "%p %s", p, strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)(3ull << 62 | (uint64_t)gpu->gpu_id << 46));
	check(p == MAP_FAILED && errno == EINVAL, "a doorbell mmap of one page (not the slice): EINVAL",
	      "%p %s", p, strerror(errno));

	/* VRAM: no CPU mapping; the engine writes it and copies it out. */
	p = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	va = (uintptr_t)p;
	ret = __kfd_alloc_memory(dev->fd, gpu->gpu_id, va, 4 * PAGE,
				 KFD_IOC_ALLOC_MEM_FLAGS_VRAM | KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE,
				 &off, &handle);
	check_ret(ret, 0, "ALLOC of a VRAM BO (GTT on an APU)");
	if (!ret) {
		n = 0;
		check_ret(__kfd_map_memory(dev->fd, handle, &gpu->gpu_id, 1, &n), 0, "MAP the VRAM BO");
		ret = __kfd_sdma_write(q, va + PAGE, data, 4, TIMEOUT_MS);
		if (!ret)
			ret = __kfd_sdma_copy(q, gtt->va, va + PAGE, sizeof(data), TIMEOUT_MS);
		check(!ret && !memcmp(gtt->cpu, data, sizeof(data)),
		      "SDMA WRITE into VRAM, COPY VRAM -> GTT", "ret %d", ret);
		__kfd_unmap_memory(dev->fd, handle, &gpu->gpu_id, 1, NULL);
		check_ret(__kfd_free_memory(dev->fd, handle), 0, "FREE of the VRAM BO");
	}
	/* 1 TiB: more than any GPU here has (an APU's VRAM is GTT, no limit modelled). */
	if (!is_apu(gpu)) {
		ret = __kfd_alloc_memory(dev->fd, gpu->gpu_id, va, 1ull << 40,
					 KFD_IOC_ALLOC_MEM_FLAGS_VRAM, &off, &handle);
		check_ret(ret, -ENOMEM, "ALLOC of 1 TiB of VRAM: ENOMEM");
	}
	munmap(p, 4 * PAGE);
	__kfd_bo_free(gtt);
}

/* XNACK on: the retry fault maps an unregistered page; a PROT_NONE or read-only one faults. */
static void test_xnack_on(void)
{
	struct kfd_device *dev = open_device("a process for XNACK on comes up");
	struct kfd_hsa_memory_exception_data fault;
	struct kfd_sdma_queue *q;
	struct kfd_event *mem;
	uint32_t word = 0x600d;
	uint64_t va = 0;
	char *page;
	int ret;

	if (!dev)
		return;
	ret = __kfd_xnack_set(dev->fd, true);
	if (ret == -EPERM) {
		check(true, "XNACK on: EPERM on a GPU that cannot switch", "-");
		kfd_device_close(dev);
		return;
	}
	check_ret(ret, 0, "XNACK on");
	q = kfd_sdma_queue_create(dev, &dev->gpus[0], 0);
	mem = kfd_event_create(dev, KFD_IOC_EVENT_MEMORY, false);
	page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ret = __kfd_sdma_write(q, (uintptr_t)page + 8, &word, 1, TIMEOUT_MS);
	check(!ret && ((uint32_t *)page)[2] == word,
	      "XNACK on: a WRITE into an unregistered page is served", "ret %d", ret);
	mprotect(page + PAGE, PAGE, PROT_READ);
	ret = __kfd_sdma_write(q, (uintptr_t)page + PAGE, &word, 1, 300);
	check_ret(ret, -ETIME, "XNACK on: a WRITE into a read-only page does not complete");
	ret = __kfd_event_wait_memory_fault(mem, TIMEOUT_MS, &va, &fault);
	check(!ret && va == (uintptr_t)page + PAGE && fault.failure.ReadOnly &&
	      !fault.failure.NotPresent, "the MEMORY event says ReadOnly at that page",
	      "ret %d va %#llx RO %u NP %u", ret, (unsigned long long)va, fault.failure.ReadOnly,
	      fault.failure.NotPresent);
	munmap(page, 2 * PAGE);
	kfd_device_close(dev);
}

/* A WRITE into a page no BO and no SVM range maps, XNACK off. */
static void test_fault(void)
{
	struct kfd_device *dev = open_device("a second process comes up");
	struct kfd_sdma_queue *q, *q2;
	struct kfd_bo *bo;
	struct kfd_event *mem;
	struct kfd_hsa_memory_exception_data fault;
	uint32_t word = 0x1234;
	uint64_t va = 0;
	char *page;
	int ret;

	if (!dev)
		return;
	check_ret(__kfd_xnack_set(dev->fd, false), 0, "XNACK off before any queue");
	q = kfd_sdma_queue_create(dev, &dev->gpus[0], 0);
	q2 = kfd_sdma_queue_create(dev, &dev->gpus[0], 0);
	bo = kfd_bo_gtt(&dev->gpus[0], dev, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	mem = kfd_event_create(dev, KFD_IOC_EVENT_MEMORY, false);
	page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ret = __kfd_sdma_write(q, (uintptr_t)page + PAGE + 16, &word, 1, 300);
	check_ret(ret, -ETIME, "a WRITE into an unregistered page never completes");
	ret = __kfd_event_wait_memory_fault(mem, TIMEOUT_MS, &va, &fault);
	check_ret(ret, 0, "the MEMORY event is signalled");
	check(va == (uintptr_t)page + PAGE, "its VA is the faulting page", "va %#llx, page %p",
	      (unsigned long long)va, page + PAGE);
	check(fault.gpu_id == dev->gpus[0].gpu_id && fault.failure.NotPresent &&
	      !fault.failure.ReadOnly, "gpu_id and NotPresent as the fault was",
	      "gpu_id %#x NotPresent %u ReadOnly %u", fault.gpu_id, fault.failure.NotPresent,
	      fault.failure.ReadOnly);
	check(((uint32_t *)(page + PAGE))[4] == 0, "the page was not written", "written");
	check_kmsg("no-retry page fault (src_id", "the fault's page-fault line is in the kernel log");
	ret = __kfd_sdma_write(q2, bo->va, &word, 1, 300);
	check_ret(ret, -ETIME, "the process's other queue is evicted too");
	check(*(uint32_t *)bo->cpu == 0, "nothing ran on it", "written");
	munmap(page, 2 * PAGE);
	kfd_device_close(dev);
	check(tasks() == 1, "closing the evicted process joins its engines",
	      "%d threads", tasks());
}

/* A second GPU's queue reaches a BO of the first once it is mapped there too. */
static void test_peer(struct kfd_device *dev)
{
	struct kfd_bo *bo = kfd_bo_gtt(&dev->gpus[0], dev, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
	struct kfd_sdma_queue *q = kfd_sdma_queue_create(dev, &dev->gpus[1], 0);
	uint32_t word = 0xbeef;
	int ret;

	check_ret(__kfd_bo_map(bo, &dev->gpus[1].gpu_id, 1), 0, "MAP a GPU 0 BO on GPU 1 too");
	ret = __kfd_sdma_write(q, bo->va, &word, 1, TIMEOUT_MS);
	check(!ret && *(uint32_t *)bo->cpu == word, "GPU 1's SDMA writes the peer-mapped BO",
	      "ret %d", ret);
	ret = __kfd_sdma_wait_event(q, TIMEOUT_MS);
	check_ret(ret, 0, "GPU 1's FENCE+TRAP into the event page (mapped on every GPU)");
	__kfd_sdma_queue_destroy(q);
	__kfd_bo_free(bo);
}

/* A fork child: EBADF on the parent's fd, a process of its own on its own open. */
static void test_fork(struct kfd_device *dev)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		uint32_t major = 0, minor = 0;
		struct kfd_device *mine;
		int bad = __kfd_get_version(dev->fd, &major, &minor);
		int ok = __kfd_device_open_default(&mine);
		uint32_t v = 0xfeed;
		struct kfd_sdma_queue *q;
		struct kfd_bo *bo;
		int code = 0;

		if (bad != -EBADF)
			code |= 1;
		if (ok)
			_exit(code | 2);
		q = kfd_sdma_queue_create(mine, &mine->gpus[0], 0);
		bo = kfd_bo_gtt(&mine->gpus[0], mine, PAGE, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
		if (__kfd_sdma_write(q, bo->va, &v, 1, TIMEOUT_MS) || *(uint32_t *)bo->cpu != v)
			code |= 4;
		kfd_device_close(mine);
		_exit(code);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid, "fork", "%s", strerror(errno));
	check(WIFEXITED(status) && !(WEXITSTATUS(status) & 1),
	      "the child's ioctl on the parent's /dev/kfd: EBADF", "status %#x", status);
	check(WIFEXITED(status) && !(WEXITSTATUS(status) & 2),
	      "the child brings up a KFD process of its own", "status %#x", status);
	check(WIFEXITED(status) && !(WEXITSTATUS(status) & 4),
	      "the child's own SDMA queue runs", "status %#x", status);
}

/*
 * A VM fault evicts the queues of the KFD process for good, and XNACK is
 * the process's mode; the process is the mm's, whatever fds close.  So
 * each of those tests runs in a child, a fresh KFD process, as kfdtest's
 * ReadOnlyRangeTest does; its counts come back through a pipe.
 */
static void in_child(void (*test)(void), const char *name)
{
	unsigned int counts[2];
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd)) {
		check(false, name, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (!pid) {
		test();
		counts[0] = checks;
		counts[1] = failures;
		_exit(write(pipefd[1], counts, sizeof(counts)) == sizeof(counts) ? 0 : 1);
	}
	close(pipefd[1]);
	if (pid > 0 && read(pipefd[0], counts, sizeof(counts)) == sizeof(counts)) {
		checks = counts[0];
		failures = counts[1];
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		return;
	}
	close(pipefd[0]);
	status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	check(false, name, "the child reported nothing (%s %d)",
	      WIFSIGNALED(status) ? "signal" : "exit status",
	      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

int main(void)
{
	struct kfd_device *dev;
	struct kfd_sdma_queue *q;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open_device("lib/kfd brings a KFD process up");
	if (!dev)
		return 1;
	ret = __kfd_sdma_queue_create(dev, &dev->gpus[0], 0, &q);
	check_ret(ret, 0, "an SDMA queue is created (ring, rptr, wptr, doorbell)");
	if (ret)
		return 1;
	check(tasks() == 2, "one engine thread for the queue", "%d threads", tasks());
	{
		uint64_t before = cpu_us();

		usleep(300 * 1000);
		check(cpu_us() - before < 60 * 1000, "an idle engine does not spin",
		      "%llu us of CPU in 300 ms", (unsigned long long)(cpu_us() - before));
	}
	test_sdma(dev, q);
	test_ring(dev, q);
	test_mmap_vram(dev, q);
	test_bo_refusals(dev);
	test_queue_refusals(dev, q);
	test_events(dev);
	test_events_more(dev);
	if (dev->num_gpus > 1)
		test_peer(dev);
	test_fork(dev);
	kfd_device_close(dev);
	check(tasks() == 1, "close stops and joins every engine", "%d threads", tasks());
	in_child(test_fault, "a VM fault, in a KFD process of its own");
	in_child(test_xnack_on, "XNACK on, in a KFD process of its own");
	check(tasks() == 1, "no engine thread left at the end", "%d threads", tasks());
	printf("1..%u\n", checks);
	return failures ? 1 : 0;
}
