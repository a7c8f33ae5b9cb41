/* SPDX-License-Identifier: MIT */
/*
 * igt_runner's socket protocol, checked without igt_runner: this program
 * plays the runner's part for a few self-test programs.  Like the runner it
 * creates a datagram socket pair, announces the child's end in
 * IGT_RUNNER_SOCKET_FD, sends the EXEC packet itself and reads the socket
 * while the test runs; then it decodes every packet with a decoder of its
 * own (deliberately independent of lib/igt) and checks form and sequence.
 * Output is TAP, one line per case.
 *
 *   runner_comms_test PROGDIR
 *
 * Packet layout: u32 size (whole packet), u32 type, s32 pid, s32 tid, then
 * the payload of the type, strings NUL-terminated, in host byte order.
 * The core ends every packet with one '\n' after its last field (its guard
 * against igt_runner's resume appending one to the comms file); readers
 * ignore bytes after the last field, and so does this decoder, but it
 * insists that there is nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	P_LOG = 1, P_EXEC, P_EXIT, P_SUBTEST_START, P_SUBTEST_RESULT,
	P_DYNAMIC_START, P_DYNAMIC_RESULT, P_VERSION, P_RESULT_OVERRIDE,
};

static const char *const type_names[] = {
	[P_LOG] = "LOG", [P_EXEC] = "EXEC", [P_EXIT] = "EXIT",
	[P_SUBTEST_START] = "SUBTEST_START", [P_SUBTEST_RESULT] = "SUBTEST_RESULT",
	[P_DYNAMIC_START] = "DYNAMIC_START", [P_DYNAMIC_RESULT] = "DYNAMIC_RESULT",
	[P_VERSION] = "VERSION", [P_RESULT_OVERRIDE] = "RESULT_OVERRIDE",
};

#define MAX_PACKETS 512
#define MAX_FIELDS 4

struct packet {
	uint32_t type;
	int32_t pid, tid;
	int stream;			/* LOG */
	int nfields;
	char *field[MAX_FIELDS];	/* the strings, in order */
};

struct run {
	struct packet packets[MAX_PACKETS];
	int npackets;
	char *bad;			/* first malformed packet, described */
	char out[16384], err[16384];
	size_t outlen, errlen;
	int status;			/* exit code, or -signal */
	pid_t pid;
};

static int failures_in_case;

#define check(cond, ...) do { \
	if (!(cond)) { \
		printf("# check failed: %s: ", #cond); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		failures_in_case++; \
	} \
} while (0)

/* ---- the decoder --------------------------------------------------------- */

static int fields_of(uint32_t type)
{
	switch (type) {
	case P_LOG: case P_EXEC: case P_SUBTEST_START: case P_DYNAMIC_START:
	case P_VERSION: case P_RESULT_OVERRIDE:
		return 1;
	case P_EXIT:
		return 1;	/* after the s32 exit code */
	case P_SUBTEST_RESULT: case P_DYNAMIC_RESULT:
		return 4;
	}
	return -1;
}

/* Returns NULL, or what is wrong with the datagram. */
static const char *decode(const uint8_t *buf, size_t len, struct packet *p)
{
	uint32_t size;
	size_t off = 16;
	int n;

	if (len < 16)
		return "shorter than the header";
	memcpy(&size, buf, 4);
	memcpy(&p->type, buf + 4, 4);
	memcpy(&p->pid, buf + 8, 4);
	memcpy(&p->tid, buf + 12, 4);
	if (size != len)
		return "size field differs from the datagram length";
	n = fields_of(p->type);
	if (n < 0)
		return "unknown type";
	if (p->type == P_LOG) {
		if (off + 1 > len)
			return "LOG without a stream byte";
		p->stream = buf[off++];
	} else if (p->type == P_EXIT) {
		off += 4;
		if (off > len)
			return "EXIT without an exit code";
	}
	p->nfields = 0;
	for (int i = 0; i < n; i++) {
		const uint8_t *nul = memchr(buf + off, '\0', len - off);

		if (off >= len || !nul)
			return "string field without its NUL";
		p->field[p->nfields++] = strndup((const char *)buf + off,
						 (size_t)(nul - (buf + off)));
		off = (size_t)(nul - buf) + 1;
	}
	if (off != len && !(off + 1 == len && buf[off] == '\n'))
		return "unexpected bytes after the last field";
	return NULL;
}

/* ---- playing igt_runner -------------------------------------------------- */

static void send_exec(int fd, char *const argv[])
{
	uint8_t buf[4096];
	uint32_t size = 16, type = P_EXEC;
	int32_t pid = getpid();

	for (int i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]);

		if (size + l + 1 >= sizeof(buf))
			_exit(127);
		if (i)
			buf[size - 1] = ' ';
		memcpy(buf + size, argv[i], l + 1);
		size += (uint32_t)l + 1;
	}
	memcpy(buf, &size, 4);
	memcpy(buf + 4, &type, 4);
	memcpy(buf + 8, &pid, 4);
	memcpy(buf + 12, &pid, 4);
	if (write(fd, buf, size) != (ssize_t)size)
		_exit(127);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void drain_socket(int sock, struct run *r)
{
	static uint8_t buf[1 << 17];
	ssize_t n;

	while ((n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		struct packet p = { 0 };
		const char *why;

		if (r->npackets == MAX_PACKETS) {
			if (!r->bad)
				r->bad = strdup("too many packets");
			continue;
		}
		why = decode(buf, (size_t)n, &p);
		if (why) {
			if (!r->bad && asprintf(&r->bad, "packet %d (%zd bytes): %s",
						r->npackets + 1, n, why) < 0)
				abort();
			continue;
		}
		r->packets[r->npackets++] = p;
	}
}

static void read_pipe(int *fd, char *buf, size_t *len, size_t cap)
{
	ssize_t n = read(*fd, buf + *len, cap - 1 - *len);

	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	*len += (size_t)n;
	buf[*len] = '\0';
}

/*
 * Runs PROGDIR/argv[0] as igt_runner would, with @env ("K=V", or "K" to
 * remove K) applied on top; @fd_value replaces the socket's number in
 * IGT_RUNNER_SOCKET_FD when not NULL.
 */
static bool run_test(const char *dir, const char *const *args,
		     const char *const *env, const char *fd_value, struct run *r)
{
	char path[4096], fdstr[16];
	char *argv[16];
	int sv[2], po[2], pe[2], status, n = 0;
	double deadline = now() + 30;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/%s", dir, args[0]);
	argv[n++] = path;
	for (int i = 1; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || pipe2(po, O_CLOEXEC) ||
	    pipe2(pe, O_CLOEXEC))
		return false;
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	fflush(NULL);
	r->pid = fork();
	if (r->pid < 0)
		return false;
	if (r->pid == 0) {
		dup2(po[1], STDOUT_FILENO);
		dup2(pe[1], STDERR_FILENO);
		snprintf(fdstr, sizeof(fdstr), "%d", sv[1]);
		setenv("IGT_RUNNER_SOCKET_FD", fd_value ? fd_value : fdstr, 1);
		/* What igt_runner sets, and nothing of our own environment. */
		setenv("IGT_SENTINEL_ON_STDERR", "1", 1);
		setenv("IGT_PLAIN_OUTPUT", "1", 1);
		unsetenv("IGT_RUNNER_DISABLE_SOCKET_COMMUNICATION");
		unsetenv("IGT_LOG_LEVEL");
		unsetenv("IGT_DEVICE");
		for (; env && *env; env++) {
			if (strchr(*env, '='))
				putenv((char *)*env);
			else
				unsetenv(*env);
		}
		send_exec(sv[1], argv);
		execv(path, argv);
		_exit(127);
	}
	close(sv[1]);
	close(po[1]);
	close(pe[1]);

	int out = po[0], err = pe[0];

	while (out >= 0 || err >= 0) {
		struct pollfd fds[3] = {
			{ sv[0], POLLIN, 0 }, { out, POLLIN, 0 }, { err, POLLIN, 0 },
		};
		int left = (int)((deadline - now()) * 1000);

		if (left <= 0) {
			kill(r->pid, SIGKILL);
			printf("# %s did not finish in time\n", args[0]);
			failures_in_case++;
			break;
		}
		if (poll(fds, 3, left) < 0 && errno != EINTR)
			break;
		/* The socket holds only a few datagrams: keep it drained. */
		drain_socket(sv[0], r);
		if (out >= 0 && fds[1].revents)
			read_pipe(&out, r->out, &r->outlen, sizeof(r->out));
		if (err >= 0 && fds[2].revents)
			read_pipe(&err, r->err, &r->errlen, sizeof(r->err));
	}
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	waitpid(r->pid, &status, 0);
	drain_socket(sv[0], r);
	close(sv[0]);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	return true;
}

static void free_run(struct run *r)
{
	for (int i = 0; i < r->npackets; i++)
		for (int f = 0; f < r->packets[i].nfields; f++)
			free(r->packets[i].field[f]);
	free(r->bad);
}

/* ---- checks shared by the cases ------------------------------------------ */

static const char *name_of(uint32_t type)
{
	return type < sizeof(type_names) / sizeof(type_names[0]) && type_names[type] ?
		type_names[type] : "?";
}

static void dump(const struct run *r)
{
	for (int i = 0; i < r->npackets; i++) {
		const struct packet *p = &r->packets[i];

		printf("#   %s", name_of(p->type));
		if (p->type == P_LOG)
			printf(" stream=%d", p->stream);
		for (int f = 0; f < p->nfields; f++) {
			const char *s = p->field[f];
			int len = (int)strcspn(s, "\n");

			printf(" '%.*s%s'", len > 60 ? 60 : len, s,
			       s[len] || len > 60 ? "..." : "");
		}
		printf("\n");
	}
}

/*
 * Every run: well-formed packets; ours (EXEC) first; after it only what a
 * test may send (never EXEC, EXIT or RESULT_OVERRIDE: the runner's); the
 * version right after EXEC; times as "%.3f"; no reason strings; pids of
 * the test process (or of its forked children, when @children).
 */
static void check_common(const struct run *r, bool children)
{
	check(!r->bad, "%s", r->bad);
	check(r->npackets >= 1 && r->packets[0].type == P_EXEC,
	      "first packet is the harness's EXEC");
	for (int i = 1; i < r->npackets; i++) {
		const struct packet *p = &r->packets[i];

		check(p->type != P_EXEC && p->type != P_EXIT &&
		      p->type != P_RESULT_OVERRIDE,
		      "packet %d is %s, which only the runner sends", i + 1,
		      name_of(p->type));
		check(children || p->pid == r->pid,
		      "packet %d from pid %d, the test is %d", i + 1, p->pid, r->pid);
		check(p->tid > 0, "packet %d has tid %d", i + 1, p->tid);
		if (p->type == P_LOG)
			check(p->stream == 1 || p->stream == 2,
			      "packet %d: LOG stream %d", i + 1, p->stream);
		if (p->type == P_SUBTEST_RESULT || p->type == P_DYNAMIC_RESULT) {
			char *end;
			double t = strtod(p->field[2], &end);
			const char *dot = strchr(p->field[2], '.');

			check(!*end && t >= 0 && dot && strlen(dot) == 4,
			      "packet %d: time '%s' is not %%.3f", i + 1, p->field[2]);
			check(!strcmp(p->field[3], ""), "packet %d: reason '%s'",
			      i + 1, p->field[3]);
		}
	}
}

/* The packets other than LOG, one "TYPE field field" line each. */
static char *skeleton(const struct run *r)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	for (int i = 0; i < r->npackets; i++) {
		const struct packet *p = &r->packets[i];

		if (p->type == P_LOG)
			continue;
		fputs(name_of(p->type), f);
		if (p->type == P_SUBTEST_START || p->type == P_DYNAMIC_START)
			fprintf(f, " %s", p->field[0]);
		if (p->type == P_SUBTEST_RESULT || p->type == P_DYNAMIC_RESULT)
			fprintf(f, " %s %s", p->field[0], p->field[1]);
		fputc('\n', f);
	}
	fclose(f);
	return s;
}

static void check_skeleton(const struct run *r, const char *expected)
{
	char *got = skeleton(r);

	check(!strcmp(got, expected), "packet sequence differs:\n# expected:\n%s# got:\n%s",
	      expected, got);
	free(got);
}

/* All LOG text of @stream between packets @from and @to (exclusive). */
static char *log_text(const struct run *r, int stream, int from, int to)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	for (int i = from; i < to && i < r->npackets; i++)
		if (r->packets[i].type == P_LOG && r->packets[i].stream == stream)
			fputs(r->packets[i].field[0], f);
	fclose(f);
	return s;
}

static int find(const struct run *r, uint32_t type, const char *name)
{
	for (int i = 0; i < r->npackets; i++)
		if (r->packets[i].type == type &&
		    (!name || !strcmp(r->packets[i].field[0], name)))
			return i;
	return r->npackets;
}

static void check_log(const struct run *r, int stream, int from, int to,
		      const char *needle)
{
	char *text = log_text(r, stream, from, to);

	check(strstr(text, needle), "stream %d between packets %d and %d has no '%s'",
	      stream, from + 1, to + 1, needle);
	free(text);
}

/* Replaces "(1.234s)" by "(T)" in place. */
static void normalise_times(char *s)
{
	char *p;

	while ((p = strstr(s, "s)\n"))) {
		char *open = p;

		while (open > s && *open != '(')
			open--;
		if (*open != '(')
			break;
		memmove(open + 3, p + 2, strlen(p + 2) + 1);
		memcpy(open, "(T)", 3);
	}
}

/* ---- the cases ----------------------------------------------------------- */

static void case_subtests(const char *dir)
{
	static const char *const args[] = { "st_subtests", "--run-subtest", "alpha,skipper", NULL };
	static const char *const protocol_lines =
		"Starting subtest: alpha\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: skipper\n"
		"Subtest skipper: SKIP (T)\n";
	struct run r;
	int alpha, skipper;

	if (!run_test(dir, args, NULL, NULL, &r)) {
		failures_in_case++;
		return;
	}
	check_common(&r, false);
	check(!strcmp(r.packets[0].field[0] + strlen(r.packets[0].field[0]) -
		      strlen("st_subtests --run-subtest alpha,skipper"),
		      "st_subtests --run-subtest alpha,skipper"), "EXEC command line");
	check_skeleton(&r,
		       "EXEC\n"
		       "VERSION\n"
		       "SUBTEST_START alpha\n"
		       "SUBTEST_RESULT alpha SUCCESS\n"
		       "SUBTEST_START skipper\n"
		       "SUBTEST_RESULT skipper SKIP\n");
	check(r.npackets > 1 && r.packets[1].type == P_VERSION &&
	      !strncmp(r.packets[1].field[0], "IGT-Version: ", 13) &&
	      r.packets[1].field[0][strlen(r.packets[1].field[0]) - 1] == '\n',
	      "VERSION right after EXEC, an IGT-Version line");
	alpha = find(&r, P_SUBTEST_START, "alpha");
	skipper = find(&r, P_SUBTEST_START, "skipper");
	check_log(&r, 1, alpha, skipper, "alpha ran\n");
	check_log(&r, 1, skipper, r.npackets, "Test requirement: false\n");
	check_log(&r, 1, skipper, r.npackets, "not today\n");
	/* Logs go to the socket; stdout/stderr keep only the protocol lines. */
	normalise_times(r.out);
	normalise_times(r.err);
	check(!strcmp(r.out, protocol_lines), "stdout is only the protocol lines:\n%s", r.out);
	check(!strcmp(r.err, protocol_lines), "stderr is only the protocol lines:\n%s", r.err);
	check(r.status == 0, "exit status %d", r.status);
	if (failures_in_case)
		dump(&r);
	free_run(&r);
}

static void case_dynamic_failure(const char *dir)
{
	static const char *const args[] = { "st_dynamic", "--run-subtest", "one-fails", NULL };
	struct run r;

	if (!run_test(dir, args, NULL, NULL, &r)) {
		failures_in_case++;
		return;
	}
	check_common(&r, false);
	check_skeleton(&r,
		       "EXEC\n"
		       "VERSION\n"
		       "SUBTEST_START one-fails\n"
		       "DYNAMIC_START item-0\n"
		       "DYNAMIC_RESULT item-0 SUCCESS\n"
		       "DYNAMIC_START item-1\n"
		       "DYNAMIC_RESULT item-1 FAIL\n"
		       "DYNAMIC_START item-2\n"
		       "DYNAMIC_RESULT item-2 SUCCESS\n"
		       "SUBTEST_RESULT one-fails FAIL\n");
	check_log(&r, 2, find(&r, P_DYNAMIC_START, "item-1"),
		  find(&r, P_DYNAMIC_RESULT, "item-1"), "Failed assertion: i != 1\n");
	check(r.status == 98, "exit status %d", r.status);
	if (failures_in_case)
		dump(&r);
	free_run(&r);
}

static void case_crash(const char *dir)
{
	static const char *const args[] = { "st_signals", "--run-subtest", "segfault", NULL };
	struct run r;

	if (!run_test(dir, args, NULL, NULL, &r)) {
		failures_in_case++;
		return;
	}
	check_common(&r, false);
	check_skeleton(&r,
		       "EXEC\n"
		       "VERSION\n"
		       "SUBTEST_START segfault\n"
		       "SUBTEST_RESULT segfault CRASH\n");
	check_log(&r, 2, 0, r.npackets, "Received signal SIGSEGV.\nStack trace:\n");
	check(r.status == -SIGSEGV, "exit status %d", r.status);
	if (failures_in_case)
		dump(&r);
	free_run(&r);
}

static void case_simple(const char *dir)
{
	static const char *const args[] = { "st_simple", NULL };
	struct run r;
	char *text;

	if (!run_test(dir, args, NULL, NULL, &r)) {
		failures_in_case++;
		return;
	}
	check_common(&r, false);
	check_skeleton(&r, "EXEC\nVERSION\n");
	text = log_text(&r, 1, 0, r.npackets);
	normalise_times(text);
	check(!strcmp(text, "simple ran\nSUCCESS (T)\n"), "stdout log is '%s'", text);
	free(text);
	check(r.outlen == 0 && r.errlen == 0, "nothing on stdout/stderr");
	check(r.status == 0, "exit status %d", r.status);
	if (failures_in_case)
		dump(&r);
	free_run(&r);
}

static void case_forked_children(const char *dir)
{
	static const char *const args[] = { "st_fork", "--run-subtest", "child-fails", NULL };
	struct run r;
	bool from_child = false;

	if (!run_test(dir, args, NULL, NULL, &r)) {
		failures_in_case++;
		return;
	}
	check_common(&r, true);
	check_skeleton(&r,
		       "EXEC\n"
		       "VERSION\n"
		       "SUBTEST_START child-fails\n"
		       "SUBTEST_RESULT child-fails FAIL\n");
	for (int i = 1; i < r.npackets; i++)
		from_child |= r.packets[i].type == P_LOG && r.packets[i].pid != r.pid;
	check(from_child, "a forked child's log arrives from the child's pid");
	if (failures_in_case)
		dump(&r);
	free_run(&r);
}

/* The runner's opt-out, and a descriptor that is not a socket: plain output. */
static void case_not_used(const char *dir)
{
	static const char *const args[] = { "st_subtests", "--run-subtest", "alpha", NULL };
	static const char *const disabled[] = { "IGT_RUNNER_DISABLE_SOCKET_COMMUNICATION=1", NULL };
	struct run r;

	for (int i = 0; i < 2; i++) {
		if (!run_test(dir, args, i ? NULL : disabled, i ? "0" : NULL, &r)) {
			failures_in_case++;
			return;
		}
		check(!r.bad && r.npackets == 1, "%s: only the harness's EXEC, got %d packets",
		      i ? "stdin as the socket" : "disabled", r.npackets);
		check(strstr(r.out, "IGT-Version: ") && strstr(r.out, "alpha ran\n") &&
		      strstr(r.out, "Subtest alpha: SUCCESS"),
		      "%s: plain stdout", i ? "stdin as the socket" : "disabled");
		free_run(&r);
	}
}

static const struct {
	const char *name;
	void (*fn)(const char *dir);
} cases[] = {
	{ "subtests: exec, version, start/result, logs on the socket", case_subtests },
	{ "dynamic subtests and a failure", case_dynamic_failure },
	{ "crash inside a subtest", case_crash },
	{ "test without subtests", case_simple },
	{ "logs from forked children", case_forked_children },
	{ "socket disabled or unusable: plain output", case_not_used },
};

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PROGDIR\n", argv[0]);
		return 79;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%zu\n", sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		failures_in_case = 0;
		cases[i].fn(argv[1]);
		printf("%sok %zu - %s\n", failures_in_case ? "not " : "", i + 1, cases[i].name);
		failed += failures_in_case != 0;
	}
	return failed ? 1 : 0;
}
