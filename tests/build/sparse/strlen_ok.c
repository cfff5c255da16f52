// SPDX-License-Identifier: GPL-2.0
/*
 * __builtin_strlen() of a string literal is an integer constant expression,
 * as GCC has it: Linux 7.x's MODULE_INFO() asserts with it.
 */
_Static_assert(sizeof("GPL") - 1 == __builtin_strlen("GPL"), "a literal");
_Static_assert(__builtin_strlen("pre" "fix") == 6, "concatenated literals");
_Static_assert(__builtin_strlen("a\0b") == 1, "up to the first NUL");

extern const char *name;
unsigned long name_length(void);
unsigned long name_length(void)
{
	return __builtin_strlen(name);	/* still a call */
}
