/* SPDX-License-Identifier: MIT */
/*
 * test_hmm's raw commands: the single ioctl path every backend op goes
 * through, and the meaning of SNAPSHOT bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hmm_backend.h"
#include "util.h"

int __hmm_cmd(struct svm_dev *dev, unsigned long ioctl_nr, void *addr, void *ptr,
	      uint64_t npages, struct hmm_dmirror_cmd *out)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)addr,
		.ptr = (uintptr_t)ptr,
		.npages = npages,
	};
	/*
	 * test_hmm copies the command back on success only, so a restarted
	 * command is the one we built.
	 */
	int ret = ioctl_restarting(dev->fd, ioctl_nr, &cmd);

	if (!ret)
		dev->faults += cmd.faults;
	if (out)
		*out = cmd;
	return ret;
}

int __hmm_snapshot(struct svm_dev *dev, const void *addr, size_t npages, uint8_t *raw)
{
	return __hmm_cmd(dev, HMM_DMIRROR_SNAPSHOT, (void *)addr, raw, npages, NULL);
}

/*
 * A SNAPSHOT byte is a page-kind code in the high nibble (values, not bits:
 * 0x30 is not 0x10|0x20) OR-ed with protection and level bits in the low one.
 */
#define HMM_KIND_MASK 0xf0

static const struct {
	uint8_t code;
	enum svm_residency where;
	unsigned int prot;
	const char *name;
} kinds[] = {
	{ 0x00, SVM_RES_SYSTEM, 0, "system" },
	{ HMM_DMIRROR_PROT_ZERO, SVM_RES_SYSTEM, SVM_PROT_ZERO, "zero" },
	{ HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL, SVM_RES_LOCAL, 0, "dev-private-local" },
	{ HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE, SVM_RES_REMOTE, 0, "dev-private-remote" },
	{ HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL, SVM_RES_LOCAL, 0, "dev-coherent-local" },
	{ HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE, SVM_RES_REMOTE, 0, "dev-coherent-remote" },
};

static const struct {
	uint8_t bit;
	unsigned int prot;
	const char *name;
} prot_bits[] = {
	{ HMM_DMIRROR_PROT_READ, SVM_PROT_READ, "read" },
	{ HMM_DMIRROR_PROT_WRITE, SVM_PROT_WRITE, "write" },
	{ HMM_DMIRROR_PROT_PMD, SVM_PROT_PMD, "pmd" },
	{ HMM_DMIRROR_PROT_PUD, SVM_PROT_PUD, "pud" },
};

void hmm_decode_prot(uint8_t raw, struct svm_page_state *out)
{
	out->where = SVM_RES_UNKNOWN;
	out->prot = 0;
	if (raw == HMM_DMIRROR_PROT_ERROR) {	/* hole, or nothing may map it */
		out->where = SVM_RES_NONE;
		out->prot = SVM_PROT_ERROR;
		return;
	}
	if (raw == HMM_DMIRROR_PROT_NONE) {	/* not populated / not mapped */
		out->where = SVM_RES_NONE;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if ((raw & HMM_KIND_MASK) == kinds[i].code) {
			out->where = kinds[i].where;
			out->prot = kinds[i].prot;
		}
	for (size_t i = 0; i < ARRAY_SIZE(prot_bits); i++)
		if (raw & prot_bits[i].bit)
			out->prot |= prot_bits[i].prot;
}

const char *hmm_prot_name(uint8_t raw, char *buf, size_t len)
{
	const char *kind = NULL;
	size_t n;

	if (raw == HMM_DMIRROR_PROT_ERROR || raw == HMM_DMIRROR_PROT_NONE) {
		snprintf(buf, len, raw ? "error" : "none");
		return buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if ((raw & HMM_KIND_MASK) == kinds[i].code)
			kind = kinds[i].name;
	if (kind)
		n = snprintf(buf, len, "%s", kind);
	else
		n = snprintf(buf, len, "kind-%#x", raw & HMM_KIND_MASK);
	for (size_t i = 0; i < ARRAY_SIZE(prot_bits); i++)
		if (raw & prot_bits[i].bit)
			n += snprintf(buf + n, n < len ? len - n : 0, "|%s", prot_bits[i].name);
	return buf;
}

static const struct {
	unsigned long nr;
	const char *name;
} cmd_names[] = {
	{ HMM_DMIRROR_READ, "READ" },
	{ HMM_DMIRROR_WRITE, "WRITE" },
	{ HMM_DMIRROR_MIGRATE_TO_DEV, "MIGRATE_TO_DEV" },
	{ HMM_DMIRROR_MIGRATE_TO_SYS, "MIGRATE_TO_SYS" },
	{ HMM_DMIRROR_SNAPSHOT, "SNAPSHOT" },
	{ HMM_DMIRROR_EXCLUSIVE, "EXCLUSIVE" },
	{ HMM_DMIRROR_CHECK_EXCLUSIVE, "CHECK_EXCLUSIVE" },
	{ HMM_DMIRROR_RELEASE, "RELEASE" },
	{ HMM_DMIRROR_FLAGS, "FLAGS" },
	{ HMM_DMIRROR_READ_UNLOCKED, "READ_UNLOCKED" },
};

const char *hmm_cmd_name(unsigned long ioctl_nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmd_names); i++)
		if (cmd_names[i].nr == ioctl_nr)
			return cmd_names[i].name;
	return "unknown";
}
