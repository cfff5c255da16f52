// SPDX-License-Identifier: GPL-2.0
/*
 * What the patched sparse must still flag: __typeof_unqual__() drops the
 * qualifiers of the object, never those of a pointer's target. Each
 * expected diagnostic is named on its line; sparse shows no warning after
 * its first error, so the error comes last.
 */
#define __percpu __attribute__((noderef, address_space(__percpu)))

extern int __percpu *counters;
extern const int *readonly;

int misuse(void);
int misuse(void)
{
	__typeof_unqual__(counters) still_percpu = counters;
	__typeof_unqual__(readonly) still_const = readonly;
	int *plain = still_percpu;	/* sparse: different address spaces */

	*still_const = 1;	/* sparse: assignment to const expression */
	return *plain;
}
