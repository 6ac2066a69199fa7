/* st_pool.c: fixed-size object pools and the end-of-event garbage list.
 *
 * Threads, processes, fd entries, fd tables and short strings are made and
 * dropped at event rates (every open/close, every fork/exit). malloc/free at
 * that rate showed up as a third of the engine's time (free-list splitting,
 * consolidation); a pool is a pointer pop. Chunks are kept until st_free: the
 * table limits bound how many objects can be live, so the pools' high-water
 * mark is bounded too. Threads are 64-byte aligned so their hot fields share
 * cache lines predictably; other objects 16 (the garbage list's tag bits). */
#include "st_int.h"

#include <stdlib.h>
#include <string.h>

#define ST_POOL_CHUNK 16384

void st_pool_init(struct st_pool *p, size_t size, size_t align)
{
	memset(p, 0, sizeof(*p));
	if (align < 16)
		align = 16;
	size = (size + align - 1) & ~(align - 1);
	p->size = (uint32_t)size;
	p->per_chunk = (uint32_t)(ST_POOL_CHUNK / size);
	if (p->per_chunk < 8)
		p->per_chunk = 8;
}

static int pool_grow(struct st_pool *p)
{
	size_t bytes = (size_t)p->size * p->per_chunk;
	char *c;

	if (p->nchunks == p->chunks_cap) {
		size_t ncap = p->chunks_cap ? p->chunks_cap * 2 : 16;
		void **n = realloc(p->chunks, ncap * sizeof(*n));
		if (!n)
			return -1;
		p->chunks = n;
		p->chunks_cap = ncap;
	}
	if (posix_memalign((void **)&c, 64, bytes))
		return -1;
	p->chunks[p->nchunks++] = c;
	/* Thread the new objects so the lowest address is handed out first. */
	for (uint32_t i = p->per_chunk; i-- > 0;) {
		void *o = c + (size_t)i * p->size;
		*(void **)o = p->free;
		p->free = o;
	}
	return 0;
}

void *st_pool_get(struct st_pool *p)
{
	void *o;

	if (!p->free && pool_grow(p))
		return NULL;
	o = p->free;
	p->free = *(void **)o;
	p->live++;
	return o;
}

void st_pool_put(struct st_pool *p, void *o)
{
	*(void **)o = p->free;
	p->free = o;
	p->live--;
}

void st_pool_destroy(struct st_pool *p)
{
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	p->chunks = NULL;
	p->nchunks = p->chunks_cap = 0;
	p->free = NULL;
	p->live = 0;
}

size_t st_pool_bytes(const struct st_pool *p)
{
	return p->nchunks * (size_t)p->size * p->per_chunk;
}

/* ---- garbage: releases wait for the end of the event ---- */

void st_garbage_kind(struct st_state *st, void *p, enum st_gkind k)
{
	if (!p)
		return;
	if (st->ngarbage == st->garbage_cap) {
		size_t ncap = st->garbage_cap ? st->garbage_cap * 2 : 64;
		uintptr_t *ng = realloc(st->garbage, ncap * sizeof(*ng));
		if (!ng) {
			/* Cannot defer: freeing now risks a stale pointer in the caller,
			 * leaking risks nothing but memory. Leak. */
			return;
		}
		st->garbage = ng;
		st->garbage_cap = ncap;
	}
	/* Every object is at least 16-byte aligned: the kind rides in the low bits. */
	st->garbage[st->ngarbage++] = (uintptr_t)p | (uintptr_t)k;
}

void st_str_release(struct st_state *st, void *hdr); /* st_str.c */

void st_garbage_flush_slow(struct st_state *st)
{
	for (size_t i = 0; i < st->ngarbage; i++) {
		uintptr_t g = st->garbage[i];
		void *p = (void *)(g & ~(uintptr_t)15);

		switch ((enum st_gkind)(g & 15)) {
		case ST_G_MALLOC:
			free(p);
			break;
		case ST_G_THR:
			st_pool_put(&st->thr_pool, p);
			break;
		case ST_G_PROC:
			st_pool_put(&st->proc_pool, p);
			break;
		case ST_G_FD:
			st_pool_put(&st->fd_pool, p);
			break;
		case ST_G_STR:
			st_str_release(st, p);
			break;
		}
	}
	st->ngarbage = 0;
	/* A burst (reaping a huge process) should not pin its array forever. */
	if (st->garbage_cap > 4096) {
		free(st->garbage);
		st->garbage = NULL;
		st->garbage_cap = 0;
	}
}
