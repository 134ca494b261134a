/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: there is no symbol table to export to. */
#ifndef _MIGC_SHIM_LINUX_EXPORT_H
#define _MIGC_SHIM_LINUX_EXPORT_H

#define EXPORT_SYMBOL_GPL(sym)	extern int migc_exported_##sym

#endif
