// web/admin/audit/pages.js: the Audit domain's addresses and their pages (see web/admin/nav.js).
import { AuditListPage } from './list.js';
import { AuditEntityPage } from './entity.js';
import { AuditVerifyPage } from './verify.js';

export const pages = [
    ['/admin/audit', AuditListPage],
    ['/admin/audit/verify', AuditVerifyPage],
    ['/admin/audit/:entity/:id', AuditEntityPage],
];
