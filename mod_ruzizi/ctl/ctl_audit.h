/* ctl_audit.h: the ruzizi-ctl audit commands (SPEC 8.6, 8.12). */
#ifndef CTL_AUDIT_H
#define CTL_AUDIT_H

#include "store/rz_store.h"

/* `ruzizi-ctl verify-audit [--from-seq N]`: verifies the audit hash chain (rz_audit_verify) over
 * the open session `s` and prints the result object as one JSON line on stdout. argv holds the
 * command's own arguments (argc of them, without the command name). Returns the exit code:
 * 0 valid; 1 invalid (one stderr line naming firstInvalidSeq and reason) or a store failure
 * (one stderr line); 2 usage error (unknown argument, N not an integer >= 1). */
int ctl_verify_audit(rz_sess_t *s, int argc, char **argv);

#endif
