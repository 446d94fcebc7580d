/* What this binary is: its version, the git commit and the compiler flags it
 * was built from.  Defined in build_info.c, the one object the Makefile
 * compiles with these as -D's, so a new commit recompiles only that file. */
#ifndef PARITY_BUILD_INFO_H
#define PARITY_BUILD_INFO_H

extern const char parity_build_version[]; /* "0.1.0" */
extern const char parity_build_commit[];  /* short hash, "-dirty" if changed */
extern const char parity_build_cflags[];  /* the flags every object got */

#endif
