/* SPDX-License-Identifier: MIT */
/* KFD SMI event files and their line formats (see kfd_smi.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "igt_core.h"
#include "kfd_ioctl.h"
#include "kfd_smi.h"
#include "util.h"

/* Whether sscanf's %n reached the end of @s (nothing but the line end may follow). */
static bool at_end(const char *s, int used)
{
	return used > 0 && !s[used];
}

/*
 * The head events MIGRATE_START to UNMAP_FROM_GPU begin with, "<ns> -<pid> ",
 * into @ev: the tail after it, or NULL.  The kernel prints both with %lld
 * and %d, but neither is ever negative (boot-time ns, a tgid), so only
 * digits are taken, and exactly the one space on either side of the pid:
 * sscanf would have let a sign, a missing or a displaced space through.
 */
static const char *parse_head(const char *s, struct kfd_smi_msg *ev)
{
	long long ns;
	long pid;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return NULL;
	errno = 0;
	ns = strtoll(s, &end, 10);
	if (errno || end[0] != ' ' || end[1] != '-' || !isdigit((unsigned char)end[2]))
		return NULL;
	pid = strtol(end + 2, &end, 10);
	if (errno || pid > INT32_MAX || end[0] != ' ')
		return NULL;
	ev->ns = ns;
	ev->pid = (int32_t)pid;
	return end + 1;
}

/*
 * What follows the head (or the id, for the headless ones); each
 * returns whether @s matched its format completely.
 */
static bool parse_vmfault(const char *s, struct kfd_smi_msg *ev)
{
	unsigned int pid;
	int used = 0;

	if (sscanf(s, "%x:%n", &pid, &used) != 1 || !used || !s[used] ||
	    strlen(s + used) >= sizeof(ev->text))
		return false;
	ev->pid = (int32_t)pid;
	strcpy(ev->text, s + used);
	return true;
}

static bool parse_thermal(const char *s, struct kfd_smi_msg *ev)
{
	int used = 0;

	return sscanf(s, "%" SCNx64 ":%" SCNx64 "%n", &ev->value, &ev->counter, &used) == 2 &&
	       at_end(s, used);
}

/* "<hex> <text>", the text possibly empty: a reset's cause, a task name. */
static bool parse_hex_text(const char *s, unsigned int *hex, struct kfd_smi_msg *ev)
{
	int used = 0;

	if (sscanf(s, "%x %n", hex, &used) != 1 || !used || s[used - 1] != ' ' ||
	    strlen(s + used) >= sizeof(ev->text))
		return false;
	strcpy(ev->text, s + used);
	return true;
}

static bool parse_reset(const char *s, struct kfd_smi_msg *ev)
{
	unsigned int seq;

	if (!parse_hex_text(s, &seq, ev))
		return false;
	ev->value = seq;
	return true;
}

/* PROCESS_START/END: the pid in hex, like VMFAULT's, then the task name. */
static bool parse_process(const char *s, struct kfd_smi_msg *ev)
{
	unsigned int pid;

	if (!parse_hex_text(s, &pid, ev))
		return false;
	ev->pid = (int32_t)pid;
	return true;
}

static bool parse_fault(const char *s, struct kfd_smi_msg *ev, const char *flags)
{
	int used = 0;

	return sscanf(s, "@%" SCNx64 "(%x) %c%n", &ev->addr, &ev->node, &ev->flag, &used) == 3 &&
	       at_end(s, used) && strchr(flags, ev->flag);
}

static bool parse_fault_start(const char *s, struct kfd_smi_msg *ev)
{
	return parse_fault(s, ev, "RW");
}

static bool parse_fault_end(const char *s, struct kfd_smi_msg *ev)
{
	return parse_fault(s, ev, "MU");
}

static bool parse_migrate_start(const char *s, struct kfd_smi_msg *ev)
{
	int used = 0;

	return sscanf(s, "@%" SCNx64 "(%" SCNx64 ") %x->%x %x:%x %d%n", &ev->addr, &ev->size,
		      &ev->from, &ev->to, &ev->prefetch_loc, &ev->preferred_loc, &ev->trigger,
		      &used) == 7 && at_end(s, used);
}

static bool parse_migrate_end(const char *s, struct kfd_smi_msg *ev)
{
	int used = 0, n;

	n = sscanf(s, "@%" SCNx64 "(%" SCNx64 ") %x->%x %d%n %d%n", &ev->addr, &ev->size,
		   &ev->from, &ev->to, &ev->trigger, &used, &ev->error_code, &used);
	if ((n != 5 && n != 6) || !at_end(s, used))
		return false;
	ev->has_error_code = n == 6;
	return true;
}

static bool parse_eviction(const char *s, struct kfd_smi_msg *ev)
{
	int used = 0;

	return sscanf(s, "%x %d%n", &ev->node, &ev->trigger, &used) == 2 && at_end(s, used);
}

static bool parse_restore(const char *s, struct kfd_smi_msg *ev)
{
	int used = 0;

	return sscanf(s, "%x %c%n", &ev->node, &ev->flag, &used) == 2 && at_end(s, used) &&
	       strchr("0R", ev->flag);
}

static bool parse_unmap(const char *s, struct kfd_smi_msg *ev)
{
	int used = 0;

	return sscanf(s, "@%" SCNx64 "(%" SCNx64 ") %x %d%n", &ev->addr, &ev->size, &ev->node,
		      &ev->trigger, &used) == 4 && at_end(s, used);
}

/*
 * Each event's format: whether it starts with the common head, and its
 * tail.  Only the headless ones carry free text (task name, reset cause).
 * Events 12 and 13 are 7.3.4's (6.12 never writes them).
 */
static const struct smi_format {
	bool head;
	bool (*tail)(const char *s, struct kfd_smi_msg *ev);
} formats[] = {
	[KFD_SMI_EVENT_VMFAULT] = { false, parse_vmfault },
	[KFD_SMI_EVENT_THERMAL_THROTTLE] = { false, parse_thermal },
	[KFD_SMI_EVENT_GPU_PRE_RESET] = { false, parse_reset },
	[KFD_SMI_EVENT_GPU_POST_RESET] = { false, parse_reset },
	[KFD_SMI_EVENT_MIGRATE_START] = { true, parse_migrate_start },
	[KFD_SMI_EVENT_MIGRATE_END] = { true, parse_migrate_end },
	[KFD_SMI_EVENT_PAGE_FAULT_START] = { true, parse_fault_start },
	[KFD_SMI_EVENT_PAGE_FAULT_END] = { true, parse_fault_end },
	[KFD_SMI_EVENT_QUEUE_EVICTION] = { true, parse_eviction },
	[KFD_SMI_EVENT_QUEUE_RESTORE] = { true, parse_restore },
	[KFD_SMI_EVENT_UNMAP_FROM_GPU] = { true, parse_unmap },
	[KFD_SMI_EVENT_PROCESS_START] = { false, parse_process },
	[KFD_SMI_EVENT_PROCESS_END] = { false, parse_process },
};

int kfd_smi_parse(const char *line, struct kfd_smi_msg *ev)
{
	char copy[KFD_SMI_EVENT_MSG_SIZE + 1], *end;
	size_t len = strcspn(line, "\n");
	const struct smi_format *f;
	const char *tail;
	unsigned long id;

	memset(ev, 0, sizeof(*ev));
	/* One line only, and no longer than the kernel ever writes. */
	if (len >= sizeof(copy) || (line[len] && line[len + 1]))
		return -EINVAL;
	memcpy(copy, line, len);
	copy[len] = '\0';
	/* "<id hex> ": exactly one space after lower-case hex digits. */
	if (!strchr("0123456789abcdef", copy[0]) || !copy[0])
		return -EINVAL;
	id = strtoul(copy, &end, 16);
	if (*end != ' ' || id >= ARRAY_SIZE(formats) || !formats[id].tail)
		return -EINVAL;
	f = &formats[id];
	ev->id = (uint32_t)id;
	/*
	 * sscanf skips any run of white space; the kernel writes single
	 * spaces, and free text only in the headless formats.
	 */
	if (isspace((unsigned char)end[1]) ||
	    (f->head && (strstr(end, "  ") || strchr(end, '\t'))))
		return -EINVAL;
	tail = f->head ? parse_head(end + 1, ev) : end + 1;
	return tail && f->tail(tail, ev) ? 0 : -EINVAL;
}

uint64_t kfd_smi_mask_upto(uint32_t last_id)
{
	uint64_t mask = 0;

	for (uint32_t id = 1; id <= last_id && id < 64; id++)
		mask |= KFD_SMI_EVENT_MASK_FROM_INDEX(id);
	return mask;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes the first complete line out of @buf; false if there is none yet. */
static bool take_line(char *buf, size_t *len, char *line, size_t line_cap, bool *too_long)
{
	char *nl = memchr(buf, '\n', *len);
	size_t n;

	if (!nl)
		return false;
	n = (size_t)(nl - buf) + 1;
	*too_long = n >= line_cap;
	if (!*too_long) {
		memcpy(line, buf, n);
		line[n] = '\0';
	}
	memmove(buf, buf + n, *len - n);
	*len -= n;
	return true;
}

int kfd_smi_read_fd(int fd, char *buf, size_t cap, size_t *len, struct kfd_smi_msg *ev,
		    int timeout_ms)
{
	uint64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	char line[KFD_SMI_EVENT_MSG_SIZE + 2];
	bool too_long;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now;
		ssize_t got;
		int ret;

		if (take_line(buf, len, line, sizeof(line), &too_long))
			return too_long ? -EINVAL : kfd_smi_parse(line, ev);
		/* A full buffer without a line end can never become a line. */
		if (*len == cap) {
			*len = 0;
			return -EINVAL;
		}
		now = now_ms();
		if (now >= deadline)
			return -ETIME;
		ret = poll(&pfd, 1, (int)(deadline - now));
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret <= 0)
			continue;
		got = read(fd, buf + *len, cap - *len);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (got == 0)
			return -ETIME;	/* no writer left: nothing more will come */
		*len += (size_t)got;
	}
}

int __kfd_smi_open(struct kfd_device *dev, uint32_t gpu_id, struct kfd_smi **out)
{
	struct kfd_smi *smi = calloc(1, sizeof(*smi));
	int ret;

	*out = NULL;
	if (!smi)
		return -ENOMEM;
	ret = __kfd_smi_events(dev->fd, gpu_id, &smi->fd);
	if (ret) {
		free(smi);
		return ret;
	}
	smi->dev = dev;
	smi->gpu_id = gpu_id;
	smi->next = dev->smis;
	dev->smis = smi;
	*out = smi;
	return 0;
}

struct kfd_smi *kfd_smi_open(struct kfd_device *dev, uint32_t gpu_id)
{
	struct kfd_smi *smi;
	int ret = __kfd_smi_open(dev, gpu_id, &smi);

	igt_assert_f(ret == 0, "SMI_EVENTS(gpu %#x): %s\n", gpu_id, strerror(-ret));
	return smi;
}

int __kfd_smi_enable(struct kfd_smi *smi, uint64_t mask)
{
	ssize_t n = write(smi->fd, &mask, sizeof(mask));

	if (n < 0)
		return -errno;
	return n == sizeof(mask) ? 0 : -EIO;
}

int __kfd_smi_read(struct kfd_smi *smi, struct kfd_smi_msg *ev, int timeout_ms)
{
	return kfd_smi_read_fd(smi->fd, smi->buf, sizeof(smi->buf), &smi->len, ev, timeout_ms);
}

int __kfd_smi_expect(struct kfd_smi *smi, uint32_t id, int32_t pid, int timeout_ms,
		     struct kfd_smi_msg *ev)
{
	int64_t deadline = (int64_t)now_ms() + timeout_ms;

	for (;;) {
		int64_t left = deadline - (int64_t)now_ms();
		int ret;

		if (left <= 0)
			return -ETIME;
		ret = __kfd_smi_read(smi, ev, (int)left);
		if (ret && ret != -EINVAL)
			return ret;
		if (!ret && ev->id == id && ev->pid == pid)
			return 0;
	}
}

struct kfd_smi_msg kfd_smi_expect(struct kfd_smi *smi, uint32_t id, int timeout_ms,
				  const char *what)
{
	struct kfd_smi_msg ev;
	int ret = __kfd_smi_expect(smi, id, getpid(), timeout_ms, &ev);

	igt_assert_f(ret != -ETIME, "%s: no SMI event %u within %d ms\n", what, id, timeout_ms);
	igt_assert_f(ret == 0, "%s: SMI read: %s\n", what, strerror(-ret));
	return ev;
}

void kfd_smi_close(struct kfd_smi *smi)
{
	for (struct kfd_smi **p = &smi->dev->smis; *p; p = &(*p)->next)
		if (*p == smi) {
			*p = smi->next;
			break;
		}
	close(smi->fd);
	free(smi);
}
