// SPDX-License-Identifier: GPL-2.0
/*
 * ci/vm/selftest's probe module: loads and unloads cleanly, saying so in
 * the kernel log, so the harness's insmod/rmmod path can be checked with a
 * module built out of tree (the one that taints the kernel).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init igt_vm_probe_init(void)
{
	pr_info("igt_vm_probe: loaded\n");
	return 0;
}

static void __exit igt_vm_probe_exit(void)
{
	pr_info("igt_vm_probe: unloaded\n");
}

module_init(igt_vm_probe_init);
module_exit(igt_vm_probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("igt-svm VM harness self-test: a module that loads and unloads");
