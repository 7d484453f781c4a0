/* ctl_seed.h: `ruzizi-ctl seed-demo`: demo data for the back office and the public site. */
#ifndef CTL_SEED_H
#define CTL_SEED_H

#include <apr_pools.h>

#include "store/rz_store.h"

/* Seeds two establishments (Bujumbura and Gitega), a user of each role and, per establishment,
 * a nightly suite, a monthly apartment and an hourly day-room with seasons, in one unit of work
 * with their audit entries (actor system). Idempotent: a second run changes nothing. Prints the
 * demo logins on stdout. With upload_dir (RuziziUploadDir; may be NULL), each demo establishment
 * and demo unit without images then gets one generated image, processed like an upload (renditions
 * written under upload_dir), in a second unit of work audited as image.create. Returns the exit
 * code (0, or 1 on a store or image failure). Later issues add their demo data here. */
int ctl_seed_demo(rz_sess_t *s, apr_pool_t *p, const char *upload_dir);

#endif
