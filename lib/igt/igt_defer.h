/* SPDX-License-Identifier: MIT */
/*
 * Deferred releases: what a subtest acquires is recorded with the function
 * that gives it back, and released when the subtest, or the dynamic
 * subtest that recorded it, ends, whichever way it ends (on
 * igt_subtest_on_end), last recorded first.  A failed assertion jumps out
 * of the body past any free(); with the resource recorded, nothing leaks
 * into the next subtest of the process, and the body needs no cleanup code.
 *
 * A record is a release function and two 64-bit values, which carry every
 * handle the suite gives back (fd and object id, address and length, a
 * pointer): recording allocates nothing, can be done from any library, and
 * an early release finds its record by value, with no handle to keep.  The
 * typed helpers below (and lib/xe/xe_tracked.h) are what tests call.
 *
 * Rules:
 * - Main thread of a subtest body only.  A forked child records nothing
 *   and releases nothing at the end (its exit returns what it holds to the
 *   kernel; the parent releases its own).
 * - A release function returns 0 or -errno and never asserts.  A failed
 *   release is logged; at the end of a body that passed it fails the
 *   subtest (igt_subtest_on_end's rule), after a failure or skip it is
 *   only logged.
 * - Resources given back early go through __igt_release() (or a typed
 *   *_tracked() release), so that they are not released twice.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Gives back what (@a, @b) names; 0 or -errno. */
typedef int (*igt_release_t)(uint64_t a, uint64_t b);

/* Records (@fn, @a, @b); asserts there is room (and then releases it at once). */
#define igt_defer(fn, a, b) __igt_defer((fn), #fn, (a), (b))
void __igt_defer(igt_release_t fn, const char *name, uint64_t a, uint64_t b);

/*
 * Releases the record (@fn, @a, @b) now and forgets it: the release's own
 * 0 or -errno, or -ENOENT when nothing matches.
 */
int __igt_release(igt_release_t fn, uint64_t a, uint64_t b);
/* Forgets the record without releasing it (ownership passed on); whether there was one. */
bool igt_forget(igt_release_t fn, uint64_t a, uint64_t b);

/* Records not released yet. */
int igt_deferred_count(void);

/* ---- process resources --------------------------------------------------- */

/* mmap(), asserting success; munmap()ed at the end. */
void *igt_mmap_tracked(void *addr, size_t len, int prot, int flags, int fd, off_t off);
/* Takes over a mapping made another way (a BO's, mremap()); munmap()ed at the end.  Returns @p. */
void *igt_track_mapping(void *p, size_t len);
int __igt_munmap_tracked(void *addr, size_t len);

/* Zeroed memory aligned to @align (a power of two, at least sizeof(void *)); freed at the end. */
void *igt_alloc_tracked(size_t align, size_t size);
/* Takes over malloc()ed @p (NULL is ignored); freed at the end.  Returns @p. */
void *igt_free_at_end(void *p);
int __igt_free_tracked(void *p);

/* Takes over @fd, asserting it is valid; closed at the end.  Returns @fd. */
int igt_fd_tracked(int fd);
int __igt_close_tracked(int fd);
