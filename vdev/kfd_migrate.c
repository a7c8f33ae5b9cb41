/* SPDX-License-Identifier: MIT */
/*
 * Migration of SVM pages between system memory and the GPUs' emulated
 * VRAM (kfd_migrate.c, and TTM's eviction of SVM BOs).  residency.c holds
 * the data (tile = GPU index); this file keeps which pages kfd put where,
 * the per-GPU capacity (the preset's vram_size, in pages) and the order
 * chunks came in, and emits the SMI MIGRATE lines.
 *
 * The kernel allocates one BO per range of at most max_svm_range_pages (a
 * quarter of VRAM, svm_range_set_max_pages) and evicts BOs in TTM's LRU
 * order when VRAM is full; here every chunk of at most a quarter of the
 * GPU's capacity that a migration moves is such a BO (one sequence
 * number), and eviction takes the oldest sequence first: least recently
 * migrated, as vdev does not see the GPU's use of a BO.
 *
 * A CPU touch of a VRAM page faults into residency.c's handler, which
 * brings that one page back (signal context: no kfd_lock there).  The
 * rest of the page's granularity chunk, which svm_migrate_to_ram moves in
 * the same fault, follows at the next kfd entry (vdev_kfd_vram_sync),
 * with the fault's SMI lines then.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"

#define REC_MAX (64u * 1024)		/* residency's POOL_PAGES */
#define BUCKETS 4096

struct vrec {
	uint64_t page;
	uint32_t seq;			/* the chunk ("BO") it came in with */
	int gpu;			/* -1: a free entry */
	struct vrec *next;		/* hash chain */
};

static struct vrec *recs;		/* REC_MAX entries */
static uint32_t *free_recs, num_free;
static struct vrec *buckets[BUCKETS];
static uint64_t used[VDEV_KFD_MAX_GPUS], num_live;
static uint32_t last_seq;
static unsigned long seen_moved_out;
static int cpu_changing;		/* munmap & co. between residency and kfd */

/*
 * A kfd page is one or more of residency's host pages (16 at 64K): it
 * moves as a whole, and is on a GPU only when all of them are.
 */
static int kpage_tile(uint64_t page)
{
	uint64_t va = page << VDEV_KFD_PAGE_SHIFT;
	int tile = vdev_page_tile(va);

	for (uint64_t off = VDEV_HOST_PAGE_SIZE; tile >= 0 && off < VDEV_KFD_PAGE_SIZE;
	     off += VDEV_HOST_PAGE_SIZE)
		if (vdev_page_tile(va + off) != tile)
			return -1;
	return tile;
}

static void kpage_to_system(uint64_t page)
{
	uint64_t va = page << VDEV_KFD_PAGE_SHIFT;

	for (uint64_t off = 0; off < VDEV_KFD_PAGE_SIZE; off += VDEV_HOST_PAGE_SIZE)
		vdev_page_to_system(va + off);
}

static bool recs_ready(void)
{
	if (recs)
		return true;
	recs = calloc(REC_MAX, sizeof(*recs));
	free_recs = calloc(REC_MAX, sizeof(*free_recs));
	if (!recs || !free_recs) {
		free(recs);
		free(free_recs);
		recs = NULL;
		free_recs = NULL;
		return false;
	}
	for (uint32_t i = 0; i < REC_MAX; i++) {
		recs[i].gpu = -1;
		free_recs[num_free++] = REC_MAX - 1 - i;
	}
	return true;
}

static struct vrec *rec_find(uint64_t page)
{
	if (!recs)
		return NULL;
	for (struct vrec *r = buckets[page % BUCKETS]; r; r = r->next)
		if (r->page == page)
			return r;
	return NULL;
}

static bool rec_add(uint64_t page, int gpu, uint32_t seq)
{
	struct vrec *r;

	if (!recs_ready() || !num_free)
		return false;
	r = &recs[free_recs[--num_free]];
	*r = (struct vrec){ .page = page, .seq = seq, .gpu = gpu, .next = buckets[page % BUCKETS] };
	buckets[page % BUCKETS] = r;
	used[gpu]++;
	num_live++;
	return true;
}

static void rec_del(struct vrec *r)
{
	for (struct vrec **pp = &buckets[r->page % BUCKETS]; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	used[r->gpu]--;
	num_live--;
	r->gpu = -1;
	free_recs[num_free++] = (uint32_t)(r - recs);
}

/*
 * Calls @fn on each record of [first, last], by page lookup for a short
 * range and by a walk of the table for a long one; @fn may delete it.
 */
static void for_each_rec(uint64_t first, uint64_t last, void (*fn)(struct vrec *r, void *arg),
			 void *arg)
{
	if (!recs || !num_live)
		return;
	if (last - first < REC_MAX) {
		for (uint64_t p = first; p <= last; p++) {
			struct vrec *r = rec_find(p);

			if (r)
				fn(r, arg);
		}
		return;
	}
	for (uint32_t i = 0; i < REC_MAX; i++)
		if (recs[i].gpu >= 0 && recs[i].page >= first && recs[i].page <= last)
			fn(&recs[i], arg);
}

uint64_t vdev_kfd_vram_capacity(unsigned int gpu)
{
	uint64_t cap = vdev_kfd->gpus[gpu].vram_size >> VDEV_KFD_PAGE_SHIFT;

	return cap < REC_MAX ? cap : REC_MAX;
}

uint64_t vdev_kfd_vram_used(unsigned int gpu)
{
	return used[gpu];
}

struct loc_scan {
	int gpu;
	uint64_t count[VDEV_KFD_MAX_GPUS];
};

static void scan_loc(struct vrec *r, void *arg)
{
	struct loc_scan *s = arg;

	s->count[r->gpu]++;
	if (s->gpu < 0)
		s->gpu = r->gpu;
}

int vdev_kfd_vram_loc(uint64_t first, uint64_t last)
{
	struct loc_scan s = { .gpu = VDEV_KFD_SYSMEM };

	for_each_rec(first, last, scan_loc, &s);
	return s.gpu;
}

static void emit_migrate(unsigned int node, uint64_t first, uint64_t last, uint32_t from,
			 uint32_t to, const struct vdev_kfd_mig *mig, bool end)
{
	if (end)
		vdev_kfd_smi_emit(node, KFD_SMI_EVENT_MIGRATE_END, VDEV_SMI_MIGRATE_END,
				  (long long)vdev_kfd_smi_now(), (int)getpid(), (unsigned long)first,
				  (unsigned long)(last - first + 1), from, to, mig->trigger);
	else
		vdev_kfd_smi_emit(node, KFD_SMI_EVENT_MIGRATE_START, VDEV_SMI_MIGRATE_START,
				  (long long)vdev_kfd_smi_now(), (int)getpid(), (unsigned long)first,
				  (unsigned long)(last - first + 1), from, to, mig->prefetch_loc,
				  mig->preferred_loc, mig->trigger);
}

struct to_sys {
	int gpu;
	uint64_t moved;
};

static void rec_to_system(struct vrec *r, void *arg)
{
	struct to_sys *t = arg;

	if (r->gpu != t->gpu)
		return;
	kpage_to_system(r->page);
	rec_del(r);
	t->moved++;
}

/* svm_migrate_vram_to_ram of [first, last] from every GPU holding pages there. */
static uint64_t migrate_to_system(uint64_t first, uint64_t last, const struct vdev_kfd_mig *mig)
{
	struct loc_scan s = { .gpu = VDEV_KFD_SYSMEM };
	uint64_t moved = 0;

	for_each_rec(first, last, scan_loc, &s);
	if (s.gpu < 0)
		return 0;
	vdev_kfd_svm_migrate_notify(first, last, true);
	for (unsigned int g = 0; g < vdev_kfd->num_gpus; g++) {
		struct to_sys t = { .gpu = (int)g };

		if (!s.count[g])
			continue;
		emit_migrate(g, first, last, vdev_kfd->gpus[g].gpu_id, 0, mig, false);
		for_each_rec(first, last, rec_to_system, &t);
		emit_migrate(g, first, last, vdev_kfd->gpus[g].gpu_id, 0, mig, true);
		moved += t.moved;
	}
	vdev_kfd_svm_migrate_notify(first, last, false);
	return moved;
}

struct lru_scan {
	int gpu;			/* VDEV_KFD_SYSMEM: any */
	uint32_t keep, oldest;
	uint64_t page;
	bool found;
};

static void scan_lru(struct vrec *r, void *arg)
{
	struct lru_scan *s = arg;

	if ((s->gpu >= 0 && r->gpu != s->gpu) || r->seq == s->keep)
		return;
	if (!s->found || r->seq < s->oldest || (r->seq == s->oldest && r->page < s->page)) {
		s->oldest = r->seq;
		s->page = r->page;
		s->found = true;
	}
}

struct seq_extent {
	uint32_t seq;
	uint64_t lo, hi;
	bool any;
};

static void scan_seq(struct vrec *r, void *arg)
{
	struct seq_extent *e = arg;

	if (r->seq != e->seq)
		return;
	if (!e->any || r->page < e->lo)
		e->lo = r->page;
	if (!e->any || r->page > e->hi)
		e->hi = r->page;
	e->any = true;
}

/*
 * TTM evicts the least recently used BO of @gpu other than @keep (the one
 * being filled): its pages go to system memory, range by range, with
 * TTM_EVICTION lines.  False when there is nothing to evict.
 */
static bool evict_lru(int gpu, uint32_t keep)
{
	struct lru_scan s = { .gpu = gpu, .keep = keep };

	for_each_rec(0, UINT64_MAX, scan_lru, &s);
	if (!s.found)
		return false;
	for (;;) {
		struct seq_extent e = { .seq = s.oldest };
		struct vdev_kfd_mig mig;
		uint64_t first, last;
		uint8_t gran;

		for_each_rec(0, UINT64_MAX, scan_seq, &e);
		if (!e.any)
			return true;
		if (vdev_kfd_svm_range_of(e.lo, &first, &last, &gran, &mig)) {
			/* No range any more: the page goes back alone, as a freed BO's would. */
			struct vrec *r = rec_find(e.lo);

			kpage_to_system(e.lo);
			rec_del(r);
			continue;
		}
		mig.trigger = KFD_MIGRATE_TRIGGER_TTM_EVICTION;
		migrate_to_system(e.lo, e.hi < last ? e.hi : last, &mig);
	}
}

/* Records the pages of [first, last] that residency now holds for @gpu. */
static uint64_t record_moved(uint64_t first, uint64_t last, int gpu, uint32_t seq)
{
	uint64_t moved = 0;

	for (uint64_t p = first; p <= last; p++) {
		struct vrec *r = rec_find(p);

		if (r) {
			r->seq = seq;	/* already there: used again */
			continue;
		}
		if (kpage_tile(p) != gpu)
			continue;	/* not private anonymous, or not mapped: stays */
		if (!rec_add(p, gpu, seq)) {
			kpage_to_system(p);
			continue;
		}
		moved++;
	}
	return moved;
}

/* AMDGPU_GTT_MAX_TRANSFER_SIZE of 7.3.4: what one GART window copies. */
#define GTT_MAX_TRANSFER_BYTES (4ull << 20)

/*
 * Bug gart-pte-cpu-pages: svm_migrate_gart_map() copied one 8-byte PTE per
 * CPU page into the GART table where a CPU page needs PAGE_SIZE / 4K of
 * them, so of each window of n CPU pages only the first n 4K GPU pages
 * were mapped (and right: amdgpu_gart_map wrote them in order); the copy
 * read the rest of the window through stale PTEs.  Their VRAM copies are
 * garbage here: zeros.
 */
static void gart_window_bug(uint64_t first, uint64_t n)
{
	const uint64_t window = GTT_MAX_TRANSFER_BYTES >> VDEV_KFD_PAGE_SHIFT;
	static const uint8_t stale[VDEV_KFD_GPU_PAGE_SIZE];

	if (!(vdev_bugs & VDEV_BUG_KFD_GART_PTE_CPU_PAGES) ||
	    VDEV_KFD_PAGE_SIZE <= VDEV_KFD_GPU_PAGE_SIZE)
		return;
	for (uint64_t w = first; w < first + n; w += window) {
		uint64_t pages = first + n - w < window ? first + n - w : window;
		uint64_t base = w << VDEV_KFD_PAGE_SHIFT;

		for (uint64_t k = pages; k < pages << (VDEV_KFD_PAGE_SHIFT - VDEV_KFD_GPU_PAGE_SHIFT); k++)
			vdev_vram_io(base + (k << VDEV_KFD_GPU_PAGE_SHIFT), (void *)stale,
				     sizeof(stale), true);
	}
}

/* svm_migrate_ram_to_vram of one BO-sized chunk, evicting others for room. */
static uint64_t chunk_to_vram(uint64_t first, uint64_t last, int gpu, const struct vdev_kfd_mig *mig)
{
	uint64_t cap = vdev_kfd_vram_capacity((unsigned int)gpu), at = first, moved = 0;
	uint32_t seq = ++last_seq;

	emit_migrate((unsigned int)gpu, first, last, 0, vdev_kfd->gpus[gpu].gpu_id, mig, false);
	while (at <= last) {
		uint64_t n = last - at + 1, room = cap - used[gpu];

		if (!room) {
			if (!evict_lru(gpu, seq))
				break;	/* the rest stays in system memory */
			continue;
		}
		if (n > room)
			n = room;
		/* -ENOSPC: residency's pool is full; what did not move stays. */
		vdev_range_to_vram(at << VDEV_KFD_PAGE_SHIFT, (at + n) << VDEV_KFD_PAGE_SHIFT, gpu);
		gart_window_bug(at, n);
		moved += record_moved(at, at + n - 1, gpu, seq);
		at += n;
	}
	emit_migrate((unsigned int)gpu, first, last, 0, vdev_kfd->gpus[gpu].gpu_id, mig, true);
	return moved;
}

uint64_t vdev_kfd_migrate(uint64_t first, uint64_t last, int dst, const struct vdev_kfd_mig *mig)
{
	uint64_t cap, chunk, moved = 0, rfirst, rlast;
	struct vdev_kfd_mig rmig;
	uint8_t gran;
	int loc;

	if (dst < 0)
		return migrate_to_system(first, last, mig);
	cap = vdev_kfd_vram_capacity((unsigned int)dst);
	if (!cap || !vdev_residency_ready())
		return 0;	/* an APU: "VRAM" is system memory */
	/*
	 * A range lives in one place (actual_loc): pages in another GPU's VRAM
	 * go to system memory first, all of the range's
	 * (svm_migrate_vram_to_vram).
	 */
	if (vdev_kfd_svm_range_of(first, &rfirst, &rlast, &gran, &rmig)) {
		rfirst = first;
		rlast = last;
	}
	loc = vdev_kfd_vram_loc(rfirst, rlast);
	if (loc >= 0 && loc != dst)
		migrate_to_system(rfirst, rlast, mig);
	vdev_kfd_svm_migrate_notify(first, last, true);
	chunk = cap / 4 ? cap / 4 : 1;
	for (uint64_t at = first; at <= last; at += chunk) {
		uint64_t end = last - at >= chunk ? at + chunk - 1 : last;

		moved += chunk_to_vram(at, end, dst, mig);
		if (end == last)
			break;
	}
	vdev_kfd_svm_migrate_notify(first, last, false);
	return moved;
}

static void rec_forget(struct vrec *r, void *arg)
{
	(void)arg;
	rec_del(r);
}

void vdev_kfd_vram_forget(uint64_t first, uint64_t last)
{
	for_each_rec(first, last, rec_forget, NULL);
}

static int cmp_page(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * svm_migrate_to_ram for a page residency brought back: its granularity
 * chunk, clamped to its range, follows it; the lines name the chunk.
 */
static void cpu_fault(uint64_t page, int gpu, uint64_t *done_last)
{
	struct vdev_kfd_mig mig;
	uint64_t first, last, lo = 0, hi = UINT64_MAX;
	struct to_sys t = { .gpu = gpu };
	uint8_t gran;

	if (vdev_kfd_svm_range_of(page, &first, &last, &gran, &mig))
		return;	/* no range: nothing of kfd's to follow */
	if (gran < 63) {
		lo = page & ~((1ull << gran) - 1);
		if (lo + (1ull << gran) - 1 >= lo)
			hi = lo + (1ull << gran) - 1;
	}
	lo = lo > first ? lo : first;
	hi = hi < last ? hi : last;
	*done_last = hi;
	mig.trigger = KFD_MIGRATE_TRIGGER_PAGEFAULT_CPU;
	vdev_kfd_svm_migrate_notify(lo, hi, true);
	emit_migrate((unsigned int)gpu, lo, hi, vdev_kfd->gpus[gpu].gpu_id, 0, &mig, false);
	for_each_rec(lo, hi, rec_to_system, &t);
	emit_migrate((unsigned int)gpu, lo, hi, vdev_kfd->gpus[gpu].gpu_id, 0, &mig, true);
	vdev_kfd_svm_migrate_notify(lo, hi, false);
}

void vdev_kfd_cpu_changing(int delta)
{
	__atomic_add_fetch(&cpu_changing, delta, __ATOMIC_SEQ_CST);
}

void vdev_kfd_vram_sync(void)
{
	unsigned long moved_out = vdev_residency_moved_out();
	uint64_t *left, n = 0, done = 0;
	bool any_done = false;

	_Static_assert(VDEV_KFD_MAX_GPUS <= 4, "the GPU index is two bits of a left page");
	if (moved_out == seen_moved_out || !num_live)
		return;
	/*
	 * A munmap (or mremap, mprotect, madvise) of another thread has let
	 * residency drop or bring back pages that kfd has not been told of
	 * yet: they are no CPU fault (or not yet known as one).  Later.
	 */
	if (__atomic_load_n(&cpu_changing, __ATOMIC_SEQ_CST))
		return;
	left = malloc(num_live * sizeof(*left));
	if (!left)
		return;	/* seen_moved_out unchanged: again at the next entry */
	seen_moved_out = moved_out;
	/* The pages that left, as page << 2 | GPU index; their records go. */
	for (uint32_t i = 0; i < REC_MAX; i++) {
		struct vrec *r = &recs[i];

		if (r->gpu < 0 || kpage_tile(r->page) == r->gpu)
			continue;
		left[n++] = (r->page << 2) | (uint64_t)r->gpu;
		rec_del(r);
	}
	qsort(left, n, sizeof(*left), cmp_page);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = left[i] >> 2;

		if (any_done && page <= done)
			continue;	/* it moved with an earlier fault's chunk */
		cpu_fault(page, (int)(left[i] & 3), &done);
		any_done = true;
	}
	free(left);
}
