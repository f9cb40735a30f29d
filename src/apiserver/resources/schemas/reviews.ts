// authentication.k8s.io/v1 and authorization.k8s.io/v1: the review kinds the gate answers (TokenReview,
// SelfSubjectReview, the access reviews and SelfSubjectRulesReview). They are create-only and never
// stored, but kube-apiserver publishes their schemas all the same: `kubectl explain` and kubectl's
// client-side validation read them, and the review decoder reads its field types from them.
import { bool, componentName, kindSchema, list, map, obj, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const authn = (kind: string) => componentName.api('authentication', 'v1', kind);
const authz = (kind: string) => componentName.api('authorization', 'v1', kind);
const strings = (description: string) => list(str(), { description, listType: 'atomic' });
const extra = (description: string) => map(list(str()), description);

const ACCESS_STATUS = 'Status is filled in by the server and indicates whether the request is allowed or not';
const NON_RESOURCE = 'NonResourceAttributes describes information for a non-resource access request';
const RESOURCE = 'ResourceAuthorizationAttributes describes information for a resource access request';

/** The requirements of a field or label selector, as a SubjectAccessReview carries them. */
const selectorAttributes = (what: 'field' | 'label', requirement: string) =>
  obj(
    {
      rawSelector: str(`rawSelector is the serialization of a ${what} selector that would be included in a query parameter.`),
      requirements: list(ref(requirement), { description: `requirements is the parsed interpretation of a ${what} selector.`, listType: 'atomic' }),
    },
    { description: `${what === 'field' ? 'FieldSelectorAttributes' : 'LabelSelectorAttributes'} indicates a ${what} limited access.` },
  );

const accessReview = (kind: string, description: string, spec: string, specDescription: string) =>
  kindSchema({ group: 'authorization.k8s.io', version: 'v1', kind }, description, { spec: ref(authz(spec), specDescription, { default: {} }), status: ref(authz('SubjectAccessReviewStatus'), ACCESS_STATUS, { default: {} }) }, ['spec']);

export const reviewSchemas: Record<string, SchemaNode> = {
  [authn('TokenReview')]: kindSchema(
    { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview' },
    'TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be cached by the webhook token authenticator plugin in the kube-apiserver.',
    {
      spec: ref(authn('TokenReviewSpec'), 'spec holds information about the request being evaluated', { default: {} }),
      status: ref(authn('TokenReviewStatus'), 'status is filled in by the server and indicates whether the request can be authenticated.', { default: {} }),
    },
    ['spec'],
  ),
  [authn('TokenReviewSpec')]: obj(
    {
      token: str('token is the opaque bearer token.'),
      audiences: strings('audiences is a list of the identifiers that the resource server presented with the token identifies as.'),
    },
    { description: 'TokenReviewSpec is a description of the token authentication request.' },
  ),
  [authn('TokenReviewStatus')]: obj(
    {
      authenticated: bool('authenticated indicates that the token was associated with a known user.'),
      user: ref(authn('UserInfo'), 'user is the UserInfo associated with the provided token.', { default: {} }),
      audiences: strings('audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token.'),
      error: str("error indicates that the token couldn't be checked"),
    },
    { description: 'TokenReviewStatus is the result of the token authentication request.' },
  ),
  [authn('UserInfo')]: obj(
    {
      username: str('username is the name that uniquely identifies this user among all active users.'),
      uid: str('uid is a unique value that identifies this user across time.'),
      groups: strings('groups is the names of groups this user is a part of.'),
      extra: extra('extra is any additional information provided by the authenticator.'),
    },
    { description: 'UserInfo holds the information about the user needed to implement the user.Info interface.' },
  ),
  [authn('SelfSubjectReview')]: kindSchema(
    { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview' },
    'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request. When using impersonation, users will receive the user info of the user being impersonated.',
    { status: ref(authn('SelfSubjectReviewStatus'), 'status is filled in by the server with the user attributes.', { default: {} }) },
  ),
  [authn('SelfSubjectReviewStatus')]: obj(
    { userInfo: ref(authn('UserInfo'), 'userInfo is a set of attributes belonging to the user making this request.', { default: {} }) },
    { description: 'SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.' },
  ),
  [authz('SubjectAccessReview')]: accessReview(
    'SubjectAccessReview',
    'SubjectAccessReview checks whether or not a user or group can perform an action.',
    'SubjectAccessReviewSpec',
    'Spec holds information about the request being evaluated',
  ),
  [authz('LocalSubjectAccessReview')]: accessReview(
    'LocalSubjectAccessReview',
    'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace. Having a namespace scoped resource makes it much easier to grant namespace scoped policy that includes permissions checking.',
    'SubjectAccessReviewSpec',
    'Spec holds information about the request being evaluated.  spec.namespace must be equal to the namespace you made the request against.  If empty, it is defaulted.',
  ),
  [authz('SelfSubjectAccessReview')]: accessReview(
    'SelfSubjectAccessReview',
    'SelfSubjectAccessReview checks whether or the current user can perform an action.  Not filling in a spec.namespace means "in all namespaces".  Self is a special case, because users should always be able to check whether they can perform an action',
    'SelfSubjectAccessReviewSpec',
    'Spec holds information about the request being evaluated.  user and groups must be empty',
  ),
  [authz('SubjectAccessReviewSpec')]: obj(
    {
      resourceAttributes: ref(authz('ResourceAttributes'), RESOURCE),
      nonResourceAttributes: ref(authz('NonResourceAttributes'), NON_RESOURCE),
      user: str('User is the user you\'re testing for. If you specify "User" but not "Groups", then is it interpreted as "What if User were not a member of any groups'),
      groups: strings("Groups is the groups you're testing for."),
      extra: extra('Extra corresponds to the user.Info.GetExtra() method from the authenticator.  Since that is input to the authorizer it needs a reflection here.'),
      uid: str('UID information about the requesting user.'),
    },
    { description: 'SubjectAccessReviewSpec is a description of the access request.  Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set' },
  ),
  [authz('SelfSubjectAccessReviewSpec')]: obj(
    { resourceAttributes: ref(authz('ResourceAttributes'), RESOURCE), nonResourceAttributes: ref(authz('NonResourceAttributes'), NON_RESOURCE) },
    { description: 'SelfSubjectAccessReviewSpec is a description of the access request.  Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set' },
  ),
  [authz('ResourceAttributes')]: obj(
    {
      namespace: str('Namespace is the namespace of the action being requested.'),
      verb: str('Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy.  "*" means all.'),
      group: str('Group is the API Group of the Resource.  "*" means all.'),
      version: str('Version is the API Version of the Resource.  "*" means all.'),
      resource: str('Resource is one of the existing resource types.  "*" means all.'),
      subresource: str('Subresource is one of the existing resource types.  "" means none.'),
      name: str('Name is the name of the resource being requested for a "get" or deleted for a "delete". "" (empty) means all.'),
      fieldSelector: ref(authz('FieldSelectorAttributes'), 'fieldSelector describes the limitation on access based on field.  It can only limit access, not broaden it.'),
      labelSelector: ref(authz('LabelSelectorAttributes'), 'labelSelector describes the limitation on access based on labels.  It can only limit access, not broaden it.'),
    },
    { description: 'ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface' },
  ),
  [authz('FieldSelectorAttributes')]: selectorAttributes('field', componentName.meta('FieldSelectorRequirement')),
  [authz('LabelSelectorAttributes')]: selectorAttributes('label', componentName.meta('LabelSelectorRequirement')),
  [componentName.meta('FieldSelectorRequirement')]: obj(
    {
      key: str('key is the field selector key that the requirement applies to.'),
      operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist."),
      values: strings('values is an array of string values.'),
    },
    { description: 'FieldSelectorRequirement is a selector that contains values, a key, and an operator that relates the key and values.', required: ['key', 'operator'] },
  ),
  [authz('NonResourceAttributes')]: obj(
    { path: str('Path is the URL path of the request'), verb: str('Verb is the standard HTTP verb') },
    { description: 'NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface' },
  ),
  [authz('SubjectAccessReviewStatus')]: obj(
    {
      allowed: bool('Allowed is required. True if the action would be allowed, false otherwise.', { default: false }),
      denied: bool('Denied is optional. True if the action would be denied, otherwise false.'),
      reason: str('Reason is optional.  It indicates why a request was allowed or denied.'),
      evaluationError: str('EvaluationError is an indication that some error occurred during the authorization check.'),
    },
    { description: 'SubjectAccessReviewStatus', required: ['allowed'] },
  ),
  [authz('SelfSubjectRulesReview')]: kindSchema(
    { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview' },
    "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace. The returned list of actions may be incomplete depending on the server's authorization mode, and any errors experienced during the evaluation.",
    {
      spec: ref(authz('SelfSubjectRulesReviewSpec'), 'Spec holds information about the request being evaluated.', { default: {} }),
      status: ref(authz('SubjectRulesReviewStatus'), 'Status is filled in by the server and indicates the set of actions a user can perform.', { default: {} }),
    },
    ['spec'],
  ),
  [authz('SelfSubjectRulesReviewSpec')]: obj(
    { namespace: str('Namespace to evaluate rules for. Required.') },
    { description: 'SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.' },
  ),
  [authz('SubjectRulesReviewStatus')]: obj(
    {
      resourceRules: list(ref(authz('ResourceRule')), { description: 'ResourceRules is the list of actions the subject is allowed to perform on resources.', listType: 'atomic' }),
      nonResourceRules: list(ref(authz('NonResourceRule')), { description: 'NonResourceRules is the list of actions the subject is allowed to perform on non-resources.', listType: 'atomic' }),
      incomplete: bool('Incomplete is true when the rules returned by this call are incomplete.', { default: false }),
      evaluationError: str('EvaluationError can appear in combination with Rules. It indicates an error occurred during rule evaluation.'),
    },
    { description: 'SubjectRulesReviewStatus contains the result of a rules check.', required: ['resourceRules', 'nonResourceRules', 'incomplete'] },
  ),
  [authz('ResourceRule')]: obj(
    {
      verbs: strings('Verb is a list of kubernetes resource API verbs, like: get, list, watch, create, update, delete, proxy.  "*" means all.'),
      apiGroups: strings('APIGroups is the name of the APIGroup that contains the resources.  "*" means all.'),
      resources: strings('Resources is a list of resources this rule applies to.  "*" means all in the specified apiGroups.'),
      resourceNames: strings('ResourceNames is an optional white list of names that the rule applies to.  "*" means all.'),
    },
    { description: "ResourceRule is the list of actions the subject is allowed to perform on resources. The list ordering isn't significant, may contain duplicates, and possibly be incomplete.", required: ['verbs'] },
  ),
  [authz('NonResourceRule')]: obj(
    {
      verbs: strings('Verb is a list of kubernetes non-resource API verbs, like: get, post, put, delete, patch, head, options.  "*" means all.'),
      nonResourceURLs: strings('NonResourceURLs is a set of partial urls that a user should have access to.  "*" means all.'),
    },
    { description: 'NonResourceRule holds information that describes a rule for the non-resource', required: ['verbs'] },
  ),
};
