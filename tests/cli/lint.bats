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
