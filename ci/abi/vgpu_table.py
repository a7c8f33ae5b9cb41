# SPDX-License-Identifier: MIT
# include/uapi/vgpu_drm.h, the uAPI of the suite's own virtual SVM GPU
# (kmod/vgpu).  No real header declares it: the module includes ours, so
# there is nothing to compare with, and these numbers are the pin instead.
# Every sizeof, offset and ioctl number is written out here; a change to
# the header that moves one fails abi-check until this table (and the
# module, built from the same header) is changed with it on purpose.
from abitable import Table, Struct as S, Ioctl as I, Const as C


def _ioc(write_only, nr, size):
    """DRM_IOW/DRM_IOWR('d', DRM_COMMAND_BASE + nr, size)"""
    return ((1 if write_only else 3) << 30) | (size << 16) | (0x64 << 8) | (0x40 + nr)


TABLE = Table(
    name='vgpu',
    ours='include/uapi/vgpu_drm.h',
    theirs={},
    note='our own driver: no real header exists; the table pins the layout',
    structs=[
        S('drm_vgpu_device_query', 64,
          'device_index@0:4 num_tiles@4:4 vram_per_tile@8:8 page_size@16:8 '
          'num_chunks@24:4 pad@28:4 chunk_sizes@32:32'),
        S('drm_vgpu_vm_create', 8, 'mode@0:4 vm_id@4:4'),
        S('drm_vgpu_vm_destroy', 8, 'vm_id@0:4 pad@4:4'),
        S('drm_vgpu_bind', 24, 'vm_id@0:4 op@4:4 start@8:8 size@16:8'),
        S('drm_vgpu_exec', 64,
          'vm_id@0:4 op@4:4 flags@8:4 tile@12:4 addr@16:8 src@24:8 size@32:8 '
          'data@40:8 value@48:8 fence_fd@56:4 pad@60:4'),
        S('drm_vgpu_set_attr', 32,
          'vm_id@0:4 attr@4:4 start@8:8 size@16:8 value@24:4 pad@28:4'),
        S('drm_vgpu_prefetch', 32, 'vm_id@0:4 loc@4:4 start@8:8 size@16:8 moved@24:8'),
        S('drm_vgpu_evict', 32, 'vm_id@0:4 flags@4:4 start@8:8 size@16:8 evicted@24:8'),
        S('drm_vgpu_query_pages', 24, 'vm_id@0:4 npages@4:4 start@8:8 pages@16:8'),
        S('drm_vgpu_range', 24, 'start@0:8 size@8:8 flags@16:4 pad@20:4'),
        S('drm_vgpu_query_ranges', 32,
          'vm_id@0:4 count@4:4 start@8:8 size@16:8 ranges@24:8'),
        S('drm_vgpu_counters', 88,
          'faults@0:8 ranges_created@8:8 ranges_removed@16:8 pages_to_devmem@24:8 '
          'pages_to_ram@32:8 invalidations@40:8 evictions@48:8 gc_runs@56:8 '
          'revalidations@64:8 mixed_retries@72:8 migrate_failures@80:8'),
        S('drm_vgpu_query_counters', 16, 'vm_id@0:4 size@4:4 counters@8:8'),
    ],
    ioctls=[
        I('DRM_IOCTL_VGPU_DEVICE_QUERY', _ioc(False, 0x00, 64)),
        I('DRM_IOCTL_VGPU_VM_CREATE', _ioc(False, 0x01, 8)),
        I('DRM_IOCTL_VGPU_VM_DESTROY', _ioc(True, 0x02, 8)),
        I('DRM_IOCTL_VGPU_BIND', _ioc(True, 0x03, 24)),
        I('DRM_IOCTL_VGPU_EXEC', _ioc(False, 0x04, 64)),
        I('DRM_IOCTL_VGPU_SET_ATTR', _ioc(True, 0x05, 32)),
        I('DRM_IOCTL_VGPU_PREFETCH', _ioc(False, 0x06, 32)),
        I('DRM_IOCTL_VGPU_EVICT', _ioc(False, 0x07, 32)),
        I('DRM_IOCTL_VGPU_QUERY_PAGES', _ioc(True, 0x08, 24)),
        I('DRM_IOCTL_VGPU_QUERY_RANGES', _ioc(False, 0x09, 32)),
        I('DRM_IOCTL_VGPU_QUERY_COUNTERS', _ioc(False, 0x0a, 16)),
    ],
    consts=[
        C('DRM_VGPU_DEVICE_QUERY', 0x00), C('DRM_VGPU_VM_CREATE', 0x01),
        C('DRM_VGPU_VM_DESTROY', 0x02), C('DRM_VGPU_BIND', 0x03),
        C('DRM_VGPU_EXEC', 0x04), C('DRM_VGPU_SET_ATTR', 0x05),
        C('DRM_VGPU_PREFETCH', 0x06), C('DRM_VGPU_EVICT', 0x07),
        C('DRM_VGPU_QUERY_PAGES', 0x08), C('DRM_VGPU_QUERY_RANGES', 0x09),
        C('DRM_VGPU_QUERY_COUNTERS', 0x0a),
        C('VGPU_MAX_TILES', 4), C('VGPU_MAX_CHUNKS', 4),
        C('VGPU_VM_MODE_FAULT', 0), C('VGPU_VM_MODE_IOCTL', 1),
        C('VGPU_BIND_MAP', 0), C('VGPU_BIND_UNMAP', 1),
        C('VGPU_EXEC_READ', 0), C('VGPU_EXEC_WRITE', 1), C('VGPU_EXEC_COPY', 2),
        C('VGPU_EXEC_ATOMIC_INC', 3), C('VGPU_EXEC_ASYNC', 1 << 0),
        C('VGPU_EXEC_MAX_SIZE', 256 << 20),
        C('VGPU_LOC_SYSTEM', -1), C('VGPU_LOC_FAULTING_TILE', -2),
        C('VGPU_ATTR_PREFERRED_LOC', 0),
        C('VGPU_EVICT_ALL', 1 << 0),
        C('VGPU_QUERY_MAX_PAGES', 1 << 20),
        C('VGPU_PAGE_WHERE_MASK', 0xff), C('VGPU_PAGE_NONE', 0), C('VGPU_PAGE_SYSTEM', 1),
        C('VGPU_PAGE_TILE', 2), C('VGPU_PAGE_TILE_SHIFT', 8),
        C('VGPU_PAGE_TILE_OF(0x0300u | VGPU_PAGE_TILE)', 3),
        C('VGPU_PAGE_WRITABLE', 1 << 16), C('VGPU_PAGE_HUGE', 1 << 17),
        C('VGPU_PAGE_RESIDENT', 1 << 18),
        C('VGPU_RANGE_UNMAPPED', 1 << 0), C('VGPU_RANGE_PARTIAL', 1 << 1),
        C('VGPU_RANGE_DEVMEM', 1 << 2), C('VGPU_RANGE_MAPPED', 1 << 3),
        C('VGPU_RANGE_MIGRATABLE', 1 << 4),
    ],
)
