// SPDX-License-Identifier: GPL-2.0
/* The guests' checks: each failure printed, the first one's code kept */
#include "lib.h"

uint32_t failed;

void check(bool ok, uint32_t code, const char *what)
{
	if (ok)
		return;
	puts_e9("FAIL ");
	puts_e9(what);
	outb(PORT_CONSOLE, '\n');
	if (!failed)
		failed = code;
}
