/* SPDX-License-Identifier: MIT */
/*
 * The data pattern of svm_buf_fill/svm_buf_check.  Each 32-bit word is a hash
 * of (seed, word index), so every page and every word differs, a page moved
 * to the wrong place or a stale copy is caught, and different seeds give
 * different data.  The pattern depends on the offset from @ptr only, not on
 * the address, so data read into a bounce buffer checks against the same
 * seed.  No byte of the pattern is zero: zero-filled memory, the usual
 * result of a lost write, never passes for it.
 */
#include <string.h>

#include "svm_mem.h"

static uint32_t pattern_word(uint32_t seed, uint64_t index)
{
	/*
	 * A splitmix64 step: seeds sit 2^64/golden-ratio apart, so one seed's
	 * pattern is never another's shifted by a few words.
	 */
	uint64_t x = index + (seed + 1ull) * 0x9e3779b97f4a7c15ull;
	uint32_t h;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= x >> 31;
	h = (uint32_t)(x ^ (x >> 32));
	for (int shift = 0; shift < 32; shift += 8)
		if (!((h >> shift) & 0xff))
			h |= 0xa5u << shift;
	return h;
}

void svm_buf_fill(void *ptr, size_t size, uint32_t seed)
{
	unsigned char *p = ptr;
	size_t i, words = size / 4;

	for (i = 0; i < words; i++) {
		uint32_t w = pattern_word(seed, i);

		memcpy(p + 4 * i, &w, 4);
	}
	if (size % 4) {
		uint32_t w = pattern_word(seed, words);

		memcpy(p + 4 * words, &w, size % 4);
	}
}

long svm_buf_check(const void *ptr, size_t size, uint32_t seed)
{
	const unsigned char *p = ptr;
	size_t words = (size + 3) / 4;

	for (size_t i = 0; i < words; i++) {
		uint32_t w = pattern_word(seed, i);
		size_t n = size - 4 * i < 4 ? size - 4 * i : 4;

		if (memcmp(p + 4 * i, &w, n))
			for (size_t b = 0; b < n; b++)
				if (p[4 * i + b] != ((unsigned char *)&w)[b])
					return (long)(4 * i + b);
	}
	return -1;
}
