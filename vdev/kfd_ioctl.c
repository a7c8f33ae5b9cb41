/* SPDX-License-Identifier: MIT */
/*
 * /dev/kfd's ioctls and the render nodes of a kfd preset.
 *
 * kfd_ioctl() finds the handler by number alone: the size the command
 * encodes is what it copies in (zero-extended to its own struct's size)
 * and back out, so a caller may pass a longer struct (the SVM ioctl's
 * attributes) or a shorter one.  That is modelled exactly, because the SVM
 * ioctl's nattr check depends on it.  Facts from 6.12.117's kfd_chardev.c
 * (kfd_ioctl, kfd_ioctl_get_version, kfd_ioctl_get_process_apertures_new,
 * kfd_ioctl_acquire_vm, kfd_ioctl_set_xnack_mode, kfd_ioctl_svm,
 * kfd_ioctl_svm_validate) and kfd_flat_memory.c (kfd_init_apertures_v9).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"
#include "lib/util.h"
#include "uapi/amdgpu_svm_drm.h"

/* Owner-checked: a signal handler that interrupts us gets EDEADLK, not a hang. */
static pthread_mutex_t kfd_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

void vdev_kfd_lock(void)
{
	pthread_mutex_lock(&kfd_lock);
}

void vdev_kfd_unlock(void)
{
	pthread_mutex_unlock(&kfd_lock);
}

int vdev_kfd_cond_wait(pthread_cond_t *cond, const struct timespec *deadline)
{
	return pthread_cond_timedwait(cond, &kfd_lock, deadline);
}

/*
 * A fork while an SDMA engine holds kfd_lock would leave the child's copy
 * locked by a thread it does not have: fork waits for the lock, and the
 * child starts with a fresh one (an error-checking mutex cannot be
 * unlocked by the child's thread, whose id differs).  The engines and the
 * SMI pump are parked meanwhile (see vdev_kfd_queues_park).
 */
static void fork_prepare(void)
{
	pthread_mutex_lock(&kfd_lock);
	vdev_kfd_queues_park();
	vdev_kfd_smi_park();
}

static void fork_parent(void)
{
	/*
	 * fork write-protects the parent's private pages for copy-on-write,
	 * an invalidation the MMU notifier sees.  vdev does not know which
	 * VMAs are private: every amdgpu SVM range is invalidated (KFD's
	 * are not: README "Not modelled").
	 */
	vdev_amdgpu_svm_invalidate(0, ~0ull, false);
	vdev_kfd_smi_unpark();
	vdev_kfd_queues_unpark();
	pthread_mutex_unlock(&kfd_lock);
}

static void fork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

	kfd_lock = fresh;
}

__attribute__((constructor)) static void kfd_lock_atfork(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

_Static_assert(VDEV_KFD_MAX_GPUS == 4, "one -1 of bound_fd for each GPU below");
struct vdev_kfd_process vdev_kfd_proc = { .bound_fd = { -1, -1, -1, -1 } };
const char *vdev_kfd_failed_check;

#define MAX_FDS 64

static struct kfd_fd {
	int fd;			/* -1: free slot */
	int node;		/* VDEV_KFD_NODE_KFD or a GPU index */
	pid_t pid;		/* the process that opened it */
} fds[MAX_FDS];
static bool fds_ready;

static void init_fds(void)
{
	if (fds_ready)
		return;
	for (int i = 0; i < MAX_FDS; i++)
		fds[i].fd = -1;
	fds_ready = true;
}

static struct kfd_fd *fd_find(int fd)
{
	init_fds();
	for (int i = 0; fd >= 0 && i < MAX_FDS; i++)
		if (fds[i].fd == fd)
			return &fds[i];
	return NULL;
}

long vdev_kfd_reject(long err, const char *check)
{
	vdev_kfd_failed_check = check;
	return err;
}

#define REJECT_IF(cond, err, check) \
	do { if (cond) return vdev_kfd_reject(err, check); } while (0)

/*
 * A kernel-log line as amdgpu's would read ("amdgpu PCI: ..."), tagged with
 * the run like vdev/kmsg.c's, so ci/run-suite classifies it the same way.
 */
void vdev_kfd_kmsg(int level, const char *fmt, ...)
{
	const char *run = getenv("VDEV_RUN_ID");
	char line[512];
	va_list ap;
	int n, fd;

	n = snprintf(line, sizeof(line), "<%d>amdgpu 0000:03:00.0: [drm] vdev[%.32s]: ", level,
		     run && *run ? run : "-");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (syscall(SYS_write, fd, line, (size_t)n) < 0) {
		/* best effort, like printk */
	}
	vdev_real_close(fd);
}

/* ---- paths and descriptors ---- */

static bool is_node(const char *path, const char *name)
{
	const char *root = getenv("IGT_SVM_DEV_ROOT");
	size_t n;

	if (!strncmp(path, "/dev/", 5) && !strcmp(path + 5, name))
		return true;
	if (!root || !*root)
		return false;
	n = strlen(root);
	return !strncmp(path, root, n) && path[n] == '/' && !strcmp(path + n + 1, name);
}

bool vdev_kfd_path(const char *path, int *node)
{
	char name[32];

	if (!vdev_kfd || !path)
		return false;
	if (is_node(path, "kfd")) {
		*node = VDEV_KFD_NODE_KFD;
		return true;
	}
	for (unsigned int i = 0; i < vdev_kfd->num_gpus; i++) {
		snprintf(name, sizeof(name), "dri/renderD%u", vdev_kfd->gpus[i].render_minor);
		if (is_node(path, name)) {
			*node = (int)i;
			return true;
		}
	}
	return false;
}

/* A free slot of the table, NULL when it is full. */
static struct kfd_fd *free_slot(void)
{
	init_fds();
	for (int i = 0; i < MAX_FDS; i++)
		if (fds[i].fd < 0)
			return &fds[i];
	return NULL;
}

int vdev_kfd_attach(int fd, int node, int flags)
{
	struct kfd_fd *slot;

	(void)flags;
	if (pthread_mutex_lock(&kfd_lock))
		return -EBUSY;
	slot = free_slot();
	if (slot) {
		*slot = (struct kfd_fd){ .fd = fd, .node = node, .pid = getpid() };
		/* kfd_create_process: the first open makes the process. */
		if (node == VDEV_KFD_NODE_KFD && vdev_kfd_proc.pid != getpid()) {
			vdev_kfd_proc = (struct vdev_kfd_process){
				.pid = getpid(), .xnack_enabled = vdev_kfd->xnack_default,
				.bound_fd = { -1, -1, -1, -1 },
			};
		}
	}
	pthread_mutex_unlock(&kfd_lock);
	return slot ? 0 : -ENOMEM;
}

int vdev_kfd_render_minor(int fd)
{
	struct kfd_fd *k;
	int minor = -1;

	if (!vdev_kfd || fd < 0 || pthread_mutex_lock(&kfd_lock))
		return -1;
	k = fd_find(fd);
	if (k && k->node != VDEV_KFD_NODE_KFD)
		minor = (int)vdev_kfd->gpus[k->node].render_minor;
	pthread_mutex_unlock(&kfd_lock);
	return minor;
}

/*
 * dup/dup2/dup3/F_DUPFD of a vdev kfd descriptor: @newfd is the same open
 * file (libdrm_amdgpu keeps a dup of the render node it is given), so it
 * gets a slot with the same node and owner, and the state goes only with
 * the last of them (release_if_last).  0, or -ENOMEM when the table is
 * full (the caller closes @newfd).
 */
int vdev_kfd_dup(int oldfd, int newfd)
{
	struct kfd_fd *k, *slot = NULL;
	int ret = 0, held;

	if (!vdev_kfd || oldfd < 0 || newfd < 0 || oldfd == newfd)
		return 0;
	/* vdev's own dups (the SMI pump's, under kfd_lock) find the lock theirs already. */
	held = pthread_mutex_lock(&kfd_lock);
	if (held && held != EDEADLK)
		return -EBUSY;
	k = fd_find(oldfd);
	if (k) {
		slot = free_slot();
		if (slot) {
			*slot = *k;
			slot->fd = newfd;
		} else {
			ret = -ENOMEM;
		}
	}
	if (!held)
		pthread_mutex_unlock(&kfd_lock);
	return ret;
}

bool vdev_kfd_owns(int fd)
{
	bool ours;

	if (!vdev_kfd || fd < 0)
		return false;
	if (pthread_mutex_lock(&kfd_lock))
		return fd_find(fd) != NULL;	/* interrupted inside: the table is as it was */
	ours = fd_find(fd) != NULL;
	pthread_mutex_unlock(&kfd_lock);
	return ours;
}

/*
 * A closed render node stays bound only while a reference is held; the
 * kernel's pdd keeps one (fget in ACQUIRE_VM), so the binding survives the
 * close.  vdev cannot keep the number reserved, so a new open reusing it
 * counts as the bound file, a harmless difference.
 */
/*
 * kfd_release: the process's last /dev/kfd reference goes (vdev holds no
 * other: the kernel's process also lives on until the mm goes, which for a
 * test is the same moment): queues, events and BOs are released.
 */
static bool node_open_here(int node)
{
	for (int i = 0; i < MAX_FDS; i++)
		if (fds[i].fd >= 0 && fds[i].node == node && fds[i].pid == getpid())
			return true;
	return false;
}

static void release_if_last(const struct kfd_fd *closing)
{
	if (closing->pid != getpid() || node_open_here(closing->node))
		return;
	if (closing->node != VDEV_KFD_NODE_KFD) {
		/* vdev keeps one drm_gpusvm, GEM and VM per GPU and process, not per file. */
		vdev_amdgpu_svm_release((unsigned int)closing->node);
		vdev_amdgpu_render_release((unsigned int)closing->node);
		return;
	}
	vdev_kfd_queues_release();
	vdev_kfd_events_release();
	vdev_kfd_bos_release();
}

void vdev_kfd_close(int fd)
{
	struct kfd_fd *k, was;
	bool locked;

	if (!vdev_kfd || fd < 0)
		return;
	locked = !pthread_mutex_lock(&kfd_lock);
	k = fd_find(fd);
	if (k) {
		was = *k;
		k->fd = -1;
		/* Interrupted inside vdev: the state is mid-change, it stays. */
		if (locked)
			release_if_last(&was);
	}
	/* Interrupted inside vdev: the pump finds a closed SMI fd by itself. */
	if (locked) {
		vdev_kfd_smi_close(fd);
		pthread_mutex_unlock(&kfd_lock);
	}
}

void vdev_kfd_cpu_unmapped(uint64_t start, uint64_t end)
{
	if (!vdev_kfd || start >= end)
		return;
	if (pthread_mutex_lock(&kfd_lock))
		return;
	if (vdev_kfd_proc.pid == getpid())
		vdev_kfd_svm_unmap(start, end);
	vdev_amdgpu_svm_unmap(start, end);
	pthread_mutex_unlock(&kfd_lock);
}

void vdev_kfd_cpu_invalidated(uint64_t start, uint64_t end, bool dropped)
{
	if (!vdev_kfd || start >= end)
		return;
	if (pthread_mutex_lock(&kfd_lock))
		return;
	if (vdev_kfd_proc.pid == getpid())
		vdev_kfd_svm_invalidate(start, end, dropped);
	vdev_amdgpu_svm_invalidate(start, end, dropped);
	pthread_mutex_unlock(&kfd_lock);
}

/* ---- the ioctls ---- */

static long get_version(void *data)
{
	struct kfd_ioctl_get_version_args *a = data;

	a->major_version = KFD_IOCTL_MAJOR_VERSION;
	a->minor_version = VDEV_KFD_MINOR_VERSION;
	return 0;
}

/* kfd_init_apertures_v9 on a 48-bit GPUVM (gpuvm_size 1 << 47). */
static void apertures_of(const struct vdev_kfd_gpu *g, struct kfd_process_device_apertures *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->gpu_id = g->gpu_id;
	pa->lds_base = 1ull << 48;
	pa->lds_limit = pa->lds_base | 0xffffffffull;
	pa->scratch_base = 2ull << 48;
	pa->scratch_limit = pa->scratch_base | 0xffffffffull;
	pa->gpuvm_base = 1ull << 16;		/* AMDGPU_VA_RESERVED_BOTTOM */
	pa->gpuvm_limit = (1ull << 47) - 1;
}

static long get_process_apertures_new(void *data)
{
	struct kfd_ioctl_get_process_apertures_new_args *a = data;
	struct kfd_process_device_apertures pa[VDEV_KFD_MAX_GPUS];
	unsigned int n;

	/* Every GPU has a pdd from the process's creation (n_pdds). */
	if (!a->num_of_nodes) {
		a->num_of_nodes = vdev_kfd->num_gpus;
		return 0;
	}
	/* sys_props.num_devices: the topology's nodes, the CPU included. */
	REJECT_IF(a->num_of_nodes > vdev_kfd->num_gpus + 1, -EINVAL,
		  "kfd_ioctl_get_process_apertures_new");
	n = a->num_of_nodes < vdev_kfd->num_gpus ? a->num_of_nodes : vdev_kfd->num_gpus;
	for (unsigned int i = 0; i < n; i++)
		apertures_of(&vdev_kfd->gpus[i], &pa[i]);
	a->num_of_nodes = n;
	if (vdev_cpu_write(a->kfd_process_device_apertures_ptr, pa, n * sizeof(pa[0])))
		return vdev_kfd_reject(-EFAULT, "kfd_ioctl_get_process_apertures_new");
	return 0;
}

/*
 * kfd_ioctl_acquire_vm: fget (EINVAL), the pdd by gpu_id (EINVAL), an
 * already bound file (0 for the same, EBUSY for another), then
 * kfd_process_device_init_vm -> amdgpu_file_to_fpriv (EINVAL for a file
 * that is not an amdgpu render node).  vdev also refuses another GPU's
 * render node with EINVAL: its VM is not this GPU's.
 */
static long acquire_vm(void *data)
{
	struct kfd_ioctl_acquire_vm_args *a = data;
	struct kfd_fd *drm;
	int idx;

	REJECT_IF(fcntl((int)a->drm_fd, F_GETFD) < 0, -EINVAL, "kfd_ioctl_acquire_vm: fget");
	idx = vdev_kfd_gpuidx(a->gpu_id);
	REJECT_IF(idx < 0, -EINVAL, "kfd_ioctl_acquire_vm: kfd_process_device_data_by_id");
	if (vdev_kfd_proc.bound_fd[idx] >= 0)
		return vdev_kfd_proc.bound_fd[idx] == (int)a->drm_fd
			       ? 0 : vdev_kfd_reject(-EBUSY, "kfd_ioctl_acquire_vm: pdd->drm_file");
	drm = fd_find((int)a->drm_fd);
	REJECT_IF(!drm || drm->node == VDEV_KFD_NODE_KFD, -EINVAL, "amdgpu_file_to_fpriv");
	REJECT_IF(drm->node != idx, -EINVAL, "vdev: the render node of another GPU");
	vdev_kfd_proc.bound_fd[idx] = (int)a->drm_fd;
	return 0;
}

static bool xnack_switchable(void)
{
	/* kfd_process_xnack_mode(p, true): every GPU must allow it. */
	for (unsigned int i = 0; i < vdev_kfd->num_gpus; i++)
		if (!vdev_kfd->gpus[i].xnack_switchable)
			return false;
	return true;
}

static long set_xnack_mode(void *data)
{
	struct kfd_ioctl_set_xnack_mode_args *a = data;

	if (a->xnack_enabled < 0) {
		a->xnack_enabled = vdev_kfd_proc.xnack_enabled;
		return 0;
	}
	REJECT_IF(vdev_kfd_proc.num_queues, -EBUSY, "kfd_ioctl_set_xnack_mode: user queues");
	if ((a->xnack_enabled != 0) == vdev_kfd_proc.xnack_enabled)
		return 0;
	REJECT_IF(a->xnack_enabled && !xnack_switchable(), -EPERM, "kfd_process_xnack_mode");
	vdev_kfd_proc.xnack_enabled = a->xnack_enabled != 0;
	return 0;
}

/* The largest size a command encodes is 16383 bytes (_IOC_SIZEBITS), plus room. */
#define KDATA_SIZE ((1u << _IOC_SIZEBITS) + 64)

/*
 * kfd_ioctl_svm_validate ("drm/amdkfd: validate SVM ioctl nattr against
 * buffer size", in 6.12.117 and assumed in 7.3.4): the attributes nattr
 * announces must lie inside what the command's size copied.
 */
static long svm_validate(void *data, unsigned int usize)
{
	struct kfd_ioctl_svm_args *a = data;
	uint64_t expected = sizeof(*a) + (uint64_t)a->nattr * sizeof(a->attrs[0]);

	/*
	 * The old kernel read (and for GET wrote) attributes past the copy:
	 * zeroes here, a valid PREFERRED_LOC = SYSMEM each, so the call
	 * succeeds.  Past the end of vdev's buffer, where the kernel would
	 * have run into other objects, vdev stops.
	 */
	if (vdev_bugs & VDEV_BUG_KFD_NATTR_OOB) {
		if (expected > usize) {
			vdev_kfd_kmsg(3, "BUG: KASAN: slab-out-of-bounds in svm_range_check_attr: "
				      "read of size %llu past a %u-byte ioctl buffer (nattr %u)\n",
				      (unsigned long long)(expected - usize), usize, a->nattr);
			if (expected > KDATA_SIZE)
				a->nattr = (KDATA_SIZE - sizeof(*a)) / sizeof(a->attrs[0]);
		}
		return 0;
	}
	REJECT_IF(expected > usize, -EINVAL, "kfd_ioctl_svm_validate");
	return 0;
}

static long svm(void *data)
{
	struct kfd_ioctl_svm_args *a = data;

	REJECT_IF((a->start_addr | a->size) & (VDEV_KFD_PAGE_SIZE - 1), -EINVAL,
		  "kfd_ioctl_svm: alignment");
	REJECT_IF(!a->start_addr || !a->size, -EINVAL, "kfd_ioctl_svm: zero start or size");
	return vdev_kfd_svm(a->op, a->start_addr, a->size, a->nattr, a->attrs);
}

typedef long (*kfd_handler)(void *data);

static const struct kfd_ioctl_desc {
	unsigned long cmd;
	kfd_handler fn;
	long (*validate)(void *data, unsigned int usize);
	const char *name;
} kfd_ioctls[] = {
	{ AMDKFD_IOC_GET_VERSION, get_version, NULL, "GET_VERSION" },
	{ AMDKFD_IOC_CREATE_QUEUE, vdev_kfd_create_queue, NULL, "CREATE_QUEUE" },
	{ AMDKFD_IOC_DESTROY_QUEUE, vdev_kfd_destroy_queue, NULL, "DESTROY_QUEUE" },
	{ AMDKFD_IOC_CREATE_EVENT, vdev_kfd_create_event, NULL, "CREATE_EVENT" },
	{ AMDKFD_IOC_DESTROY_EVENT, vdev_kfd_destroy_event, NULL, "DESTROY_EVENT" },
	{ AMDKFD_IOC_SET_EVENT, vdev_kfd_set_event, NULL, "SET_EVENT" },
	{ AMDKFD_IOC_RESET_EVENT, vdev_kfd_reset_event, NULL, "RESET_EVENT" },
	{ AMDKFD_IOC_WAIT_EVENTS, vdev_kfd_wait_events, NULL, "WAIT_EVENTS" },
	{ AMDKFD_IOC_GET_PROCESS_APERTURES_NEW, get_process_apertures_new, NULL,
	  "GET_PROCESS_APERTURES_NEW" },
	{ AMDKFD_IOC_ACQUIRE_VM, acquire_vm, NULL, "ACQUIRE_VM" },
	{ AMDKFD_IOC_ALLOC_MEMORY_OF_GPU, vdev_kfd_alloc_memory, NULL, "ALLOC_MEMORY_OF_GPU" },
	{ AMDKFD_IOC_FREE_MEMORY_OF_GPU, vdev_kfd_free_memory, NULL, "FREE_MEMORY_OF_GPU" },
	{ AMDKFD_IOC_MAP_MEMORY_TO_GPU, vdev_kfd_map_memory, NULL, "MAP_MEMORY_TO_GPU" },
	{ AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU, vdev_kfd_unmap_memory, NULL, "UNMAP_MEMORY_FROM_GPU" },
	{ AMDKFD_IOC_SVM, svm, svm_validate, "SVM" },
	{ AMDKFD_IOC_SET_XNACK_MODE, set_xnack_mode, NULL, "SET_XNACK_MODE" },
	{ AMDKFD_IOC_SMI_EVENTS, vdev_kfd_smi_events, NULL, "SMI_EVENTS" },
};

/* AMDKFD_COMMAND_END in 6.12 (0x27); numbers beyond are ENOTTY there. */
#define KFD_COMMAND_START 0x01
#define KFD_COMMAND_END 0x27

static const struct kfd_ioctl_desc *desc_of(unsigned int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(kfd_ioctls); i++)
		if (_IOC_NR(kfd_ioctls[i].cmd) == nr)
			return &kfd_ioctls[i];
	return NULL;
}

/* The refusal in the one rejection log (check.c), named AMDKFD_<ioctl>. */
static void record_rejection(unsigned int nr, long err)
{
	const struct kfd_ioctl_desc *d = desc_of(nr);
	char name[64];

	snprintf(name, sizeof(name), "AMDKFD_%s", d ? d->name : "?");
	vdev_record_rejection_named(name, (int)err, vdev_kfd_failed_check);
}

/*
 * kfd_ioctl(): ENOTTY outside the command range, EBADF from another
 * process, copy in _IOC_SIZE(cmd) bytes (EFAULT), zero up to the
 * handler's own size, validate, run, copy the same size back.
 */
static long kfd_ioctl(const struct kfd_fd *k, unsigned long request, void *arg)
{
	unsigned int nr = _IOC_NR(request), usize = _IOC_SIZE(request);
	const struct kfd_ioctl_desc *d;
	static _Thread_local uint64_t kdata[KDATA_SIZE / 8];
	long ret;

	if (_IOC_TYPE(request) != AMDKFD_IOCTL_BASE || nr < KFD_COMMAND_START ||
	    nr >= KFD_COMMAND_END)
		return vdev_kfd_reject(-ENOTTY, "kfd_ioctl: command number");
	/* Only the process that opened /dev/kfd may use the descriptor. */
	REJECT_IF(k->pid != getpid(), -EBADF, "kfd_ioctl: wrong process");
	d = desc_of(nr);
	if (!d)
		return vdev_kfd_reject(-ENOTTY, "vdev: this amdkfd ioctl is not served");
	/*
	 * The handler sees max(its size, usize) bytes, zero past usize; the
	 * rest of the buffer is zero too, which is what the nattr-oob model
	 * makes an old kernel read past the end.
	 */
	memset(kdata, 0, sizeof(kdata));
	if ((_IOC_DIR(d->cmd) & _IOC_WRITE) && usize &&
	    vdev_cpu_read((uintptr_t)arg, kdata, usize))
		return vdev_kfd_reject(-EFAULT, "kfd_ioctl: copy_from_user");
	if (d->validate) {
		ret = d->validate(kdata, usize);
		if (ret)
			return ret;
	}
	ret = d->fn(kdata);
	if ((_IOC_DIR(d->cmd) & _IOC_READ) && usize &&
	    vdev_cpu_write((uintptr_t)arg, kdata, usize))
		ret = vdev_kfd_reject(-EFAULT, "kfd_ioctl: copy_to_user");
	return ret;
}

/* ---- the amdgpu render node ---- */

static int copy_out_string(uint64_t dst, size_t len, const char *src)
{
	size_t n = strlen(src) < len ? strlen(src) : len;

	return dst && n ? vdev_cpu_write(dst, src, n) : 0;
}

/* drm_version(): KMS_DRIVER_MAJOR/MINOR of amdgpu (6.12: 3.61.0; the preset may say 3.64). */
static long render_version(struct drm_version *v)
{
	static const char name[] = "amdgpu", date[] = "20150101", desc[] = "AMD GPU";

	v->version_major = 3;
	v->version_minor = vdev_kfd->drm_minor ? vdev_kfd->drm_minor : 61;
	v->version_patchlevel = 0;
	if (copy_out_string((uintptr_t)v->name, v->name_len, name) ||
	    copy_out_string((uintptr_t)v->date, v->date_len, date) ||
	    copy_out_string((uintptr_t)v->desc, v->desc_len, desc))
		return -EFAULT;
	v->name_len = strlen(name);
	v->date_len = strlen(date);
	v->desc_len = strlen(desc);
	return 0;
}

static long render_ioctl(unsigned int gpu, unsigned long request, void *arg)
{
	struct drm_version v;
	unsigned int nr = _IOC_NR(request);

	/* The driver numbers past 7.3's table: the RFC's GEM_SVM, PROC_OPTIONS. */
	if (_IOC_TYPE(request) == DRM_IOCTL_BASE && nr >= DRM_COMMAND_BASE + DRM_AMDGPU_PROC_OPTIONS &&
	    nr < DRM_COMMAND_END)
		return vdev_amdgpu_svm_ioctl(gpu, nr - DRM_COMMAND_BASE, request, arg);
	if (request != DRM_IOCTL_VERSION) {
		long ret = vdev_amdgpu_render_ioctl(gpu, request, arg);

		return ret == -ENOTTY ? vdev_kfd_reject(-ENOTTY, "vdev: this amdgpu ioctl is not served")
				      : ret;
	}
	if (vdev_cpu_read((uintptr_t)arg, &v, sizeof(v)))
		return -EFAULT;
	if (render_version(&v))
		return -EFAULT;
	return vdev_cpu_write((uintptr_t)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * kfd_mmap (doorbells, MMIO page, event page: kfd_bo.c) and the render
 * node's GEM mmap of a BO.  kfd_mmap finds the KFD process by the caller
 * (kfd_get_process): a fork child that has not opened /dev/kfd itself has
 * none, EINVAL.
 */
void *vdev_kfd_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct kfd_fd *k;
	void *p;
	int err = 0;

	if (pthread_mutex_lock(&kfd_lock)) {
		errno = EBUSY;
		return MAP_FAILED;
	}
	k = fd_find(fd);
	if (!k) {
		p = MAP_FAILED;
		err = EBADF;
	} else if (k->node == VDEV_KFD_NODE_KFD && vdev_kfd_proc.pid != getpid()) {
		p = MAP_FAILED;
		err = EINVAL;
	} else if (k->node == VDEV_KFD_NODE_KFD) {
		p = vdev_kfd_mmap_kfd(addr, len, prot, flags, (uint64_t)off);
		err = errno;
	} else {
		bool gem;

		p = vdev_amdgpu_gem_mmap((unsigned int)k->node, addr, len, prot, flags, (uint64_t)off,
					 &gem);
		if (!gem)
			p = vdev_kfd_bo_mmap_render((unsigned int)k->node, addr, len, prot, flags,
						    (uint64_t)off);
		err = errno;
	}
	pthread_mutex_unlock(&kfd_lock);
	errno = err;
	return p;
}

long vdev_kfd_ioctl(int fd, unsigned long request, void *arg)
{
	struct kfd_fd *k;
	long ret;

	if (pthread_mutex_lock(&kfd_lock))
		return -EBUSY;	/* a handler interrupted vdev: not EINTR, which drmIoctl retries */
	vdev_kfd_failed_check = NULL;
	k = fd_find(fd);
	if (!k)
		ret = -EBADF;
	else if (k->node == VDEV_KFD_NODE_KFD)
		ret = kfd_ioctl(k, request, arg);
	else
		ret = render_ioctl((unsigned int)k->node, request, arg);
	if (ret < 0 && k && k->node == VDEV_KFD_NODE_KFD)
		record_rejection(_IOC_NR(request), ret);
	pthread_mutex_unlock(&kfd_lock);
	return ret;
}
