/* SPDX-License-Identifier: MIT */
/*
 * "[IGT] ..." markers in the kernel log, so that igt_runner can split dmesg
 * per subtest.  Silently nothing where /dev/kmsg is not writable.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "igt_internal.h"

static void vkmsg(int level, const char *fmt, va_list ap)
{
	char msg[512];
	int fd, n;

	n = snprintf(msg, sizeof(msg), "<%d>[IGT] ", level);
	n += vsnprintf(msg + n, sizeof(msg) - n - 1, fmt, ap);
	if (n > (int)sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	/* Without the newline the kernel keeps the record open for a continuation. */
	msg[n++] = '\n';
	msg[n] = '\0';
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, msg, n) < 0) {
		/* A full or restricted log is not the test's failure. */
	}
	close(fd);
}

void igt_kmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkmsg(6, fmt, ap);
	va_end(ap);
}

void igt_kmsg_level(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkmsg(level, fmt, ap);
	va_end(ap);
}

void igt_emit_ignore_dmesg_regex(const char *regex)
{
	igt_kmsg("add ignored dmesg regex: %s", regex);
}
