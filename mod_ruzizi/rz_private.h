/* rz_private.h: glue-only declarations: the module record, log tags. Never included by core/ or
 * store/. */
#ifndef RZ_PRIVATE_H
#define RZ_PRIVATE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

APLOG_USE_MODULE(ruzizi);

/* One tag per call site, listed in docs/log-tags.md (a test checks they are unique):
 * ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, RZ_LOGNO(00101) "...") logs "RZ00101: ...". */
#define RZ_LOGNO(n) "RZ" #n ": "

#endif
