/* The build facts (see build_info.h).  Only this file gets PARITY_VERSION,
 * PARITY_GIT_COMMIT and PARITY_CFLAGS from the Makefile; the fallbacks are
 * for a build without it.  `make` after a new commit recompiles only this. */
#include "build_info.h"

#ifndef PARITY_VERSION
#define PARITY_VERSION "0.0.0"
#endif
#ifndef PARITY_GIT_COMMIT
#define PARITY_GIT_COMMIT "unknown"
#endif
#ifndef PARITY_CFLAGS
#define PARITY_CFLAGS "unknown"
#endif

const char parity_build_version[] = PARITY_VERSION;
const char parity_build_commit[] = PARITY_GIT_COMMIT;
const char parity_build_cflags[] = PARITY_CFLAGS;
