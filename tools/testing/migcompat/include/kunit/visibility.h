/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the tests link the engine in, there is nothing to export. */
#ifndef _MIGC_SHIM_KUNIT_VISIBILITY_H
#define _MIGC_SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern int migc_exported_##sym

#endif
