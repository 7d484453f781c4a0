/* test_slots.c: unit tests of auth/rz_slotset.c: caps, the binary gate, slots given back by the
 * kernel when their holder is SIGKILLed, and one cap shared by forked processes. */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/rz_slotset.h"
#include "unit_suites.h"

static int set = -1;

static void setup(void)
{
    set = rz_slotset_create();
    ck_assert_int_ge(set, 0);
}

static void teardown(void)
{
    rz_slotset_remove(set);
    set = -1;
}

START_TEST(cap_counts_and_refuses)
{
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 0);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 3), 1);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 3), 1);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 3), 1);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 3), 0);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 3);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_DECODE), 0); /* semaphores are independent */
    ck_assert_int_eq(rz_slotset_give(set, RZ_SEM_HASH), 0);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 2);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 3), 1);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 3), 0);
    /* the cap is the caller's: a server with a higher one still gets a slot */
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 4), 1);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 2), 0);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 4);
    while (rz_slotset_taken(set, RZ_SEM_HASH) > 0) {
        ck_assert_int_eq(rz_slotset_give(set, RZ_SEM_HASH), 0);
    }
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_DECODE, 0), 1); /* max < 1 counts as 1 */
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_DECODE, -5), 0);
    ck_assert_int_eq(rz_slotset_give(set, RZ_SEM_DECODE), 0);
}
END_TEST

START_TEST(cap_above_the_maximum_is_the_maximum)
{
    int i;

    for (i = 0; i < RZ_SLOTSET_MAX_CAP; i++) {
        ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_DECODE, 1000000), 1);
    }
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_DECODE, 1000000), 0);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_DECODE), RZ_SLOTSET_MAX_CAP);
}
END_TEST

START_TEST(gate_is_binary)
{
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 0), 1);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 0), 0);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 50), 0); /* waits, then gives up */
    ck_assert_int_eq(rz_slotset_give(set, RZ_SEM_GATE), 0);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 0), 1);
    ck_assert_int_eq(rz_slotset_give(set, RZ_SEM_GATE), 0);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_JOBS, 0), 1);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_JOBS, 0), 0);
}
END_TEST

START_TEST(removed_set_fails)
{
    int id = rz_slotset_create();

    ck_assert_int_ge(id, 0);
    ck_assert_int_eq(rz_slotset_remove(id), 0);
    ck_assert_int_eq(rz_slotset_wait(id, RZ_SEM_GATE, 10), -1);
    ck_assert_int_eq(rz_slotset_take(id, RZ_SEM_HASH, 2), -1);
    ck_assert_int_eq(rz_slotset_taken(id, RZ_SEM_HASH), -1);
}
END_TEST

/* A child that takes the gate and `n` hash slots, reports through the pipe, then waits for a
 * byte: 'g' gives everything back and exits; the test may SIGKILL it instead. */
static pid_t holder(int n, int *cmd_fd)
{
    int ready[2], cmd[2], i;
    char c = 0;
    pid_t pid;

    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(cmd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int ok = rz_slotset_wait(set, RZ_SEM_GATE, 5000) == 1;
        for (i = 0; i < n; i++) {
            ok = ok && rz_slotset_take(set, RZ_SEM_HASH, n) == 1;
        }
        c = ok ? 'r' : 'x';
        if (write(ready[1], &c, 1) != 1 || read(cmd[0], &c, 1) != 1) {
            _exit(2);
        }
        rz_slotset_give(set, RZ_SEM_GATE);
        for (i = 0; i < n; i++) {
            rz_slotset_give(set, RZ_SEM_HASH);
        }
        _exit(0);
    }
    close(ready[1]);
    close(cmd[0]);
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    ck_assert_int_eq(c, 'r');
    close(ready[0]);
    *cmd_fd = cmd[1];
    return pid;
}

START_TEST(killed_holder_gives_everything_back)
{
    int fd, status;
    pid_t pid = holder(2, &fd);

    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 2);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 2), 0);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 0), 0);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status));
    close(fd);
    /* the kernel undid the dead holder's operations */
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 0);
    ck_assert_int_eq(rz_slotset_take(set, RZ_SEM_HASH, 2), 1);
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 0), 1);
}
END_TEST

START_TEST(waiter_enters_when_the_holder_leaves)
{
    int fd, status;
    char c = 'g';
    pid_t pid = holder(1, &fd);

    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 20), 0);
    ck_assert_int_eq(write(fd, &c, 1), 1); /* the holder leaves while we wait */
    ck_assert_int_eq(rz_slotset_wait(set, RZ_SEM_GATE, 10000), 1);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fd);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 0);
}
END_TEST

/* ---- one cap across processes ---------------------------------------------------------------- */

#define NCHILD 4
#define CAP 3

typedef struct {
    int go;
    int entered[NCHILD];
    int current; /* slots held as counted by the children themselves */
    int peak;    /* the highest `current` or rz_slotset_taken seen */
} shared_t;

static shared_t *sh;

static void note_peak(int v)
{
    int cur = __atomic_load_n(&sh->peak, __ATOMIC_RELAXED);

    while (v > cur
           && !__atomic_compare_exchange_n(&sh->peak, &cur, v, 0, __ATOMIC_RELAXED,
                                           __ATOMIC_RELAXED)) {
    }
}

static void child_rounds(int idx)
{
    int i;

    while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE)) {
        sched_yield();
    }
    for (i = 0; i < 2000; i++) {
        if (rz_slotset_take(set, RZ_SEM_HASH, CAP) != 1) {
            continue;
        }
        sh->entered[idx]++;
        note_peak(__atomic_add_fetch(&sh->current, 1, __ATOMIC_ACQ_REL));
        note_peak(rz_slotset_taken(set, RZ_SEM_HASH));
        sched_yield();
        __atomic_sub_fetch(&sh->current, 1, __ATOMIC_ACQ_REL);
        rz_slotset_give(set, RZ_SEM_HASH);
    }
}

START_TEST(processes_share_one_cap)
{
    pid_t pids[NCHILD];
    int i, status, total = 0;

    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(sh, MAP_FAILED);
    memset(sh, 0, sizeof(*sh));
    for (i = 0; i < NCHILD; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            child_rounds(i);
            _exit(0);
        }
    }
    __atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
    for (i = 0; i < NCHILD; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        total += sh->entered[i];
    }
    ck_assert_int_gt(total, 0);
    ck_assert_int_ge(sh->peak, 1);
    ck_assert_int_le(sh->peak, CAP);
    ck_assert_int_eq(rz_slotset_taken(set, RZ_SEM_HASH), 0);
    munmap(sh, sizeof(*sh));
}
END_TEST

Suite *slots_suite(void)
{
    Suite *s = suite_create("slots");
    TCase *tc = tcase_create("slotset");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cap_counts_and_refuses);
    tcase_add_test(tc, cap_above_the_maximum_is_the_maximum);
    tcase_add_test(tc, gate_is_binary);
    tcase_add_test(tc, removed_set_fails);
    tcase_add_test(tc, killed_holder_gives_everything_back);
    tcase_add_test(tc, waiter_enters_when_the_holder_leaves);
    tcase_add_test(tc, processes_share_one_cap);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
