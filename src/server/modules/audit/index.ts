export { auditHandlers } from './audit.routes';
export { auditInsert, recordAudit, type AuditEntry } from './audit.repository';
