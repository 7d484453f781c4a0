/* rz_idempotency.h: STUB (being written). */
#ifndef RZ_IDEMPOTENCY_H
#define RZ_IDEMPOTENCY_H
#endif
