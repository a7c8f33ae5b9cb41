/* SPDX-License-Identifier: MIT */
/* The command streamer's register file and compares (mi.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define VDEV_GPRS 16

struct vdev_regs {
	uint64_t gpr[VDEV_GPRS];
	uint64_t srca, srcb, accu;	/* MI_MATH's ALU */
	bool zf, cf;
};

/* A register by offset (engine-relative: the low 12 bits count). */
uint32_t vdev_reg_read(struct vdev_regs *r, uint32_t reg);
void vdev_reg_write(struct vdev_regs *r, uint32_t reg, uint32_t value);
/* Runs @n ALU instructions; -EINVAL for one the hardware does not have. */
int vdev_mi_math(struct vdev_regs *r, const uint32_t *ins, unsigned int n);
/*
 * The compare of MI_SEMAPHORE_WAIT (the wait ends when it holds) and
 * MI_COND_BATCH_BUFFER_END (the batch goes on while it holds): memory data
 * against inline data, mode 0 >, 1 >=, 2 <, 3 <=, 4 ==, 5 !=; 1, 0 or
 * -EINVAL for another mode.
 */
int vdev_mi_compare(unsigned int mode, uint32_t mem, uint32_t data);
