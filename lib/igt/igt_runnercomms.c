/* SPDX-License-Identifier: MIT */
/*
 * Sending packets to igt_runner (format in igt_runnercomms.h).
 *
 * All but igt_comms_logf() may run in a signal handler (a crash is reported
 * from one): packets are gathered with sendmsg() from the caller's buffers,
 * with no allocation.  errno is left as it was, for the "Last errno" of a
 * failure.  A runner that went away is not the test's problem, so send
 * errors are ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "igt_runnercomms.h"

/* Longest text in one LOG packet; longer text is sent in pieces. */
#define LOG_PIECE 4096

static int comms_fd = -1;

static bool usable_socket(int fd)
{
	struct stat st;
	int type;
	socklen_t len = sizeof(type);

	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode))
		return false;
	/* Each packet must arrive as one message. */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len))
		return false;
	return type == SOCK_DGRAM || type == SOCK_SEQPACKET;
}

void igt_comms_init(void)
{
	const char *value = getenv("IGT_RUNNER_SOCKET_FD");
	char *end;
	long fd;

	if (!value)
		return;
	if (!getenv("IGT_RUNNER_DISABLE_SOCKET_COMMUNICATION")) {
		errno = 0;
		fd = strtol(value, &end, 10);
		if (!errno && end != value && !*end && fd >= 0 && fd <= 65535 &&
		    usable_socket((int)fd)) {
			comms_fd = (int)fd;
			fcntl(comms_fd, F_SETFD, fcntl(comms_fd, F_GETFD) | FD_CLOEXEC);
		}
	}
	unsetenv("IGT_RUNNER_SOCKET_FD");
	errno = 0;
}

bool igt_comms_active(void)
{
	return comms_fd >= 0;
}

/*
 * Sends one packet whose payload is iov[1..n-2]; iov[0] gets the header and
 * iov[n-1] the trailing newline.
 *
 * The newline is not part of any field (readers stop at the NUL of the last
 * string and skip to the next packet by its size), but it is counted in the
 * size.  It is there for igt_runner's resume: reopening a test's output
 * files, the runner appends a '\n' to each one that does not end with one,
 * comms included, and a byte between two packets makes the whole file
 * unreadable.  Ending every packet with '\n' leaves it nothing to add.
 */
static void send_packet(enum igt_comms_type type, struct iovec *iov, int n)
{
	static char newline = '\n';
	struct igt_comms_header h;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	size_t size = sizeof(h);
	int saved_errno = errno;

	if (comms_fd < 0)
		return;
	iov[n - 1].iov_base = &newline;
	iov[n - 1].iov_len = 1;
	for (int i = 1; i < n; i++)
		size += iov[i].iov_len;
	h.size = (uint32_t)size;
	h.type = type;
	h.pid = (int32_t)getpid();
	h.tid = (int32_t)syscall(SYS_gettid);
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	while (sendmsg(comms_fd, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	errno = saved_errno;
}

#define STR_IOV(s) { .iov_base = (void *)(s), .iov_len = strlen(s) + 1 }

void igt_comms_log(int stream, const char *text, size_t len)
{
	uint8_t s = (uint8_t)stream;
	char nul = '\0';

	while (len) {
		size_t piece = len < LOG_PIECE ? len : LOG_PIECE;
		struct iovec iov[5] = {
			{ 0 },
			{ .iov_base = &s, .iov_len = 1 },
			{ .iov_base = (void *)text, .iov_len = piece },
			{ .iov_base = &nul, .iov_len = 1 },
			{ 0 },
		};

		send_packet(IGT_COMMS_LOG, iov, 5);
		text += piece;
		len -= piece;
	}
}

void igt_comms_log_str(int stream, const char *text)
{
	igt_comms_log(stream, text, strlen(text));
}

void igt_comms_logf(int stream, const char *fmt, ...)
{
	char buf[1024], *text = buf;
	int saved_errno = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		text = malloc((size_t)n + 1);
		if (!text)
			return;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	igt_comms_log(stream, text, (size_t)n);
	if (text != buf)
		free(text);
	errno = saved_errno;
}

void igt_comms_subtest_start(bool dynamic, const char *name)
{
	struct iovec iov[3] = { { 0 }, STR_IOV(name), { 0 } };

	send_packet(dynamic ? IGT_COMMS_DYNAMIC_START : IGT_COMMS_SUBTEST_START,
		    iov, 3);
}

void igt_comms_subtest_result(bool dynamic, const char *name,
			      const char *result, double seconds)
{
	char secs[32];

	snprintf(secs, sizeof(secs), "%.3f", seconds);
	/* The last string is the reason; the core gives none, like IGT. */
	struct iovec iov[6] = { { 0 }, STR_IOV(name), STR_IOV(result),
				STR_IOV(secs), STR_IOV(""), { 0 } };

	send_packet(dynamic ? IGT_COMMS_DYNAMIC_RESULT : IGT_COMMS_SUBTEST_RESULT,
		    iov, 6);
}

void igt_comms_version(const char *text)
{
	struct iovec iov[3] = { { 0 }, STR_IOV(text), { 0 } };

	send_packet(IGT_COMMS_VERSION, iov, 3);
}

void igt_outf(int stream, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (igt_comms_active()) {
		igt_comms_log_str(stream, buf);
		return;
	}
	fputs(buf, stream == IGT_COMMS_STDERR ? stderr : stdout);
}
