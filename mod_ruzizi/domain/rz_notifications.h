/* rz_notifications.h: handlers of the in-app notification routes (SPEC 7.11), own records only. */
#ifndef RZ_NOTIFICATIONS_H
#define RZ_NOTIFICATIONS_H

#include "domain/rz_req.h"

/* GET /api/notifications: the caller's notifications, newest first (createdAt desc, id desc),
 * paginated; filters `unread` (bool) and `type` (comma list of SPEC 4.12 types). 200
 * L<Notification>.
 */
int rz_h_notifications_list(rz_req_t *rq);

/* GET /api/notifications/unread-count: 200 {unreadCount} over the caller's notifications. */
int rz_h_notifications_unread_count(rz_req_t *rq);

/* POST /api/notifications/{id}/read: marks one of the caller's notifications read (readAt now,
 * read true, audit notification.read) and answers 200 Notification. Already read -> 200 unchanged,
 * no audit entry. Malformed id, unknown id or anyone else's notification -> 404. */
int rz_h_notification_read(rz_req_t *rq);

/* POST /api/notifications/read-all: marks every unread notification of the caller read; 200
 * {updated}. One audit entry notification.read_all (meta {updated}) when updated > 0. */
int rz_h_notifications_read_all(rz_req_t *rq);

#endif
