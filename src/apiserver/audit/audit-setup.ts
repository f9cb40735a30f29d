// The audit log the flags ask for: both --audit-log-path and --audit-policy-file, or none.

import type { GateOptions } from '../authz/gate-config.js';
import { AuditLog } from './audit-log.js';
import { readAuditPolicy } from './audit-policy.js';

export function auditLogOf(options: GateOptions | undefined): AuditLog | undefined {
  if (!options?.auditLogPath || !options.auditPolicyFile) return undefined;
  return new AuditLog(options.auditLogPath, readAuditPolicy(options.auditPolicyFile));
}
