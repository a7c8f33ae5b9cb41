// SPDX-License-Identifier: MIT
/*
 * lib/kfd's SMI event lines, on the host: every format 6.12 and 7.3.4
 * write (KFD_EVENT_FMT_* of kfd_ioctl.h, prefixed by "%x " of the event id
 * as kfd_smi_events.c does), lines that must be refused, and the reader on
 * a pipe (lines split across reads, several per read, timeouts).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "kfd/kfd_smi.h"
#include "util.h"

static struct kfd_smi_msg parse_ok(const char *line)
{
	struct kfd_smi_msg m;
	int ret = kfd_smi_parse(line, &m);

	igt_assert_f(ret == 0, "refused \"%s\": %d\n", line, ret);
	return m;
}

static void test_vmfault(void)
{
	struct kfd_smi_msg m = parse_ok("1 1a2b:kfdtest\n");

	igt_assert_eq_u32(m.id, 1);
	igt_assert_eq(m.pid, 0x1a2b);
	igt_assert(!strcmp(m.text, "kfdtest"));
}

static void test_page_faults(void)
{
	struct kfd_smi_msg m = parse_ok("7 123456789 -4242 @7f0012345(a3c1) W\n");

	igt_assert_eq_u32(m.id, 7);
	igt_assert_eq_s64(m.ns, 123456789);
	igt_assert_eq(m.pid, 4242);
	igt_assert_eq_u64(m.addr, 0x7f0012345);
	igt_assert_eq_u32(m.node, 0xa3c1);
	igt_assert_eq(m.flag, 'W');
	m = parse_ok("7 1 -1 @10(1) R");
	igt_assert_eq(m.flag, 'R');

	m = parse_ok("8 99 -7 @7f0012345(a3c1) M\n");
	igt_assert_eq_u32(m.id, 8);
	igt_assert_eq(m.flag, 'M');
	m = parse_ok("8 99 -7 @7f0012345(a3c1) U\n");
	igt_assert_eq(m.flag, 'U');
}

static void test_migrate(void)
{
	struct kfd_smi_msg m = parse_ok("5 1000 -321 @7f001(4) 0->a3c1 a3c1:0 0\n");

	igt_assert_eq_u32(m.id, 5);
	igt_assert_eq_s64(m.ns, 1000);
	igt_assert_eq(m.pid, 321);
	igt_assert_eq_u64(m.addr, 0x7f001);
	igt_assert_eq_u64(m.size, 4);
	igt_assert_eq_u32(m.from, 0);
	igt_assert_eq_u32(m.to, 0xa3c1);
	igt_assert_eq_u32(m.prefetch_loc, 0xa3c1);
	igt_assert_eq_u32(m.preferred_loc, 0);
	igt_assert_eq(m.trigger, KFD_MIGRATE_TRIGGER_PREFETCH);

	/* 6.12's MIGRATE_END: no error code. */
	m = parse_ok("6 2000 -321 @7f001(4) a3c1->0 2\n");
	igt_assert_eq_u32(m.id, 6);
	igt_assert_eq_u32(m.from, 0xa3c1);
	igt_assert_eq_u32(m.to, 0);
	igt_assert_eq(m.trigger, KFD_MIGRATE_TRIGGER_PAGEFAULT_CPU);
	igt_assert(!m.has_error_code);
	/* 7.3.4 always appends the migration's error code, 0 for success. */
	m = parse_ok("6 2000 -321 @7f001(4) a3c1->0 2 0\n");
	igt_assert(m.has_error_code);
	igt_assert_eq(m.error_code, 0);
	m = parse_ok("6 2000 -321 @7f001(4) a3c1->0 2 -12\n");
	igt_assert(m.has_error_code);
	igt_assert_eq(m.error_code, -12);
	igt_assert_eq(m.trigger, 2);
}

static void test_queues_and_unmap(void)
{
	struct kfd_smi_msg m = parse_ok("9 5 -77 a3c1 0\n");

	igt_assert_eq_u32(m.id, 9);
	igt_assert_eq(m.pid, 77);
	igt_assert_eq_u32(m.node, 0xa3c1);
	igt_assert_eq(m.trigger, KFD_QUEUE_EVICTION_TRIGGER_SVM);

	m = parse_ok("a 6 -77 a3c1 0\n");
	igt_assert_eq_u32(m.id, 10);
	igt_assert_eq(m.flag, '0');
	m = parse_ok("a 6 -77 a3c1 R\n");
	igt_assert_eq(m.flag, 'R');

	m = parse_ok("b 7 -77 @7f001(10) a3c1 2\n");
	igt_assert_eq_u32(m.id, 11);
	igt_assert_eq_u64(m.addr, 0x7f001);
	igt_assert_eq_u64(m.size, 0x10);
	igt_assert_eq_u32(m.node, 0xa3c1);
	igt_assert_eq(m.trigger, KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU);
}

static void test_other_events(void)
{
	struct kfd_smi_msg m = parse_ok("2 ff:1234\n");

	igt_assert_eq_u64(m.value, 0xff);
	igt_assert_eq_u64(m.counter, 0x1234);
	m = parse_ok("3 5 RAS error\n");
	igt_assert_eq_u32(m.id, 3);
	igt_assert_eq_u64(m.value, 5);
	igt_assert(!strcmp(m.text, "RAS error"));
	m = parse_ok("4 5 \n");
	igt_assert_eq_u32(m.id, 4);
	igt_assert(!strcmp(m.text, ""));
}

/* 7.3.4's PROCESS_START/END: "<pid hex> <task name>", the name free text. */
static void test_process(void)
{
	struct kfd_smi_msg m = parse_ok("c 1a2b kfdtest\n");

	igt_assert_eq_u32(m.id, KFD_SMI_EVENT_PROCESS_START);
	igt_assert_eq(m.pid, 0x1a2b);
	igt_assert(!strcmp(m.text, "kfdtest"));
	m = parse_ok("d 7 kfd  test\n");
	igt_assert_eq_u32(m.id, KFD_SMI_EVENT_PROCESS_END);
	igt_assert_eq(m.pid, 7);
	igt_assert(!strcmp(m.text, "kfd  test"));
}

static const char *const malformed[] = {
	"",
	"\n",
	"0 1 -1 @10(1) R\n",			/* NONE is no event */
	"e 1 -1\n",				/* 14: no such event */
	"ff 1 -1 @10(1) R\n",			/* unknown id */
	"7\n",					/* id only */
	"7  1 -1 @10(1) R\n",			/* two spaces after the id */
	"5 1 -1 @10(4)  0->1 1:0 0\n",		/* two spaces between fields */
	"9 1 -1 a3c1\t0\n",			/* a tab */
	" 7 1 -1 @10(1) R\n",			/* leading space */
	"7 1 -1 @10(1) X\n",			/* fault start is R or W */
	"8 1 -1 @10(1) W\n",			/* fault end is M or U */
	"7 1 -1 @10(1)\n",			/* field missing */
	"7 1 -1 @10(1) R extra\n",		/* trailing junk */
	"7 1 1 @10(1) R\n",			/* pid without '-' */
	"5 1 -1 @10(4) 0->1 1:0\n",		/* migrate start without trigger */
	"5 1 -1 @10(4) 0-1 1:0 0\n",		/* "->" broken */
	"6 1 -1 @10(4) 0->1 0 1 2\n",		/* one number too many */
	"9 1 -1 a3c1\n",			/* eviction without trigger */
	"a 1 -1 a3c1 X\n",			/* restore flag is 0 or R */
	"b 1 -1 @10(4) a3c1\n",			/* unmap without trigger */
	"1 :name\n",				/* vmfault without pid */
	"1 12:\n",				/* vmfault without task */
	"c 1a2b\n",				/* process start without the space */
	"d :kfdtest\n",				/* process end without pid */
	"7 1 -1 @10(1) R\n7 1 -1 @10(1) R\n",	/* two lines */
	"5 1 -1 @10(4) 0->1 1:0 0 1234567890123456789012345678901234567890123456789012345678901234567890\n",
};

/*
 * The "<ns> -<pid> " head of the events from MIGRATE_START on, broken in
 * each way the kernel's "%lld -%d " never writes, on every format that has it.
 */
static const char *const bad_heads[] = {
	"x -1 ",				/* ns not a number */
	"-5 -1 ",				/* negative ns */
	"+5 -1 ",				/* signed ns */
	"99999999999999999999 -1 ",		/* ns beyond 64 bits */
	"1-1 ",					/* no space before the pid */
	"1 - 1 ",				/* space inside "-<pid>" */
	"1 -- 1 ",				/* doubled '-' */
	"1 -+1 ",				/* signed pid */
	"1 - ",					/* pid missing */
	"1 -4294967297 ",			/* pid beyond 32 bits */
	"1 -0x10 ",				/* pid in hex */
	"1 -1",					/* no space after the pid */
	"",					/* no head at all */
};

static const char *const head_tails[] = {
	"5 %s@10(4) 0->1 1:0 0\n",
	"6 %s@10(4) 0->1 0\n",
	"7 %s@10(1) R\n",
	"8 %s@10(1) M\n",
	"9 %s1 0\n",
	"a %s1 R\n",
	"b %s@10(4) 1 2\n",
};

static void test_malformed_head(void)
{
	char line[128];

	for (size_t t = 0; t < ARRAY_SIZE(head_tails); t++) {
		struct kfd_smi_msg m;

		/* The good head first, so a refusal below is the head's doing. */
		snprintf(line, sizeof(line), head_tails[t], "12 -34 ");
		m = parse_ok(line);
		igt_assert_eq_s64(m.ns, 12);
		igt_assert_eq(m.pid, 34);
		for (size_t h = 0; h < ARRAY_SIZE(bad_heads); h++) {
			snprintf(line, sizeof(line), head_tails[t], bad_heads[h]);
			igt_assert_f(kfd_smi_parse(line, &m) == -EINVAL,
				     "accepted bad head #%zu: \"%s\"\n", h, line);
		}
	}
}

static void test_malformed(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++) {
		struct kfd_smi_msg m;

		igt_assert_f(kfd_smi_parse(malformed[i], &m) == -EINVAL,
			     "accepted malformed line #%zu \"%s\"\n", i, malformed[i]);
	}
}

static void test_mask(void)
{
	igt_assert_eq_u64(KFD_SMI_EVENT_MASK_FROM_INDEX(KFD_SMI_EVENT_VMFAULT), 1);
	igt_assert_eq_u64(kfd_smi_mask_upto(KFD_SMI_EVENT_UNMAP_FROM_GPU), 0x7ff);
	igt_assert_eq_u64(kfd_smi_mask_upto(0), 0);
}

/* The reader on a pipe: what it returns for what was written, in order. */
static void test_reader(void)
{
	char buf[2 * KFD_SMI_READ_BYTES];
	struct kfd_smi_msg m;
	size_t len = 0;
	int p[2];

	igt_assert_eq(pipe2(p, O_CLOEXEC), 0);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 20), -ETIME);

	/* Two events in one read. */
	igt_assert(write(p[1], "9 5 -77 a3c1 0\na 6 -77 a3c1 0\n", 30) == 30);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 1000), 0);
	igt_assert_eq_u32(m.id, 9);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 1000), 0);
	igt_assert_eq_u32(m.id, 10);

	/* A line split across two reads waits for its end. */
	igt_assert(write(p[1], "b 7 -77 @7f0", 12) == 12);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 20), -ETIME);
	igt_assert(write(p[1], "01(10) a3c1 2\n", 14) == 14);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 1000), 0);
	igt_assert_eq_u32(m.id, 11);
	igt_assert_eq_u64(m.addr, 0x7f001);

	/* A bad line is reported and consumed; the next one still parses. */
	igt_assert(write(p[1], "zz\n5 1 -1 @10(4) 0->1 1:0 0\n", 28) == 28);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 1000), -EINVAL);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 1000), 0);
	igt_assert_eq_u32(m.id, 5);
	igt_assert_eq(len, 0);

	/* Writer gone: nothing more can come. */
	close(p[1]);
	igt_assert_eq(kfd_smi_read_fd(p[0], buf, sizeof(buf), &len, &m, 1000), -ETIME);
	close(p[0]);
}

igt_main
{
	igt_subtest("vmfault")
		test_vmfault();
	igt_subtest("page-fault-start-end")
		test_page_faults();
	igt_subtest("migrate-start-end")
		test_migrate();
	igt_subtest("queue-eviction-restore-unmap")
		test_queues_and_unmap();
	igt_subtest("thermal-and-reset")
		test_other_events();
	igt_subtest("process-start-end")
		test_process();
	igt_subtest("malformed")
		test_malformed();
	igt_subtest("malformed-head")
		test_malformed_head();
	igt_subtest("mask")
		test_mask();
	igt_subtest("reader")
		test_reader();
}
