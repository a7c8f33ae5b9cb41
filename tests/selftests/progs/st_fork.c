/* Children that pass, fail, crash or hang, and a helper thread that fails. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "igt_core.h"

static void *failing_thread(void *arg)
{
	(void)arg;
	igt_assert_f(false, "thread failure\n");
	return NULL;
}

igt_main
{
	igt_subtest("children-pass") {
		igt_fork(child, 3)
			igt_assert(child < 3);
		igt_waitchildren();
	}
	igt_subtest("child-fails") {
		igt_fork(child, 2)
			igt_assert_f(child == 0, "child %d fails\n", child);
		igt_waitchildren();
	}
	igt_subtest("child-crashes") {
		igt_fork(child, 1)
			raise(SIGSEGV);
		igt_waitchildren();
	}
	igt_subtest("child-hangs") {
		igt_fork(child, 1)
			pause();
		igt_waitchildren_timeout(1, "child never returns");
	}
	igt_subtest("thread-fails") {
		pthread_t t;

		pthread_create(&t, NULL, failing_thread, NULL);
		pthread_join(t, NULL);
	}
}
