/* SPDX-License-Identifier: MIT */
/* Side-effect-free capability probes for test_hmm devices (amdkfd's: lib/kfd/kfd_probe.h, xe's: lib/xe/xe_query.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "svm_caps.h"
#include "util.h"
#include "uapi/hmm_dmirror.h"

/* amdkfd: __svm_probe_kfd() lives in lib/kfd/kfd_probe.c. */

/* ---- test_hmm ------------------------------------------------------------ */

int svm_kernel_version(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u))
		return -errno;
	if (sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -EINVAL;
	return major * 1000 + minor;
}

int __svm_probe_dmirror(int fd, struct svm_dmirror_caps *caps)
{
	long page = sysconf(_SC_PAGESIZE);
	int version = svm_kernel_version();
	unsigned char state;
	struct hmm_dmirror_cmd cmd = { 0 };
	void *buf;

	memset(caps, 0, sizeof(*caps));
	if (version < 0)
		return version;
	caps->numbering_6_0 = version >= 6000;
	if (!caps->numbering_6_0) {
		caps->snapshot = -ENOTSUP;
		return 0;
	}
	buf = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -errno;
	cmd.addr = (uintptr_t)buf;
	cmd.ptr = (uintptr_t)&state;
	cmd.npages = 1;
	caps->snapshot = ioctl_restarting(fd, HMM_DMIRROR_SNAPSHOT, &cmd);
	munmap(buf, page);
	return 0;
}
