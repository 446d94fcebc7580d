#!/usr/bin/env bats
# The tests themselves are checked: no assertion that can never fail.

lint=$BATS_TEST_DIRNAME/../lint/bats-negation.sh

@test "no bats test uses a bare ! (it cannot fail under set -e)" {
    run "$lint" "$BATS_TEST_DIRNAME"/*.bats "$BATS_TEST_DIRNAME"/../slurm/*.bats
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "the lint catches a bare ! inside a test, and only inside one" {
    f=$BATS_TEST_TMPDIR/broken.bats
    printf '%s\n' '#!/usr/bin/env bats' 'helper() {' '    ! true' '}' \
        '@test "x" {' '    ! grep -q a /dev/null' '    run ! false' '    true' '}' >"$f"
    run "$lint" "$f"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == *broken.bats:6:* ]]
}

@test "make refuses -ffast-math in CFLAGS with one line (it would break the bitwise promise)" {
    cd "$BATS_TEST_DIRNAME/../.."
    for flag in -ffast-math -Ofast -fassociative-math; do
        run make --no-print-directory CFLAGS="-O2 $flag" BUILD="$BATS_TEST_TMPDIR/b" all
        echo "$output"
        [ "$status" -ne 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"parity: CFLAGS has $flag"*"breaks the bitwise promise"* ]]
    done
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
}

layering=$BATS_TEST_DIRNAME/../lint/layering.sh

@test "layering: analysis never includes kernels/, kernels only the public API, common nothing above it" {
    run "$layering"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "layering: the lint catches each broken include, and passes the allowed ones" {
    t=$BATS_TEST_TMPDIR/tree
    mkdir -p "$t/analysis" "$t/kernels/foo" "$t/kernels/bar" "$t/common" "$t/drivers"
    printf '%s\n' '#include "judge.h"' '#include <hdf5.h>' '#include "../common/error.h"' \
        '#include "../kernels/registry.h"' '  #  include "../kernels/foo/foo.h"' >"$t/analysis/a.c"
    printf '%s\n' '#include "foo.h"' '#include <parity/kernel.h>' '#include <mpi.h>' \
        '#include <omp.h>' '#include "../bar/bar.h"' '#include "../../common/error.h"' \
        '#include <common/error.h>' '#include "../registry.h"' >"$t/kernels/foo/foo.c"
    printf '%s\n' '#include "error.h"' '#include <stdio.h>' '#include "../drivers/run.h"' \
        '#include "../analysis/judge.h"' >"$t/common/c.c"
    printf '%s\n' '#include "../kernels/registry.h"' >"$t/drivers/d.c"
    run "$layering" "$t"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 8 ]
    for at in analysis/a.c:4: analysis/a.c:5: kernels/foo/foo.c:5: kernels/foo/foo.c:6: \
              kernels/foo/foo.c:7: kernels/foo/foo.c:8: common/c.c:3: common/c.c:4:; do
        [[ "$output" == *"$at includes"* ]] || { echo "not caught: $at"; false; }
    done
}
