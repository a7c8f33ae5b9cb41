/*
 * End-of-subtest callbacks and deferred releases: a subtest that fails,
 * skips or times out mid-way leaves no fd, mapping or record to the next.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_defer.h"

#define MAP_LEN (3 * 4096)

static int baseline_fds = -1;
/* What the last subtest that acquired mapped: it must be gone in the next. */
static void *last_map;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	igt_assert(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own */
}

static bool mapped(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long start, end;
	char line[512];
	bool found = false;

	igt_assert(f);
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2)
			found = (uintptr_t)addr >= start && (uintptr_t)addr < end;
	fclose(f);
	return found;
}

static int release_note(uint64_t a, uint64_t b)
{
	(void)b;
	igt_info("release %d\n", (int)a);
	return 0;
}

static int release_broken(uint64_t a, uint64_t b)
{
	(void)a;
	(void)b;
	return -EBADF;
}

/* A tracked fd, mapping and allocation. */
static void acquire(void)
{
	igt_fd_tracked(open("/dev/null", O_RDONLY | O_CLOEXEC));
	last_map = igt_mmap_tracked(NULL, MAP_LEN, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_alloc_tracked(64, 4096);
	igt_assert_eq(count_fds(), baseline_fds + 1);
	igt_assert(mapped(last_map));
	igt_info("holding %d\n", igt_deferred_count());
}

static void check_clean(void)
{
	igt_assert_eq(count_fds(), baseline_fds);
	igt_assert_f(!mapped(last_map), "%p is still mapped\n", last_map);
	igt_assert_eq(igt_deferred_count(), 0);
	igt_info("clean\n");
}

static void hook(void *data)
{
	igt_info("hook %s\n", (const char *)data);
}

static void failing_hook(void *data)
{
	igt_assert_f(false, "hook %s fails\n", (const char *)data);
}

static void skipping_hook(void *data)
{
	igt_skip("hook %s skips\n", (const char *)data);
}

static void hanging_hook(void *data)
{
	igt_info("hook %s waits\n", (const char *)data);
	pause();
}

igt_main
{
	igt_fixture
		baseline_fds = count_fds();

	igt_subtest("fail") {
		acquire();
		igt_assert_f(false, "failing mid-way\n");
	}
	igt_subtest("clean-after-fail")
		check_clean();

	igt_subtest_with_dynamic("dynamic") {
		igt_dynamic("fail") {
			acquire();
			igt_assert_f(false, "failing mid-way\n");
		}
		igt_dynamic("clean-after-fail")
			check_clean();
		acquire();
		igt_dynamic("sees-container")
			igt_assert_eq(igt_deferred_count(), 3);
	}
	igt_subtest("clean-after-dynamic")
		check_clean();
	igt_subtest_with_dynamic("dynamic-releases-container") {
		int fd = igt_fd_tracked(open("/dev/null", O_RDONLY | O_CLOEXEC));

		igt_dynamic("releases") {
			igt_assert_eq(__igt_free_tracked(igt_alloc_tracked(64, 64)), 0);
			igt_assert_eq(__igt_close_tracked(fd), 0);
			igt_alloc_tracked(64, 64);
		}
		igt_assert_eq(igt_deferred_count(), 0);
		igt_info("nothing left after the dynamic subtest\n");
	}

	igt_subtest("skip") {
		acquire();
		igt_skip("skipping mid-way\n");
	}
	igt_subtest("clean-after-skip")
		check_clean();

	igt_subtest("timeout") {
		acquire();
		igt_set_timeout(1, "a wait that only the alarm ends");
		pause();
	}
	igt_subtest("clean-after-timeout")
		check_clean();

	igt_subtest("pass") {
		acquire();
		igt_assert_eq(__igt_munmap_tracked(last_map, MAP_LEN), 0);
		igt_assert_eq(__igt_munmap_tracked(last_map, MAP_LEN), -ENOENT);
		igt_assert_eq(igt_deferred_count(), 2);
	}
	igt_subtest("clean-after-pass")
		check_clean();

	/* Order, once each, and what a failing callback does to each outcome. */
	igt_subtest("hooks-lifo") {
		igt_subtest_on_end(hook, "registered first");
		igt_defer(release_note, 1, 0);
		igt_defer(release_note, 2, 0);
		igt_subtest_on_end(hook, "registered last");
	}
	igt_subtest("hook-fails-after-pass") {
		igt_subtest_on_end(hook, "after the failing one");
		igt_subtest_on_end(failing_hook, "a");
		igt_subtest_on_end(failing_hook, "b");
	}
	igt_subtest("hook-fails-after-fail") {
		igt_subtest_on_end(failing_hook, "c");
		igt_assert_f(false, "the body fails first\n");
	}
	igt_subtest("hook-fails-after-skip") {
		igt_subtest_on_end(failing_hook, "d");
		igt_skip("the body skips first\n");
	}
	igt_subtest("hook-skips-after-pass")
		igt_subtest_on_end(skipping_hook, "e");
	igt_subtest("hook-times-out-after-pass") {
		igt_set_timeout(1, "a callback that only the alarm ends");
		igt_subtest_on_end(hanging_hook, "f");
	}
	igt_subtest("release-fails-after-pass")
		igt_defer(release_broken, 0, 0);
	igt_subtest_with_dynamic("dynamic-release-fails") {
		igt_dynamic("fails")
			igt_defer(release_broken, 1, 0);
		igt_dynamic("passes")
			igt_defer(release_note, 3, 0);
	}
	igt_subtest("hook-not-in-children") {
		igt_subtest_on_end(hook, "of the parent");
		igt_fork(child, 1)
			igt_subtest_on_end(hook, "of a child");
		igt_waitchildren();
	}
}
