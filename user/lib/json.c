// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON writer behind hlkvmctl --json; see json.h. Strings from the
 * kernel (the module version) are escaped byte by byte: control characters
 * as \uXXXX, quote and backslash with a backslash, everything else as is,
 * so valid UTF-8 stays valid.
 */
#include <inttypes.h>

#include "json.h"

void json_init(struct json_writer *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->need_comma[0] = false;
	w->overflow = false;
	w->pretty = false;
}

void json_set_pretty(struct json_writer *w, bool pretty)
{
	w->pretty = pretty;
}

/* Pretty: every member on its own line, two spaces per level */
static void newline(struct json_writer *w)
{
	int i;

	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

void json_write_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Comma and key before a value at the current level */
static void prefix(struct json_writer *w, const char *key)
{
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	if (w->depth > 0)
		newline(w);
	w->need_comma[w->depth] = true;
	if (key) {
		json_write_escaped(w->f, key);
		fputs(w->pretty ? ": " : ":", w->f);
	}
}

static void nest_open(struct json_writer *w, const char *key, char c)
{
	prefix(w, key);
	fputc(c, w->f);
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		/* Still balanced output: the caller's end closes this one */
		w->overflow = true;
		return;
	}
	w->need_comma[++w->depth] = false;
}

static void nest_close(struct json_writer *w, char c)
{
	bool empty = !w->need_comma[w->depth];

	if (w->overflow) {
		w->overflow = false;
	} else if (w->depth > 0) {
		w->depth--;
		/* "[]" and "{}" stay on one line */
		if (!empty)
			newline(w);
	}
	fputc(c, w->f);
}

void json_object_begin(struct json_writer *w, const char *key)
{
	nest_open(w, key, '{');
}

void json_object_end(struct json_writer *w)
{
	nest_close(w, '}');
}

void json_array_begin(struct json_writer *w, const char *key)
{
	nest_open(w, key, '[');
}

void json_array_end(struct json_writer *w)
{
	nest_close(w, ']');
}

void json_u64(struct json_writer *w, const char *key, uint64_t v)
{
	prefix(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

void json_bool(struct json_writer *w, const char *key, bool v)
{
	prefix(w, key);
	fputs(v ? "true" : "false", w->f);
}

void json_int(struct json_writer *w, const char *key, int64_t v)
{
	prefix(w, key);
	fprintf(w->f, "%" PRId64, v);
}

void json_null(struct json_writer *w, const char *key)
{
	prefix(w, key);
	fputs("null", w->f);
}

void json_double(struct json_writer *w, const char *key, double v,
		 int decimals)
{
	prefix(w, key);
	/* JSON has no NaN or infinity: such a value is unknown, null */
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", w->f);
	else
		fprintf(w->f, "%.*f", decimals, v);
}

void json_string(struct json_writer *w, const char *key, const char *s)
{
	prefix(w, key);
	json_write_escaped(w->f, s);
}

void json_end_document(struct json_writer *w)
{
	fputc('\n', w->f);
	w->depth = 0;
	w->need_comma[0] = false;
}
