/* The subcommands other than run; each returns the process exit code. */
#ifndef PARITY_SUBCOMMANDS_H
#define PARITY_SUBCOMMANDS_H

int cmd_list(int argc, char **argv);

#endif
