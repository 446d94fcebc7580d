/* `parity report`: what a campaign shows.  report.c builds the model below
 * from a judged campaign (rows with speedups and intervals, Amdahl fits,
 * break-even sizes, findings); report_write.c writes report.md, results.csv
 * and the terminal summary; report_plot.c the gnuplot plots. */
#ifndef PARITY_REPORT_H
#define PARITY_REPORT_H

#include "format.h"
#include "judge.h"

#include "../common/stats.h"

#include <stdio.h>

#define REPORT_LEVEL 0.95 /* confidence level of the speedup intervals */

/* One run as the report shows it. */
struct report_row {
    const struct judged_run *run;
    int problem;             /* index into report.problem */
    int cores;               /* ranks x threads */
    char label[80];          /* its line in plots: "omp", "hybrid t=2", "omp fast", "omp racy";
                                " @m2" added when the campaign spans several machines */
    int machine;             /* index into report.machine */
    char shape[32];          /* "1", "2", "2x2": ranks x threads as shown */
    double median, min, max; /* seconds per repetition */
    int base;                /* row its speedup is measured against, -1 none */
    int base_seq;            /* 1: a seq run; 0: the smallest parallel run (no seq) */
    int base_cores;          /* cores of the baseline */
    struct interval speedup; /* NaN point without a baseline */
    double efficiency;       /* speedup * base_cores / cores */
    double karp_flatt;       /* NaN unless vs seq on more than one core */
    int wrong;               /* MISMATCH or failed self-check: out of fits and plots */
    char note[256];
};

/* A problem: kernel, parameters, seed; rows [lo, hi). */
struct report_problem {
    int lo, hi;
    double work;             /* GFLOP per repetition (kernel model), else GB */
    int work_is_bytes;       /* work is in GB (the kernel models no flops) */
    double size;             /* position on its series' size axis */
    int series;              /* index into report.series, -1 when alone */
    int cpus;                /* CPUs its runs saw (0 if they differ) */
    char slug[200];          /* for file names: pi_n1000000_seed1 */
    char title[512];         /* "pi n=1000000 seed=1" */
    char base_what[128];     /* "seq" or "omp 1×2 (no seq run)" */
};

/* Problems of one kernel and seed at several sizes, smallest first. */
struct report_series {
    int *problem, nproblems; /* every size: no cap */
    char axis[64];           /* "n", or "work (GFLOP, kernel model)" */
    char axis_label[256];    /* for plots: "n (number of midpoints)" */
    char slug[160];
    char title[160];
};

/* Amdahl's law fitted to one mode's speedups on one problem. */
struct report_fit {
    int problem;
    char label[80];
    int npoints, pmax;       /* points used (cores > 1, not oversubscribed), most cores */
    double f, rms;           /* serial fraction, rms relative error of the fit */
    double s2, s10;          /* predicted speedup at 2x and 10x pmax */
};

/* Where one parallel configuration starts to beat seq along a series. */
struct report_breakeven {
    int series;
    char config[128];        /* label and shape: "omp 1×2", "hybrid t=2 2×2" */
    int npoints;
    double ratio_small, ratio_large; /* T/T_seq at the smallest and largest size */
    double size_small, size_large;
    double crossing;         /* interpolated smallest size with T < T_seq; NaN if none */
    int beats_at_all;        /* 0: never faster; 1: faster from `crossing`; 2: faster
                                already at the smallest size */
    double slower_again;     /* a larger size where it is slower again; NaN if none */
    double overhead;         /* o of the fit T = b T_seq + o (s per repetition) */
    double slope;            /* b */
    double model_crossing;   /* size where b T_seq + o = T_seq; NaN if none */
    double init_seconds;     /* median start-up recorded by the runs */
};

/* Lines in one plot: more are unreadable.  The report says when a plot
 * left lines out; every run is still in the tables and results.csv. */
#define REPORT_PLOT_LINES 48

struct report {
    const char *path, *outdir;
    struct campaign *campaign;
    struct report_row *row;  /* one per judged run, in campaign order */
    int nrows;
    struct report_problem *problem;
    int nproblems;
    struct report_series *series;
    int nseries;
    struct report_fit *fit;
    int nfits;
    struct report_breakeven *be;
    int nbe;
    int nhosts;              /* distinct hostnames */
    int nmpi;                /* distinct MPI libraries of the mpi-mode runs */
    char mpi_libraries[256]; /* "Open MPI v4.1.4; MPICH Version: 4.0.2" */
    int nmachines;           /* kinds of machine: CPU model and CPUs online */
    char (*machine)[200];       /* [nmachines] "AMD EPYC, 2 CPUs online"; no cap */
    char (*machine_hosts)[200]; /* [nmachines] "node1, node2, ..." */
    char findings[8][1024];  /* "What this campaign shows" bullets */
    int nfindings;
    char not_shown[8][256];  /* the five things the data could not show */
    int nnot_shown;
    int nplots;              /* PNG files written */
    char plot_status[512];   /* "" or why plots were skipped / failed */
    int plots_cut;           /* plots that show only their first REPORT_PLOT_LINES lines */
};

int report_build(struct report *r);
void report_free(struct report *r);
void report_findings(struct report *r);

int report_write_md(const struct report *r, const char *file);
int report_write_csv(const struct report *r, const char *file);
void report_print_summary(const struct report *r, FILE *out);
/* Write the plots (PNG) with gnuplot; fills nplots, plot_status. */
void report_plots(struct report *r);

#endif
