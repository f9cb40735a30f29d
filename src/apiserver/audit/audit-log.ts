// --audit-log-path: kube-apiserver's audit events (audit.k8s.io/v1 Event), one JSON object a line,
// written for the stages and at the level the --audit-policy-file gives each request: Metadata, then
// the request's body (requestObject) at Request, and the answer (responseObject) at RequestResponse.

import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRequest } from '../http/request-info.js';
import { userOf, requestAttributes } from '../authz/request-gate.js';
import { auditAnnotationsOf } from './audit-annotations.js';
import { captureResponse, keepRequestBodies, requestObjectOf } from './audit-bodies.js';
import { auditLevel, type AuditPolicy, type AuditStage } from './audit-policy.js';

/** Go's RFC3339 with microseconds, as audit timestamps are written. */
function microTime(date: Date): string {
  const micros = String(date.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${date.toISOString().slice(0, 19)}.${micros}Z`;
}

/** metav1.Status as an event's responseStatus: a success only its code, a failure its whole Status. */
function responseStatus(code: number, answer: unknown): Record<string, unknown> {
  const status = answer as Record<string, unknown> | undefined;
  if (code < 400 || status?.['kind'] !== 'Status') return { metadata: {}, code };
  const { kind: _kind, apiVersion: _apiVersion, ...fields } = status;
  return { ...fields, metadata: {}, code };
}

export class AuditLog {
  /** Whether some rule logs answers (RequestResponse): only then is every answer's body kept. */
  private readonly responses: boolean;

  constructor(
    private readonly file: string,
    private readonly policy: AuditPolicy,
  ) {
    this.responses = policy.rules.some((r) => r.level === 'RequestResponse');
    // Every level names what a create made (objectRef.name), which only its body says.
    keepRequestBodies();
  }

  /** Writes the request's events once its response is complete. */
  track(req: IncomingMessage, res: ServerResponse, path: string, search: string, request: ResourceRequest | undefined): void {
    const received = new Date();
    const auditID = randomUUID();
    // A watch's answer is a stream: kube logs no responseObject for it either.
    const answer = captureResponse(res, this.responses && request?.verb !== 'watch');
    res.on('finish', () => {
      const user = userOf(req);
      const attributes = requestAttributes(user ?? { username: '', groups: [] }, req.method ?? 'GET', path, request);
      const { level, omitStages } = auditLevel(this.policy, attributes);
      if (level === 'None') return;
      const userJson = user ? { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } : {};
      const sent = requestObjectOf(req);
      // As LogRequestObject: a name (and namespace) the URL lacks comes from the object sent.
      const sentMeta = (Array.isArray(sent) ? undefined : (sent?.['metadata'] as Record<string, unknown> | undefined)) ?? {};
      const name = request?.name ?? (typeof sentMeta['name'] === 'string' ? sentMeta['name'] : undefined);
      const namespace = request?.namespace ?? (typeof sentMeta['namespace'] === 'string' ? sentMeta['namespace'] : undefined);
      const objectRef = request
        ? { resource: request.resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), ...(request.group ? { apiGroup: request.group } : {}), apiVersion: request.version, ...(request.subresource ? { subresource: request.subresource } : {}) }
        : undefined;
      const requestObject = level === 'Request' || level === 'RequestResponse' ? sent : undefined;
      const answered = answer.object();
      const responseObject = level === 'RequestResponse' ? answered : undefined;
      // Fields in the order kube-apiserver writes them.
      const event = (stage: AuditStage, complete: boolean) => ({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level,
        auditID,
        stage,
        requestURI: search ? `${path}?${search}` : path,
        verb: attributes.verb,
        user: userJson,
        sourceIPs: [req.socket.remoteAddress ?? ''],
        ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
        ...(objectRef ? { objectRef } : {}),
        ...(complete ? { responseStatus: responseStatus(res.statusCode, answered) } : {}),
        ...(complete && requestObject ? { requestObject } : {}),
        ...(complete && responseObject ? { responseObject } : {}),
        requestReceivedTimestamp: microTime(received),
        stageTimestamp: microTime(complete ? new Date() : received),
        ...(complete && user ? { annotations: { 'authorization.k8s.io/decision': res.statusCode === 403 ? 'forbid' : 'allow', 'authorization.k8s.io/reason': '', ...auditAnnotationsOf(req) } } : {}),
      });
      const events = (['RequestReceived', 'ResponseComplete'] as const).filter((stage) => !omitStages.includes(stage)).map((stage) => event(stage, stage === 'ResponseComplete'));
      if (events.length > 0) appendFileSync(this.file, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    });
  }
}
