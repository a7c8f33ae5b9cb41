/* SPDX-License-Identifier: MIT */
/* igt_fork() children, and failures reported from helper threads. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt_internal.h"

#define MAX_CHILDREN 512

static pid_t children[MAX_CHILDREN];
static int num_children;
static pthread_t main_thread;
static atomic_bool thread_failed;

void igt_mark_main_thread(void)
{
	main_thread = pthread_self();
}

bool igt_is_main_thread(void)
{
	return pthread_equal(main_thread, pthread_self());
}

void igt_thread_fail(void)
{
	atomic_store(&thread_failed, true);
}

bool igt_thread_failed_take(void)
{
	return atomic_exchange(&thread_failed, false);
}

int igt_children_pending(void)
{
	return num_children;
}

bool __igt_fork(void)
{
	pid_t pid;

	if (igt_state.in_fork_child)
		igt_abort_on_f(true, "igt_fork() inside a forked child\n");
	igt_assert_f(num_children < MAX_CHILDREN, "too many igt_fork() children\n");
	/* Buffered output would otherwise be printed twice. */
	fflush(NULL);
	pid = fork();
	igt_assert_f(pid >= 0, "fork failed\n");
	if (pid > 0) {
		children[num_children++] = pid;
		return false;
	}
	igt_state.in_fork_child = true;
	igt_forget_exit_handlers();
	num_children = 0;
	return true;
}

/* The child's outcome as a failure exit code, 0 when it passed. */
static int child_failure(int index, int status)
{
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 0)
			return 0;
		igt_critical("child %i failed with exit status %i\n", index,
			     WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	igt_critical("child %i died with signal %i, %s\n", index,
		     WTERMSIG(status), strsignal(WTERMSIG(status)));
	return 128 + WTERMSIG(status);
}

/*
 * Reaps every child, polling so that a deadline can be honoured; those left
 * at the deadline are killed.  Returns the first failure code, or -1 when
 * something had to be killed.
 */
static int reap_children(const struct timespec *deadline)
{
	int first = 0, status;
	bool alive[MAX_CHILDREN];
	int left = num_children;

	for (int i = 0; i < num_children; i++)
		alive[i] = true;
	while (left) {
		for (int i = 0; i < num_children; i++) {
			if (!alive[i])
				continue;
			pid_t r = waitpid(children[i], &status, deadline ? WNOHANG : 0);
			if (r == 0 || (r < 0 && errno == EINTR))
				continue;
			alive[i] = false;
			left--;
			if (r > 0) {
				int f = child_failure(i, status);
				if (f && !first)
					first = f;
			}
		}
		if (!left || !deadline)
			continue;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline->tv_sec ||
		    (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec)) {
			for (int i = 0; i < num_children; i++)
				if (alive[i]) {
					kill(children[i], SIGKILL);
					waitpid(children[i], &status, 0);
				}
			first = -1;
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	num_children = 0;
	return first;
}

void igt_waitchildren(void)
{
	int first = reap_children(NULL);

	if (first)
		igt_fail(first == IGT_EXIT_SKIP ? IGT_EXIT_FAILURE : first);
}

void igt_waitchildren_timeout(int seconds, const char *reason)
{
	struct timespec deadline;
	int first;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
	first = reap_children(&deadline);
	if (first < 0) {
		igt_critical("Timed out: %s\n", reason);
		igt_fail(IGT_EXIT_FAILURE);
	}
	if (first)
		igt_fail(first == IGT_EXIT_SKIP ? IGT_EXIT_FAILURE : first);
}

void igt_kill_leftover_children(void)
{
	for (int i = 0; i < num_children; i++)
		kill(children[i], SIGKILL);
	for (int i = 0; i < num_children; i++)
		waitpid(children[i], NULL, 0);
	num_children = 0;
}
