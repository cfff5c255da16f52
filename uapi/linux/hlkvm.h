/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * hlkvm: legacy PC port absorption and a paravirtual periodic timer for
 * KVM micro-VMs, configured over generic netlink.
 *
 * Documentation
 * =============
 *
 * The generic netlink family is HLKVM_GENL_NAME ("hlkvm"), version
 * HLKVM_GENL_VERSION. Every request is checked against a strict per-command
 * policy; a rejected request returns a negative errno and an extended ACK
 * message (NLMSGERR_ATTR_MSG) naming what was wrong, with the offending
 * attribute pointed at where there is one.
 *
 * Naming a VM
 * -----------
 * A VM is named by the caller's own KVM VM file descriptor
 * (HLKVM_A_VM_FD, the fd returned by KVM_CREATE_VM). The module resolves it
 * in the caller's file table, so a caller can only ever act on a VM whose fd
 * it holds. Administrators (CAP_NET_ADMIN) may instead name an attached VM
 * by the identifier the module gave it (HLKVM_A_VM_ID), as shown by a dump.
 *
 * An attachment lives no longer than the netlink socket that made it
 * (closing the socket detaches), the VM (destroying the VM detaches) or the
 * module (rmmod detaches everything).
 *
 * HLKVM_CMD_ATTACH
 * ----------------
 * Attach a VM: from now on its vCPUs' accesses to the absorbed ports are
 * answered in the kernel and the PV timer port is live. Answered with an
 * HLKVM_CMD_ATTACH message describing the attachment (as HLKVM_CMD_GET_VM).
 *
 *    HLKVM_A_VM_FD: NLA_U32, required, the caller's KVM VM fd
 *    HLKVM_A_IRQ_FD: NLA_U32, required, an eventfd the VMM bound with
 *                    KVM_IRQFD to the timer's GSI: with a split irqchip a
 *                    GSI routed (KVM_SET_GSI_ROUTING) as an MSI delivering
 *                    HLKVM_TIMER_VECTOR to the vCPU's LAPIC, with KVM's
 *                    PIC GSI 0 (see the irqchip modes below). The timer
 *                    signals it once per tick; the module never injects
 *                    any other way.
 *    HLKVM_A_GROUPS: NLA_U32, optional, HLKVM_GROUP_F_* mask of the port
 *                    groups to absorb; default: the module-wide default
 *    HLKVM_A_TIMER_PORT: NLA_U16, optional, the PV timer port; default: the
 *                    module-wide default (HLKVM_PORT_PV_TIMER). Must not be
 *                    one of the legacy ports nor HLKVM_PORT_HALT.
 *    HLKVM_A_TIMER_POLICY: NLA_U32, optional, enum hlkvm_timer_policy;
 *                    default: the module-wide default
 *    HLKVM_A_PIT_TICK: NLA_U8, optional, 0 or 1: PIT channel 0 drives the
 *                    tick ("Channel 0's tick" below); default: the
 *                    module-wide default, itself 0 (off) until changed
 *
 * Channel 0's tick
 * ----------------
 * With HLKVM_A_PIT_TICK 1, a guest that programs PIT channel 0 in mode 2
 * or 3 (rate generator, square wave) and never writes the PV timer port
 * gets IRQ0 ticks at channel 0's rate, count / 1193182 Hz (a count of 0
 * is 65536), from the same hrtimer, catch-up policy and EOI handling as
 * the PV timer: on a split irqchip that is what KVM_CREATE_PIT2 would
 * have given it, without KVM's PIT. It is an attach attribute and not a
 * port group: the PIT ports are answered the same either way (groups say
 * which ports are answered, this what a write to channel 0 also does), and
 * the default group set is every group, which would start ticks in every
 * Hyperlight guest (they program channel 0, then use the PV timer).
 *    - A whole count loaded into channel 0 in mode 2 or 3 (re)starts the
 *      tick at its period, its first tick one period later, in phase with
 *      the counter (so the same count written again restarts it too).
 *      The period is clamped to [period_min_us, period_max_us] as a PV
 *      write is (counted in HLKVM_TIMER_A_CLAMPED): at the default 100 us
 *      floor, counts below 119 tick at 100 us.
 *    - A control word for channel 0 stops the tick (the counter stops
 *      until its count comes), and so does a count loaded in a one-shot
 *      mode (0, 1, 4, 5): hlkvm raises no IRQ0 at a one-shot's terminal
 *      count. Latch and read-back commands change nothing.
 *    - The PV timer takes over: the guest's first write to the PV timer
 *      port (any value, 0 too) ends channel 0's part for the rest of the
 *      attachment, and that write sets the timer as always. A guest that
 *      programs channel 0 and then writes the PV timer port (a Hyperlight
 *      guest) thus runs at the PV period even with HLKVM_A_PIT_TICK on.
 *      A period set with HLKVM_CMD_SET_VM lasts until the guest next
 *      programs channel 0 (or the PV timer port).
 *    - The tick's source is reported as HLKVM_TIMER_A_SOURCE, its exact
 *      period as HLKVM_TIMER_A_PERIOD_NS. With the PIT group off, channel
 *      0's writes are the VMM's and drive nothing.
 *
 * The module serves a VM in one of two irqchip modes, read from the VM
 * at attach (enum hlkvm_irqchip, reported as HLKVM_A_IRQCHIP):
 *
 *  - HLKVM_IRQCHIP_SPLIT: KVM's split irqchip (KVM_CAP_SPLIT_IRQCHIP,
 *    enabled before the first vCPU). hlkvm is the PIC: it answers the PIC
 *    ports, the irqfd is bound to a GSI routed (KVM_SET_GSI_ROUTING) as an
 *    MSI delivering HLKVM_TIMER_VECTOR to the LAPIC, and an IRQ0 EOI on
 *    port 0x20 becomes a LAPIC EOI. Needs KVM's kvm_lapic_set_eoi(),
 *    which Linux 6.18 and later keep inside KVM: there this mode is
 *    refused with -EOPNOTSUPP and an extack naming the other mode.
 *  - HLKVM_IRQCHIP_KERNEL: KVM's full in-kernel irqchip
 *    (KVM_CREATE_IRQCHIP: PIC, I/O APIC, LAPIC), as hyperlight's KVM
 *    backend uses it. KVM's PIC answers the PIC ports (the PIC group is
 *    never absorbed; asking for it is -EOPNOTSUPP); the irqfd is bound
 *    with KVM_IRQFD to GSI 0, KVM's PIC input 0, so each tick arrives at
 *    the vector the guest programmed into ICW2 (0x20 after the usual
 *    remap); the IRQ0 EOI the guest writes to port 0x20 goes on to KVM's
 *    PIC and is the tick's acknowledgment (HLKVM_STATS_A_EOI_SEEN). hlkvm
 *    also follows the master PIC's initialisation on its way there (ICW1
 *    on port 0x20, then ICW2, ICW3 and, if ICW1 asked for it, ICW4 on
 *    port 0x21, one-byte writes as KVM's PIC takes them): while ICW4 has
 *    AEOI set (bit 1), KVM's PIC ends IRQ0's service itself when the CPU
 *    takes the interrupt and the guest writes no EOI, so each tick counts
 *    as acknowledged when it is injected (an ICW1 without ICW4, or an
 *    ICW4 without AEOI, ends that). A PIC set up before attach is taken
 *    as not in auto-EOI mode. The mode, and how far the guest is through
 *    an initialisation, are part of HLKVM_A_STATE (version 2: pic_init,
 *    pic_flags), so a VM restored from it counts its ticks as the saved
 *    one did without its guest programming the PIC again.
 *
 * In both, a VM with KVM's own PIT (KVM_CREATE_PIT2) is refused, since
 * absorbing its ports would shadow it, and so is a VM with more than one
 * vCPU (-EOPNOTSUPP): hlkvm serves the Hyperlight model, one vCPU, whose
 * EOI bridge, tick acknowledgment and port state are the VM's. After
 * attach, hlkvm still leaves to KVM and the VMM, untouched:
 *
 *  - every access of a vCPU other than vCPU 0, created after attach
 *    (counted, HLKVM_STATS_A_OTHER_VCPU): it reaches the VMM as without
 *    hlkvm;
 *  - every access covered by a device on the VM's KVM PIO bus: an
 *    ioeventfd the VMM registered on an answered port (before or after
 *    attach), or KVM's PIT if the VMM creates it after attach (counted,
 *    HLKVM_STATS_A_KVM_DEVICE). The VMM asked KVM for those; answering in
 *    their place would shadow them silently. KVM's own PIC ports are
 *    never answered with a full irqchip anyway;
 *  - every access made while the vCPU runs a nested (L2) guest of its
 *    own: it belongs to that guest's L1 hypervisor, not to the attached
 *    guest.
 *
 * The attachment is owned by the requesting socket itself, not by its
 * port id (a new socket may bind a closing socket's port id before the
 * old one's release is seen). If the ATTACH reply cannot be delivered
 * (the socket's receive buffer is full), the VM is detached again and the
 * request fails: an error always means "not attached".
 *
 * Limits: HLKVM_MAX_VMS attached VMs host-wide, and HLKVM_MAX_VMS_PER_USER
 * of them per effective uid of the attaching task unless it has
 * CAP_NET_ADMIN, so that one user cannot take every slot.
 *
 * Errors: -EBADF (not an open fd), -EINVAL (the fd is not a KVM VM, the
 * VM has no in-kernel LAPIC, the eventfd is not an eventfd),
 * -EOPNOTSUPP (the VM has KVM's in-kernel PIT; the PIC group asked for
 * with KVM's PIC; a split irqchip on a kernel without the EOI bridge),
 * -EEXIST (that VM is already attached),
 * -EOPNOTSUPP also for a VM with more than one vCPU,
 * -ENOSPC (HLKVM_MAX_VMS attached, or HLKVM_MAX_VMS_PER_USER by this
 * user; the extack says which), -EBUSY (the KVM hook could not be
 * installed: another ftrace IPMODIFY user such as a livepatch owns it, or
 * ftrace is disabled with sysctl kernel.ftrace_enabled=0; while a VM is
 * attached, that sysctl is refused).
 *
 * HLKVM_CMD_DETACH
 * ----------------
 *    HLKVM_A_VM_FD or (CAP_NET_ADMIN) HLKVM_A_VM_ID: exactly one, required
 *
 * Stops the timer and detaches. -ENOENT when the VM is not attached.
 *
 * HLKVM_CMD_GET_VM
 * ----------------
 * As a plain request (HLKVM_A_VM_FD or, with CAP_NET_ADMIN, HLKVM_A_VM_ID):
 * one VM. With NLM_F_DUMP: every attached VM, one message each; needs
 * CAP_NET_ADMIN (-EPERM otherwise). Each reply carries:
 *
 *    HLKVM_A_VM_ID: NLA_U32
 *    HLKVM_A_OWNER_PID: NLA_U32, the thread group that attached it
 *    HLKVM_A_GROUPS: NLA_U32, absorbed port groups
 *    HLKVM_A_TIMER_PORT: NLA_U16
 *    HLKVM_A_TIMER_POLICY: NLA_U32
 *    HLKVM_A_ATTACH_TIME_NS: NLA_U64, CLOCK_BOOTTIME at attach
 *    HLKVM_A_IRQCHIP: NLA_U32, enum hlkvm_irqchip
 *    HLKVM_A_PIT_TICK: NLA_U8, 1 if channel 0 drives the tick
 *    HLKVM_A_TIMER: NLA_NESTED, HLKVM_TIMER_A_*
 *        HLKVM_TIMER_A_RUNNING: NLA_U8, 1 while ticking
 *        HLKVM_TIMER_A_REQUESTED_US: NLA_U32, the period the guest wrote
 *        HLKVM_TIMER_A_PERIOD_US: NLA_U32, the period in force after
 *                                 clamping (0 when stopped)
 *        HLKVM_TIMER_A_TICKS: NLA_U64, ticks injected (irqfd signals)
 *        HLKVM_TIMER_A_MERGED: NLA_U64, ticks that fell due while one was
 *                              outstanding and were merged (skip policy)
 *        HLKVM_TIMER_A_LOST: NLA_U64, ticks dropped because the catch-up
 *                            backlog was full (catch-up policy)
 *        HLKVM_TIMER_A_BACKLOG: NLA_U32, ticks now waiting to be delivered
 *        HLKVM_TIMER_A_OUTSTANDING: NLA_U32, injected, not yet acknowledged
 *        HLKVM_TIMER_A_CLAMPED: NLA_U64, period writes clamped to a bound
 *        HLKVM_TIMER_A_KICKS: NLA_U64, signals of the stale-tick guard:
 *                             after 16 periods with a tick outstanding
 *                             and no acknowledgment seen, the irqfd is
 *                             signalled again without counting a tick
 *                             (it merges with a tick still pending, or
 *                             redelivers one whose acknowledgment hlkvm
 *                             could not see)
 *        HLKVM_TIMER_A_SOURCE: NLA_U32, enum hlkvm_timer_source: the PV
 *                              timer port (or SET_VM), or channel 0
 *        HLKVM_TIMER_A_PERIOD_NS: NLA_U64, the period in force in ns (0
 *                                 when stopped); HLKVM_TIMER_A_PERIOD_US
 *                                 and _REQUESTED_US round channel 0's
 *                                 periods to the nearest microsecond
 *    HLKVM_A_STATS: NLA_NESTED, HLKVM_STATS_A_*, all NLA_U64 counters of
 *                   accesses answered in the kernel (one per instruction;
 *                   a string instruction counts once per element):
 *        HLKVM_STATS_A_PIC_IN, HLKVM_STATS_A_PIC_OUT,
 *        HLKVM_STATS_A_PIT_IN, HLKVM_STATS_A_PIT_OUT,
 *        HLKVM_STATS_A_SPEAKER_IN, HLKVM_STATS_A_SPEAKER_OUT,
 *        HLKVM_STATS_A_DIAG_IN, HLKVM_STATS_A_DIAG_OUT,
 *        HLKVM_STATS_A_TIMER_OUT: period writes to the PV timer port
 *        HLKVM_STATS_A_EOI_BRIDGED: IRQ0 EOIs on port 0x20 turned
 *                                   into a LAPIC EOI
 *        HLKVM_STATS_A_EOI_IGNORED: IRQ0 EOIs with nothing to
 *                                   acknowledge (absorbed, harmless)
 *        HLKVM_STATS_A_EOI_DIRECT: acknowledgments of the timer vector
 *                                  that bypassed port 0x20 (LAPIC EOI by
 *                                  MMIO or MSR), seen via kvm:kvm_eoi
 *        HLKVM_STATS_A_APIC_REENABLED: times the guest armed the timer
 *                                  with its LAPIC globally disabled
 *                                  (IA32_APIC_BASE bit 11 clear) and
 *                                  hlkvm set the bit again, as hyperlight
 *                                  does, so that ticks can be delivered
 *                                  (split irqchip only)
 *        HLKVM_STATS_A_EOI_SEEN: IRQ0 EOIs on port 0x20 passed on to
 *                                KVM's PIC, each acknowledging a tick
 *                                (full irqchip only)
 *        HLKVM_STATS_A_OTHER_VCPU: accesses to answered ports by a
 *                                  vCPU other than vCPU 0, passed on
 *                                  untouched (one vCPU is served)
 *        HLKVM_STATS_A_KVM_DEVICE: accesses to answered ports passed on
 *                                  to a device on the VM's KVM PIO bus
 *                                  (an ioeventfd, a PIT created after
 *                                  attach)
 *
 * HLKVM_CMD_SET_VM
 * ----------------
 *    HLKVM_A_VM_FD or (CAP_NET_ADMIN) HLKVM_A_VM_ID: exactly one, required
 *    HLKVM_A_TIMER_PERIOD_US: NLA_U32, optional: set the timer period as
 *                             if the guest had written it (0 stops)
 *    HLKVM_A_TIMER_POLICY: NLA_U32, optional
 *
 * HLKVM_CMD_GET_STATE
 * -------------------
 *    HLKVM_A_VM_FD or (CAP_NET_ADMIN) HLKVM_A_VM_ID: exactly one, required
 *
 * Answered with HLKVM_CMD_GET_STATE carrying HLKVM_A_VM_ID and
 * HLKVM_A_STATE: NLA_BINARY, a struct hlkvm_vm_state of the newest
 * version (HLKVM_STATE_VERSION): everything hlkvm keeps for the VM that a
 * guest can observe, with every time relative to the moment of the call,
 * so that HLKVM_CMD_SET_STATE can put it into another VM, in another
 * process, on another host or after a reboot. Counters (HLKVM_A_STATS,
 * ticks injected, ...) are not part of it: they describe the host's work,
 * not the guest. For a consistent state the VMM calls it while its vCPU
 * is out of KVM_RUN (the port state is the vCPU's to change).
 *
 * HLKVM_CMD_SET_STATE
 * -------------------
 *    HLKVM_A_VM_FD or (CAP_NET_ADMIN) HLKVM_A_VM_ID: exactly one, required
 *    HLKVM_A_STATE: NLA_BINARY, required, a struct hlkvm_vm_state
 *
 * Replaces the VM's timer and port state with the one given, as if the
 * guest had never left it: a running timer's next tick falls
 * next_tick_ns after the call and the grid continues from there (ticks
 * that would have fallen due between GET_STATE and SET_STATE are not
 * delivered: the guest's time stood still); an outstanding tick stays
 * outstanding, so the guest's EOI of it is bridged and releases the next;
 * a backlog is delivered paced, as always; with KVM's 8259 in auto-EOI
 * mode (pic_flags) each tick counts as acknowledged when it is injected,
 * as before the save, without the guest initialising its PIC again.
 * Validated whole before anything changes: a bad field is -EINVAL
 * (-ERANGE for a period outside the clamp in force or a backlog over the
 * VM's bound, -EOPNOTSUPP for a version this module does not know) with
 * an extack naming the field, and the VM is left as it was.
 *
 * HLKVM_CMD_GET_CONFIG
 * --------------------
 * No attributes. Answered with the module-wide configuration:
 *
 *    HLKVM_A_VERSION: NLA_NUL_STRING, the module's version
 *    HLKVM_A_GROUPS, HLKVM_A_TIMER_PORT, HLKVM_A_TIMER_POLICY: defaults
 *                    for new attachments
 *    HLKVM_A_PERIOD_MIN_US, HLKVM_A_PERIOD_MAX_US: NLA_U32, the clamp in
 *                    force for every VM, within [HLKVM_PERIOD_MIN_US,
 *                    HLKVM_PERIOD_MAX_US]
 *    HLKVM_A_BACKLOG_MAX: NLA_U32, catch-up backlog bound
 *    HLKVM_A_PIT_TICK: NLA_U8, default for new attachments
 *    HLKVM_A_VM_COUNT: NLA_U32, VMs attached now, host-wide; only to a
 *                    caller with CAP_NET_ADMIN (it tells of other users'
 *                    VMs), absent otherwise
 *
 * HLKVM_CMD_SET_CONFIG
 * --------------------
 * Needs CAP_NET_ADMIN. Any of HLKVM_A_GROUPS, HLKVM_A_TIMER_PORT,
 * HLKVM_A_TIMER_POLICY, HLKVM_A_PERIOD_MIN_US, HLKVM_A_PERIOD_MAX_US,
 * HLKVM_A_BACKLOG_MAX (1 to HLKVM_BACKLOG_LIMIT), HLKVM_A_PIT_TICK (0 or
 * 1). Groups, timer port, policy and channel 0's tick apply to VMs
 * attached afterwards; the period bounds apply to the
 * next period each VM sets. -EINVAL when min > max after the change.
 *
 * Notifications
 * -------------
 * Multicast group HLKVM_MCGRP_EVENTS ("events"; joining needs CAP_NET_ADMIN
 * over the listener's network namespace) receives HLKVM_CMD_ATTACH and
 * HLKVM_CMD_DETACH messages carrying HLKVM_A_VM_ID and HLKVM_A_OWNER_PID
 * when a VM attached from that network namespace is attached or detached
 * (the pid as seen from the initial pid namespace: a notification has no
 * requester to translate it for), and, in every network namespace,
 * HLKVM_CMD_SET_CONFIG with the new configuration (without
 * HLKVM_A_VM_COUNT) when it changes, the configuration being host-wide.
 *
 * Every request's generic netlink header is checked: a non-zero reserved
 * field, or netlink flags other than NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO
 * and NLM_F_DUMP, is -EINVAL.
 *
 * Ports
 * =====
 * With an attached VM, port accesses are answered as follows; everything
 * not listed goes to KVM and userspace exactly as without hlkvm. A port
 * group switched off in HLKVM_A_GROUPS is not answered at all.
 *
 *  PIC (HLKVM_GROUP_PIC), 0x20, 0x21, 0xA0, 0xA1:
 *    IN 0x20, 0xA0 → 0 (no IRR/ISR bit), IN 0x21, 0xA1 → 0xFF (all masked).
 *    OUT: absorbed. OUT 0x20 of an EOI that ends IRQ0's service, decoded
 *    as the 8259 does (bit 4 set: ICW1, else bit 3 set: OCW3, else OCW2):
 *    the OCW2 non-specific EOI (0x20-0x27), rotate on non-specific EOI
 *    (0xA0-0xA7), specific EOI of level 0 (0x60) and rotate on specific
 *    EOI of level 0 (0xE0), while the timer runs, or while a tick it
 *    injected is unacknowledged,
 *    becomes a LAPIC EOI (the "EOI bridge"), so a guest that only knows the
 *    PIC keeps receiving ticks. Otherwise it is absorbed and ignored.
 *  PIT (HLKVM_GROUP_PIT), 0x40-0x43: an 8254 of the VM's own, counting
 *    down at 1193182 Hz from the host's CLOCK_MONOTONIC as KVM's in-kernel
 *    PIT (arch/x86/kvm/i8254.c) computes it, with the OUT waveforms of the
 *    datasheet (Intel 82C54) where i8254.c's differ (modes 1, 2, 4, 5 and
 *    odd counts in mode 3; kmod/pit.c lists each difference). The seed
 *    answers IN 0x40 with 0 and absorbs the rest; guests that calibrate
 *    against channel 2 or read a counter to time less than a tick then
 *    wait forever or read a counter that never moves, so hlkvm models it.
 *    The seed's answer stays that of a channel no control word has
 *    programmed since attach: it reads 0 (its count, 65536, does not move,
 *    like KVM's channel 0 after reset), its OUT is low, and count writes
 *    to it are ignored (the part's state is undefined until programmed).
 *    OUT 0x43: a control word (counter, access mode LSB, MSB or LSB then
 *    MSB, mode 0-5; BCD is accepted and counted in binary, as i8254.c
 *    does), which stops the counter until its count is written and drops
 *    a latched count or status not yet read; a counter latch command
 *    (access 0), ignored while a latched count is still unread; the
 *    read-back command (0xC0-0xFF: bit 5 clear latches the counts, bit 4
 *    clear the statuses, of the counters bits 1-3 select; bit 0 ignored).
 *    OUT 0x40-0x42: the counter's count (0 = 65536), one byte or two
 *    (LSB, then MSB) as its access mode says; a whole count loads and
 *    starts the counter at once in every mode.
 *    IN 0x40-0x42: a latched status if any (OUT in bit 7, NULL COUNT in
 *    bit 6 from a control word until its count is written, bits 5-0 of
 *    the control word), else the latched count, else the count now, a
 *    byte at a time as the access mode says; reads and writes have their
 *    own LSB/MSB flip-flops. IN 0x43 is not answered (the mode register
 *    is write-only on an 8254).
 *    GATE: tied high on channels 0 and 1; channel 2's is port 0x61 bit 0
 *    (taken as high when the speaker group is off, since hlkvm then never
 *    sees it). GATE low pauses modes 0 and 4, and stops modes 2 and 3
 *    with OUT high; a rising edge resumes modes 0 and 4 and reloads the
 *    count in modes 1, 2, 3 and 5.
 *    No OUT drives an interrupt: the tick is the PV timer's, unless the
 *    VM was attached with HLKVM_A_PIT_TICK ("Channel 0's tick" above).
 *  Speaker / NMI status (HLKVM_GROUP_SPEAKER), 0x61:
 *    OUT: bits 0 (channel 2's GATE) and 1 (speaker data) are kept;
 *    bits 2-7 are not. IN → bits 0-1 as last written (0 after attach),
 *    bit 4 (refresh) toggled on every read (set on the first), so delay
 *    loops that wait for refresh edges end, bit 5 channel 2's OUT, bits
 *    2-3 and 6-7 clear. Earlier hlkvm kept every bit written and read
 *    them back, but bits 4-7 are read-only on hardware (6 and 7 are the
 *    IOCHK and SERR NMI reasons: a guest read its own write back as NMI
 *    errors); bits 2-3 read 0 as with KVM's speaker port.
 *  Diagnostic (HLKVM_GROUP_DIAG), 0x80:
 *    OUT: absorbed (POST codes, I/O delays). IN → 0xFF.
 *  PV timer (HLKVM_GROUP_TIMER), the timer port (default 107):
 *    OUT of 4 bytes: a little-endian u32 period in microseconds. Any
 *    running timer is stopped; 0 leaves it stopped; another value is
 *    clamped to [period_min_us, period_max_us] and the timer started on an
 *    absolute grid (no drift) delivering HLKVM_TIMER_VECTOR through the
 *    irqfd. OUT of 1 or 2 bytes and every IN: not answered.
 *    What the floor costs the host: each tick is an hrtimer expiring in
 *    hard interrupt context plus an irqfd signal, a few microseconds of
 *    host CPU that no cgroup is charged for (like KVM's own PIT and
 *    LAPIC timers, whose floor is KVM's min_timer_period_us, 200 us). At
 *    HLKVM_PERIOD_MIN_US (100 us) one VM asks for 10,000 such interrupts
 *    a second and HLKVM_MAX_VMS_PER_USER VMs of one unprivileged user
 *    for 640,000. The floor is the same for every caller; a host that
 *    lets untrusted users attach should raise it with HLKVM_CMD_SET_CONFIG
 *    (HLKVM_A_PERIOD_MIN_US 200 matches KVM's own floor).
 *  Halt (HLKVM_PORT_HALT, 108): never answered; always reaches the VMM.
 *
 * Multi-byte accesses to the 8-bit legacy ports (in ax / in eax and the
 * OUT forms) are answered byte-wise as consecutive ports, as the ISA bus
 * splits them, but only if every byte lands on an answered port;
 * otherwise the whole access goes to userspace.
 *
 * Timer policies
 * ==============
 * HLKVM_TIMER_CATCHUP (default, what KVM's PIT calls "reinject"): at most
 * one tick is outstanding; a tick that falls due while one is
 * unacknowledged, or during a host stall, joins a backlog of up to
 * backlog_max ticks (beyond it, counted as lost) and is delivered after the
 * guest acknowledges, at most one backlog tick per acknowledgment and no
 * closer than a quarter period, so a guest that cannot keep up still runs
 * its own code. HLKVM_TIMER_SKIP: a tick due while one is outstanding is
 * merged (counted) instead.
 */

#ifndef _UAPI_LINUX_HLKVM_H
#define _UAPI_LINUX_HLKVM_H

#include <linux/types.h>

#define HLKVM_GENL_NAME		"hlkvm"
#define HLKVM_GENL_VERSION	1
#define HLKVM_MCGRP_EVENTS	"events"

/* Ports (I/O space) */
#define HLKVM_PORT_PIC_MASTER_CMD	0x20
#define HLKVM_PORT_PIC_MASTER_DATA	0x21
#define HLKVM_PORT_PIT_CH0		0x40
#define HLKVM_PORT_PIT_CH1		0x41
#define HLKVM_PORT_PIT_CH2		0x42
#define HLKVM_PORT_PIT_MODE		0x43
#define HLKVM_PORT_SPEAKER		0x61
#define HLKVM_PORT_DIAG			0x80
#define HLKVM_PORT_PIC_SLAVE_CMD	0xa0
#define HLKVM_PORT_PIC_SLAVE_DATA	0xa1
/* Hyperlight's guest ABI */
#define HLKVM_PORT_PV_TIMER		107
#define HLKVM_PORT_HALT			108

/* The vector the VMM's MSI route delivers for each tick */
#define HLKVM_TIMER_VECTOR		0x20

/* PV timer period bounds, microseconds; the configurable clamp lies within */
#define HLKVM_PERIOD_MIN_US		100
#define HLKVM_PERIOD_MAX_US		10000000
/* Upper bound of HLKVM_A_BACKLOG_MAX, and its default */
#define HLKVM_BACKLOG_LIMIT		65536
#define HLKVM_BACKLOG_DEFAULT		1000
/* How many VMs may be attached at once */
#define HLKVM_MAX_VMS			4096
/*
 * How many of them one user (the attaching task's effective uid) may
 * attach; CAP_NET_ADMIN lifts it, HLKVM_MAX_VMS still holds
 */
#define HLKVM_MAX_VMS_PER_USER		64

/**
 * enum hlkvm_group - port groups, bit numbers of HLKVM_A_GROUPS
 * @HLKVM_GROUP_PIC: 8259 PIC pair, 0x20-0x21 and 0xa0-0xa1
 * @HLKVM_GROUP_PIT: 8254 PIT, 0x40-0x43
 * @HLKVM_GROUP_SPEAKER: speaker / NMI status, 0x61
 * @HLKVM_GROUP_DIAG: POST diagnostic port, 0x80
 * @HLKVM_GROUP_TIMER: the PV timer port
 */
enum hlkvm_group {
	HLKVM_GROUP_PIC,
	HLKVM_GROUP_PIT,
	HLKVM_GROUP_SPEAKER,
	HLKVM_GROUP_DIAG,
	HLKVM_GROUP_TIMER,
	__HLKVM_GROUP_COUNT
};

#define HLKVM_GROUP_F_PIC	(1U << HLKVM_GROUP_PIC)
#define HLKVM_GROUP_F_PIT	(1U << HLKVM_GROUP_PIT)
#define HLKVM_GROUP_F_SPEAKER	(1U << HLKVM_GROUP_SPEAKER)
#define HLKVM_GROUP_F_DIAG	(1U << HLKVM_GROUP_DIAG)
#define HLKVM_GROUP_F_TIMER	(1U << HLKVM_GROUP_TIMER)
/* Every group; the kernel rejects other bits with -EINVAL */
#define __HLKVM_GROUP_F_ALL	((1U << __HLKVM_GROUP_COUNT) - 1)

/**
 * enum hlkvm_timer_policy - what happens to a tick due while one is pending
 * @HLKVM_TIMER_CATCHUP: keep it in a bounded backlog, deliver it later
 * @HLKVM_TIMER_SKIP: merge it and count it
 */
enum hlkvm_timer_policy {
	HLKVM_TIMER_CATCHUP,
	HLKVM_TIMER_SKIP,
	__HLKVM_TIMER_POLICY_COUNT
};

/**
 * enum hlkvm_timer_source - who set a VM's timer period last
 * @HLKVM_TIMER_SRC_PV: the PV timer port, or HLKVM_CMD_SET_VM
 * @HLKVM_TIMER_SRC_PIT: PIT channel 0's count (HLKVM_A_PIT_TICK)
 */
enum hlkvm_timer_source {
	HLKVM_TIMER_SRC_PV,
	HLKVM_TIMER_SRC_PIT,
	__HLKVM_TIMER_SRC_COUNT
};

/**
 * enum hlkvm_irqchip - how an attached VM's interrupts are wired
 * @HLKVM_IRQCHIP_SPLIT: KVM_CAP_SPLIT_IRQCHIP; hlkvm answers the PIC
 * @HLKVM_IRQCHIP_KERNEL: KVM_CREATE_IRQCHIP; KVM's PIC answers the PIC
 */
enum hlkvm_irqchip {
	HLKVM_IRQCHIP_SPLIT,
	HLKVM_IRQCHIP_KERNEL,
	__HLKVM_IRQCHIP_COUNT
};

/**
 * enum hlkvm_cmd - generic netlink commands (see the Documentation above)
 * @HLKVM_CMD_UNSPEC: never used
 * @HLKVM_CMD_ATTACH: attach a VM; also the attach notification
 * @HLKVM_CMD_DETACH: detach a VM; also the detach notification
 * @HLKVM_CMD_GET_VM: one VM, or (dump, CAP_NET_ADMIN) every VM
 * @HLKVM_CMD_SET_VM: change one VM's timer
 * @HLKVM_CMD_GET_CONFIG: module version and defaults
 * @HLKVM_CMD_SET_CONFIG: change the defaults (CAP_NET_ADMIN)
 * @HLKVM_CMD_GET_STATE: one VM's timer and port state, for a snapshot
 * @HLKVM_CMD_SET_STATE: restore one VM's timer and port state
 */
enum hlkvm_cmd {
	HLKVM_CMD_UNSPEC,
	HLKVM_CMD_ATTACH,
	HLKVM_CMD_DETACH,
	HLKVM_CMD_GET_VM,
	HLKVM_CMD_SET_VM,
	HLKVM_CMD_GET_CONFIG,
	HLKVM_CMD_SET_CONFIG,
	HLKVM_CMD_GET_STATE,
	HLKVM_CMD_SET_STATE,
	__HLKVM_CMD_MAX
};

#define HLKVM_CMD_MAX (__HLKVM_CMD_MAX - 1)

/**
 * enum hlkvm_attr - top-level attributes (types in the Documentation above)
 * @HLKVM_A_UNSPEC: never used
 * @HLKVM_A_PAD: padding for 64-bit attributes
 * @HLKVM_A_VM_FD: the caller's KVM VM file descriptor
 * @HLKVM_A_IRQ_FD: the eventfd bound with KVM_IRQFD to the timer's MSI
 * @HLKVM_A_VM_ID: the module's identifier of an attachment (never 0)
 * @HLKVM_A_OWNER_PID: thread group id of the process that attached
 * @HLKVM_A_GROUPS: HLKVM_GROUP_F_* mask
 * @HLKVM_A_TIMER_PORT: PV timer port number
 * @HLKVM_A_TIMER_POLICY: enum hlkvm_timer_policy
 * @HLKVM_A_TIMER_PERIOD_US: period to set, microseconds, 0 stops
 * @HLKVM_A_PERIOD_MIN_US: lower clamp, microseconds
 * @HLKVM_A_PERIOD_MAX_US: upper clamp, microseconds
 * @HLKVM_A_BACKLOG_MAX: catch-up backlog bound, ticks
 * @HLKVM_A_ATTACH_TIME_NS: CLOCK_BOOTTIME when attached
 * @HLKVM_A_TIMER: nested HLKVM_TIMER_A_*
 * @HLKVM_A_STATS: nested HLKVM_STATS_A_*
 * @HLKVM_A_VERSION: module version string
 * @HLKVM_A_VM_COUNT: number of attached VMs
 * @HLKVM_A_IRQCHIP: enum hlkvm_irqchip of an attached VM
 * @HLKVM_A_STATE: struct hlkvm_vm_state, binary
 * @HLKVM_A_PIT_TICK: 1 if PIT channel 0 drives the tick (see ATTACH)
 */
enum hlkvm_attr {
	HLKVM_A_UNSPEC,
	HLKVM_A_PAD,
	HLKVM_A_VM_FD,
	HLKVM_A_IRQ_FD,
	HLKVM_A_VM_ID,
	HLKVM_A_OWNER_PID,
	HLKVM_A_GROUPS,
	HLKVM_A_TIMER_PORT,
	HLKVM_A_TIMER_POLICY,
	HLKVM_A_TIMER_PERIOD_US,
	HLKVM_A_PERIOD_MIN_US,
	HLKVM_A_PERIOD_MAX_US,
	HLKVM_A_BACKLOG_MAX,
	HLKVM_A_ATTACH_TIME_NS,
	HLKVM_A_TIMER,
	HLKVM_A_STATS,
	HLKVM_A_VERSION,
	HLKVM_A_VM_COUNT,
	HLKVM_A_IRQCHIP,
	HLKVM_A_STATE,
	HLKVM_A_PIT_TICK,
	__HLKVM_A_MAX
};

#define HLKVM_A_MAX (__HLKVM_A_MAX - 1)

/**
 * enum hlkvm_timer_attr - nested in HLKVM_A_TIMER
 * @HLKVM_TIMER_A_UNSPEC: never used
 * @HLKVM_TIMER_A_PAD: padding for 64-bit attributes
 * @HLKVM_TIMER_A_RUNNING: 1 while the timer runs
 * @HLKVM_TIMER_A_REQUESTED_US: period the guest (or SET_VM) asked for
 * @HLKVM_TIMER_A_PERIOD_US: period in force, 0 when stopped
 * @HLKVM_TIMER_A_TICKS: ticks injected
 * @HLKVM_TIMER_A_MERGED: ticks merged (skip policy)
 * @HLKVM_TIMER_A_LOST: ticks dropped on a full backlog (catch-up policy)
 * @HLKVM_TIMER_A_BACKLOG: ticks waiting now
 * @HLKVM_TIMER_A_OUTSTANDING: ticks injected and not yet acknowledged
 * @HLKVM_TIMER_A_CLAMPED: period writes clamped to a bound
 * @HLKVM_TIMER_A_KICKS: stale-tick guard signals, not counted as ticks
 * @HLKVM_TIMER_A_SOURCE: enum hlkvm_timer_source that set the period last
 * @HLKVM_TIMER_A_PERIOD_NS: period in force in nanoseconds, 0 when stopped
 */
enum hlkvm_timer_attr {
	HLKVM_TIMER_A_UNSPEC,
	HLKVM_TIMER_A_PAD,
	HLKVM_TIMER_A_RUNNING,
	HLKVM_TIMER_A_REQUESTED_US,
	HLKVM_TIMER_A_PERIOD_US,
	HLKVM_TIMER_A_TICKS,
	HLKVM_TIMER_A_MERGED,
	HLKVM_TIMER_A_LOST,
	HLKVM_TIMER_A_BACKLOG,
	HLKVM_TIMER_A_OUTSTANDING,
	HLKVM_TIMER_A_CLAMPED,
	HLKVM_TIMER_A_KICKS,
	HLKVM_TIMER_A_SOURCE,
	HLKVM_TIMER_A_PERIOD_NS,
	__HLKVM_TIMER_A_MAX
};

#define HLKVM_TIMER_A_MAX (__HLKVM_TIMER_A_MAX - 1)

/**
 * enum hlkvm_stats_attr - nested in HLKVM_A_STATS, all NLA_U64
 * @HLKVM_STATS_A_UNSPEC: never used
 * @HLKVM_STATS_A_PAD: padding for 64-bit attributes
 * @HLKVM_STATS_A_PIC_IN: PIC reads answered
 * @HLKVM_STATS_A_PIC_OUT: PIC writes absorbed
 * @HLKVM_STATS_A_PIT_IN: PIT reads answered
 * @HLKVM_STATS_A_PIT_OUT: PIT writes absorbed
 * @HLKVM_STATS_A_SPEAKER_IN: port 0x61 reads answered
 * @HLKVM_STATS_A_SPEAKER_OUT: port 0x61 writes absorbed
 * @HLKVM_STATS_A_DIAG_IN: port 0x80 reads answered
 * @HLKVM_STATS_A_DIAG_OUT: port 0x80 writes absorbed
 * @HLKVM_STATS_A_TIMER_OUT: PV timer period writes
 * @HLKVM_STATS_A_EOI_BRIDGED: port 0x20 EOIs turned into LAPIC EOIs
 * @HLKVM_STATS_A_EOI_IGNORED: port 0x20 EOIs with nothing outstanding
 * @HLKVM_STATS_A_EOI_DIRECT: timer acknowledgments bypassing port 0x20
 * @HLKVM_STATS_A_APIC_REENABLED: LAPIC global enables restored on arming
 * @HLKVM_STATS_A_EOI_SEEN: port 0x20 EOIs of IRQ0 passed on to KVM's PIC
 * @HLKVM_STATS_A_OTHER_VCPU: accesses of a vCPU other than vCPU 0 passed on
 * @HLKVM_STATS_A_KVM_DEVICE: accesses passed on to a KVM device (an
 *                            ioeventfd, a late PIT) on an answered port
 */
enum hlkvm_stats_attr {
	HLKVM_STATS_A_UNSPEC,
	HLKVM_STATS_A_PAD,
	HLKVM_STATS_A_PIC_IN,
	HLKVM_STATS_A_PIC_OUT,
	HLKVM_STATS_A_PIT_IN,
	HLKVM_STATS_A_PIT_OUT,
	HLKVM_STATS_A_SPEAKER_IN,
	HLKVM_STATS_A_SPEAKER_OUT,
	HLKVM_STATS_A_DIAG_IN,
	HLKVM_STATS_A_DIAG_OUT,
	HLKVM_STATS_A_TIMER_OUT,
	HLKVM_STATS_A_EOI_BRIDGED,
	HLKVM_STATS_A_EOI_IGNORED,
	HLKVM_STATS_A_EOI_DIRECT,
	HLKVM_STATS_A_APIC_REENABLED,
	HLKVM_STATS_A_EOI_SEEN,
	HLKVM_STATS_A_OTHER_VCPU,
	HLKVM_STATS_A_KVM_DEVICE,
	__HLKVM_STATS_A_MAX
};

#define HLKVM_STATS_A_MAX (__HLKVM_STATS_A_MAX - 1)

/*
 * VM state (HLKVM_A_STATE)
 * ========================
 * One fixed-layout struct, host byte order (little-endian on x86), no
 * implicit padding. @version says which layout follows and @size its
 * length in bytes; a later version only appends fields (and says what an
 * older blob's missing fields mean), so a reader takes every version up
 * to its own and refuses a newer one. Each field is validated on
 * HLKVM_CMD_SET_STATE; the rules are given with it. Times are
 * nanoseconds relative to the moment the state was read, never a clock's
 * value. The userspace fallback (libhlkvm) saves and restores this same
 * struct, so a state read from the module restores into the fallback and
 * the other way round.
 *
 * The module keeps no 8259 state of its own: on the split irqchip its
 * PIC answers are constant (see Ports). With KVM's full irqchip the
 * 8259s are KVM's, saved by the VMM with KVM_GET_IRQCHIP; of the master
 * hlkvm keeps only what it follows of the guest's ICW1-ICW4 (see
 * HLKVM_IRQCHIP_KERNEL): the initialisation step and the IC4 and AEOI
 * bits, in @pic_init and @pic_flags (version 2), with the values KVM's
 * struct kvm_pic_state gives init_state, init4 and auto_eoi.
 *
 * Version 2 appended @pic_init, @pic_flags and @reserved2. A version 1
 * blob (144 bytes) is still taken: its missing fields read as 0, i.e. no
 * initialisation in progress and auto-EOI off, which is what a module
 * of version 1 assumed for every restored VM.
 */
#define HLKVM_STATE_VERSION	2

/* struct hlkvm_vm_state.timer_flags */
#define HLKVM_STATE_TIMER_F_RUNNING	0x1	/* the timer ticks */
#define __HLKVM_STATE_TIMER_F_ALL	0x1

/* struct hlkvm_state_pit_channel.flags (the 8254's internal state bits) */
#define HLKVM_STATE_PIT_F_COUNTING	0x01	/* counting from a load */
#define HLKVM_STATE_PIT_F_OUT		0x02	/* OUT, while not counting */
#define HLKVM_STATE_PIT_F_LOADED	0x04	/* whole count since the CW */
#define HLKVM_STATE_PIT_F_NULL		0x08	/* NULL COUNT */
#define HLKVM_STATE_PIT_F_READ_MSB	0x10	/* next read is the MSB */
#define HLKVM_STATE_PIT_F_WRITE_MSB	0x20	/* next write is the MSB */
#define HLKVM_STATE_PIT_F_STATUS	0x40	/* a latched status is unread */
#define __HLKVM_STATE_PIT_F_ALL		0x7f

/* struct hlkvm_vm_state.pit_irq0 */
#define HLKVM_STATE_PIT_IRQ0_PV_OWNED	0x01	/* the PV timer port was written */
#define __HLKVM_STATE_PIT_IRQ0_ALL	0x01

/* struct hlkvm_vm_state.port61: the bits port 0x61 keeps */
#define HLKVM_STATE_PORT61_GATE2	0x01	/* channel 2's GATE */
#define HLKVM_STATE_PORT61_SPEAKER	0x02	/* speaker data */
#define HLKVM_STATE_PORT61_REFRESH	0x10	/* refresh bit, toggled on read */
#define __HLKVM_STATE_PORT61_ALL	0x13

/*
 * struct hlkvm_vm_state.pic_init (version 2): which initialisation word
 * KVM's master 8259 takes next on port 0x21, as KVM's i8259.c counts it
 * (struct kvm_pic_state.init_state)
 */
#define HLKVM_STATE_PIC_INIT_NONE	0	/* none in progress: OCW1 */
#define HLKVM_STATE_PIC_INIT_ICW2	1
#define HLKVM_STATE_PIC_INIT_ICW3	2
#define HLKVM_STATE_PIC_INIT_ICW4	3	/* only after an ICW1 with IC4 */
#define __HLKVM_STATE_PIC_INIT_MAX	3

/* struct hlkvm_vm_state.pic_flags (version 2): the master 8259's mode */
#define HLKVM_STATE_PIC_F_IC4		0x01	/* the last ICW1 had IC4 */
#define HLKVM_STATE_PIC_F_AUTO_EOI	0x02	/* ICW4 set AEOI */
#define __HLKVM_STATE_PIC_F_ALL		0x03

/**
 * struct hlkvm_state_pit_channel - one 8254 counter
 * @elapsed_ns: while HLKVM_STATE_PIT_F_COUNTING, the time since the
 *              counter was loaded (its count follows from it); else 0
 * @held_ns: while paused by GATE in modes 0 and 4, the time counted
 *           before the pause
 * @count: the count register as written; 0 counts as 65536
 * @held: while not counting, what the counter reads
 * @latch: the latched count, while @latched is not 0
 * @cw: bits 5-0 of the last control word; 0 for a channel never
 *      programmed, else access (bits 5-4) not 0
 * @flags: HLKVM_STATE_PIT_F_*
 * @latched: access mode of the latched count still unread (1 LSB, 2 MSB,
 *           3 LSB then MSB), 0 when none; at most 3
 * @status: the latched status byte, while HLKVM_STATE_PIT_F_STATUS
 * @write_lsb: the LSB already written, while HLKVM_STATE_PIT_F_WRITE_MSB
 * @reserved: 0
 */
struct hlkvm_state_pit_channel {
	__u64 elapsed_ns;
	__u64 held_ns;
	__u16 count;
	__u16 held;
	__u16 latch;
	__u8 cw;
	__u8 flags;
	__u8 latched;
	__u8 status;
	__u8 write_lsb;
	__u8 reserved[5];
};

/**
 * struct hlkvm_vm_state - HLKVM_A_STATE, version 2
 * @version: HLKVM_STATE_VERSION the writer used; 1 to this header's
 * @size: sizeof(struct hlkvm_vm_state) of that version (144 for 1, 152
 *        for 2); the attribute is exactly this long
 * @timer_flags: HLKVM_STATE_TIMER_F_*
 * @policy: enum hlkvm_timer_policy
 * @requested_us: the period the guest last wrote (unclamped); not 0
 *                while running
 * @period_us: the period in force, 0 when stopped; while running within
 *             the clamp in force where it is restored
 *             (HLKVM_A_PERIOD_MIN_US .. HLKVM_A_PERIOD_MAX_US), else
 *             -ERANGE: a restore never silently changes a guest's period
 * @next_tick_ns: while running, the time from the read to the timer's
 *                next expiry on its grid, at most one period; 0 when
 *                stopped
 * @backlog: catch-up ticks owed, at most the restoring VM's backlog bound
 *           (HLKVM_A_BACKLOG_MAX, -ERANGE beyond); 0 when stopped or with
 *           HLKVM_TIMER_SKIP
 * @outstanding: ticks injected and not yet acknowledged (0 or 1): a tick
 *               in service at the read, whose EOI is still to come
 * @port61: HLKVM_STATE_PORT61_* bits of port 0x61, no others
 * @pit_irq0: HLKVM_STATE_PIT_IRQ0_* bits: HLKVM_STATE_PIT_IRQ0_PV_OWNED
 *            once the guest has written the PV timer port, after which
 *            channel 0 no longer drives the tick (HLKVM_A_PIT_TICK)
 * @timer_source: enum hlkvm_timer_source that set the period last; with
 *                HLKVM_TIMER_SRC_PIT on a running timer, channel 0 must
 *                count in mode 2 or 3 and @period_us be its period
 *                (clamped as a guest's write would be) rounded to the
 *                microsecond; the restored timer runs at channel 0's
 *                exact period, which a microsecond cannot express
 * @reserved: 0
 * @pit: the 8254's three counters (0: IRQ0, 1: refresh, 2: speaker)
 * @pic_init: (version 2) HLKVM_STATE_PIC_INIT_*, at most
 *            __HLKVM_STATE_PIC_INIT_MAX; HLKVM_STATE_PIC_INIT_ICW4 only
 *            with HLKVM_STATE_PIC_F_IC4 (ICW1 decides whether an ICW4
 *            follows). 0 where the restoring VM is on the split irqchip
 *            (hlkvm follows no 8259 there), else -EINVAL
 * @pic_flags: (version 2) HLKVM_STATE_PIC_F_* bits, no others;
 *             HLKVM_STATE_PIC_F_AUTO_EOI only with HLKVM_STATE_PIC_F_IC4
 *             (an ICW1 without IC4 ends auto-EOI). While AUTO_EOI is set
 *             the restored VM counts each tick acknowledged as it is
 *             injected, and @outstanding is taken as 0 (no EOI of it
 *             will come). 0 on the split irqchip, as @pic_init
 * @reserved2: (version 2) 0
 */
struct hlkvm_vm_state {
	__u32 version;
	__u32 size;
	__u32 timer_flags;
	__u32 policy;
	__u32 requested_us;
	__u32 period_us;
	__u64 next_tick_ns;
	__u32 backlog;
	__u32 outstanding;
	__u8 port61;
	__u8 pit_irq0;
	__u8 timer_source;
	__u8 reserved[5];
	struct hlkvm_state_pit_channel pit[3];
	__u8 pic_init;
	__u8 pic_flags;
	__u8 reserved2[6];
};

#endif /* _UAPI_LINUX_HLKVM_H */
