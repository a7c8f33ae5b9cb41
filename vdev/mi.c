/* SPDX-License-Identifier: MIT */
/*
 * The command streamer's registers and compares, for the commands IGT's
 * spinners and timestamp batches use: general purpose registers (CS_GPR,
 * 0x600 + 8 n, 64 bits each), the timestamps (RING 0x358, CTX 0x3a8,
 * QUEUE 0x4c0: ticks of the 19.2 MHz reference clock the GT list reports),
 * MI_MATH's ALU and the compare modes of MI_SEMAPHORE_WAIT and
 * MI_COND_BATCH_BUFFER_END.  Offsets are taken relative to the engine
 * (the low 12 bits): vdev has one register file per running batch.
 */
#include <errno.h>
#include <time.h>

#include "mi.h"

#define REF_CLOCK_HZ 19200000ull
#define GPR_BASE 0x600
#define RING_TIMESTAMP 0x358
#define CTX_TIMESTAMP 0x3a8
#define QUEUE_TIMESTAMP 0x4c0

/* ALU opcodes and operands (MI_MATH). */
#define ALU_NOOP 0x000
#define ALU_LOAD 0x080
#define ALU_LOADINV 0x480
#define ALU_LOAD0 0x081
#define ALU_LOAD1 0x481
#define ALU_ADD 0x100
#define ALU_SUB 0x101
#define ALU_AND 0x102
#define ALU_OR 0x103
#define ALU_XOR 0x104
#define ALU_STORE 0x180
#define ALU_STOREINV 0x580
#define ALU_SRCA 0x20
#define ALU_SRCB 0x21
#define ALU_ACCU 0x31
#define ALU_ZF 0x32
#define ALU_CF 0x33

static uint64_t ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000000000ull + ts.tv_nsec) * REF_CLOCK_HZ / 1000000000ull;
}

uint32_t vdev_reg_read(struct vdev_regs *r, uint32_t reg)
{
	reg &= 0xfff;
	if (reg >= GPR_BASE && reg < GPR_BASE + 8 * VDEV_GPRS)
		return (uint32_t)(r->gpr[(reg - GPR_BASE) / 8] >> (reg & 4 ? 32 : 0));
	switch (reg) {
	case RING_TIMESTAMP:
	case CTX_TIMESTAMP:
	case QUEUE_TIMESTAMP:
		return (uint32_t)ticks();
	case RING_TIMESTAMP + 4:
		return (uint32_t)(ticks() >> 32);
	default:
		return 0;	/* other registers read as 0: nothing in vdev drives them */
	}
}

void vdev_reg_write(struct vdev_regs *r, uint32_t reg, uint32_t value)
{
	reg &= 0xfff;
	if (reg >= GPR_BASE && reg < GPR_BASE + 8 * VDEV_GPRS) {
		uint64_t *g = &r->gpr[(reg - GPR_BASE) / 8];
		unsigned int shift = reg & 4 ? 32 : 0;

		*g = (*g & ~(0xffffffffull << shift)) | (uint64_t)value << shift;
	}
	/* Writes to other registers (timestamps included) have no effect here. */
}

static int operand(struct vdev_regs *r, uint32_t which, uint64_t *out)
{
	if (which < VDEV_GPRS)
		*out = r->gpr[which];
	else if (which == ALU_ACCU)
		*out = r->accu;
	else if (which == ALU_ZF)
		*out = r->zf;
	else if (which == ALU_CF)
		*out = r->cf;
	else
		return -EINVAL;
	return 0;
}

int vdev_mi_math(struct vdev_regs *r, const uint32_t *ins, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t op = ins[i] >> 20, a = (ins[i] >> 10) & 0x3ff, b = ins[i] & 0x3ff;
		uint64_t *dst = a == ALU_SRCA ? &r->srca : a == ALU_SRCB ? &r->srcb : NULL, v;

		switch (op) {
		case ALU_NOOP:
			break;
		case ALU_LOAD:
		case ALU_LOADINV:
			if (!dst || operand(r, b, &v))
				return -EINVAL;
			*dst = op == ALU_LOAD ? v : ~v;
			break;
		case ALU_LOAD0:
		case ALU_LOAD1:
			if (!dst)
				return -EINVAL;
			*dst = op == ALU_LOAD0 ? 0 : 1;
			break;
		case ALU_ADD:
			r->accu = r->srca + r->srcb;
			r->cf = r->accu < r->srca;
			break;
		case ALU_SUB:
			r->accu = r->srca - r->srcb;
			r->cf = r->srca < r->srcb;
			break;
		case ALU_AND: r->accu = r->srca & r->srcb; break;
		case ALU_OR: r->accu = r->srca | r->srcb; break;
		case ALU_XOR: r->accu = r->srca ^ r->srcb; break;
		case ALU_STORE:
		case ALU_STOREINV:
			if (a >= VDEV_GPRS || operand(r, b, &v))
				return -EINVAL;
			r->gpr[a] = op == ALU_STORE ? v : ~v;
			break;
		default:
			return -EINVAL;
		}
		if (op >= ALU_ADD && op <= ALU_XOR)
			r->zf = r->accu == 0;
	}
	return 0;
}

int vdev_mi_compare(unsigned int mode, uint32_t mem, uint32_t data)
{
	switch (mode) {
	case 0: return mem > data;
	case 1: return mem >= data;
	case 2: return mem < data;
	case 3: return mem <= data;
	case 4: return mem == data;
	case 5: return mem != data;
	default: return -EINVAL;
	}
}
