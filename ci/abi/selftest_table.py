# SPDX-License-Identifier: MIT
# Self-test of ci/abi-check: ci/abi/selftest-wrong.h (wrong on purpose) is
# compared, as "ours", with include/uapi/hmm_dmirror.h as "theirs", and
# also with the numbers below.  The checker must report exactly the labels
# in MUST_FAIL and none in MUST_PASS; with include/uapi/hmm_dmirror.h as
# "ours" it must pass.  Numbers are 40-byte-struct _IOWR('H', nr) values.
from abitable import Table, Struct as S, Ioctl as I, Const as C

TABLE = Table(
    name='selftest',
    ours='ci/abi/selftest-wrong.h',
    theirs={'tree': ['include/uapi/hmm_dmirror.h']},
    structs=[
        S('hmm_dmirror_cmd', 40,
          'addr@0:8 ptr@8:8 npages@16:8 cpages@24:8 faults@32:8'),
    ],
    ioctls=[
        I('HMM_DMIRROR_READ', 0xc0284800),
        I('HMM_DMIRROR_SNAPSHOT', 0xc0284804),
    ],
    consts=[
        C('HMM_DMIRROR_PROT_READ', 0x01),
        C('HMM_DMIRROR_PROT_WRITE', 0x02),
        C('HMM_DMIRROR_SELFTEST_ONLY', None),
    ],
)

GOOD_OURS = 'include/uapi/hmm_dmirror.h'

MUST_FAIL = [
    'sizeof(struct hmm_dmirror_cmd)',
    'offsetof(hmm_dmirror_cmd.ptr)',
    'offsetof(hmm_dmirror_cmd.npages)',
    'sizeof(hmm_dmirror_cmd.faults)',
    'HMM_DMIRROR_SNAPSHOT',
    'HMM_DMIRROR_READ',         # right number, but it encodes the wrong size
    'HMM_DMIRROR_PROT_WRITE',
]
MUST_PASS = [
    'offsetof(hmm_dmirror_cmd.addr)',
    'offsetof(hmm_dmirror_cmd.cpages)',
    'offsetof(hmm_dmirror_cmd.faults)',
    'sizeof(hmm_dmirror_cmd.ptr)',
    'HMM_DMIRROR_PROT_READ',
]
MUST_SKIP = ['HMM_DMIRROR_SELFTEST_ONLY']
