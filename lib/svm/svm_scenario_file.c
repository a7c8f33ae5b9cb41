/* SPDX-License-Identifier: MIT */
/*
 * The file behind a file-backed scenario buffer, reached with pwrite() and
 * pread() rather than through the mapping: what the file holds is then
 * told apart from what the mapping shows (a private mapping's own copy, a
 * device write that should or should not have reached the file).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "svm_scenario.h"

void scn_file_fill(const struct svm_buf *buf, uint32_t seed)
{
	void *data = scn_bounce(0, buf->size);

	igt_assert_f(buf->fd >= 0, "%s memory has no file\n", buf->kind->name);
	svm_buf_fill(data, buf->size, seed);
	igt_assert_f(pwrite(buf->fd, data, buf->size, 0) == (ssize_t)buf->size,
		     "pwrite: %s\n", strerror(errno));
}

void scn_file_check(const struct svm_buf *buf, uint32_t seed, const char *what)
{
	void *data = scn_bounce(0, buf->size);

	igt_assert_f(buf->fd >= 0, "%s memory has no file\n", buf->kind->name);
	memset(data, 0, buf->size);
	igt_assert_f(pread(buf->fd, data, buf->size, 0) == (ssize_t)buf->size,
		     "pread: %s\n", strerror(errno));
	scn_check(data, buf->size, seed, what);
}
