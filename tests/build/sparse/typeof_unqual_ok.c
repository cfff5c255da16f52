// SPDX-License-Identifier: GPL-2.0
/*
 * What the patched sparse must accept without a word: __typeof_unqual__()
 * as Linux 7.x uses it, on const, volatile, _Atomic and address-space
 * objects, through an expression and through a type name.
 */
#define __percpu __attribute__((noderef, address_space(__percpu)))
#define __kernel __attribute__((address_space(0)))
#define __force __attribute__((force))

extern int __percpu counter;
extern int __percpu *counters;
extern const volatile int status;
extern _Atomic int flag;
typedef const int const_int;

/* an address-space object's type, as a plain object */
static __typeof_unqual__(counter) plain;
static int *plain_ptr = &plain;
/* percpu-defs.h's PERCPU_PTR(): the target type, unqualified */
static int *cpu_ptr = (__typeof_unqual__(*counters) __force __kernel *)counters;
/* a type name, with the address space written in it */
static __typeof_unqual__(int __percpu) from_name;
static int *from_name_ptr = &from_name;
/* a typedef's const */
static __typeof_unqual__(const_int) from_typedef;
static int *from_typedef_ptr = &from_typedef;
/* a qualifier written outside __typeof_unqual__() is the declaration's */
static const __typeof_unqual__(status) still_const = 1;
static const int *still_const_ptr = &still_const;

int use(void);
int use(void)
{
	__typeof_unqual__(status) copy = status;	/* const volatile dropped */
	__typeof_unqual__(flag) atomic_copy = 1;	/* _Atomic dropped */
	__typeof_unqual(int *const) writable = &copy;	/* the other spelling */

	copy = 2;
	atomic_copy = 2;
	writable = &atomic_copy;
	return *plain_ptr + *cpu_ptr + *from_name_ptr + *from_typedef_ptr +
	       *still_const_ptr + *writable;
}
