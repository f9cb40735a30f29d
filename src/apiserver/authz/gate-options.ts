// kube-apiserver's authentication and authorization flags, as `barge apiserver` takes them.

import { Option } from 'commander';
import { parseAdmissionPlugins } from '../admission/admission-plugins.js';
import { parseAuthorizationModes } from './authorizers.js';
import type { GateOptions } from './gate-config.js';


export function gateFlags(): Option[] {
  const flag = (name: string, description: string, defaultValue?: string) => {
    const option = new Option(`--${name} <value>`, description);
    return defaultValue === undefined ? option : option.default(defaultValue);
  };
  return [
    flag('client-ca-file', 'a CA bundle: client certificates it signed authenticate as their CommonName, in their Organization groups'),
    flag('requestheader-client-ca-file', 'a CA bundle: a client certificate it signed may name the user in the --requestheader-username-headers'),
    flag('requestheader-allowed-names', 'the common names a --requestheader-client-ca-file certificate must have (comma separated; empty: any)'),
    flag('requestheader-username-headers', 'request headers naming the user, the first present winning (X-Remote-User is usual)'),
    flag('requestheader-group-headers', 'request headers naming the groups (X-Remote-Group is usual)'),
    flag('requestheader-extra-headers-prefix', 'request header prefixes naming extra user fields (X-Remote-Extra- is usual)'),
    flag('token-auth-file', 'a CSV file of static bearer tokens: token,user,uid,"group1,group2"'),
    flag('service-account-key-file', 'PEM files of keys that verify ServiceAccount tokens (comma separated)'),
    flag('service-account-signing-key-file', 'the PEM private key ServiceAccount tokens are signed with'),
    flag('service-account-issuer', 'the issuer ServiceAccount tokens carry and accept (comma separated; the first is used to sign)'),
    flag('api-audiences', 'audiences the API accepts in ServiceAccount tokens (default: the first issuer)'),
    flag('anonymous-auth', 'serve requests with no credentials as system:anonymous', 'true'),
    flag('enable-admission-plugins', 'admission plugins to run (comma separated; run in kube-apiserver\'s order): NamespaceLifecycle, LimitRanger, ServiceAccount, DefaultTolerationSeconds, NodeRestriction, Priority, MutatingAdmissionWebhook, ValidatingAdmissionPolicy, ValidatingAdmissionWebhook, ResourceQuota'),
    flag('audit-log-path', 'the file audit events are appended to, one JSON event a line'),
    flag('audit-policy-file', 'the audit policy (audit.k8s.io/v1 Policy) deciding which requests are logged at which level'),
    flag('authorization-mode', 'comma separated authorization plugins, in order: AlwaysAllow, AlwaysDeny, Node, RBAC', 'AlwaysAllow'),
  ];
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
}

function bool(name: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** The gate's options from commander's parsed values (camelCase keys). */
export function parseGateFlags(o: Record<string, string | undefined>): GateOptions {
  const issuers = list(o['serviceAccountIssuer']);
  const audiences = list(o['apiAudiences']);
  return {
    ...(o['clientCaFile'] ? { clientCaFile: o['clientCaFile'] } : {}),
    ...(o['requestheaderClientCaFile']
      ? {
          requestHeader: {
            clientCaFile: o['requestheaderClientCaFile'],
            allowedNames: list(o['requestheaderAllowedNames']),
            usernameHeaders: list(o['requestheaderUsernameHeaders']),
            groupHeaders: list(o['requestheaderGroupHeaders']),
            extraHeadersPrefixes: list(o['requestheaderExtraHeadersPrefix']),
          },
        }
      : {}),
    ...(o['tokenAuthFile'] ? { tokenAuthFile: o['tokenAuthFile'] } : {}),
    serviceAccountKeyFiles: list(o['serviceAccountKeyFile']),
    ...(o['serviceAccountSigningKeyFile'] ? { serviceAccountSigningKeyFile: o['serviceAccountSigningKeyFile'] } : {}),
    serviceAccountIssuers: issuers,
    apiAudiences: audiences.length > 0 ? audiences : issuers.slice(0, 1),
    anonymousAuth: bool('anonymous-auth', o['anonymousAuth'] ?? 'true'),
    authorizationModes: parseAuthorizationModes(o['authorizationMode'] ?? 'AlwaysAllow'),
    admissionPlugins: parseAdmissionPlugins(o['enableAdmissionPlugins']),
    ...(o['auditLogPath'] ? { auditLogPath: o['auditLogPath'] } : {}),
    ...(o['auditPolicyFile'] ? { auditPolicyFile: o['auditPolicyFile'] } : {}),
  };
}
