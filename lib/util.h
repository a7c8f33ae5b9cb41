/* SPDX-License-Identifier: MIT */
/*
 * What every part of the suite (lib/, tests/, vdev/) would otherwise define
 * for itself: array length, the sizes SVM code talks in, and an ioctl that
 * restarts when a signal or a transient condition interrupts it.
 */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* uint64_t, so that they fit a GPU VA and print with PRIx64 or %zu alike on LP64. */
#define SZ_4K	(UINT64_C(1) << 12)
#define SZ_64K	(UINT64_C(1) << 16)
#define SZ_1M	(UINT64_C(1) << 20)
#define SZ_2M	(UINT64_C(1) << 21)
#define SZ_1G	(UINT64_C(1) << 30)

/*
 * EINTR (a signal landed) and EAGAIN (the kernel met a racing invalidation
 * or a busy resource) mean "ask again", not an answer: a bounded number of
 * restarts, EAGAIN after a millisecond's pause so the race can settle.
 */
#define IOCTL_RESTARTS 1000

/* ioctl() restarted on EINTR/EAGAIN; 0 or -errno (-EAGAIN when it never settled). */
static inline int ioctl_restarting(int fd, unsigned long request, void *arg)
{
	static const struct timespec pause = { .tv_nsec = 1000 * 1000 };

	for (int i = 0; i < IOCTL_RESTARTS; i++) {
		if (ioctl(fd, request, arg) == 0)
			return 0;
		if (errno == EAGAIN)
			nanosleep(&pause, NULL);
		else if (errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}
