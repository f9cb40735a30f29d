// NodeName: a pod naming its node in spec.nodeName fits only there.

import { SUCCESS, unresolvable, type Plugin } from '../framework.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: Plugin = {
  name: 'NodeName',
  forPod: (pod) => ({
    filter: ({ node }) => (!pod.spec.nodeName || pod.spec.nodeName === node.metadata.name ? SUCCESS : unresolvable(ERR_REASON_NODE_NAME)),
  }),
};
