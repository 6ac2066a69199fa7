/* sr_sb: the string builder. Appends bytes, characters, C strings and
 * printf output to either
 *   - a caller's fixed buffer (sr_sb_init): never written past cap, the text
 *     is cut at cap - 1 bytes and always NUL-terminated, and the builder
 *     remembers how much it was asked to hold (want), so callers can report
 *     the cut or learn the size they would have needed; or
 *   - a growable heap buffer (sr_sb_init_grow): capacity doubles (O(1)
 *     amortised per append); a failed allocation is remembered like a cut.
 *
 *   char line[128];
 *   struct sr_sb b;
 *   sr_sb_init(&b, line, sizeof(line));
 *   sr_sb_puts(&b, "pid=");
 *   sr_sb_printf(&b, "%d", pid);
 *   if (sr_sb_cut(&b)) ...   (b.p is "pid=..." either way)
 *
 * Bytes may include NULs (binary records use the same builder). Appenders
 * return 0 when everything fitted, SR_ELIMIT when a fixed buffer cut the
 * text, SR_ENOMEM when a growable one could not grow; callers that accept a
 * cut ignore the result. A growable builder owns p until sr_sb_free() or
 * sr_sb_take(). */
#ifndef SR_SB_H
#define SR_SB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct sr_sb {
	char *p;     /* the text; NUL after the last byte whenever cap > 0 */
	size_t len;  /* bytes held */
	size_t cap;  /* bytes p can hold, the NUL included */
	size_t want; /* bytes appended in all: more than len after a cut */
	int fixed;   /* p is the caller's buffer (0: the builder's own heap one) */
};

/* A builder over buf[0..cap) (cap may be 0: only want counts). */
void sr_sb_init(struct sr_sb *b, char *buf, size_t cap);
/* A builder over buf[0..cap) that already holds len bytes of text (len <
 * cap): appends go after them. */
void sr_sb_init_at(struct sr_sb *b, char *buf, size_t cap, size_t len);
/* An empty growable builder (allocates on first append); a zeroed struct
 * sr_sb is one too. */
void sr_sb_init_grow(struct sr_sb *b);

int sr_sb_put(struct sr_sb *b, const void *s, size_t n);
int sr_sb_putc(struct sr_sb *b, char c);
int sr_sb_puts(struct sr_sb *b, const char *s);
int sr_sb_put_u64(struct sr_sb *b, uint64_t v);
int sr_sb_put_i64(struct sr_sb *b, int64_t v);
int sr_sb_printf(struct sr_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sr_sb_vprintf(struct sr_sb *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Takes back the last n bytes appended (n <= want), stored or cut: the
 * count and the text both shrink, so a cut that ends within them is gone. */
void sr_sb_drop(struct sr_sb *b, size_t n);

/* Text bytes that still fit (before a growable builder has to grow). */
static inline size_t sr_sb_room(const struct sr_sb *b)
{
	return b->cap ? b->cap - 1 - b->len : 0;
}

/* Makes room for more bytes after len without appending (a growable
 * builder grows; a fixed one only reports whether they fit), so callers can
 * fill p + len themselves and then sr_sb_setlen(). SR_ENOMEM / SR_ELIMIT.
 * Inline: readers reserve per record; the growing is sr_sb_make_room(). */
int sr_sb_make_room(struct sr_sb *b, size_t more);
static inline int sr_sb_reserve(struct sr_sb *b, size_t more)
{
	return more <= sr_sb_room(b) ? 0 : sr_sb_make_room(b, more);
}

/* Sets the length to n (n <= cap - 1, or n <= len): drops a tail or takes
 * bytes written into reserved room; want follows, so the cut is forgotten. */
static inline void sr_sb_setlen(struct sr_sb *b, size_t n)
{
	b->len = n;
	b->want = n;
	if (b->cap)
		b->p[n] = '\0';
}

/* 1 when something appended was cut or could not be stored. */
static inline int sr_sb_cut(const struct sr_sb *b)
{
	return b->want > b->len;
}

/* The bytes, for builders of binary records. */
static inline uint8_t *sr_sb_bytes(const struct sr_sb *b)
{
	return (uint8_t *)b->p;
}

/* The NUL-terminated text ("" before anything was stored). */
const char *sr_sb_str(const struct sr_sb *b);
/* Growable: hands the heap buffer to the caller (NULL when nothing was
 * allocated) and leaves the builder empty. */
char *sr_sb_take(struct sr_sb *b);
/* Growable: frees the buffer; fixed: forgets it. Either way empty after. */
void sr_sb_free(struct sr_sb *b);

#endif
