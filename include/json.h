/* json.h - a small JSON reader (RFC 8259), for sipwhy merge to read the
 * JSON summaries sipwhy writes.  The tree is owned by the caller. */
#ifndef SIPWHY_JSON_H
#define SIPWHY_JSON_H

#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	double num;       /* J_NUM, and J_BOOL as 0 or 1 */
	char *str;        /* J_STR: UTF-8, NUL-terminated */
	struct jv *items; /* J_ARR and J_OBJ */
	char **keys;      /* J_OBJ */
	size_t n;
};

/* Parses one JSON value from P (N bytes, surrounding blanks allowed).
 * NULL on error, with a message in ERR. */
struct jv *json_parse(const char *p, size_t n, char *err, size_t errsz);
void json_free(struct jv *v);
/* The member KEY of an object, or NULL. */
const struct jv *json_get(const struct jv *obj, const char *key);

#endif
