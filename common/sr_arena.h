/* sr_arena: a bump allocator for many small objects that die together.
 *
 * Users: the filter compiler (parse trees, programs; one arena per filter or
 * per rule set, see filter/flt.h) and the rules loader (YAML trees, lists,
 * macros, rules of one rule set). Freeing thousands of nodes one by one would
 * cost code and time for nothing, so nothing is ever freed alone: the whole
 * arena goes at once.
 *
 * How to use:
 *   struct sr_arena a = {0};            (or sr_arena_init; zeroed is ready)
 *   p = sr_arena_alloc(&a, size);       zeroed, NULL on ENOMEM
 *   sr_arena_defer(&a, regfree_fn, re); run at reset (resources owned elsewhere)
 *   sr_arena_reset(&a);                 everything goes; a is ready again
 *
 * Every block is aligned for any object type (max_align_t): sizes are
 * rounded up to SR_ARENA_ALIGN so that the next block starts aligned too.
 * Memory comes in chunks of SR_ARENA_CHUNK bytes; a request of more than a
 * quarter chunk gets a chunk of its own, placed behind the current one so
 * that the current chunk keeps serving small requests.
 * Not thread-safe: one arena, one thread at a time.
 */
#ifndef SR_ARENA_H
#define SR_ARENA_H

#include <stddef.h>

#define SR_ARENA_ALIGN 16
#define SR_ARENA_CHUNK (64 * 1024)

struct sr_arena_chunk;
struct sr_arena_defer;

struct sr_arena {
	struct sr_arena_chunk *head;   /* chunk being filled first */
	struct sr_arena_defer *defers; /* newest first */
	size_t total;		       /* bytes of chunks held (statistics) */
};

void sr_arena_init(struct sr_arena *a);
/* Zeroed memory of size bytes (a unique block even for size 0), or NULL when
 * memory runs out or size is too large to represent; the arena stays usable. */
void *sr_arena_alloc(struct sr_arena *a, size_t size);
/* A NUL-terminated copy of the len bytes at s, or NULL. */
char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t len);
char *sr_arena_strdup(struct sr_arena *a, const char *s);
/* Runs fn(ptr) when the arena is reset (newest first, before any chunk is
 * released, so ptr may point into the arena). SR_ENOMEM if the record cannot
 * be allocated: then fn is not registered and the caller still owns ptr. */
int sr_arena_defer(struct sr_arena *a, void (*fn)(void *), void *ptr);
/* Runs the deferred calls and releases every chunk; a is empty and usable. */
void sr_arena_reset(struct sr_arena *a);
/* Bytes of chunks held. */
size_t sr_arena_bytes(const struct sr_arena *a);

#endif
