/* rz_private.h: glue-only declarations: the module record, log tags. Never included by core/ or
 * store/. */
#ifndef RZ_PRIVATE_H
#define RZ_PRIVATE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "core/rz_log.h" /* RZ_LOGNO */

APLOG_USE_MODULE(ruzizi);

#endif
