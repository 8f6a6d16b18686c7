export { auditHandlers } from './audit.routes';
export { recordAudit, type AuditEntry } from './audit.repository';
