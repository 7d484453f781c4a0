/* rz_notify.h: in-app notifications (SPEC 4.12, 8.7): one document per recipient user. */
#ifndef RZ_NOTIFY_H
#define RZ_NOTIFY_H

#include <jansson.h>

#include "core/rz_status.h"
#include "store/rz_store.h"

#define RZ_NOTIFY_COLL "notifications"
#define RZ_USERS_COLL "users"

#define RZ_NOTIFY_TITLE_MAX 200    /* code points; longer titles are cut */
#define RZ_NOTIFY_MESSAGE_MAX 1000 /* idem */

/* 1 if type is one of the notification types of SPEC 4.12, else 0. */
int rz_notify_type_valid(const char *type);

/* Writes one notification for `user_id`: {userId, establishmentId (NULL -> null), type, title,
 * message, data (a copy of `data`, or {} when NULL), readAt: null, read: false, createdAt,
 * updatedAt}. Title and message are cut to their maximum length at a code point boundary.
 * Meant to be called inside the event's unit of work (it then commits or rolls back with it).
 * RZ_INVALID for an unknown type, an empty title or message, or data that is not an object;
 * otherwise the store's status. */
rz_status_t rz_notify_user(rz_sess_t *s, const char *user_id, const char *establishment_id,
                           const char *type, const char *title, const char *message,
                           const json_t *data);

/* Notifies every active user with `role` ("manager", "staff" or "super_admin"): those of
 * `establishment_id`, or of the whole chain when it is NULL (super_admins have no establishment,
 * so for them the establishment only goes into the notifications). `except_user_id` (may be NULL)
 * is skipped (e.g. the creator of an expense). *notified (may be NULL) gets the number written.
 * Stops at the first store failure and returns it (inside a unit of work the caller rolls back). */
rz_status_t rz_notify_role(rz_sess_t *s, const char *establishment_id, const char *role,
                           const char *except_user_id, const char *type, const char *title,
                           const char *message, const json_t *data, int *notified);

#endif
