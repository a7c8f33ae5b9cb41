/* SPDX-License-Identifier: MIT */
/* The amdkfd sysfs topology (see kfd_topology.h; the files: kfd_topology.c). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "igt_core.h"
#include "kfd_topology.h"
#include "util.h"

/* A retry per generation change: more than a few means a flapping device. */
#define TOPOLOGY_READ_TRIES 5
/* Properties files are a few dozen short lines. */
#define PROPERTIES_MAX 8192

/* The real directory, and the class link that points at it. */
static const char *const topology_dirs[] = {
	"devices/virtual/kfd/kfd/topology",
	"class/kfd/kfd/topology",
};

static const char *sysfs_root(void)
{
	const char *root = getenv("IGT_SVM_SYSFS_ROOT");

	return root && *root ? root : "/sys";
}

const char *kfd_topology_dir(void)
{
	static char path[512];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(topology_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", sysfs_root(), topology_dirs[i]);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			return path;
	}
	/* Neither exists: name the canonical one in messages. */
	snprintf(path, sizeof(path), "%s/%s", sysfs_root(), topology_dirs[0]);
	return path;
}

/* The whole of a small sysfs file, NUL-terminated; its length or -errno. */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	if (ferror(f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

static int read_u64(const char *path, uint64_t *value)
{
	char buf[64], *end;
	int ret = read_text(path, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	*value = strtoull(buf, &end, 0);
	if (end == buf || errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

#define PROP32(name) { #name, offsetof(struct kfd_node, name), sizeof(uint32_t) }
#define PROP64(name) { #name, offsetof(struct kfd_node, name), sizeof(uint64_t) }

static const struct property {
	const char *name;
	size_t offset, size;
} node_properties[] = {
	PROP64(capability),
	PROP64(local_mem_size),
	PROP64(hive_id),
	PROP32(drm_render_minor),
	PROP32(gfx_target_version),
	PROP32(num_sdma_engines),
	PROP32(num_sdma_xgmi_engines),
	PROP32(num_sdma_queues_per_engine),
	PROP32(num_cp_queues),
	PROP32(num_xcc),
	PROP32(simd_count),
	PROP32(device_id),
	PROP32(simd_per_cu),
	PROP32(array_count),
	PROP32(simd_arrays_per_engine),
	PROP32(lds_size_in_kb),
	PROP32(ctl_stack_size),
	PROP32(cwsr_size),
};

static void store(void *base, const struct property *p, uint64_t value)
{
	char *field = (char *)base + p->offset;

	if (p->size == sizeof(uint32_t))
		*(uint32_t *)field = (uint32_t)value;
	else
		*(uint64_t *)field = value;
}

/*
 * "name value" lines, the value decimal (the kernel prints %u/%llu).
 * Calls @set for each; a malformed line stops with -EINVAL.
 */
static int parse_name_values(const char *text, void *ctx,
			     void (*set)(void *ctx, const char *name, uint64_t value))
{
	const char *line = text;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char name[64], copy[160], *end;
		unsigned long long value;
		int used = 0;

		if (len >= sizeof(copy))
			return -EINVAL;
		memcpy(copy, line, len);
		copy[len] = '\0';
		if (len) {
			if (sscanf(copy, "%63s %n", name, &used) != 1 || !used)
				return -EINVAL;
			errno = 0;
			value = strtoull(copy + used, &end, 10);
			if (end == copy + used || errno || *end)
				return -EINVAL;
			set(ctx, name, value);
		}
		line += len + (eol ? 1 : 0);
	}
	return 0;
}

static void set_node_property(void *ctx, const char *name, uint64_t value)
{
	for (size_t i = 0; i < ARRAY_SIZE(node_properties); i++)
		if (!strcmp(name, node_properties[i].name))
			store(ctx, &node_properties[i], value);
}

int kfd_node_parse_properties(struct kfd_node *node, const char *text)
{
	return parse_name_values(text, node, set_node_property);
}

static void set_system_property(void *ctx, const char *name, uint64_t value)
{
	struct kfd_topology *topo = ctx;

	if (!strcmp(name, "platform_oem"))
		topo->platform_oem = value;
	else if (!strcmp(name, "platform_id"))
		topo->platform_id = value;
	else if (!strcmp(name, "platform_rev"))
		topo->platform_rev = value;
}

static int read_node(const char *dir, int index, struct kfd_node *node)
{
	char path[700], *text;
	uint64_t gpu_id;
	int ret;

	memset(node, 0, sizeof(*node));
	node->index = index;
	snprintf(path, sizeof(path), "%s/nodes/%d/gpu_id", dir, index);
	ret = read_u64(path, &gpu_id);
	if (ret)
		return ret;
	node->gpu_id = (uint32_t)gpu_id;

	text = malloc(PROPERTIES_MAX);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/nodes/%d/properties", dir, index);
	ret = read_text(path, text, PROPERTIES_MAX);
	if (ret >= 0)
		ret = kfd_node_parse_properties(node, text);
	free(text);
	return ret;
}

static int read_once(const char *dir, struct kfd_topology *topo)
{
	char path[700], text[1024];
	int ret;

	memset(topo, 0, sizeof(*topo));
	snprintf(path, sizeof(path), "%s/generation_id", dir);
	ret = read_u64(path, &topo->generation_id);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/system_properties", dir);
	if (read_text(path, text, sizeof(text)) >= 0 &&
	    (ret = parse_name_values(text, topo, set_system_property)))
		return ret;

	/* Nodes are numbered densely from 0: the first missing one ends the list. */
	for (int i = 0; i < KFD_TOPOLOGY_MAX_NODES; i++) {
		ret = read_node(dir, i, &topo->nodes[i]);
		if (ret == -ENOENT)
			break;
		if (ret)
			return ret;
		topo->num_nodes++;
	}
	return 0;
}

int __kfd_topology_read(struct kfd_topology *topo)
{
	const char *dir = kfd_topology_dir();
	char path[600];
	uint64_t generation;
	int ret;

	snprintf(path, sizeof(path), "%s/generation_id", dir);
	for (int i = 0; i < TOPOLOGY_READ_TRIES; i++) {
		ret = read_once(dir, topo);
		if (ret)
			return ret;
		ret = read_u64(path, &generation);
		if (ret)
			return ret;
		if (generation == topo->generation_id)
			return 0;
	}
	return -EAGAIN;
}

void kfd_topology_read(struct kfd_topology *topo)
{
	int ret = __kfd_topology_read(topo);

	igt_assert_f(ret == 0, "reading the KFD topology in %s: %s\n", kfd_topology_dir(),
		     strerror(-ret));
}

int kfd_topology_num_gpus(const struct kfd_topology *topo)
{
	int n = 0;

	for (int i = 0; i < topo->num_nodes; i++)
		n += kfd_node_is_gpu(&topo->nodes[i]);
	return n;
}

const struct kfd_node *kfd_topology_gpu(const struct kfd_topology *topo, int i)
{
	for (int n = 0; n < topo->num_nodes; n++)
		if (kfd_node_is_gpu(&topo->nodes[n]) && i-- == 0)
			return &topo->nodes[n];
	return NULL;
}

const struct kfd_node *kfd_topology_by_gpu_id(const struct kfd_topology *topo, uint32_t gpu_id)
{
	for (int n = 0; gpu_id && n < topo->num_nodes; n++)
		if (topo->nodes[n].gpu_id == gpu_id)
			return &topo->nodes[n];
	return NULL;
}

bool kfd_topology_all_svm(const struct kfd_topology *topo)
{
	const struct kfd_node *gpu;
	int i;

	for (i = 0; (gpu = kfd_topology_gpu(topo, i)); i++)
		if (!kfd_node_has_svm(gpu))
			return false;
	return i > 0;
}
