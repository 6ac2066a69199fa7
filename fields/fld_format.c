/* fld_format.c: sysdig/Falco output formats ("%proc.name opened %fd.name").
 *
 * Compiled once into segments (literal text or a resolved field, with an
 * optional minimum width as in sysdig's "%20proc.name"); rendering walks
 * the segments with no parsing and no allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "fld_int.h"

struct fld_seg {
	const char *lit; /* literal text (into f->text), or NULL for a field */
	size_t litlen;
	size_t field;	/* index into f->refs */
	unsigned width; /* minimum width, left-justified; 0 none */
};

struct fld_format {
	struct fld_seg *segs;
	size_t nsegs, segcap;
	struct fld_ref *refs;
	char **names; /* field text as written, per ref */
	size_t nrefs, refcap;
	char *text; /* private copy of literal text */
	int star;
};

void fld_format_free(struct fld_format *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nrefs; i++)
		free(f->names[i]);
	free(f->names);
	free(f->refs);
	free(f->segs);
	free(f->text);
	free(f);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *np;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	np = realloc(*p, nc * size);
	if (!np)
		return SR_ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}

static int add_lit(struct fld_format *f, const char *s, size_t n)
{
	struct fld_seg *last = f->nsegs ? &f->segs[f->nsegs - 1] : NULL;

	if (!n)
		return 0;
	/* Literals are copied into f->text contiguously; merge neighbours. */
	if (last && last->lit && last->lit + last->litlen == s) {
		last->litlen += n;
		return 0;
	}
	if (grow((void **)&f->segs, &f->segcap, f->nsegs + 1, sizeof(*f->segs)))
		return SR_ENOMEM;
	f->segs[f->nsegs++] = (struct fld_seg){.lit = s, .litlen = n};
	return 0;
}

static int add_field(struct fld_format *f, const struct fld_ref *ref, const char *name,
		     size_t namelen, unsigned width)
{
	char *nm;

	if (grow((void **)&f->segs, &f->segcap, f->nsegs + 1, sizeof(*f->segs)) ||
	    grow((void **)&f->refs, &f->refcap, f->nrefs + 1, sizeof(*f->refs)))
		return SR_ENOMEM;
	/* names grows with refs: same capacity. */
	char **nn = realloc(f->names, f->refcap * sizeof(*f->names));
	if (!nn)
		return SR_ENOMEM;
	f->names = nn;
	nm = malloc(namelen + 1);
	if (!nm)
		return SR_ENOMEM;
	memcpy(nm, name, namelen);
	nm[namelen] = 0;
	f->refs[f->nrefs] = *ref;
	f->names[f->nrefs] = nm;
	f->segs[f->nsegs++] = (struct fld_seg){.field = f->nrefs, .width = width};
	f->nrefs++;
	return 0;
}

static int is_field_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.';
}

/* The longest prefix of tok[0..n) that resolves, or 0. */
static size_t resolve_prefix(const char *tok, size_t n, struct fld_ref *ref)
{
	char buf[256];

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (size_t l = n; l > 0; l--) {
		/* A bracket argument is all or nothing. */
		if (memchr(tok, '[', n) && l < n && memchr(tok, '[', l))
			continue;
		memcpy(buf, tok, l);
		buf[l] = 0;
		if (fld_resolve(buf, ref, NULL) == 0)
			return l;
	}
	return 0;
}

int fld_format_compile(const char *fmt, struct fld_format **out, struct sr_err *err)
{
	struct fld_format *f;
	size_t len, i = 0;
	int rc;

	*out = NULL;
	if (!fmt)
		fmt = "";
	f = calloc(1, sizeof(*f));
	if (!f)
		return SR_ENOMEM;
	len = strlen(fmt);
	f->text = malloc(len + 1);
	if (!f->text) {
		free(f);
		return SR_ENOMEM;
	}
	memcpy(f->text, fmt, len + 1);
	if (len && f->text[0] == '*') {
		f->star = 1;
		i = 1;
	}
	while (i < len) {
		const char *s = f->text;
		size_t start = i, tl, used, tokstart;
		unsigned width = 0;
		int braced = 0;
		struct fld_ref ref;

		if (s[i] != '%') {
			while (i < len && s[i] != '%')
				i++;
			if ((rc = add_lit(f, s + start, i - start)))
				goto fail;
			continue;
		}
		/* "%%" is a literal percent sign. */
		if (i + 1 < len && s[i + 1] == '%') {
			if ((rc = add_lit(f, s + i + 1, 1)))
				goto fail;
			i += 2;
			continue;
		}
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9' && width < 100000)
			width = width * 10 + (unsigned)(s[i++] - '0');
		if (i < len && s[i] == '{') {
			braced = 1;
			i++;
		}
		tokstart = i;
		while (i < len && is_field_char(s[i]))
			i++;
		if (i < len && s[i] == '[') {
			const char *close = memchr(s + i, ']', len - i);
			if (!close) {
				rc = sr_err_set(err, SR_ESYNTAX,
						"missing ']' in output field at offset %zu", start);
				goto fail;
			}
			i = (size_t)(close - s) + 1;
		}
		tl = i - tokstart;
		if (tl == 0) {
			/* A lone '%' followed by no field reads as text, as sysdig does. */
			if ((rc = add_lit(f, s + start, i - start)))
				goto fail;
			continue;
		}
		used = resolve_prefix(s + tokstart, tl, &ref);
		if (!used) {
			rc = sr_err_set(err, SR_ESYNTAX, "unknown field '%.*s' in output format",
					(int)tl, s + tokstart);
			goto fail;
		}
		if (braced) {
			if (used != tl || i >= len || s[i] != '}') {
				rc =
				    sr_err_set(err, SR_ESYNTAX,
					       "bad field '%%{%.*s' in output format (missing '}')",
					       (int)tl, s + tokstart);
				goto fail;
			}
			i++;
		} else {
			i = tokstart + used;
		}
		if (ref.id == FLD_ID_CONTAINER_INFO) {
			/* Falco's default expansion of %container.info. */
			struct fld_ref r2;
			static const char lit1[] = "container_id=", lit2[] = " container_name=";
			fld_resolve("container.id", &r2, NULL);
			if ((rc = add_lit(f, lit1, sizeof(lit1) - 1)) ||
			    (rc = add_field(f, &r2, "container.id", 12, 0)))
				goto fail;
			fld_resolve("container.name", &r2, NULL);
			if ((rc = add_lit(f, lit2, sizeof(lit2) - 1)) ||
			    (rc = add_field(f, &r2, "container.name", 14, 0)))
				goto fail;
			continue;
		}
		if ((rc = add_field(f, &ref, s + tokstart, used, width)))
			goto fail;
	}
	*out = f;
	return 0;
fail:
	if (rc == SR_ENOMEM)
		sr_err_set(err, SR_ENOMEM, "out of memory compiling output format");
	fld_format_free(f);
	return rc;
}

void fld_format_put(const struct fld_format *f, struct fld_ctx *c, struct sr_sb *b)
{
	for (size_t i = 0; i < f->nsegs && sr_sb_room(b); i++) {
		const struct fld_seg *sg = &f->segs[i];
		struct fld_value v;
		size_t start = b->len;

		if (sg->lit) {
			sr_sb_put(b, sg->lit, sg->litlen);
			continue;
		}
		fld_extract(&f->refs[sg->field], c, &v);
		fld_value_put(&v, b);
		while (b->len - start < sg->width && sr_sb_room(b))
			sr_sb_putc(b, ' ');
	}
}

size_t fld_format_render(const struct fld_format *f, struct fld_ctx *c, char *buf, size_t cap)
{
	struct sr_sb b;

	sr_sb_init(&b, buf, cap);
	fld_format_put(f, c, &b);
	return b.len;
}

size_t fld_format_fields(const struct fld_format *f, const struct fld_ref **refs, size_t max)
{
	size_t n = f->nrefs < max ? f->nrefs : max;

	for (size_t i = 0; i < n; i++)
		refs[i] = &f->refs[i];
	return f->nrefs;
}

const char *fld_format_field_name(const struct fld_format *f, size_t i)
{
	return i < f->nrefs ? f->names[i] : NULL;
}

int fld_format_all_present(const struct fld_format *f, struct fld_ctx *c)
{
	for (size_t i = 0; i < f->nrefs; i++) {
		struct fld_value v;
		if (!fld_extract(&f->refs[i], c, &v))
			return 0;
	}
	return 1;
}

int fld_format_star(const struct fld_format *f)
{
	return f->star;
}
