# SPDX-License-Identifier: MIT
# include/uapi/amdgpu_svm_drm.h.  The SVM ioctl is an RFC (v1 and v8, see
# the header): no real amdgpu_drm.h has it, so its items are marked
# since='rfc' and are checked only against the numbers below, which follow
# the reference notes (amd-uapi-kfdtest-pagesize.md section 3).  Should a
# real header ever carry struct drm_amdgpu_gem_svm, the struct layouts get
# compared automatically.
from abitable import Table, Struct as S, Ioctl as I, Const as C

_V1 = [
    ('FLAG_HOST_ACCESS', 0x01), ('FLAG_COHERENT', 0x02),
    ('FLAG_HIVE_LOCAL', 0x04), ('FLAG_GPU_RO', 0x08),
    ('FLAG_GPU_EXEC', 0x10), ('FLAG_GPU_READ_MOSTLY', 0x20),
    ('FLAG_GPU_ALWAYS_MAPPED', 0x40), ('FLAG_EXT_COHERENT', 0x80),
    ('OP_SET_ATTR', 0), ('OP_GET_ATTR', 1),
    ('ATTR_PREFERRED_LOC', 0), ('ATTR_PREFETCH_LOC', 1), ('ATTR_ACCESS', 2),
    ('ATTR_ACCESS_IN_PLACE', 3), ('ATTR_NO_ACCESS', 4),
    ('ATTR_SET_FLAGS', 5), ('ATTR_CLR_FLAGS', 6), ('ATTR_GRANULARITY', 7),
    ('LOCATION_SYSMEM', 0), ('LOCATION_UNDEFINED', 0xffffffff),
]
_V8 = [
    ('OP_SET_ATTR', 0), ('OP_GET_ATTR', 1), ('OP_RESET_ATTR', 2),
    ('ACCESS_INACCESSIBLE', 0), ('ACCESS_IN_PLACE', 1),
    ('ACCESS_ALLOW_MIGRATE', 2),
    ('LOCATION_SYSMEM', 0), ('LOCATION_UNDEFINED', 0xffffffff),
    ('ATTR_PREFERRED_LOC', 0), ('ATTR_PREFETCH_LOC', 1), ('ATTR_ACCESS', 2),
    ('ATTR_GRANULARITY', 3), ('ATTR_HOST_ACCESS', 4), ('ATTR_COHERENT', 5),
    ('ATTR_EXT_COHERENT', 6), ('ATTR_HIVE_LOCAL', 7), ('ATTR_GPU_RO', 8),
    ('ATTR_GPU_EXEC', 9), ('ATTR_GPU_READ_MOSTLY', 10),
]

TABLE = Table(
    name='amdgpu',
    ours='include/uapi/amdgpu_svm_drm.h',
    theirs={
        'linux-source': ['include/uapi/drm/amdgpu_drm.h'],
        'libdrm': ['amdgpu_drm.h'],
        'linux-libc-dev': ['drm/amdgpu_drm.h'],
    },
    note='the SVM RFC (v1, v8) is in no real header: only the upstream '
         'neighbours are compared, the RFC against the reference numbers',
    structs=[
        S('drm_amdgpu_svm_attribute', 8, 'type@0:4 value@4:4', since='rfc'),
        S('drm_amdgpu_gem_svm', 32,
          'start_addr@0:8 size@8:8 operation@16:4 nattr@20:4 attrs_ptr@24:8',
          since='rfc'),
        S('drm_amdgpu_info_gpuvm_fault', 16, 'addr@0:8 status@8:4 vmhub@12:4'),
    ],
    ioctls=[
        # DRM_IOWR(0x40 + nr, 32 bytes)
        I('DRM_IOCTL_AMDGPU_GEM_SVM_V1', 0xc020645a, since='rfc'),
        I('DRM_IOCTL_AMDGPU_GEM_SVM_V8', 0xc020645b, since='rfc'),
    ],
    consts=[
        C('AMDGPU_INFO_GPUVM_FAULT', 0x23),
        C('DRM_AMDGPU_GEM_LIST_HANDLES', 0x19, since='>6.12'),
        C('DRM_AMDGPU_PROC_OPTIONS', 0x1a, since='>6.12'),
        C('DRM_AMDGPU_GEM_SVM_V1', 0x1a, since='rfc'),
        C('DRM_AMDGPU_GEM_SVM_V8', 0x1b, since='rfc'),
    ] + [C('AMDGPU_SVM_V1_' + n, v, since='rfc') for n, v in _V1]
      + [C('AMDGPU_SVM_V8_' + n, v, since='rfc') for n, v in _V8],
)
