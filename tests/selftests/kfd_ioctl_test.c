// SPDX-License-Identifier: MIT
/*
 * lib/kfd's SVM ioctl convention: the request number encodes the real
 * argument size, 24 bytes of header plus 8 per attribute, in _IOC_SIZE.
 * The expected numbers are worked out by hand from IOWR('K', 0x20, size):
 * direction 3 << 30, size << 16, type 'K' (0x4b) << 8, number 0x20.
 */
#include <fcntl.h>
#include <unistd.h>

#include "igt_core.h"
#include "kfd/kfd_ioctl.h"

static void test_request_numbers(void)
{
	igt_assert_eq_u64(kfd_svm_request(0), 0xc0184b20);	/* 24 bytes */
	igt_assert_eq_u64(kfd_svm_request(1), 0xc0204b20);	/* 32 */
	igt_assert_eq_u64(kfd_svm_request(5), 0xc0404b20);	/* 64 */
	igt_assert_eq_u64(kfd_svm_request(2), IGT_AMDKFD_IOC_SVM_NATTR(2));
}

/* The raw form refuses what _IOC_SIZE cannot encode, before any ioctl. */
static void test_raw_limits(void)
{
	struct kfd_ioctl_svm_args args = { .nattr = 1 };
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	igt_assert(fd >= 0);
	igt_assert_eq(__kfd_svm_raw(fd, &args, 4000), -E2BIG);
	/* Encodable: the ioctl reaches /dev/null, which knows no ioctls. */
	igt_assert_eq(__kfd_svm_raw(fd, &args, 0), -ENOTTY);
	igt_assert_eq(__kfd_svm_attrs(fd, KFD_IOCTL_SVM_OP_GET_ATTR, 0x1000, 0x1000, NULL, 65),
		      -E2BIG);
	close(fd);
}

igt_main
{
	igt_subtest("svm-request-numbers")
		test_request_numbers();
	igt_subtest("svm-raw-limits")
		test_raw_limits();
}
