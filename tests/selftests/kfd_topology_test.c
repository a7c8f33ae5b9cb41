// SPDX-License-Identifier: MIT
/*
 * lib/kfd's topology reader on fixture trees it writes into a temp dir and
 * points $IGT_SVM_SYSFS_ROOT at: a CPU node, a GPU with the SVM bit and a
 * GPU without it, under the real devices/virtual/kfd/kfd path and under
 * the class/kfd/kfd path alone; malformed and missing trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "igt_core.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_topology.h"

static char root[64];

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	/* mkdir -p of the file's directory. */
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	igt_assert_f(f, "cannot write %s\n", path);
	fputs(text, f);
	fclose(f);
}

static const char cpu_props[] =
	"cpu_cores_count 16\nsimd_count 0\nmem_banks_count 1\ncaches_count 0\n"
	"io_links_count 1\ngfx_target_version 0\ndrm_render_minor 0\ncapability 0\n";

/* A gfx90a-like dGPU: SVM bit (0x08000000) plus others in capability. */
static const char gpu_svm_props[] =
	"cpu_cores_count 0\nsimd_count 416\nmem_banks_count 1\n"
	"gfx_target_version 90010\nvendor_id 4098\ndevice_id 29704\n"
	"drm_render_minor 128\nhive_id 1311768467463790320\n"
	"num_sdma_engines 2\nnum_sdma_xgmi_engines 6\nnum_sdma_queues_per_engine 8\n"
	"num_cp_queues 24\nlocal_mem_size 68702699520\nfw_version 78\n"
	"capability 671588992\nnum_xcc 1\nunique_id 12345678901234567890\n";

/* An older GPU: no SVM bit, no num_xcc line (kernels before 6.5). */
static const char gpu_plain_props[] =
	"simd_count 144\ngfx_target_version 80003\ndevice_id 26591\n"
	"drm_render_minor 129\nnum_sdma_engines 2\nnum_sdma_xgmi_engines 0\n"
	"num_sdma_queues_per_engine 2\nnum_cp_queues 24\nlocal_mem_size 8573157376\n"
	"capability 8832\n";

static void make_tree(const char *dir)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/generation_id", dir);
	write_file(rel, "3\n");
	snprintf(rel, sizeof(rel), "%s/system_properties", dir);
	write_file(rel, "platform_oem 74657305\nplatform_id 1\nplatform_rev 2\n");
	snprintf(rel, sizeof(rel), "%s/nodes/0/gpu_id", dir);
	write_file(rel, "0\n");
	snprintf(rel, sizeof(rel), "%s/nodes/0/properties", dir);
	write_file(rel, cpu_props);
	snprintf(rel, sizeof(rel), "%s/nodes/1/gpu_id", dir);
	write_file(rel, "41921\n");
	snprintf(rel, sizeof(rel), "%s/nodes/1/properties", dir);
	write_file(rel, gpu_svm_props);
	snprintf(rel, sizeof(rel), "%s/nodes/2/gpu_id", dir);
	write_file(rel, "1234\n");
	snprintf(rel, sizeof(rel), "%s/nodes/2/properties", dir);
	write_file(rel, gpu_plain_props);
}

static void new_root(void)
{
	snprintf(root, sizeof(root), "/tmp/kfd-topology-XXXXXX");
	igt_assert(mkdtemp(root));
	setenv("IGT_SVM_SYSFS_ROOT", root, 1);
}

static void remove_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	igt_assert_eq(system(cmd), 0);
}

static void check_tree(const struct kfd_topology *t)
{
	const struct kfd_node *cpu = &t->nodes[0], *g0, *g1;

	igt_assert_eq(t->num_nodes, 3);
	igt_assert_eq_u64(t->generation_id, 3);
	igt_assert_eq_u64(t->platform_oem, 74657305);
	igt_assert_eq_u64(t->platform_id, 1);
	igt_assert_eq_u64(t->platform_rev, 2);

	igt_assert(!kfd_node_is_gpu(cpu));
	igt_assert_eq(cpu->index, 0);
	igt_assert(!kfd_node_has_svm(cpu));
	igt_assert_eq(kfd_topology_num_gpus(t), 2);

	g0 = kfd_topology_gpu(t, 0);
	igt_assert(g0 && g0->index == 1);
	igt_assert_eq_u32(g0->gpu_id, 41921);
	igt_assert(kfd_node_has_svm(g0));
	igt_assert_eq_u64(g0->capability, 671588992);
	igt_assert_eq_u32(g0->drm_render_minor, 128);
	igt_assert_eq_u32(g0->gfx_target_version, 90010);
	igt_assert_eq_u64(g0->local_mem_size, 68702699520ull);
	igt_assert_eq_u32(g0->num_sdma_engines, 2);
	igt_assert_eq_u32(g0->num_sdma_xgmi_engines, 6);
	igt_assert_eq_u32(g0->num_sdma_queues_per_engine, 8);
	igt_assert_eq_u32(g0->num_cp_queues, 24);
	igt_assert_eq_u32(g0->num_xcc, 1);
	igt_assert_eq_u32(g0->simd_count, 416);
	igt_assert_eq_u32(g0->device_id, 29704);
	igt_assert_eq_u64(g0->hive_id, 1311768467463790320ull);

	g1 = kfd_topology_gpu(t, 1);
	igt_assert(g1 && g1->index == 2);
	igt_assert_eq_u32(g1->gpu_id, 1234);
	igt_assert(!kfd_node_has_svm(g1));
	igt_assert_eq_u32(g1->drm_render_minor, 129);
	igt_assert_eq_u32(g1->num_xcc, 0);	/* not printed: 0 */
	igt_assert_eq_u64(g1->hive_id, 0);
	igt_assert(!kfd_topology_gpu(t, 2));

	igt_assert(kfd_topology_by_gpu_id(t, 1234) == g1);
	igt_assert(!kfd_topology_by_gpu_id(t, 0));	/* CPU nodes are not GPUs */
	igt_assert(!kfd_topology_by_gpu_id(t, 7));
	igt_assert(!kfd_topology_all_svm(t));	/* one GPU lacks the bit */
}

static void test_read(const char *dir)
{
	static struct kfd_topology t;

	new_root();
	make_tree(dir);
	igt_assert_eq(__kfd_topology_read(&t), 0);
	check_tree(&t);
	remove_root();
}

static void test_all_svm(void)
{
	static struct kfd_topology t;

	new_root();
	make_tree("devices/virtual/kfd/kfd/topology");
	/* Without the plain GPU, every GPU has the bit. */
	igt_assert_eq(unlink(strcat(strcpy((char[300]){ 0 }, root),
				    "/devices/virtual/kfd/kfd/topology/nodes/2/gpu_id")), 0);
	igt_assert_eq(__kfd_topology_read(&t), 0);
	igt_assert_eq(t.num_nodes, 2);
	igt_assert(kfd_topology_all_svm(&t));
	remove_root();
}

static void test_broken(void)
{
	static struct kfd_topology t;
	struct kfd_node node;

	new_root();
	igt_assert_eq(__kfd_topology_read(&t), -ENOENT);	/* no KFD at all */
	make_tree("devices/virtual/kfd/kfd/topology");
	write_file("devices/virtual/kfd/kfd/topology/nodes/1/properties",
		   "capability 134217728\nsimd_count lots\n");
	igt_assert_eq(__kfd_topology_read(&t), -EINVAL);
	write_file("devices/virtual/kfd/kfd/topology/nodes/1/properties", "capability\n");
	igt_assert_eq(__kfd_topology_read(&t), -EINVAL);
	write_file("devices/virtual/kfd/kfd/topology/nodes/1/properties", "capability 1\n");
	write_file("devices/virtual/kfd/kfd/topology/nodes/1/gpu_id", "banana\n");
	igt_assert_eq(__kfd_topology_read(&t), -EINVAL);
	remove_root();

	memset(&node, 0, sizeof(node));
	igt_assert_eq(kfd_node_parse_properties(&node, "num_cp_queues 24\nunknown_thing 5\n"), 0);
	igt_assert_eq_u32(node.num_cp_queues, 24);
	igt_assert_eq(kfd_node_parse_properties(&node, "num_cp_queues 24 25\n"), -EINVAL);
}

static void test_render_path(void)
{
	char path[64];

	igt_assert_eq(kfd_render_node_path("/dev/kfd", 128, path, sizeof(path)), 0);
	igt_assert(!strcmp(path, "/dev/dri/renderD128"));
	igt_assert_eq(kfd_render_node_path("kfd", 128, path, sizeof(path)), -EINVAL);
	igt_assert_eq(kfd_render_node_path("/dev/kfd", 128, path, 8), -ENAMETOOLONG);
}

igt_main
{
	igt_subtest("read-devices-path")
		test_read("devices/virtual/kfd/kfd/topology");
	igt_subtest("read-class-path")
		test_read("class/kfd/kfd/topology");
	igt_subtest("all-svm")
		test_all_svm();
	igt_subtest("broken-trees")
		test_broken();
	igt_subtest("render-node-path")
		test_render_path();
}
