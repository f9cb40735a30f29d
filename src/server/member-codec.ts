// A member's attributes as bytes: the context of a membership entry.

import { toUint64, uint64 } from '../wire/convert.js';
import type { Member } from './members.js';
import { messageType } from '../wire/proto.js';

const MemberAttributes = messageType('bargepb.MemberAttributes');

export function encodeMemberAttributes(member: Member): Uint8Array {
  return MemberAttributes.encode({
    id: uint64(member.id),
    name: member.name,
    peer_urls: [...member.peerUrls],
    client_urls: [...member.clientUrls],
    is_learner: member.isLearner,
  }).finish();
}

export function decodeMemberAttributes(bytes: Uint8Array): Member {
  const m = MemberAttributes.decode(bytes);
  return { id: toUint64(m.id), name: m.name, peerUrls: m.peer_urls, clientUrls: m.client_urls, isLearner: m.is_learner };
}
