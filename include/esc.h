/* esc.h - make bytes from a log safe to show: nothing from a log may reach
 * a terminal as a control sequence, and JSON must be valid UTF-8. */
#ifndef SIPWHY_ESC_H
#define SIPWHY_ESC_H

#include <stddef.h>

#include "util.h"

/* Length of the valid UTF-8 sequence at P (1-4), or 0 if invalid. */
size_t utf8_len(const unsigned char *p, size_t n);
/* Text for a terminal: C0 and C1 controls and DEL as \xNN (tab kept when
 * KEEP_TAB), invalid UTF-8 bytes as \xNN, the characters that reorder or
 * break a line (bidirectional controls, U+2028, U+2029) as their bytes in
 * \xNN, the rest unchanged. */
void esc_text(struct buf *out, const char *p, size_t n, int keep_tab);
/* The inside of a JSON string: quotes, backslashes, controls and the
 * characters esc_text hides escaped (\uXXXX), invalid UTF-8 replaced by
 * U+FFFD. */
void esc_json(struct buf *out, const char *p, size_t n);
/* Text from a log (escaped for the terminal already) in Markdown: what
 * Markdown or HTML would read as markup (emphasis, code, links, GFM
 * autolinks, tags, entities, strikethrough) backslash-escaped, so that a
 * Reason text shows as written and cannot add a link or an image to a
 * ticket; line breaks as blanks.  An underscore inside a word
 * (NORMAL_CLEARING) cannot emphasise and stays as it is. */
void esc_md(struct buf *out, const char *s);
/* The longest run of backticks in S, so that a Markdown code span or
 * block around S is fenced with more and S cannot end it. */
int md_ticks(const char *s);
/* Appends a JSON string in quotes (P may be NULL: null). */
void json_str(struct buf *out, const char *p, size_t n);

#endif
