/* SPDX-License-Identifier: MIT */
/*
 * Runs one self-test program with a deadline and captures what it printed,
 * normalised so that exact expectations survive changing pids, times,
 * paths and addresses.  Deliberately independent of the core under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "st_run.h"

static void append(struct st_buf *b, const char *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void st_buf_free(struct st_buf *b)
{
	free(b->data);
	*b = (struct st_buf){ 0 };
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void exec_child(const char *path, const char *const *args,
		       const char *const *env, int out, int err)
{
	const char *argv[16] = { path };
	int n = 1;

	for (; args && args[n - 1] && n < 15; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	/* The harness's own environment must not leak into expectations. */
	unsetenv("IGT_SENTINEL_ON_STDERR");
	unsetenv("IGT_LOG_LEVEL");
	unsetenv("IGT_DEVICE");
	unsetenv("IGT_RUNNER_SOCKET_FD");
	setenv("IGT_PLAIN_OUTPUT", "1", 1);
	for (; env && *env; env++)
		putenv((char *)*env);
	execv(path, (char *const *)argv);
	_exit(127);
}

/* Reads both pipes until they close or the deadline passes. */
static bool drain(int out, int err, struct st_buf *o, struct st_buf *e,
		  double deadline)
{
	struct pollfd fds[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	struct st_buf *bufs[2] = { o, e };
	int open_fds = 2;
	char chunk[4096];

	while (open_fds) {
		int left = (int)((deadline - now()) * 1000);

		if (left <= 0)
			return false;
		if (poll(fds, 2, left) < 0 && errno != EINTR)
			return false;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			ssize_t n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				append(bufs[i], chunk, n);
			} else {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	return true;
}

int st_run(const char *path, const char *const *args, const char *const *env,
	   int timeout_s, struct st_result *r)
{
	int po[2], pe[2], status;
	pid_t pid;
	double deadline = now() + timeout_s;

	*r = (struct st_result){ 0 };
	append(&r->out, "", 0);
	append(&r->err, "", 0);
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		exec_child(path, args, env, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	if (!drain(po[0], pe[0], &r->out, &r->err, deadline)) {
		kill(pid, SIGKILL);
		r->timed_out = true;
		close(po[0]);
		close(pe[0]);
	}
	waitpid(pid, &status, 0);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	return 0;
}

/* Replaces every match of @pattern in @b by @with, where "\\1" is group 1. */
static void substitute(struct st_buf *b, const char *pattern, const char *with)
{
	struct st_buf out = { 0 };
	regex_t re;
	regmatch_t m[2];
	const char *p = b->data;
	const char *group = strstr(with, "\\1");

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE))
		abort();
	append(&out, "", 0);
	while (*p && !regexec(&re, p, 2, m, p == b->data || p[-1] == '\n' ? 0 : REG_NOTBOL)) {
		if (m[0].rm_eo == m[0].rm_so)
			abort();	/* no rule may match the empty string */
		append(&out, p, m[0].rm_so);
		if (group && m[1].rm_so >= 0) {
			append(&out, with, group - with);
			append(&out, p + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
			append(&out, group + 2, strlen(group + 2));
		} else {
			append(&out, with, strlen(with));
		}
		p += m[0].rm_eo;
	}
	append(&out, p, strlen(p));
	regfree(&re);
	st_buf_free(b);
	*b = out;
}

void st_normalise(struct st_buf *b)
{
	static const char *const rules[][2] = {
		{ "^[^\n]*\\[0x[0-9a-f]+\\][^\n]*\n", "" },	/* stack frames */
		{ "IGT-Version: [^\n]*", "IGT-Version: V" },
		{ "\\([0-9]+\\.[0-9]{3}s\\)", "(T)" },
		{ "\\(([a-z_]+):[0-9]+\\)", "(\\1:PID)" },
		{ "\\[thread:[0-9]+\\]", "[thread:TID]" },
		{ "[^ \n]*/progs/", "" },
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		substitute(b, rules[i][0], rules[i][1]);
}
