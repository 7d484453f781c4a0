/* rz_slotset.h: slots on a SysV semaphore set that survive a killed holder (SEM_UNDO): the
 * primitive under the write gate, the hash and decode caps and the job-runner role (rz_slots.h). */
#ifndef RZ_SLOTSET_H
#define RZ_SLOTSET_H

#include <sys/types.h>

/* The semaphores of a set made by rz_slotset_create. GATE and JOBS are binary (1 = free). HASH and
 * DECODE count: they hold RZ_SLOTSET_FULL minus the slots taken, so that one atomic semop can test
 * "fewer than max taken" and take a slot whatever max the caller uses (rz_slotset_take). */
enum { RZ_SEM_GATE, RZ_SEM_HASH, RZ_SEM_DECODE, RZ_SEM_JOBS, RZ_SEM_COUNT };

#define RZ_SLOTSET_FULL 4096    /* > RZ_SLOTSET_MAX_CAP, well below SEMVMX (32767) */
#define RZ_SLOTSET_MAX_CAP 1024 /* a larger cap counts as this */

/* Every slot is taken with SEM_UNDO: when a process dies holding slots (SIGKILL, crash, the OOM
 * killer), the kernel gives them back. A slot is not owned by a thread: any thread of the holding
 * process may give it back (threads share the undo record, CLONE_SYSVSEM). A forked child holds
 * nothing of its parent's. The functions below are thread-safe and async of each other; the ones
 * returning int give -1 with errno set when the set is unusable (EIDRM or EINVAL: removed). */

/* A new private set (mode 0600, owned by the caller) with every slot free: its id, or -1. The
 * caller removes it with rz_slotset_remove. */
int rz_slotset_create(void);

/* Gives the set to uid:gid, mode 0600 (root hands it to the user httpd's children run as). 0 or
 * -1. */
int rz_slotset_chown(int id, uid_t uid, gid_t gid);

/* Removes the set (processes waiting on it get -1/EIDRM). 0 or -1. */
int rz_slotset_remove(int id);

/* Takes the binary semaphore `sem`, sleeping in the kernel (no polling) at most timeout_ms
 * (0: no wait). 1 taken, 0 timed out, -1 error. Retries after a signal for the time left. */
int rz_slotset_wait(int id, int sem, int timeout_ms);

/* Takes one slot of the counting semaphore `sem` unless `max` (1..RZ_SLOTSET_MAX_CAP; smaller
 * counts as 1) are taken; never waits. 1 taken, 0 at the cap, -1 error. */
int rz_slotset_take(int id, int sem, int max);

/* Gives back one slot (or the binary semaphore) taken by this process. 0 or -1. */
int rz_slotset_give(int id, int sem);

/* Slots of the counting semaphore `sem` taken now, or -1. */
int rz_slotset_taken(int id, int sem);

#endif
