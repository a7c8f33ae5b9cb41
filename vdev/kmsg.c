/* SPDX-License-Identifier: MIT */
/*
 * Kernel-style log lines.  They go to /dev/kmsg when it is writable, so the
 * suite's runner sees them exactly as it would see the xe driver's: level 4
 * and "WARNING:" for what a bug model re-creates, level 6 for ordinary
 * events such as a failed GPU fault.
 *
 * /dev/kmsg is one log for the whole machine, so each line names the run it
 * belongs to ("vdev[RUN]:", RUN from $VDEV_RUN_ID, which vdev/run always
 * sets): a runner then counts only its own run's warnings, never those of a
 * vdev run with a bug model going on beside it.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdev.h"

void vdev_kmsg(int level, const char *fmt, ...)
{
	const char *run = getenv("VDEV_RUN_ID");
	char line[512];
	va_list ap;
	int n, fd;

	if (run && *run)
		n = snprintf(line, sizeof(line), "<%d>xe 0000:03:00.0: [drm] vdev[%.32s]: ",
			     level, run);
	else
		n = snprintf(line, sizeof(line), "<%d>xe 0000:03:00.0: [drm] vdev: ", level);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, line, n) < 0) {
		/* Nothing to do: the log is best effort, like printk. */
	}
	vdev_real_close(fd);
}
