/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: module metadata has nowhere to go. */
#ifndef _MIGC_SHIM_LINUX_MODULE_H
#define _MIGC_SHIM_LINUX_MODULE_H

#define MODULE_LICENSE(s)	extern int migc_module_license
#define MODULE_DESCRIPTION(s)	extern int migc_module_description

#endif
