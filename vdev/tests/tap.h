/* SPDX-License-Identifier: MIT */
/*
 * The TAP output of the vdev test programs: one "ok N - name" or
 * "not ok N - name: what was seen" line per check, the counts in checks
 * and failures for the program's "1..N" line and exit status.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int checks, failures;

/* One check: @ok, named @name, with what was seen (@fmt) when it failed. */
static bool __attribute__((format(printf, 3, 4))) check(bool ok, const char *name,
							const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok) {
		printf("ok %u - %s\n", checks, name);
		return true;
	}
	failures++;
	printf("not ok %u - %s: ", checks, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return false;
}
