// SPDX-License-Identifier: GPL-2.0
/*
 * ci/vm/selftest's stuck module: it has no exit function, so the kernel
 * refuses to unload it (rmmod fails with EBUSY), which is how the harness's
 * check of a module that does not unload cleanly is proven.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init igt_vm_stuck_init(void)
{
	pr_info("igt_vm_stuck: loaded, and it cannot be unloaded\n");
	return 0;
}

module_init(igt_vm_stuck_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("igt-svm VM harness self-test: a module that cannot be unloaded");
