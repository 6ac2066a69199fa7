/* rule_yaml.h: YAML documents as trees whose nodes know their line and
 * column (rule_yaml.c), and the FILE:LINE:COL message with a caret line.
 * Rules files are read through it, and so are the configuration files
 * (outputs/out_config.c, record/rec_config.c): one reader, one error style.
 * Nodes live in the caller's arena. */
#ifndef RULE_YAML_H
#define RULE_YAML_H

#include <stddef.h>

#include "../common/sr_arena.h"
#include "../common/sr_err.h"

enum rule_ykind { RY_SCALAR, RY_SEQ, RY_MAP };

/* Scalar styles (matter for booleans/nulls: only plain scalars are special). */
enum rule_ystyle { RYS_PLAIN, RYS_SQUOTE, RYS_DQUOTE, RYS_LITERAL, RYS_FOLDED };

struct rule_ynode {
	enum rule_ykind kind;
	enum rule_ystyle style;
	int line, col; /* 1-based start of the node in its file */
	const char *s; /* scalar text, NUL-terminated */
	size_t len;
	struct rule_ynode **kids; /* seq: items; map: key0, val0, key1, val1, ... */
	size_t nkids;
	size_t weight; /* scalar bytes + 8 per node, aliases expanded */
};

/* A loaded source file (kept for error positions and caret lines). */
struct rule_src {
	const char *name;
	const char *text;
	size_t len;
};

/* Parses every document of src into roots (an array of document roots; an
 * empty document gives a NULL root). Errors: SR_ESYNTAX with line/column. */
int rule_yaml_parse(struct sr_arena *a, const struct rule_src *src, struct rule_ynode ***roots,
		    size_t *nroots, struct sr_err *err);
/* Map lookup by key (NULL when absent or when m is not a map). */
const struct rule_ynode *rule_ymap_get(const struct rule_ynode *m, const char *key);
/* "true"/"false"/"yes"/"no"/"on"/"off" (any case): 1/0; -1 otherwise. */
int rule_yscalar_bool(const struct rule_ynode *n);
/* 1 when the node is a null (~, null, empty plain scalar). */
int rule_ynode_is_null(const struct rule_ynode *n);
/* Sets err to "NAME:LINE:COL: what" followed by src's line and a caret under
 * the column (line and column also in err); returns SR_ESYNTAX. */
int rule_src_error(const struct rule_src *src, int line, int col, const char *what,
		   struct sr_err *err);

#endif
