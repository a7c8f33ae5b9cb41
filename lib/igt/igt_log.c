/* SPDX-License-Identifier: MIT */
/*
 * Log routing, the debug domain filter, and the ring buffer of the recent
 * lines that were not printed (debug lines, mostly).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "igt_internal.h"
#include "igt_runnercomms.h"

#define RING_LINES 256
#define RING_LINE_LEN 512

static enum igt_log_level threshold = IGT_LOG_INFO;
static const char *debug_domain;	/* NULL: every domain */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char ring[RING_LINES][RING_LINE_LEN];
static unsigned int ring_next, ring_count;

static const char *const level_names[] = {
	[IGT_LOG_DEBUG] = "DEBUG",
	[IGT_LOG_INFO] = "INFO",
	[IGT_LOG_WARN] = "WARNING",
	[IGT_LOG_CRITICAL] = "CRITICAL",
	[IGT_LOG_NONE] = "NONE",
};

int igt_log_level_from_name(const char *name)
{
	static const char *const env_names[] = {
		[IGT_LOG_DEBUG] = "debug",
		[IGT_LOG_INFO] = "info",
		[IGT_LOG_WARN] = "warn",
		[IGT_LOG_CRITICAL] = "critical",
		[IGT_LOG_NONE] = "none",
	};

	for (int i = 0; i <= IGT_LOG_NONE; i++)
		if (!strcmp(name, env_names[i]))
			return i;
	return -1;
}

void igt_log_set_level(enum igt_log_level level)
{
	threshold = level;
}

void igt_log_set_debug_domain(const char *domain)
{
	debug_domain = domain;
}

void igt_log_init(void)
{
	const char *env = getenv("IGT_LOG_LEVEL");
	int level;

	if (!env)
		return;
	level = igt_log_level_from_name(env);
	if (level < 0)
		igt_usage_error("Unknown IGT_LOG_LEVEL '%s' (debug, info, warn, critical, none)", env);
	threshold = level;
}

static void ring_add(const char *line)
{
	snprintf(ring[ring_next], RING_LINE_LEN, "%s", line);
	ring_next = (ring_next + 1) % RING_LINES;
	if (ring_count < RING_LINES)
		ring_count++;
}

void igt_log_ring_clear(void)
{
	pthread_mutex_lock(&log_lock);
	ring_next = ring_count = 0;
	pthread_mutex_unlock(&log_lock);
}

/* Everything the failed block logged, for a runner that only keeps stderr. */
void igt_log_ring_dump(const char *what, const char *name)
{
	pthread_mutex_lock(&log_lock);
	if (!ring_count) {
		pthread_mutex_unlock(&log_lock);
		return;
	}
	if (igt_comms_active()) {
		igt_comms_logf(IGT_COMMS_STDERR, "%s %s failed.\n**** DEBUG ****\n",
			       what, name);
		for (unsigned int i = 0; i < ring_count; i++) {
			unsigned int idx = (ring_next + RING_LINES - ring_count + i) % RING_LINES;
			igt_comms_log_str(IGT_COMMS_STDERR, ring[idx]);
		}
		igt_comms_log_str(IGT_COMMS_STDERR, "****  END  ****\n");
		ring_count = 0;
		pthread_mutex_unlock(&log_lock);
		return;
	}
	fflush(stdout);
	fprintf(stderr, "%s %s failed.\n**** DEBUG ****\n", what, name);
	for (unsigned int i = 0; i < ring_count; i++) {
		unsigned int idx = (ring_next + RING_LINES - ring_count + i) % RING_LINES;
		fputs(ring[idx], stderr);
	}
	fprintf(stderr, "****  END  ****\n");
	fflush(stderr);
	ring_count = 0;
	pthread_mutex_unlock(&log_lock);
}

static bool should_print(const char *domain, enum igt_log_level level)
{
	if (level < threshold)
		return false;
	/* Listing output is parsed line by line by the runner. */
	if (igt_only_list_subtests() && level <= IGT_LOG_WARN)
		return false;
	if (level == IGT_LOG_DEBUG && debug_domain)
		return !strcmp(debug_domain, domain ? domain : "application");
	return true;
}

static void format_prefix(char *buf, size_t len, const char *domain,
			  enum igt_log_level level)
{
	char thread[32] = "";

	if (!igt_is_main_thread())
		snprintf(thread, sizeof(thread), "[thread:%ld] ", (long)syscall(SYS_gettid));
	snprintf(buf, len, "(%s:%d) %s%s%s%s: ", igt_state.test_name, getpid(),
		 thread, domain ? domain : "", domain ? "-" : "", level_names[level]);
}

void igt_vlog(const char *domain, enum igt_log_level level, const char *fmt,
	      va_list args)
{
	char prefix[128], msg[RING_LINE_LEN - 128], line[RING_LINE_LEN];

	if (level >= IGT_LOG_NONE)
		return;
	format_prefix(prefix, sizeof(prefix), domain, level);
	vsnprintf(msg, sizeof(msg), fmt, args);
	snprintf(line, sizeof(line), "%s%s", prefix, msg);

	pthread_mutex_lock(&log_lock);
	if (!should_print(domain, level)) {
		/* Kept for the dump if the block fails: context that was not shown. */
		ring_add(line);
	} else if (igt_comms_active()) {
		/* Same text, same stream, but as a packet the runner keeps. */
		if (level == IGT_LOG_INFO)
			igt_comms_log_str(IGT_COMMS_STDOUT, msg);
		else
			igt_comms_log_str(level == IGT_LOG_DEBUG ? IGT_COMMS_STDOUT :
					  IGT_COMMS_STDERR, line);
	} else {
		if (level == IGT_LOG_INFO) {
			fputs(msg, stdout);
		} else if (level == IGT_LOG_DEBUG) {
			fputs(line, stdout);
		} else {
			fflush(stdout);
			fputs(line, stderr);
			fflush(stderr);
		}
	}
	pthread_mutex_unlock(&log_lock);
}

void igt_log(const char *domain, enum igt_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	igt_vlog(domain, level, fmt, ap);
	va_end(ap);
}
