// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The module: parameters, the faux devices with their DRM render nodes,
 * and the per-file state.  See vgpu_drv.h for the design and its locking.
 */
#include <linux/device/faux.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "vgpu_drv.h"

#define VGPU_MAX_DEVICES	4

static unsigned int devices = 2;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of vgpu devices, 1-4 (default 2)");

static unsigned int tiles = 2;
module_param(tiles, uint, 0444);
MODULE_PARM_DESC(tiles, "Tiles per device, each with its own device memory, 1-4 (default 2)");

static unsigned int vram_mb = 32;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "Device memory per tile in MiB, 2-1024, a multiple of 2 (default 32)");

/*
 * Bug knobs: each re-creates a mistake a driver on drm_gpusvm can make, on
 * the framework's real paths, so that the suite can show it detects it.
 */
bool vgpu_bug_no_zap;
module_param_named(bug_no_zap, vgpu_bug_no_zap, bool, 0444);
MODULE_PARM_DESC(bug_no_zap, "Bug: invalidation keeps the device's translations (stale TLB)");

bool vgpu_bug_mixed_passthrough;
module_param_named(bug_mixed_passthrough, vgpu_bug_mixed_passthrough, bool, 0444);
MODULE_PARM_DESC(bug_mixed_passthrough,
		 "Bug: get_pages' -EOPNOTSUPP for pages in two pagemaps fails the job instead of evict and retry");

bool vgpu_bug_no_rebuild;
module_param_named(bug_no_rebuild, vgpu_bug_no_rebuild, bool, 0444);
MODULE_PARM_DESC(bug_no_rebuild, "Bug: IOCTL mode does not rebuild ranges a partial munmap destroyed");

static struct vgpu_device *vgpu_devices[VGPU_MAX_DEVICES];

static int vgpu_open(struct drm_device *drm, struct drm_file *file)
{
	struct vgpu_file *vf = kzalloc(sizeof(*vf), GFP_KERNEL);

	if (!vf)
		return -ENOMEM;
	xa_init_flags(&vf->vms, XA_FLAGS_ALLOC1);
	file->driver_priv = vf;
	return 0;
}

static void vgpu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vgpu_file *vf = file->driver_priv;
	struct vgpu_vm *vm;
	unsigned long id;

	xa_for_each(&vf->vms, id, vm) {
		xa_erase(&vf->vms, id);
		vgpu_vm_close(vm);
		vgpu_vm_put(vm);
	}
	xa_destroy(&vf->vms);
	kfree(vf);
}

static const struct file_operations vgpu_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	/* drm_open_helper() insists: DRM offsets are unsigned. */
	.fop_flags = FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver vgpu_driver = {
	.driver_features = DRIVER_RENDER,
	.open = vgpu_open,
	.postclose = vgpu_postclose,
	.ioctls = vgpu_ioctls,
	.num_ioctls = VGPU_NUM_IOCTLS,
	.fops = &vgpu_fops,
	.name = VGPU_DRIVER_NAME,
	.desc = "Virtual SVM GPU on drm_gpusvm and drm_pagemap (igt-svm)",
	.major = 1,
	.minor = 0,
};

static void vgpu_device_destroy(struct vgpu_device *vdev)
{
	struct faux_device *fdev = vdev->fdev;
	unsigned int t;

	drm_dev_unregister(&vdev->drm);
	for (t = 0; t < vdev->num_tiles; t++)
		vgpu_tile_fini(&vdev->tiles[t]);
	/* Unmaps the device pages and drops the drm_device (devm). */
	devres_release_group(&fdev->dev, NULL);
	faux_device_destroy(fdev);
}

static int vgpu_device_create(unsigned int index)
{
	struct vgpu_device *vdev;
	struct faux_device *fdev;
	char name[16];
	unsigned int t;
	int err;

	snprintf(name, sizeof(name), "vgpu%u", index);
	fdev = faux_device_create(name, NULL, NULL);
	if (!fdev)
		return -ENODEV;
	if (!devres_open_group(&fdev->dev, NULL, GFP_KERNEL)) {
		err = -ENOMEM;
		goto err_faux;
	}
	/* drm_gpusvm DMA-maps system pages for the device: give it a mask. */
	err = dma_coerce_mask_and_coherent(&fdev->dev, DMA_BIT_MASK(64));
	if (err)
		goto err_devres;
	vdev = devm_drm_dev_alloc(&fdev->dev, &vgpu_driver, struct vgpu_device, drm);
	if (IS_ERR(vdev)) {
		err = PTR_ERR(vdev);
		goto err_devres;
	}
	vdev->fdev = fdev;
	vdev->index = index;
	for (t = 0; t < tiles; t++) {
		err = vgpu_tile_init(&vdev->tiles[t], vdev, t, (u64)vram_mb << 20);
		if (err)
			goto err_tiles;
		vdev->num_tiles = t + 1;
	}
	err = drm_dev_register(&vdev->drm, 0);
	if (err)
		goto err_tiles;
	vgpu_devices[index] = vdev;
	drm_info(&vdev->drm, "vgpu%u: %u tiles of %u MiB device memory%s%s%s\n", index, tiles,
		 vram_mb, vgpu_bug_no_zap ? ", bug_no_zap" : "",
		 vgpu_bug_mixed_passthrough ? ", bug_mixed_passthrough" : "",
		 vgpu_bug_no_rebuild ? ", bug_no_rebuild" : "");
	return 0;

err_tiles:
	for (t = 0; t < vdev->num_tiles; t++)
		vgpu_tile_fini(&vdev->tiles[t]);
err_devres:
	devres_release_group(&fdev->dev, NULL);
err_faux:
	faux_device_destroy(fdev);
	return err;
}

static int __init vgpu_init(void)
{
	unsigned int i;
	int err;

	if (!devices || devices > VGPU_MAX_DEVICES || !tiles || tiles > VGPU_MAX_TILES ||
	    vram_mb < 2 || vram_mb > 1024 || vram_mb % 2) {
		pr_err("vgpu: devices=%u tiles=%u vram_mb=%u out of range (see modinfo)\n",
		       devices, tiles, vram_mb);
		return -EINVAL;
	}
	for (i = 0; i < devices; i++) {
		err = vgpu_device_create(i);
		if (err) {
			pr_err("vgpu: device %u: %d\n", i, err);
			while (i--)
				vgpu_device_destroy(vgpu_devices[i]);
			return err;
		}
	}
	return 0;
}

static void __exit vgpu_exit(void)
{
	unsigned int i;

	for (i = devices; i--;)
		if (vgpu_devices[i])
			vgpu_device_destroy(vgpu_devices[i]);
}

module_init(vgpu_init);
module_exit(vgpu_exit);

MODULE_DESCRIPTION("Virtual SVM GPU on drm_gpusvm and drm_pagemap, for the igt-svm suite");
MODULE_LICENSE("Dual MIT/GPL");
