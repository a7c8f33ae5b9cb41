# SPDX-License-Identifier: MIT
# include/uapi/xe_svm_drm.h against xe_drm.h.  Offsets, sizes and ioctl
# encodings are the ones in the reference notes (xe-uapi-and-fixes.md);
# names without numbers there are only compared with real headers.
from abitable import Table, Struct as S, Ioctl as I, Const as C

TABLE = Table(
    name='xe',
    ours='include/uapi/xe_svm_drm.h',
    theirs={
        'linux-source': ['include/uapi/drm/xe_drm.h'],
        'libdrm': ['xe_drm.h'],
        'linux-libc-dev': ['drm/xe_drm.h'],
    },
    structs=[
        S('drm_xe_device_query', 40,
          'extensions@0:8 query@8:4 size@12:4 data@16:8 reserved@24:16'),
        S('drm_xe_engine_class_instance', 8,
          'engine_class@0:2 engine_instance@2:2 gt_id@4:2 pad@6:2'),
        S('drm_xe_engine', 32, 'instance@0:8 reserved@8:24'),
        S('drm_xe_query_engines', 8,
          'num_engines@0:4 pad@4:4 engines[]@8:32'),
        S('drm_xe_mem_region', 88,
          'mem_class@0:2 instance@2:2 min_page_size@4:4 total_size@8:8 '
          'used@16:8 cpu_visible_size@24:8 cpu_visible_used@32:8 '
          'reserved@40:48'),
        S('drm_xe_query_mem_regions', 8,
          'num_mem_regions@0:4 pad@4:4 mem_regions[]@8:88'),
        S('drm_xe_query_config', 8, 'num_params@0:4 pad@4:4 info[]@8:8'),
        S('drm_xe_gt', 96,
          'type@0:2 tile_id@2:2 gt_id@4:2 pad@6:6 reference_clock@12:4 '
          'near_mem_regions@16:8 far_mem_regions@24:8 ip_ver_major@32:2 '
          'ip_ver_minor@34:2 ip_ver_rev@36:2 pad2@38:2 reserved@40:56'),
        S('drm_xe_query_gt_list', 8, 'num_gt@0:4 pad@4:4 gt_list[]@8:96'),
        S('drm_xe_query_topology_mask', 8,
          'gt_id@0:2 type@2:2 num_bytes@4:4 mask[]@8:1'),
        S('drm_xe_query_engine_cycles', 40,
          'eci@0:8 clockid@8:4 width@12:4 engine_cycles@16:8 '
          'cpu_timestamp@24:8 cpu_delta@32:8'),
        S('drm_xe_query_uc_fw_version', 32,
          'uc_type@0:2 pad@2:2 branch_ver@4:4 major_ver@8:4 minor_ver@12:4 '
          'patch_ver@16:4 pad2@20:4 reserved@24:8'),
        S('drm_xe_query_pxp_status', 8, 'status@0:4 supported_session_types@4:4',
          since='>6.12'),  # 6.14
        S('drm_xe_query_eu_stall', 80,
          'extensions@0:8 capabilities@8:8 record_size@16:8 per_xecore_buf_size@24:8 '
          'reserved@32:40 num_sampling_rates@72:8 sampling_rates[]@80:8',
          since='>6.12'),  # 6.15
        S('drm_xe_gem_create', 56,
          'extensions@0:8 size@8:8 placement@16:4 flags@20:4 vm_id@24:4 '
          'handle@28:4 cpu_caching@32:2 pad@34:6 reserved@40:16'),
        S('drm_xe_gem_mmap_offset', 40,
          'extensions@0:8 handle@8:4 flags@12:4 offset@16:8 reserved@24:16'),
        S('drm_xe_vm_create', 32,
          'extensions@0:8 flags@8:4 vm_id@12:4 reserved@16:16'),
        S('drm_xe_vm_destroy', 24, 'vm_id@0:4 pad@4:4 reserved@8:16'),
        S('drm_xe_vm_bind_op', 80,
          'extensions@0:8 obj@8:4 pat_index@12:2 pad@14:2 obj_offset@16:8 '
          'userptr@16:8 cpu_addr_mirror_offset@16:8+>6.12 range@24:8 '
          'addr@32:8 op@40:4 flags@44:4 prefetch_mem_region_instance@48:4 '
          'pad2@52:4 reserved@56:24'),
        S('drm_xe_vm_bind', 136,
          'extensions@0:8 vm_id@8:4 exec_queue_id@12:4 pad@16:4 '
          'num_binds@20:4 bind@24:80 vector_of_binds@24:8 pad2@104:4 '
          'num_syncs@108:4 syncs@112:8 reserved@120:16'),
        S('drm_xe_exec_queue_create', 48,
          'extensions@0:8 width@8:2 num_placements@10:2 vm_id@12:4 '
          'flags@16:4 exec_queue_id@20:4 instances@24:8 reserved@32:16'),
        S('drm_xe_exec_queue_destroy', 24,
          'exec_queue_id@0:4 pad@4:4 reserved@8:16'),
        S('drm_xe_exec_queue_get_property', 40,
          'extensions exec_queue_id property value reserved'),
        S('drm_xe_exec_queue_set_property', 40,
          'extensions exec_queue_id property value reserved', since='>6.12'),
        S('drm_xe_sync', 48,
          'extensions@0:8 type@8:4 flags@12:4 handle addr@16:8 '
          'timeline_value@24:8 reserved@32:16'),
        S('drm_xe_exec', 56,
          'extensions@0:8 exec_queue_id@8:4 num_syncs@12:4 syncs@16:8 '
          'address@24:8 num_batch_buffer@32:2 pad@34:6 reserved@40:16'),
        S('drm_xe_wait_user_fence', 72,
          'extensions@0:8 addr@8:8 op@16:2 flags@18:2 pad@20:4 value@24:8 '
          'mask@32:8 timeout@40:8 exec_queue_id@48:4 pad2@52:4 '
          'reserved@56:16'),
        S('drm_xe_madvise', 64,
          'extensions@0:8 start@8:8 range@16:8 vm_id@24:4 type@28:4 '
          'preferred_mem_loc.devmem_fd@32:4 '
          'preferred_mem_loc.migration_policy@36:2 '
          'preferred_mem_loc.region_instance@38:2+>6.18 '
          'preferred_mem_loc.reserved@40:8 '
          'atomic.val@32:4 atomic.pad atomic.reserved '
          'pat_index.val@32:4 pat_index.pad pat_index.reserved '
          'reserved@48:16', since='6.18'),
        S('drm_xe_mem_range_attr', 64,
          'extensions@0:8 start@8:8 end@16:8 '
          'preferred_mem_loc.devmem_fd@24:4 '
          'preferred_mem_loc.migration_policy@28:4 '
          'atomic.val@32:4 atomic.reserved pat_index.val@40:4 '
          'pat_index.reserved reserved@48:16', since='6.18'),
        S('drm_xe_vm_query_mem_range_attr', 64,
          'extensions@0:8 vm_id@8:4 num_mem_ranges@12:4 start@16:8 '
          'range@24:8 sizeof_mem_range_attr@32:8 vector_of_mem_attr@40:8 '
          'reserved@48:16', since='6.18'),
        S('drm_xe_vm_get_property', 56,
          'extensions vm_id property size pad data value reserved',
          since='7.1'),
    ],
    ioctls=[
        I('DRM_IOCTL_XE_DEVICE_QUERY', 0xc0286440),
        I('DRM_IOCTL_XE_GEM_CREATE', 0xc0386441),
        I('DRM_IOCTL_XE_GEM_MMAP_OFFSET', 0xc0286442),
        I('DRM_IOCTL_XE_VM_CREATE', 0xc0206443),
        I('DRM_IOCTL_XE_VM_DESTROY', 0x40186444),
        I('DRM_IOCTL_XE_VM_BIND', 0x40886445),
        I('DRM_IOCTL_XE_EXEC_QUEUE_CREATE', 0xc0306446),
        I('DRM_IOCTL_XE_EXEC_QUEUE_DESTROY', 0x40186447),
        I('DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY', 0xc0286448),
        I('DRM_IOCTL_XE_EXEC', 0x40386449),
        I('DRM_IOCTL_XE_WAIT_USER_FENCE', 0xc048644a),
        I('DRM_IOCTL_XE_MADVISE', 0x4040644c, since='6.18'),
        I('DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS', 0xc040644d, since='6.18'),
        I('DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY', 0x4028644e, since='>6.12'),
        I('DRM_IOCTL_XE_VM_GET_PROPERTY', 0xc038644f, since='7.1'),
    ],
    consts=[
        C('DRM_XE_DEVICE_QUERY', 0x00), C('DRM_XE_GEM_CREATE', 0x01),
        C('DRM_XE_GEM_MMAP_OFFSET', 0x02), C('DRM_XE_VM_CREATE', 0x03),
        C('DRM_XE_VM_DESTROY', 0x04), C('DRM_XE_VM_BIND', 0x05),
        C('DRM_XE_EXEC_QUEUE_CREATE', 0x06),
        C('DRM_XE_EXEC_QUEUE_DESTROY', 0x07),
        C('DRM_XE_EXEC_QUEUE_GET_PROPERTY', 0x08), C('DRM_XE_EXEC', 0x09),
        C('DRM_XE_WAIT_USER_FENCE', 0x0a),
        C('DRM_XE_MADVISE', 0x0c, since='6.18'),
        C('DRM_XE_VM_QUERY_MEM_RANGE_ATTRS', 0x0d, since='6.18'),
        C('DRM_XE_EXEC_QUEUE_SET_PROPERTY', 0x0e, since='>6.12'),
        C('DRM_XE_VM_GET_PROPERTY', 0x0f, since='7.1'),

        C('DRM_XE_DEVICE_QUERY_ENGINES', 0),
        C('DRM_XE_DEVICE_QUERY_MEM_REGIONS', 1),
        C('DRM_XE_DEVICE_QUERY_CONFIG', 2),
        C('DRM_XE_DEVICE_QUERY_GT_LIST', 3),
        C('DRM_XE_DEVICE_QUERY_HWCONFIG', 4),
        C('DRM_XE_DEVICE_QUERY_GT_TOPOLOGY', 5),
        C('DRM_XE_DEVICE_QUERY_ENGINE_CYCLES', 6),
        C('DRM_XE_DEVICE_QUERY_UC_FW_VERSION', 7),
        C('DRM_XE_DEVICE_QUERY_OA_UNITS', 8),
        C('DRM_XE_DEVICE_QUERY_PXP_STATUS', 9, since='>6.12'),
        C('DRM_XE_DEVICE_QUERY_EU_STALL', 10, since='>6.12'),

        C('DRM_XE_ENGINE_CLASS_RENDER', 0), C('DRM_XE_ENGINE_CLASS_COPY', 1),
        C('DRM_XE_ENGINE_CLASS_VIDEO_DECODE', 2),
        C('DRM_XE_ENGINE_CLASS_VIDEO_ENHANCE', 3),
        C('DRM_XE_ENGINE_CLASS_COMPUTE', 4),
        C('DRM_XE_ENGINE_CLASS_VM_BIND', 5),
        C('DRM_XE_MEM_REGION_CLASS_SYSMEM', 0),
        C('DRM_XE_MEM_REGION_CLASS_VRAM', 1),

        C('DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID', 0),
        C('DRM_XE_QUERY_CONFIG_FLAGS', 1),
        C('DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM', 1 << 0),
        C('DRM_XE_QUERY_CONFIG_FLAG_HAS_LOW_LATENCY', 1 << 1, since='>6.12'),
        C('DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR', 1 << 2,
          since='>6.12'),
        C('DRM_XE_QUERY_CONFIG_MIN_ALIGNMENT', 2),
        C('DRM_XE_QUERY_CONFIG_VA_BITS', 3),
        C('DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY', 4),
        C('DRM_XE_QUERY_GT_TYPE_MAIN', 0), C('DRM_XE_QUERY_GT_TYPE_MEDIA', 1),

        C('DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING', 1 << 0),
        C('DRM_XE_GEM_CREATE_FLAG_SCANOUT', 1 << 1),
        C('DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM', 1 << 2),
        C('DRM_XE_GEM_CPU_CACHING_WB', 1), C('DRM_XE_GEM_CPU_CACHING_WC', 2),
        C('DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE', 1 << 0),
        C('DRM_XE_VM_CREATE_FLAG_LR_MODE', 1 << 1),
        C('DRM_XE_VM_CREATE_FLAG_FAULT_MODE', 1 << 2),

        C('DRM_XE_VM_BIND_OP_MAP', 0), C('DRM_XE_VM_BIND_OP_UNMAP', 1),
        C('DRM_XE_VM_BIND_OP_MAP_USERPTR', 2),
        C('DRM_XE_VM_BIND_OP_UNMAP_ALL', 3),
        C('DRM_XE_VM_BIND_OP_PREFETCH', 4),
        C('DRM_XE_VM_BIND_FLAG_READONLY', 1 << 0),
        C('DRM_XE_VM_BIND_FLAG_IMMEDIATE', 1 << 1),
        C('DRM_XE_VM_BIND_FLAG_NULL', 1 << 2),
        C('DRM_XE_VM_BIND_FLAG_DUMPABLE', 1 << 3),
        C('DRM_XE_VM_BIND_FLAG_CHECK_PXP', 1 << 4, since='>6.12'),
        C('DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR', 1 << 5, since='>6.12'),
        C('DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET', 1 << 6, since='6.18'),
        C('DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC', -1, since='6.18'),

        C('DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN', 0),
        C('DRM_XE_SYNC_TYPE_SYNCOBJ', 0),
        C('DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ', 1),
        C('DRM_XE_SYNC_TYPE_USER_FENCE', 2),
        C('DRM_XE_SYNC_FLAG_SIGNAL', 1 << 0),
        C('DRM_XE_UFENCE_WAIT_OP_EQ', 0), C('DRM_XE_UFENCE_WAIT_OP_NEQ', 1),
        C('DRM_XE_UFENCE_WAIT_OP_GT', 2), C('DRM_XE_UFENCE_WAIT_OP_GTE', 3),
        C('DRM_XE_UFENCE_WAIT_OP_LT', 4), C('DRM_XE_UFENCE_WAIT_OP_LTE', 5),
        C('DRM_XE_UFENCE_WAIT_FLAG_ABSTIME', 1 << 0),

        C('DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC', 0, since='6.18'),
        C('DRM_XE_MEM_RANGE_ATTR_ATOMIC', 1, since='6.18'),
        C('DRM_XE_MEM_RANGE_ATTR_PAT', 2, since='6.18'),
        C('DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE', 0, since='6.18'),
        C('DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM', -1, since='6.18'),
        C('DRM_XE_MIGRATE_ALL_PAGES', 0, since='6.18'),
        C('DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES', 1, since='6.18'),
        C('DRM_XE_ATOMIC_UNDEFINED', 0, since='6.18'),
        C('DRM_XE_ATOMIC_DEVICE', 1, since='6.18'),
        C('DRM_XE_ATOMIC_GLOBAL', 2, since='6.18'),
        C('DRM_XE_ATOMIC_CPU', 3, since='6.18'),
        C('DRM_XE_VM_GET_PROPERTY_FAULTS', 0, since='7.1'),
    ],
)
