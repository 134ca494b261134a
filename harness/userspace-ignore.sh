# SPDX-License-Identifier: GPL-2.0-only
# checkpatch rules about kernel code that do not apply to userspace
# programs: the kselftest programs, the userspace build of the engine
# (tools/testing/migcompat/) and its fuzzers. Sourced by harness/gates.sh
# and harness/series.sh; the test-only kernel modules get every rule.
#
# PREFER_KERNEL_TYPES            the C library's uint64_t, not u64
# PREFER_DEFINED_ATTRIBUTE_MACRO no __printf() outside the kernel
# ARRAY_SIZE                     no ARRAY_SIZE() outside the kernel
# STRCPY                         no strscpy() in the C library
# SSCANF_TO_KSTRTO               no kstrto*() in the C library
# USE_NEGATIVE_ERRNO             positive errno values, as errno(3) has
# QUOTED_WHITESPACE_BEFORE_NEWLINE  about log messages; here test input
# SPLIT_STRING                   about log messages; here usage texts
# EMBEDDED_FUNCTION_NAME         "usage: prog" in a function usage()
# CAMELCASE                      LLVMFuzzerTestOneInput() is libFuzzer's
# NEW_TYPEDEFS, EXPORT_SYMBOL,   the shim headers of
#   MACRO_ARG_UNUSED             tools/testing/migcompat/include/ stand in
#                                for kernel headers and mimic them
# shellcheck disable=SC2034
USERSPACE_IGNORE=PREFER_KERNEL_TYPES,PREFER_DEFINED_ATTRIBUTE_MACRO,ARRAY_SIZE,STRCPY,SSCANF_TO_KSTRTO,USE_NEGATIVE_ERRNO,QUOTED_WHITESPACE_BEFORE_NEWLINE,SPLIT_STRING,EMBEDDED_FUNCTION_NAME,CAMELCASE,NEW_TYPEDEFS,EXPORT_SYMBOL,MACRO_ARG_UNUSED
