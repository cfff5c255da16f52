// SPDX-License-Identifier: GPL-2.0
/*
 * MODULE_INFO()'s check must still catch an embedded NUL, and strlen() of
 * anything but a literal is no constant.
 */
_Static_assert(sizeof("a\0b") - 1 == __builtin_strlen("a\0b"), "NUL"); /* sparse: static assertion failed */

extern const char *name;
_Static_assert(__builtin_strlen(name) == 4, "not a literal"); /* sparse: bad constant expression */
