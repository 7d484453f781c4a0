/* rz_log.h: log tags and levels shared by every layer (httpd-free; http/ maps the levels to
 * httpd's). */
#ifndef RZ_LOG_H
#define RZ_LOG_H

/* One tag per call site, listed in docs/log-tags.md (a test checks they are unique):
 * ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, RZ_LOGNO(00101) "...") logs "RZ00101: ...". */
#define RZ_LOGNO(n) "RZ" #n ": "

/* Levels, numbered as syslog's (and httpd's APLOG_*). */
#define RZ_LOG_CRIT 2
#define RZ_LOG_ERR 3
#define RZ_LOG_WARNING 4
#define RZ_LOG_NOTICE 5
#define RZ_LOG_INFO 6
#define RZ_LOG_DEBUG 7

#endif
