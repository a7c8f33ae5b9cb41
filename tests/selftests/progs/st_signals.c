/* Crashes, signals, exit handlers (LIFO), timeouts and aborts. */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"

static void first_handler(int sig)
{
	printf("first handler, sig=%d\n", sig);
}

static void second_handler(int sig)
{
	printf("second handler, sig=%d\n", sig);
}

igt_main
{
	igt_fixture {
		igt_install_exit_handler(first_handler);
		igt_install_exit_handler(second_handler);
	}
	igt_subtest("segfault") {
		/*
		 * A store to a PROT_NONE page: a real fault, which the
		 * sanitizers (unlike for a NULL store) let through.
		 */
		volatile int *guard = mmap(NULL, 4096, PROT_NONE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(guard != MAP_FAILED);
		*guard = 1;
	}
	igt_subtest("sigterm")
		raise(SIGTERM);
	igt_subtest("sigabrt")
		abort();
	igt_subtest("fail")
		igt_assert(false);
	igt_subtest("hang") {
		igt_set_timeout(1, "waiting for nothing");
		pause();
	}
	igt_subtest("after-hang")
		igt_info("after-hang ran\n");
	igt_subtest("abort")
		igt_abort_on_f(true, "the environment is broken\n");
}
