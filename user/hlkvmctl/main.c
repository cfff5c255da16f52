// SPDX-License-Identifier: GPL-2.0
/* hlkvmctl's entry point: everything else is testable without main() */
#include <stdio.h>

#include "hlkvmctl.h"

int main(int argc, char **argv)
{
	return hlkvmctl_main(argc, argv, stdout, stderr);
}
