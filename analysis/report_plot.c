/* The report's plots: gnuplot data and one script under DIR/gnuplot/ (kept,
 * so a plot can be restyled by hand), PNGs in DIR.  Per problem: speedup vs
 * cores with the ideal line and the CPU count, error bars from the 95 %
 * interval, and efficiency vs cores; per series of sizes: time vs size,
 * log-log.  The legend sits outside the plot area so it never covers data.
 * Without gnuplot the plots are skipped with one line. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int gnuplot_in_path(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char dir[4096];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s/gnuplot", (int)n, p);
        if (n && access(dir, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

/* Dark, distinct colours and point shapes for the lines of one plot. */
static const char *line_color(int i)
{
    static const char *const c[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                    "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
    return c[i % 8];
}

static int point_type(int i)
{
    static const int pt[] = {7, 5, 9, 11, 13, 4, 6, 8};
    return pt[i % 8];
}

/* A row that belongs in the speedup plots. */
static int plotted(const struct report_row *w)
{
    return !w->wrong && isfinite(w->speedup.point) && strcmp(w->run->meta.mode, "seq") != 0;
}

static void gp_header(FILE *gp, const char *title, const char *xlabel, const char *ylabel,
                      const char *png)
{
    fprintf(gp, "\nreset\nset output '../%s'\n", png);
    fprintf(gp, "set title \"%s\" noenhanced\n", title);
    fprintf(gp, "set xlabel \"%s\" noenhanced\nset ylabel \"%s\" noenhanced\n", xlabel, ylabel);
    fputs("set key outside right top vertical Left reverse noenhanced\n"
          "set grid lc rgb '#dddddd'\nset border 3\nset tics nomirror\nset bars small\n",
          gp);
}

static void gp_cores_axis(FILE *gp, int maxcores, int cpus)
{
    if (maxcores > 32)
        fprintf(gp, "set logscale x 2\nset xrange [0.8:%g]\n", maxcores * 1.25);
    else
        fprintf(gp, "set xrange [0.5:%g]\nset xtics %d\n", maxcores + 0.5,
                maxcores > 16 ? 4 : maxcores > 8 ? 2 : 1);
    if (cpus > 0 && cpus <= maxcores) {
        fprintf(gp, "set arrow from %d, graph 0 to %d, graph 1 nohead dt 2 lc rgb 'gray40'\n",
                cpus, cpus);
        fprintf(gp, "set label \"%d CPUs\" at %d, graph 1 offset 0.5,-1 left tc rgb 'gray40'\n",
                cpus, cpus);
    }
}

/* The lines of one plot: a label each, and the largest x. */
struct lines {
    char name[REPORT_PLOT_LINES][128];
    int n;
    int maxcores;
    int cut;        /* a line did not fit: the report says so */
};

static void add_line(struct lines *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0)
            return;
    if (l->n < REPORT_PLOT_LINES)
        snprintf(l->name[l->n++], sizeof l->name[0], "%s", name);
    else
        l->cut = 1;
}

/* Speedup data: per line a block of (cores, speedup, lo, hi, efficiency %,
 * lo, hi). */
static int write_speedup_data(const struct report *r, const struct report_problem *p,
                              const struct lines *l, const char *dat)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/gnuplot/%s", r->outdir, dat);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int k = 0; k < l->n; k++) {
        fprintf(f, "# %s: cores speedup lo hi efficiency%% lo hi\n", l->name[k]);
        for (int i = p->lo; i < p->hi; i++) {
            const struct report_row *w = &r->row[i];
            if (!plotted(w) || strcmp(w->label, l->name[k]) != 0)
                continue;
            double e = (double)w->base_cores / w->cores * 100;
            fprintf(f, "%d %.6g %.6g %.6g %.6g %.6g %.6g\n", w->cores, w->speedup.point,
                    w->speedup.lo, w->speedup.hi, w->speedup.point * e, w->speedup.lo * e,
                    w->speedup.hi * e);
        }
        fputs("\n\n", f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* One line per label with error bars; lines at the same core count are
 * dodged sideways a little, so that every error bar stays visible. */
static void plot_lines(FILE *gp, const struct lines *l, const char *dat, int ycol)
{
    for (int k = 0; k < l->n; k++) {
        double d = 0.04 * (k - (l->n - 1) / 2.0);
        char x[32];
        if (l->maxcores > 32) /* log axis: dodge by a factor */
            snprintf(x, sizeof x, "($1*%.3f)", 1 + d / 2);
        else
            snprintf(x, sizeof x, "($1+%.3f)", d);
        fprintf(gp, ", '%s' index %d using %s:%d:%d:%d with yerrorlines lw 2 pt %d ps 1.2 "
                    "lc rgb '%s' title \"%s\"",
                dat, k, x, ycol, ycol + 1, ycol + 2, point_type(k), line_color(k), l->name[k]);
    }
}

/* Speedup (efficiency = 0) or efficiency (1) vs cores for problem p. */
static void plot_scaling(struct report *r, const struct report_problem *p,
                         const struct lines *l, const char *dat, int efficiency, FILE *gp)
{
    const struct report_row *first = &r->row[p->lo];
    char title[600], ylabel[200], png[300];
    snprintf(png, sizeof png, "%s_%s.png", p->slug, efficiency ? "efficiency" : "speedup");
    snprintf(title, sizeof title, "%s: %s vs cores", p->title,
             efficiency ? "parallel efficiency" : "speedup");
    if (efficiency)
        snprintf(ylabel, sizeof ylabel, "efficiency = speedup / cores (%%)");
    else
        snprintf(ylabel, sizeof ylabel, "speedup vs %s (T_base / T, ×)",
                 first->base_seq ? "seq" : p->base_what);
    gp_header(gp, title, "ranks × threads (cores asked for)", ylabel, png);
    gp_cores_axis(gp, l->maxcores, p->cpus);
    fputs("set yrange [0:*]\n", gp);
    if (efficiency)
        fputs("plot 100 title 'ideal (100 %)' dt 2 lc rgb 'gray50'", gp);
    else if (first->base_seq)
        fputs("plot x title 'ideal (speedup = cores)' dt 2 lc rgb 'gray50', "
              "'-' using 1:2 with points pt 7 ps 1.3 lc rgb 'black' title 'seq (baseline)'",
              gp);
    else
        fprintf(gp, "plot x/%d.0 title 'ideal (linear in cores)' dt 2 lc rgb 'gray50'",
                first->base_cores);
    plot_lines(gp, l, dat, efficiency ? 5 : 2);
    fputs(!efficiency && first->base_seq ? "\n1 1\ne\n" : "\n", gp);
    r->nplots++;
}

static void speedup_plots(struct report *r, int k, FILE *gp)
{
    const struct report_problem *p = &r->problem[k];
    struct lines l = {.maxcores = 1};
    for (int i = p->lo; i < p->hi; i++)
        if (plotted(&r->row[i])) {
            add_line(&l, r->row[i].label);
            l.maxcores = r->row[i].cores > l.maxcores ? r->row[i].cores : l.maxcores;
        }
    const struct report_row *first = &r->row[p->lo];
    if (l.n == 0 || (l.n == 1 && !first->base_seq && l.maxcores == first->base_cores))
        return; /* nothing beside the baseline */
    char dat[300];
    snprintf(dat, sizeof dat, "%s_speedup.dat", p->slug);
    if (write_speedup_data(r, p, &l, dat) < 0)
        return;
    r->plots_cut += 2 * l.cut; /* speedup and efficiency */
    plot_scaling(r, p, &l, dat, 0, gp);
    plot_scaling(r, p, &l, dat, 1, gp);
}

static void config_of(const struct report_row *w, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s", w->label, w->shape);
}

/* Configurations of series s measured at two sizes or more. */
static void time_lines(const struct report *r, const struct report_series *s, struct lines *l)
{
    struct lines all = {.n = 0};
    int nsizes[REPORT_PLOT_LINES] = {0};
    for (int j = 0; j < s->nproblems; j++) {
        const struct report_problem *p = &r->problem[s->problem[j]];
        int counted[REPORT_PLOT_LINES] = {0};
        for (int i = p->lo; i < p->hi; i++) {
            char c[128];
            if (r->row[i].wrong)
                continue;
            config_of(&r->row[i], c, sizeof c);
            add_line(&all, c);
            for (int k = 0; k < all.n; k++)
                if (strcmp(all.name[k], c) == 0 && !counted[k]++)
                    nsizes[k]++;
        }
    }
    l->n = 0;
    l->cut = all.cut;
    for (int k = 0; k < all.n; k++)
        if (nsizes[k] >= 2)
            add_line(l, all.name[k]);
}

/* Per configuration a block of (size, median, min, max). */
static int write_time_data(const struct report *r, const struct report_series *s,
                           const struct lines *l, const char *dat)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/gnuplot/%s", r->outdir, dat);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int k = 0; k < l->n; k++) {
        fprintf(f, "# %s: size median min max\n", l->name[k]);
        for (int j = 0; j < s->nproblems; j++) {
            const struct report_problem *p = &r->problem[s->problem[j]];
            for (int i = p->lo; i < p->hi; i++) {
                const struct report_row *w = &r->row[i];
                char c[128];
                config_of(w, c, sizeof c);
                if (!w->wrong && strcmp(c, l->name[k]) == 0 && w->median > 0)
                    fprintf(f, "%.9g %.6g %.6g %.6g\n", p->size, w->median, w->min, w->max);
            }
        }
        fputs("\n\n", f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

static void time_plot(struct report *r, int si, FILE *gp)
{
    const struct report_series *s = &r->series[si];
    struct lines l = {.n = 0};
    time_lines(r, s, &l);
    char dat[300], png[300], title[300];
    snprintf(dat, sizeof dat, "%s_time.dat", s->slug);
    if (l.n == 0 || write_time_data(r, s, &l, dat) < 0)
        return;
    r->plots_cut += l.cut;
    snprintf(png, sizeof png, "%s_time.png", s->slug);
    snprintf(title, sizeof title, "%s: time vs problem size (log-log)", s->title);
    gp_header(gp, title, s->axis_label[0] ? s->axis_label : s->axis,
              "median time per repetition (s)", png);
    fputs("set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\n"
          "set offsets 0, 0, graph 0.05, graph 0.05\n",
          gp);
    for (int k = 0; k < l.n; k++)
        fprintf(gp, "%s'%s' index %d using 1:2:3:4 with yerrorlines lw 2 pt %d ps 1.2 "
                    "lc rgb '%s' title \"%s\"",
                k ? ", " : "plot ", dat, k, point_type(k), line_color(k), l.name[k]);
    fputc('\n', gp);
    r->nplots++;
}

static int run_gnuplot(const char *dir)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        int log = open("gnuplot.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) {
            dup2(log, 1);
            dup2(log, 2);
        }
        execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void report_plots(struct report *r)
{
    if (!gnuplot_in_path()) {
        snprintf(r->plot_status, sizeof r->plot_status,
                 "plots skipped: gnuplot not found (install gnuplot for PNG plots; the tables "
                 "and CSV are complete)");
        return;
    }
    char dir[4200], script[4300];
    snprintf(dir, sizeof dir, "%s/gnuplot", r->outdir);
    snprintf(script, sizeof script, "%s/plots.gp", dir);
    FILE *gp = NULL;
    if ((mkdir(dir, 0777) < 0 && errno != EEXIST) || !(gp = fopen(script, "w"))) {
        snprintf(r->plot_status, sizeof r->plot_status, "plots skipped: cannot write %.400s: %s",
                 script, strerror(errno));
        return;
    }
    fputs("# parity report plots: `gnuplot plots.gp` in this folder rewrites the PNGs.\n"
          "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
          "    set terminal pngcairo size 1000,600 enhanced font 'sans,11'\n"
          "} else {\n"
          "    set terminal png size 1000,600 enhanced\n"
          "}\n",
          gp);
    for (int k = 0; k < r->nproblems; k++)
        speedup_plots(r, k, gp);
    for (int si = 0; si < r->nseries; si++)
        time_plot(r, si, gp);
    fclose(gp);
    if (r->nplots == 0)
        return;
    int rc = run_gnuplot(dir);
    if (rc != 0) {
        snprintf(r->plot_status, sizeof r->plot_status,
                 "plots failed: gnuplot exited with %d (see %.400s/gnuplot.log)", rc, dir);
        r->nplots = 0;
    }
}
