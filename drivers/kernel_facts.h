/* A kernel descriptor's facts as the analysis reads them (analysis/facts.h):
 * what the result writer stores in /kernel, and what a schema 1 file is
 * judged by (the hook main.c registers).  One conversion for both, so a v2
 * file and the v1 fallback can never describe a built-in kernel differently. */
#ifndef PARITY_KERNEL_FACTS_H
#define PARITY_KERNEL_FACTS_H

#include "../analysis/facts.h"

#include <parity/kernel.h>

/* 0, or PARITY_EUSAGE after one line when the descriptor does not fit the
 * result schema or breaks its rules (facts_validate). */
int kernel_facts_of(const struct parity_kernel *k, struct kernel_facts *f);

/* The builtin_facts_fn of analysis/facts.h over kernel_registry, silent. */
int builtin_kernel_facts(const char *kernel, struct kernel_facts *f);

#endif
