// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "hlkvm" (see uapi/linux/hlkvm.h). Read top
 * down: VM lookup, message fillers, the commands, the family, the socket
 * release notifier that ends an attachment with its socket.
 */
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "compat.h"
#include "netlink.h"
#include "policy.h"
#include "vm.h"

static struct genl_family hlkvm_genl_family;
/* Cleared once the family is gone: rmmod's detaches notify nobody */
static bool hlkvm_genl_live;

/* The struct kvm behind the caller's fd @attr, referenced */
static struct kvm *kvm_from_fd(struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	struct file *file;
	struct kvm *kvm;

	file = fget(nla_get_u32(attr));
	if (!file) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "VM fd is not an open fd");
		return ERR_PTR(-EBADF);
	}
	if (!hlkvm_file_is_kvm_vm(file)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "VM fd is not a KVM VM");
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	kvm = file->private_data;
	kvm_get_kvm(kvm);
	fput(file);
	return kvm;
}

/*
 * The attached VM named by the request: the caller's own VM fd, or (with
 * CAP_NET_ADMIN) its id. Under hlkvm_vms_lock.
 */
static struct hlkvm_vm *vm_from_info(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *fd_attr = info->attrs[HLKVM_A_VM_FD];
	struct nlattr *id_attr = info->attrs[HLKVM_A_VM_ID];
	struct netlink_ext_ack *extack = info->extack;
	struct hlkvm_vm *vm;
	struct kvm *kvm;

	lockdep_assert_held(&hlkvm_vms_lock);

	if (fd_attr && id_attr) {
		NL_SET_ERR_MSG_ATTR(extack, id_attr,
				    "give either VM fd or VM id, not both");
		return ERR_PTR(-EINVAL);
	}
	if (id_attr) {
		if (!netlink_capable(skb, CAP_NET_ADMIN)) {
			NL_SET_ERR_MSG_ATTR(extack, id_attr,
					    "naming a VM by id needs CAP_NET_ADMIN");
			return ERR_PTR(-EPERM);
		}
		vm = hlkvm_vm_find_id(nla_get_u32(id_attr));
		if (!vm) {
			NL_SET_ERR_MSG_ATTR(extack, id_attr,
					    "no attached VM has that id");
			return ERR_PTR(-ENOENT);
		}
		return vm;
	}
	if (!fd_attr) {
		NL_SET_ERR_MSG(extack, "VM fd or VM id required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, HLKVM_A_VM_FD);
		return ERR_PTR(-EINVAL);
	}
	kvm = kvm_from_fd(fd_attr, extack);
	if (IS_ERR(kvm))
		return ERR_CAST(kvm);
	vm = hlkvm_vm_find(kvm);
	kvm_put_kvm(kvm);
	if (!vm) {
		NL_SET_ERR_MSG_ATTR(extack, fd_attr, "VM is not attached");
		return ERR_PTR(-ENOENT);
	}
	return vm;
}

static int fill_timer(struct sk_buff *skb, struct hlkvm_vm *vm)
{
	struct hlkvm_timer_info ti;
	struct nlattr *nest;

	hlkvm_timer_info(&vm->timer, &ti);
	nest = nla_nest_start(skb, HLKVM_A_TIMER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, HLKVM_TIMER_A_RUNNING, ti.running) ||
	    nla_put_u32(skb, HLKVM_TIMER_A_REQUESTED_US, ti.requested_us) ||
	    nla_put_u32(skb, HLKVM_TIMER_A_PERIOD_US, ti.period_us) ||
	    nla_put_u64_64bit(skb, HLKVM_TIMER_A_TICKS, ti.ticks.injected,
			      HLKVM_TIMER_A_PAD) ||
	    nla_put_u64_64bit(skb, HLKVM_TIMER_A_MERGED, ti.ticks.merged,
			      HLKVM_TIMER_A_PAD) ||
	    nla_put_u64_64bit(skb, HLKVM_TIMER_A_LOST, ti.ticks.lost,
			      HLKVM_TIMER_A_PAD) ||
	    nla_put_u32(skb, HLKVM_TIMER_A_BACKLOG, ti.ticks.backlog) ||
	    nla_put_u32(skb, HLKVM_TIMER_A_OUTSTANDING, ti.ticks.outstanding) ||
	    nla_put_u64_64bit(skb, HLKVM_TIMER_A_CLAMPED, ti.clamped,
			      HLKVM_TIMER_A_PAD) ||
	    nla_put_u64_64bit(skb, HLKVM_TIMER_A_KICKS, ti.ticks.kicks,
			      HLKVM_TIMER_A_PAD) ||
	    nla_put_u32(skb, HLKVM_TIMER_A_SOURCE, ti.source) ||
	    nla_put_u64_64bit(skb, HLKVM_TIMER_A_PERIOD_NS,
			      ti.running ? ti.period_ns : 0,
			      HLKVM_TIMER_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_stats(struct sk_buff *skb, struct hlkvm_vm *vm)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, HLKVM_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = HLKVM_STATS_A_PIC_IN; i <= HLKVM_STATS_A_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, hlkvm_stats_get(&vm->stats, i),
				      HLKVM_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One VM as in a GET_VM reply; @full: with the timer and the counters */
static int fill_vm(struct sk_buff *skb, struct hlkvm_vm *vm, u32 portid,
		   u32 seq, int flags, u8 cmd, bool full)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &hlkvm_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, HLKVM_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, HLKVM_A_OWNER_PID,
			/*
			 * A reply is read by the requester: its own pid
			 * namespace. A notification is sent from whatever
			 * context detaches (the reaper, rmmod, a closing
			 * socket) to listeners anywhere: the initial one.
			 */
			full ? pid_vnr(vm->owner) : pid_nr(vm->owner)))
		goto err;
	if (full &&
	    (nla_put_u32(skb, HLKVM_A_GROUPS, vm->cfg.groups) ||
	     nla_put_u16(skb, HLKVM_A_TIMER_PORT, vm->cfg.timer_port) ||
	     nla_put_u32(skb, HLKVM_A_TIMER_POLICY, READ_ONCE(vm->policy)) ||
	     nla_put_u64_64bit(skb, HLKVM_A_ATTACH_TIME_NS, vm->attach_time,
			       HLKVM_A_PAD) ||
	     nla_put_u32(skb, HLKVM_A_IRQCHIP, vm->irqchip) ||
	     nla_put_u8(skb, HLKVM_A_PIT_TICK, vm->cfg.pit_tick) ||
	     fill_timer(skb, vm) || fill_stats(skb, vm)))
		goto err;
	genlmsg_end(skb, hdr);
	return 0;

err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int reply_vm(struct genl_info *info, struct hlkvm_vm *vm, u8 cmd)
{
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = fill_vm(msg, vm, info->snd_portid, info->snd_seq, 0, cmd, true);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static void notify_vm(struct hlkvm_vm *vm, u8 cmd)
{
	struct sk_buff *msg;

	if (!READ_ONCE(hlkvm_genl_live))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (fill_vm(msg, vm, 0, 0, 0, cmd, false)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&hlkvm_genl_family, vm->net, msg, 0, 0,
				GFP_KERNEL);
}

void hlkvm_genl_notify_detach(struct hlkvm_vm *vm)
{
	notify_vm(vm, HLKVM_CMD_DETACH);
}

/* The attributes an attachment takes from a request over @cfg's defaults */
static void override_attach_config(struct hlkvm_config *cfg,
				   struct nlattr **attrs)
{
	if (attrs[HLKVM_A_GROUPS])
		cfg->groups = nla_get_u32(attrs[HLKVM_A_GROUPS]);
	if (attrs[HLKVM_A_TIMER_PORT])
		cfg->timer_port = nla_get_u16(attrs[HLKVM_A_TIMER_PORT]);
	if (attrs[HLKVM_A_TIMER_POLICY])
		cfg->policy = nla_get_u32(attrs[HLKVM_A_TIMER_POLICY]);
	if (attrs[HLKVM_A_PIT_TICK])
		cfg->pit_tick = nla_get_u8(attrs[HLKVM_A_PIT_TICK]);
}

static int hlkvm_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct hlkvm_attach_req req;
	struct eventfd_ctx *irqfd;
	struct hlkvm_config cfg;
	struct hlkvm_vm *vm;
	LIST_HEAD(gone);
	struct kvm *kvm;
	int irqchip;
	int ret;

	if (!attrs[HLKVM_A_VM_FD]) {
		NL_SET_ERR_MSG(extack, "VM fd required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, HLKVM_A_VM_FD);
		return -EINVAL;
	}
	if (!attrs[HLKVM_A_IRQ_FD]) {
		NL_SET_ERR_MSG(extack, "irq fd required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, HLKVM_A_IRQ_FD);
		return -EINVAL;
	}
	ret = hlkvm_policy_check_timer_port(attrs[HLKVM_A_TIMER_PORT], extack);
	if (ret)
		return ret;

	mutex_lock(&hlkvm_config_lock);
	cfg = hlkvm_config;
	mutex_unlock(&hlkvm_config_lock);
	override_attach_config(&cfg, attrs);

	kvm = kvm_from_fd(attrs[HLKVM_A_VM_FD], extack);
	if (IS_ERR(kvm))
		return PTR_ERR(kvm);
	irqchip = hlkvm_vm_irqchip(kvm, extack);
	if (irqchip < 0) {
		ret = irqchip;
		NL_SET_BAD_ATTR(extack, attrs[HLKVM_A_VM_FD]);
		goto err_kvm;
	}
	if (irqchip == HLKVM_IRQCHIP_KERNEL) {
		/* KVM's PIC answers its own ports: not absorbed by default */
		if (attrs[HLKVM_A_GROUPS] && (cfg.groups & HLKVM_GROUP_F_PIC)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[HLKVM_A_GROUPS],
					    "the PIC group cannot be absorbed: the VM has KVM's in-kernel PIC");
			ret = -EOPNOTSUPP;
			goto err_kvm;
		}
		cfg.groups &= ~HLKVM_GROUP_F_PIC;
	}

	irqfd = eventfd_ctx_fdget(nla_get_u32(attrs[HLKVM_A_IRQ_FD]));
	if (IS_ERR(irqfd)) {
		ret = PTR_ERR(irqfd);
		if (ret == -EBADF)
			NL_SET_ERR_MSG_ATTR(extack, attrs[HLKVM_A_IRQ_FD],
					    "irq fd is not an open fd");
		else
			NL_SET_ERR_MSG_ATTR(extack, attrs[HLKVM_A_IRQ_FD],
					    "irq fd is not an eventfd");
		goto err_kvm;
	}

	req.net = genl_info_net(info);
	req.sk = NETLINK_CB(skb).sk;
	req.portid = info->snd_portid;
	req.user_limited = !netlink_capable(skb, CAP_NET_ADMIN);
	ret = hlkvm_vm_attach(kvm, irqfd, &cfg, irqchip, &req, &vm, extack);
	if (ret) {
		if (ret == -EEXIST)
			NL_SET_BAD_ATTR(extack, attrs[HLKVM_A_VM_FD]);
		goto err_irqfd;
	}
	/* hlkvm_vm_attach() returned with hlkvm_vms_lock held */
	notify_vm(vm, HLKVM_CMD_ATTACH);
	ret = reply_vm(info, vm, HLKVM_CMD_ATTACH);
	if (ret) {
		/*
		 * The caller will see an error (or nothing): it must be able
		 * to take that for "not attached". Listeners heard the attach
		 * and now hear the detach.
		 */
		NL_SET_ERR_MSG(extack,
			       "the attach reply could not be delivered; not attached");
		hlkvm_vm_unpublish(vm, &gone);
	}
	mutex_unlock(&hlkvm_vms_lock);
	hlkvm_vm_release(&gone);
	return ret;

err_irqfd:
	eventfd_ctx_put(irqfd);
err_kvm:
	kvm_put_kvm(kvm);
	return ret;
}

static int hlkvm_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hlkvm_vm *vm;
	LIST_HEAD(gone);
	int ret = 0;

	mutex_lock(&hlkvm_vms_lock);
	vm = vm_from_info(skb, info);
	if (IS_ERR(vm))
		ret = PTR_ERR(vm);
	else
		hlkvm_vm_unpublish(vm, &gone);
	mutex_unlock(&hlkvm_vms_lock);
	/* The slow part (hook removal, maybe the VM's destruction) unlocked */
	hlkvm_vm_release(&gone);
	return ret;
}

static int hlkvm_get_vm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hlkvm_vm *vm;
	int ret;

	mutex_lock(&hlkvm_vms_lock);
	vm = vm_from_info(skb, info);
	if (IS_ERR(vm))
		ret = PTR_ERR(vm);
	else
		ret = reply_vm(info, vm, HLKVM_CMD_GET_VM);
	mutex_unlock(&hlkvm_vms_lock);
	return ret;
}

/*
 * Dumps list every VM, whoever attached it: administrators only. 6.1's
 * genl_ops share one flags word between doit and dumpit, so the check is
 * here rather than GENL_ADMIN_PERM.
 */
static int hlkvm_get_vm_start(struct netlink_callback *cb)
{
	if (!netlink_capable(cb->skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(cb->extack,
			       "listing every VM needs CAP_NET_ADMIN");
		return -EPERM;
	}
	cb->args[0] = 1;	/* the next VM id to dump */
	return 0;
}

static int hlkvm_get_vm_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct hlkvm_vm *vm;
	u32 id = cb->args[0];
	int ret = 0;

	mutex_lock(&hlkvm_vms_lock);
	while ((vm = hlkvm_vm_next(&id))) {
		ret = fill_vm(skb, vm, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI,
			      HLKVM_CMD_GET_VM, true);
		if (ret)
			break;
		id++;
	}
	mutex_unlock(&hlkvm_vms_lock);
	cb->args[0] = id;
	/* A full skb ends this round; the next one resumes at @id */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

static int hlkvm_set_vm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct hlkvm_period_bounds b;
	struct hlkvm_vm *vm;
	int ret = 0;

	mutex_lock(&hlkvm_vms_lock);
	vm = vm_from_info(skb, info);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto out;
	}
	if (attrs[HLKVM_A_TIMER_POLICY]) {
		u32 policy = nla_get_u32(attrs[HLKVM_A_TIMER_POLICY]);

		WRITE_ONCE(vm->policy, policy);
		hlkvm_timer_set_policy(&vm->timer, policy);
	}
	if (attrs[HLKVM_A_TIMER_PERIOD_US]) {
		hlkvm_config_bounds(&b);
		hlkvm_timer_set(&vm->timer,
				nla_get_u32(attrs[HLKVM_A_TIMER_PERIOD_US]), &b);
	}
out:
	mutex_unlock(&hlkvm_vms_lock);
	return ret;
}

/*
 * An extack message chosen at run time (state.c names the field): it must
 * be of static storage, as NL_SET_ERR_MSG's literal is, since 6.1 has no
 * NL_SET_ERR_MSG_FMT.
 */
static void set_err_msg_attr(struct netlink_ext_ack *extack,
			     const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = attr;
}

static int hlkvm_get_state_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hlkvm_state_timer ts;
	struct hlkvm_vm_state state;
	struct sk_buff *msg;
	struct hlkvm_vm *vm;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&hlkvm_vms_lock);
	vm = vm_from_info(skb, info);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto err;
	}
	hlkvm_timer_save(&vm->timer, &ts);
	raw_spin_lock(&vm->pst_lock);
	hlkvm_state_save(&state, &ts, &vm->pst, ktime_get_ns());
	raw_spin_unlock(&vm->pst_lock);
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &hlkvm_genl_family, 0, HLKVM_CMD_GET_STATE);
	ret = -EMSGSIZE;
	if (!hdr || nla_put_u32(msg, HLKVM_A_VM_ID, vm->id) ||
	    nla_put(msg, HLKVM_A_STATE, sizeof(state), &state))
		goto err;
	mutex_unlock(&hlkvm_vms_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	mutex_unlock(&hlkvm_vms_lock);
	nlmsg_free(msg);
	return ret;
}

static int hlkvm_set_state_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[HLKVM_A_STATE];
	struct hlkvm_state_limits lim;
	struct hlkvm_port_state pst;
	struct hlkvm_state_timer ts;
	struct hlkvm_vm *vm;
	const char *why;
	int ret;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "state required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, HLKVM_A_STATE);
		return -EINVAL;
	}
	mutex_lock(&hlkvm_vms_lock);
	vm = vm_from_info(skb, info);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto out;
	}
	hlkvm_config_bounds(&lim.bounds);
	lim.backlog_max = vm->timer.ticks.backlog_max;
	lim.pic_watch = vm->cfg.pic_watch;
	ret = hlkvm_state_load(nla_data(attr), nla_len(attr), &lim,
			       ktime_get_ns(), &ts, &pst, &why);
	if (ret) {
		set_err_msg_attr(info->extack, attr, why);
		goto out;
	}
	/*
	 * The uapi asks for the vCPU out of KVM_RUN; the lock keeps a caller
	 * that ignores it from tearing the state a running vCPU reads.
	 */
	raw_spin_lock(&vm->pst_lock);
	vm->pst = pst;
	raw_spin_unlock(&vm->pst_lock);
	WRITE_ONCE(vm->policy, ts.policy);
	/* KVM's 8259 went back to its saved mode with KVM_SET_IRQCHIP */
	hlkvm_timer_restore(&vm->timer, &ts, pst.pic.auto_eoi);
out:
	mutex_unlock(&hlkvm_vms_lock);
	return ret;
}

/*
 * @count: with the host-wide VM count, which only a host administrator
 * may learn (it tells of other users' VMs)
 */
static int fill_config(struct sk_buff *skb, u32 portid, u32 seq, u8 cmd,
		       bool count)
{
	void *hdr;

	lockdep_assert_held(&hlkvm_config_lock);
	hdr = genlmsg_put(skb, portid, seq, &hlkvm_genl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, HLKVM_A_VERSION, HLKVM_MODULE_VERSION) ||
	    nla_put_u32(skb, HLKVM_A_GROUPS, hlkvm_config.groups) ||
	    nla_put_u16(skb, HLKVM_A_TIMER_PORT, hlkvm_config.timer_port) ||
	    nla_put_u32(skb, HLKVM_A_TIMER_POLICY, hlkvm_config.policy) ||
	    nla_put_u32(skb, HLKVM_A_PERIOD_MIN_US, hlkvm_config.period_min_us) ||
	    nla_put_u32(skb, HLKVM_A_PERIOD_MAX_US, hlkvm_config.period_max_us) ||
	    nla_put_u32(skb, HLKVM_A_BACKLOG_MAX, hlkvm_config.backlog_max) ||
	    nla_put_u8(skb, HLKVM_A_PIT_TICK, hlkvm_config.pit_tick) ||
	    (count &&
	     nla_put_u32(skb, HLKVM_A_VM_COUNT, hlkvm_vm_count()))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static struct sk_buff *config_msg(u32 portid, u32 seq, u8 cmd, bool count)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	if (fill_config(msg, portid, seq, cmd, count)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int hlkvm_get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;

	mutex_lock(&hlkvm_config_lock);
	msg = config_msg(info->snd_portid, info->snd_seq,
			 HLKVM_CMD_GET_CONFIG,
			 netlink_capable(skb, CAP_NET_ADMIN));
	mutex_unlock(&hlkvm_config_lock);
	if (!msg)
		return -ENOMEM;
	return genlmsg_reply(msg, info);
}

static int hlkvm_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct hlkvm_config cfg;
	struct sk_buff *msg;
	int ret;

	/* GENL_ADMIN_PERM would refuse it without saying why */
	if (!netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "changing the configuration needs CAP_NET_ADMIN");
		return -EPERM;
	}
	ret = hlkvm_policy_check_timer_port(attrs[HLKVM_A_TIMER_PORT],
					    info->extack);
	if (ret)
		return ret;
	mutex_lock(&hlkvm_config_lock);
	cfg = hlkvm_config;
	override_attach_config(&cfg, attrs);
	if (attrs[HLKVM_A_PERIOD_MIN_US])
		cfg.period_min_us = nla_get_u32(attrs[HLKVM_A_PERIOD_MIN_US]);
	if (attrs[HLKVM_A_PERIOD_MAX_US])
		cfg.period_max_us = nla_get_u32(attrs[HLKVM_A_PERIOD_MAX_US]);
	if (attrs[HLKVM_A_BACKLOG_MAX])
		cfg.backlog_max = nla_get_u32(attrs[HLKVM_A_BACKLOG_MAX]);
	if (cfg.period_min_us > cfg.period_max_us) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    attrs[HLKVM_A_PERIOD_MIN_US] ?:
				    attrs[HLKVM_A_PERIOD_MAX_US],
				    "period min would exceed period max");
		mutex_unlock(&hlkvm_config_lock);
		return -EINVAL;
	}
	hlkvm_config = cfg;
	hlkvm_config_publish_bounds(cfg.period_min_us, cfg.period_max_us);
	msg = config_msg(0, 0, HLKVM_CMD_SET_CONFIG, false);
	mutex_unlock(&hlkvm_config_lock);
	/* The configuration is the host's: every namespace hears of it */
	if (msg)
		genlmsg_multicast_allns(&hlkvm_genl_family, msg, 0, 0);
	return 0;
}

static const struct genl_ops hlkvm_genl_ops[] = {
	{
		.cmd = HLKVM_CMD_ATTACH,
		.doit = hlkvm_attach_doit,
		.policy = hlkvm_attach_policy,
		.maxattr = HLKVM_A_MAX,
	}, {
		.cmd = HLKVM_CMD_DETACH,
		.doit = hlkvm_detach_doit,
		.policy = hlkvm_detach_policy,
		.maxattr = HLKVM_A_MAX,
	}, {
		.cmd = HLKVM_CMD_GET_VM,
		.doit = hlkvm_get_vm_doit,
		.start = hlkvm_get_vm_start,
		.dumpit = hlkvm_get_vm_dumpit,
		.policy = hlkvm_get_vm_policy,
		.maxattr = HLKVM_A_MAX,
	}, {
		.cmd = HLKVM_CMD_SET_VM,
		.doit = hlkvm_set_vm_doit,
		.policy = hlkvm_set_vm_policy,
		.maxattr = HLKVM_A_MAX,
	}, {
		.cmd = HLKVM_CMD_GET_CONFIG,
		.doit = hlkvm_get_config_doit,
		.policy = hlkvm_get_config_policy,
		.maxattr = HLKVM_A_MAX,
	}, {
		.cmd = HLKVM_CMD_SET_CONFIG,
		.doit = hlkvm_set_config_doit,
		.policy = hlkvm_set_config_policy,
		.maxattr = HLKVM_A_MAX,
		/* CAP_NET_ADMIN: checked in the doit, for the extack */
	}, {
		.cmd = HLKVM_CMD_GET_STATE,
		.doit = hlkvm_get_state_doit,
		.policy = hlkvm_get_state_policy,
		.maxattr = HLKVM_A_MAX,
	}, {
		.cmd = HLKVM_CMD_SET_STATE,
		.doit = hlkvm_set_state_doit,
		.policy = hlkvm_set_state_policy,
		.maxattr = HLKVM_A_MAX,
	},
};

/*
 * genl_bind() checks CAP_NET_ADMIN over the listener's network namespace:
 * an administrator of a namespace hears of the VMs attached from it
 * (attach notifications are sent to the VM's namespace only) and of the
 * host-wide configuration.
 */
static const struct genl_multicast_group hlkvm_genl_mcgrps[] = {
	{ .name = HLKVM_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family hlkvm_genl_family __ro_after_init = {
	.name = HLKVM_GENL_NAME,
	.version = HLKVM_GENL_VERSION,
	.netnsok = true,
	/*
	 * Not under genl_mutex: an attach or detach may wait for the hook's
	 * (un)registration, which must not stall every other family of the
	 * host. hlkvm_config_lock and hlkvm_vms_lock serialize what needs it.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = hlkvm_genl_ops,
	.n_ops = ARRAY_SIZE(hlkvm_genl_ops),
	/*
	 * resv_start_op stays 0: a new family validates every command's
	 * header (reserved must be 0, no stray flags) from the first one.
	 */
	.mcgrps = hlkvm_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(hlkvm_genl_mcgrps),
};

#ifdef HLKVM_DEBUG_KNOBS
/*
 * Test only, in debug builds (Kbuild): hold a released socket's detach
 * this long, so that tests/host/hardening.c can bind the port id the
 * socket left and attach from it in the window NETLINK_URELEASE leaves
 * open, which is otherwise too short to hit at will.
 */
static unsigned int urelease_delay_ms;
module_param(urelease_delay_ms, uint, 0600);
MODULE_PARM_DESC(urelease_delay_ms,
		 "test only: delay a released socket's detach (ms)");

static void urelease_delay(void)
{
	unsigned int ms = READ_ONCE(urelease_delay_ms);

	if (ms)
		msleep(ms);
}
#else
static void urelease_delay(void)
{
}
#endif

/* A VMM that exits, or is killed, closes its socket: detach its VMs */
static int hlkvm_netlink_notify(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    hlkvm_vm_count()) {
		urelease_delay();
		hlkvm_vm_detach_socket(n->net, n->portid);
	}
	return NOTIFY_DONE;
}

static struct notifier_block hlkvm_netlink_nb = {
	.notifier_call = hlkvm_netlink_notify,
};

int hlkvm_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&hlkvm_netlink_nb);
	if (ret)
		return ret;
	ret = genl_register_family(&hlkvm_genl_family);
	if (ret)
		goto err_notifier;
	WRITE_ONCE(hlkvm_genl_live, true);
	return 0;

err_notifier:
	netlink_unregister_notifier(&hlkvm_netlink_nb);
	return ret;
}

void hlkvm_genl_uninit(void)
{
	WRITE_ONCE(hlkvm_genl_live, false);
	genl_unregister_family(&hlkvm_genl_family);
	netlink_unregister_notifier(&hlkvm_netlink_nb);
}
