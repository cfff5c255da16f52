/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one JSON writer of hlkvmctl --json and hlkvm-run --json: compact,
 * one document per line (or indented with json_set_pretty()), keys as given (snake_case by convention), strings
 * escaped per RFC 8259, numbers as numbers. Nesting is tracked so commas
 * are never the caller's business. Not part of the installed API.
 */
#ifndef HLKVM_JSON_H
#define HLKVM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16
#define JSON_INTERNAL __attribute__((visibility("hidden")))

struct json_writer {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool overflow;		/* nesting beyond JSON_MAX_DEPTH was refused */
	bool pretty;		/* indented, one member per line (-p) */
};

JSON_INTERNAL void json_init(struct json_writer *w, FILE *f);
/* Indented output from here on (hlkvmctl -p, hlkvm-run --pretty) */
JSON_INTERNAL void json_set_pretty(struct json_writer *w, bool pretty);
/* @key is NULL inside arrays and at the top level */
JSON_INTERNAL void json_object_begin(struct json_writer *w, const char *key);
JSON_INTERNAL void json_object_end(struct json_writer *w);
JSON_INTERNAL void json_array_begin(struct json_writer *w, const char *key);
JSON_INTERNAL void json_array_end(struct json_writer *w);
JSON_INTERNAL void json_u64(struct json_writer *w, const char *key, uint64_t v);
JSON_INTERNAL void json_bool(struct json_writer *w, const char *key, bool v);
JSON_INTERNAL void json_int(struct json_writer *w, const char *key, int64_t v);
JSON_INTERNAL void json_null(struct json_writer *w, const char *key);
/* A fixed-point number with @decimals digits after the point (not NaN/inf) */
JSON_INTERNAL void json_double(struct json_writer *w, const char *key,
			       double v, int decimals);
JSON_INTERNAL void json_string(struct json_writer *w, const char *key, const char *s);
/* Ends a top-level document with a newline */
JSON_INTERNAL void json_end_document(struct json_writer *w);
/* Writes @s as a quoted, escaped JSON string */
JSON_INTERNAL void json_write_escaped(FILE *f, const char *s);

#endif /* HLKVM_JSON_H */
