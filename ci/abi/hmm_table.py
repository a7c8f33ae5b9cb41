# SPDX-License-Identifier: MIT
# include/uapi/hmm_dmirror.h against the kernel's lib/test_hmm_uapi.h (not
# an installed header: only the linux-source tarball has it).  The 5.x
# numbering (HMM_DMIRROR_V5_*) exists in no 6.x header: since='v5'.
from abitable import Table, Struct as S, Ioctl as I, Const as C


def _cmd(nr):
    """_IOWR('H', nr, 40-byte struct hmm_dmirror_cmd)"""
    return 0xc0284800 | nr


TABLE = Table(
    name='hmm',
    ours='include/uapi/hmm_dmirror.h',
    theirs={'linux-source': ['lib/test_hmm_uapi.h']},
    structs=[
        S('hmm_dmirror_cmd', 40,
          'addr@0:8 ptr@8:8 npages@16:8 cpages@24:8 faults@32:8'),
    ],
    ioctls=[
        I('HMM_DMIRROR_READ', _cmd(0x00)),
        I('HMM_DMIRROR_WRITE', _cmd(0x01)),
        I('HMM_DMIRROR_MIGRATE_TO_DEV', _cmd(0x02)),
        I('HMM_DMIRROR_MIGRATE_TO_SYS', _cmd(0x03)),
        I('HMM_DMIRROR_SNAPSHOT', _cmd(0x04)),
        I('HMM_DMIRROR_EXCLUSIVE', _cmd(0x05)),
        I('HMM_DMIRROR_CHECK_EXCLUSIVE', _cmd(0x06)),
        I('HMM_DMIRROR_RELEASE', _cmd(0x07), since='6.1'),
        I('HMM_DMIRROR_FLAGS', _cmd(0x08), since='>6.18'),
        I('HMM_DMIRROR_READ_UNLOCKED', _cmd(0x09), since='7.3'),
        I('HMM_DMIRROR_V5_READ', _cmd(0x00), since='v5'),
        I('HMM_DMIRROR_V5_WRITE', _cmd(0x01), since='v5'),
        I('HMM_DMIRROR_V5_MIGRATE', _cmd(0x02), since='v5'),
        I('HMM_DMIRROR_V5_SNAPSHOT', _cmd(0x03), since='v5'),
        I('HMM_DMIRROR_V5_EXCLUSIVE', _cmd(0x04), since='v5'),
        I('HMM_DMIRROR_V5_CHECK_EXCLUSIVE', _cmd(0x05), since='v5'),
    ],
    consts=[
        C('HMM_DMIRROR_FLAG_FAIL_ALLOC', 1, since='>6.18'),
        C('HMM_DMIRROR_PROT_ERROR', 0xff), C('HMM_DMIRROR_PROT_NONE', 0x00),
        C('HMM_DMIRROR_PROT_READ', 0x01), C('HMM_DMIRROR_PROT_WRITE', 0x02),
        C('HMM_DMIRROR_PROT_PMD', 0x04), C('HMM_DMIRROR_PROT_PUD', 0x08),
        C('HMM_DMIRROR_PROT_ZERO', 0x10),
        C('HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL', 0x20),
        C('HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE', 0x30),
        C('HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL', 0x40),
        C('HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE', 0x50),
        C('HMM_DMIRROR_MEMORY_DEVICE_PRIVATE', 1),
        C('HMM_DMIRROR_MEMORY_DEVICE_COHERENT', 2),
    ],
)
