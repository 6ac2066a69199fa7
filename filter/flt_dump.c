/* flt_dump: readable form of a compiled program (sysreplay --dump-ir).
 *
 *   types: openat execve
 *   and
 *     cmp proc.name (string) = "cat"
 *     cmp fd.name (string) in [120 values, sorted]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "flt_int.h"

static const char *kind_name(enum flt_cmp_kind k)
{
	switch (k) {
	case FLT_K_STR:
		return "string";
	case FLT_K_INT:
		return "int";
	case FLT_K_UINT:
		return "uint";
	case FLT_K_BOOL:
		return "bool";
	case FLT_K_IP:
		return "ip";
	}
	return "?";
}

static void dump_expr(const struct flt_pexpr *e, FILE *out)
{
	for (int i = e->ntr - 1; i >= 0; i--)
		fprintf(out, "%s(", flt_tr_name(e->tr[i]));
	fprintf(out, "%s", e->ref.def ? e->ref.def->name : "?");
	if (e->ref.arg_index >= 0)
		fprintf(out, "[%lld]", (long long)e->ref.arg_index);
	else if (e->ref.arg_key[0])
		fprintf(out, "[%s]", e->ref.arg_key);
	for (int i = 0; i < e->ntr; i++)
		fputc(')', out);
}

static void dump_lit(const struct flt_pnode *p, const struct flt_lit *l, FILE *out)
{
	char buf[256];
	struct flt_value v = {.text = l->s, .len = l->len};
	if (p->ck == FLT_K_IP && l->family) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(l->family, l->ip, a, sizeof(a));
		fprintf(out, "%s/%u", a, l->prefix);
		return;
	}
	if (l->num_ok && p->ck != FLT_K_STR) {
		long long n = (long long)l->n;
		fprintf(out, "%lld", n);
		return;
	}
	size_t n = flt_value_print(&v, buf, sizeof(buf));
	fprintf(out, "%s%s", buf, n >= sizeof(buf) ? "..." : "");
}

static void dump_node(const struct flt_pnode *p, int depth, FILE *out)
{
	fprintf(out, "%*s", depth * 2, "");
	switch (p->kind) {
	case FLT_N_AND:
	case FLT_N_OR:
	case FLT_N_NOT:
		fprintf(out, "%s\n",
			p->kind == FLT_N_AND  ? "and"
			: p->kind == FLT_N_OR ? "or"
					      : "not");
		for (size_t i = 0; i < p->nkids; i++)
			dump_node(p->kids[i], depth + 1, out);
		return;
	case FLT_N_BOOL:
		fprintf(out, "const %s\n", p->bval ? "true" : "false");
		return;
	case FLT_N_CMP:
		break;
	}
	fprintf(out, "cmp%s ", p->by_type ? "-type" : p->multi ? "-any" : "");
	dump_expr(&p->lhs, out);
	fprintf(out, " (%s) %s", kind_name(p->ck), flt_op_name(p->op));
	if (p->rhs_field) {
		fprintf(out, " val(");
		dump_expr(p->rhs_field, out);
		fprintf(out, ")\n");
		return;
	}
	if (p->op == FLT_OP_EXISTS) {
		fputc('\n', out);
		return;
	}
	if (flt_op_rhs_arity(p->op) == 2) {
		if (p->nlits > 8) {
			fprintf(out, " [%zu values%s]\n", p->nlits, p->sorted ? ", sorted" : "");
			return;
		}
		fprintf(out, " (");
		for (size_t i = 0; i < p->nlits; i++) {
			if (i)
				fprintf(out, ", ");
			dump_lit(p, &p->lits[i], out);
		}
		fprintf(out, ")\n");
		return;
	}
	fputc(' ', out);
	if (p->nlits)
		dump_lit(p, &p->lits[0], out);
	if (p->re)
		fprintf(out, " (regex, anchored)");
	fputc('\n', out);
}

void flt_prog_dump(const struct flt_prog *p, FILE *out)
{
	int all = 1, first = 1;
	for (int i = 0; i < 32; i++)
		if (p->types[i] != 0xff)
			all = 0;
	fprintf(out, "types:");
	if (all) {
		fprintf(out, " any\n");
	} else {
		for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
			if (!(p->types[t / 8] & (1u << (t % 8))))
				continue;
			const struct evt_info *info = evt_info_get(t);
			if (!info)
				continue; /* ids the schema lacks cannot occur */
			fprintf(out, " %s", info->name);
			first = 0;
		}
		if (first)
			fprintf(out, " none");
		fputc('\n', out);
	}
	dump_node(p->root, 0, out);
}
