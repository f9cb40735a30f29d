// kubectl's typed clients (auth whoami, auth can-i, create token) send their request bodies as
// Kubernetes protobuf; the one decoder of those bodies reads the review and TokenRequest kinds too.
export { decodeKubernetesProtobuf as decodeReviewProtobuf, isKubernetesProtobuf } from '../protobuf/decode.js';
