// etcdctl -w table: the cluster views (member list, endpoint status, health, hashkv) as boxed tables;
// everything else is not supported in this format, as in etcdctl.

import type * as pb from '../../wire/messages.js';
import { Display, out, type EndpointHealth, type EndpointResult } from './printers.js';
import { hashRows, healthRows, MEMBER_HEADER, memberRows, STATUS_HEADER, statusRows } from './printers-rows.js';
import { renderTable } from './table.js';

export class TableDisplay extends Display {
  constructor() {
    super('table');
  }

  override memberList(r: pb.MemberListResponse): void {
    out(renderTable(MEMBER_HEADER, memberRows(r)));
  }

  override endpointHealth(list: readonly EndpointHealth[]): void {
    out(renderTable(['endpoint', 'health', 'took', 'error'], healthRows(list)));
  }

  override endpointStatus(list: readonly EndpointResult<pb.StatusResponse>[]): void {
    out(renderTable(STATUS_HEADER, statusRows(list)));
  }

  override endpointHashKV(list: readonly EndpointResult<pb.HashKVResponse>[]): void {
    out(renderTable(['endpoint', 'hash'], hashRows(list)));
  }
}
