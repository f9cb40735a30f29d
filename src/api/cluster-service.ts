// etcd's Cluster service: the member list, and membership changes proposed as raft conf changes (a
// learner's promotion on the leader, which alone knows how far its log is).

import { Errors } from '../etcd-errors.js';
import { ConfChangeType } from '../raft/index.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { promoteLearner } from '../server/learner-promotion.js';
import { encodeMemberAttributes } from '../server/member-codec.js';
import { memberIdOf, type Member } from '../server/members.js';
import { toUint64, uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { checkAdmin } from './client-identity.js';
import { unaryService, type Implementation } from './grpc-service.js';
import type { LeaderForwarder } from './leader-forwarder.js';

function memberToPb(m: Member): pb.MemberInit {
  return { ID: uint64(m.id), name: m.name, peerURLs: [...m.peerUrls], clientURLs: [...m.clientUrls], isLearner: m.isLearner };
}

function validUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.port !== '';
  } catch {
    return false;
  }
}

export function clusterService(s: EtcdServer, forwarder: LeaderForwarder): Implementation<pb.ClusterMethods> {
  // etcd's Cluster replies carry no revision.
  const header = (): pb.ResponseHeaderInit => ({ ...s.header(), revision: 0 });
  const members = (): pb.MemberInit[] => s.members.list().map(memberToPb);
  return unaryService<pb.ClusterMethods>({
    MemberList: async () => ({ header: header(), members: members() }),
    MemberAdd: async (call) => {
      const peerUrls = call.request.peerURLs;
      if (peerUrls.length === 0 || !peerUrls.every(validUrl)) throw Errors.memberBadUrls();
      await checkAdmin(s, call);
      const taken = new Set(s.members.list().flatMap((m) => m.peerUrls));
      if (peerUrls.some((u) => taken.has(u))) throw Errors.peerUrlExist();
      const isLearner = call.request.isLearner;
      const member: Member = {
        id: memberIdOf(peerUrls, s.config.initialClusterToken, Math.floor(Date.now() / 1000)),
        name: '',
        peerUrls,
        clientUrls: [],
        isLearner,
      };
      await s.proposeConfChange({
        type: isLearner ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode,
        nodeId: member.id,
        context: encodeMemberAttributes(member),
      });
      return { header: header(), member: memberToPb(member), members: members() };
    },
    MemberRemove: async (call) => {
      await checkAdmin(s, call);
      const id = toUint64(call.request.ID);
      if (!s.members.get(id)) throw Errors.memberNotFound();
      await s.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: id, context: new Uint8Array() });
      return { header: header(), members: members() };
    },
    MemberPromote: async (call) => {
      await checkAdmin(s, call);
      if (s.leaderId === s.id) await promoteLearner(s, toUint64(call.request.ID));
      else await forwarder.promote(call.request);
      return { header: header(), members: members() };
    },
    MemberUpdate: async (call) => {
      await checkAdmin(s, call);
      const id = toUint64(call.request.ID);
      const peerUrls = call.request.peerURLs;
      if (!s.members.get(id)) throw Errors.memberNotFound();
      if (peerUrls.length === 0 || !peerUrls.every(validUrl)) throw Errors.memberBadUrls();
      const taken = new Set(s.members.list().filter((m) => m.id !== id).flatMap((m) => m.peerUrls));
      if (peerUrls.some((u) => taken.has(u))) throw Errors.peerUrlExist();
      await s.propose({ update_member: { id: uint64(id), peer_urls: peerUrls } }, call);
      return { header: header(), members: members() };
    },
  });
}
