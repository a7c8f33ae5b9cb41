/* SPDX-License-Identifier: MIT */
/* The CPU mapping's verdict on a device access (see svm_refusal.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svm_dev.h"
#include "svm_refusal.h"

int svm_cpu_refusal(uintptr_t start, size_t len, bool write)
{
	static __thread char buf[1 << 16];
	uintptr_t pos = start, end = start + len;
	bool unwritable = false, stop = false;
	size_t have = 0;
	ssize_t n;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -EIO;
	while (!stop && pos < end && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += n;
		buf[have] = '\0';
		while (!stop && pos < end && (nl = strchr(line, '\n'))) {
			unsigned long lo, hi;
			char perms[8];

			*nl = '\0';
			if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && hi > pos) {
				if (lo > pos || perms[0] != 'r')
					stop = true;	/* a hole, or no access at all */
				else {
					unwritable |= perms[1] != 'w';
					pos = hi;
				}
			}
			line = nl + 1;
		}
		have = buf + have - line;
		memmove(buf, line, have);
	}
	close(fd);
	if (pos < end)
		return SVM_ERR_NO_ACCESS;
	return write && unwritable ? SVM_ERR_READ_ONLY : 0;
}

static int wait_child(pid_t pid, int rfd, int timeout_ms, int *verdict)
{
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	int status, ret = -ETIME;

	if (poll(&pfd, 1, timeout_ms) == 1)
		ret = read(rfd, verdict, sizeof(*verdict)) == sizeof(*verdict) ? 0 : -EPIPE;
	if (ret)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ret;
}

int svm_access_refusal(enum svm_access_kind kind, void *dst, const void *src, size_t len)
{
	int cause = kind == SVM_ACCESS_WRITE ? 0 : svm_cpu_refusal((uintptr_t)src, len, false);

	if (!cause && kind != SVM_ACCESS_READ)
		cause = svm_cpu_refusal((uintptr_t)dst, len, true);
	return cause;
}

/* In the child: 1 its kernel refused the access, 0 it went through, else -errno. */
static int child_verdict(const struct svm_dev *dev, svm_access_fn run, enum svm_access_kind kind,
			 void *dst, const void *src, size_t len)
{
	struct svm_dev child = *dev;
	int ret;

	child.priv = NULL;
	child.fd = -1;
	ret = dev->backend->ops->open(&child, &dev->info);
	if (ret)
		return ret;
	ret = run(&child, kind, dst, src, len);
	if (ret == -EIO || ret == -EFAULT || ret == -EPERM)
		ret = 1;
	dev->backend->ops->close(&child);
	return ret;
}

int svm_access_in_child(const struct svm_dev *dev, svm_access_fn run, enum svm_access_kind kind,
			void *dst, const void *src, size_t len, int cause, int timeout_ms)
{
	int pipefd[2], answer = 0, ret;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (!pid) {
		answer = child_verdict(dev, run, kind, dst, src, len);
		if (write(pipefd[1], &answer, sizeof(answer)) != sizeof(answer))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	ret = wait_child(pid, pipefd[0], timeout_ms, &answer);
	close(pipefd[0]);
	if (ret)
		return ret;
	return answer == 1 ? cause : answer;
}
