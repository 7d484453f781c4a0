/* rz_slotset.c: SysV semaphore slots with SEM_UNDO (semget/semop/semtimedop), httpd-free. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* semtimedop */
#endif
#include "auth/rz_slotset.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

union rz_semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

int rz_slotset_create(void)
{
    unsigned short init[RZ_SEM_COUNT];
    union rz_semun arg;
    int id = semget(IPC_PRIVATE, RZ_SEM_COUNT, IPC_CREAT | IPC_EXCL | 0600), e;

    if (id < 0) {
        return -1;
    }
    init[RZ_SEM_GATE] = 1;
    init[RZ_SEM_HASH] = RZ_SLOTSET_FULL;
    init[RZ_SEM_DECODE] = RZ_SLOTSET_FULL;
    init[RZ_SEM_JOBS] = 1;
    arg.array = init;
    if (semctl(id, 0, SETALL, arg) != 0) {
        e = errno;
        semctl(id, 0, IPC_RMID);
        errno = e;
        return -1;
    }
    return id;
}

int rz_slotset_remove(int id)
{
    return semctl(id, 0, IPC_RMID) == 0 ? 0 : -1;
}

int rz_slotset_chown(int id, uid_t uid, gid_t gid)
{
    struct semid_ds ds;
    union rz_semun arg;

    arg.buf = &ds;
    if (semctl(id, 0, IPC_STAT, arg) != 0) {
        return -1;
    }
    ds.sem_perm.uid = uid;
    ds.sem_perm.gid = gid;
    ds.sem_perm.mode = 0600;
    return semctl(id, 0, IPC_SET, arg) == 0 ? 0 : -1;
}

/* Monotonic milliseconds (a wall-clock step must not stretch or cut a wait). */
static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rz_slotset_wait(int id, int sem, int timeout_ms)
{
    struct sembuf op = {(unsigned short)sem, -1, SEM_UNDO};
    long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0), left;
    struct timespec ts;

    for (;;) {
        left = deadline - now_ms();
        if (left < 0) {
            left = 0; /* one last try that does not wait */
        }
        ts.tv_sec = (time_t)(left / 1000);
        ts.tv_nsec = (long)(left % 1000) * 1000000L;
        if (semtimedop(id, &op, 1, &ts) == 0) {
            return 1;
        }
        if (errno == EINTR && left > 0) {
            continue; /* a signal: wait for the time left */
        }
        if (errno == EAGAIN || errno == EINTR) {
            return 0;
        }
        return -1;
    }
}

int rz_slotset_take(int id, int sem, int max)
{
    struct sembuf ops[2];

    max = max < 1 ? 1 : max > RZ_SLOTSET_MAX_CAP ? RZ_SLOTSET_MAX_CAP : max;
    /* Both operations apply atomically or not at all (in order, on one semaphore): the first
     * needs more than FULL - max free, i.e. fewer than max taken, and takes FULL - max + 1; the
     * second puts FULL - max back. The net effect is one slot taken, and SEM_UNDO records exactly
     * that one for the kernel to give back if this process dies. */
    ops[0].sem_num = ops[1].sem_num = (unsigned short)sem;
    ops[0].sem_op = (short)-(RZ_SLOTSET_FULL - max + 1);
    ops[0].sem_flg = IPC_NOWAIT | SEM_UNDO;
    ops[1].sem_op = (short)(RZ_SLOTSET_FULL - max);
    ops[1].sem_flg = SEM_UNDO;
    if (semop(id, ops, 2) == 0) {
        return 1;
    }
    return errno == EAGAIN ? 0 : -1;
}

int rz_slotset_give(int id, int sem)
{
    struct sembuf op = {(unsigned short)sem, 1, SEM_UNDO};

    return semop(id, &op, 1) == 0 ? 0 : -1;
}

int rz_slotset_taken(int id, int sem)
{
    int v = semctl(id, sem, GETVAL);

    return v < 0 ? -1 : RZ_SLOTSET_FULL - v;
}
