/* The mode table: every way parity can run a kernel, one row each.  Adding a
 * mode is a row here plus the kernels' implementations (a struct
 * parity_mode_impl with the row's name); options.c, run.c and list.c read
 * only this table, and the scripts read it through `parity list --format`. */
#ifndef PARITY_MODES_H
#define PARITY_MODES_H

struct mode_desc {
    const char *name;     /* --mode NAME; also the `mode` of struct parity_mode_impl */
    const char *help;     /* one line for --help and `parity list` */
    int reference;        /* the sequential reference every other mode is verified against */
    int needs_launcher;   /* one process per rank, started by mpirun or srun */
    int uses_threads;     /* runs an OpenMP team of --threads (else exactly 1 thread) */
};

/* Every mode, ending with a row whose name is NULL. */
extern const struct mode_desc mode_table[];

const struct mode_desc *mode_find(const char *name); /* NULL if none */

#endif
