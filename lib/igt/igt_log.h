/* SPDX-License-Identifier: MIT */
/*
 * Logging.  INFO goes to stdout unprefixed, DEBUG to stdout with a prefix,
 * WARN and CRITICAL to stderr with a prefix; every message also lands in a
 * ring buffer that is dumped when a subtest fails.  Anything on stderr turns
 * a pass into "warn" in igt_runner, so igt_warn is for real warnings only.
 */
#pragma once

#include <stdarg.h>

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

void igt_log(const char *domain, enum igt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void igt_vlog(const char *domain, enum igt_log_level level, const char *fmt,
	      va_list args) __attribute__((format(printf, 3, 0)));

#define igt_debug(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, __VA_ARGS__)
