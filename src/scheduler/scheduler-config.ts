// kube-scheduler's configuration file (--config): a KubeSchedulerConfiguration of
// kubescheduler.config.k8s.io/v1 in YAML or JSON. What Barge's scheduler applies from it: the
// kubeconfig (clientConnection), leader election, and percentageOfNodesToScore, global and the
// default-scheduler profile's own, validated as kube-scheduler does ("not in valid range [0-100]").
// Other fields of the kind are accepted and left at Barge's behaviour.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseGoDuration } from '../shared/go-time.js';
import { DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE } from './nodes-to-score.js';

const API_VERSION = 'kubescheduler.config.k8s.io/v1';
const KIND = 'KubeSchedulerConfiguration';
const DEFAULT_PROFILE = 'default-scheduler';

export interface LeaderElectionConfiguration {
  leaderElect?: boolean;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  resourceName?: string;
  resourceNamespace?: string;
}

export interface SchedulerConfiguration {
  /** clientConnection.kubeconfig. */
  readonly kubeconfig?: string;
  readonly leaderElection: LeaderElectionConfiguration;
  /** The global percentageOfNodesToScore (defaulted to 0: adaptive). */
  readonly percentageOfNodesToScore: number;
  /** The default-scheduler profile's own, when it sets one. */
  readonly profilePercentageOfNodesToScore?: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A field decoded as Go's decoder would, else its wording of the failure. */
function field<T>(parent: Json, name: string, path: string, type: 'int32' | 'string' | 'bool' | 'object' | 'array'): T | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  const ok =
    type === 'int32' ? Number.isInteger(value) && Math.abs(value as number) < 2 ** 31
    : type === 'string' ? typeof value === 'string'
    : type === 'bool' ? typeof value === 'boolean'
    : type === 'object' ? isObject(value)
    : Array.isArray(value);
  if (!ok) throw new Error(`decoding ${KIND}: json: cannot unmarshal ${JSON.stringify(value)} into Go struct field ${path} of type ${type}`);
  return value as T;
}

function percentage(parent: Json, path: string): number | undefined {
  const value = field<number>(parent, 'percentageOfNodesToScore', path, 'int32');
  if (value !== undefined && (value < 0 || value > 100)) throw new Error(`invalid configuration: ${path}: Invalid value: ${value}: not in valid range [0-100]`);
  return value;
}

function duration(parent: Json, name: string): number | undefined {
  const value = field<string>(parent, name, `leaderElection.${name}`, 'string');
  return value === undefined ? undefined : parseGoDuration(value);
}

function leaderElection(config: Json): LeaderElectionConfiguration {
  const section = field<Json>(config, 'leaderElection', 'leaderElection', 'object') ?? {};
  const out: LeaderElectionConfiguration = {};
  const leaderElect = field<boolean>(section, 'leaderElect', 'leaderElection.leaderElect', 'bool');
  if (leaderElect !== undefined) out.leaderElect = leaderElect;
  const leaseDurationMs = duration(section, 'leaseDuration');
  if (leaseDurationMs !== undefined) out.leaseDurationMs = leaseDurationMs;
  const renewDeadlineMs = duration(section, 'renewDeadline');
  if (renewDeadlineMs !== undefined) out.renewDeadlineMs = renewDeadlineMs;
  const retryPeriodMs = duration(section, 'retryPeriod');
  if (retryPeriodMs !== undefined) out.retryPeriodMs = retryPeriodMs;
  const resourceName = field<string>(section, 'resourceName', 'leaderElection.resourceName', 'string');
  if (resourceName) out.resourceName = resourceName;
  const resourceNamespace = field<string>(section, 'resourceNamespace', 'leaderElection.resourceNamespace', 'string');
  if (resourceNamespace) out.resourceNamespace = resourceNamespace;
  return out;
}

/** The default-scheduler profile's percentage; a profile by another name is refused, not silently dropped. */
function profilePercentage(config: Json): number | undefined {
  const profiles = field<unknown[]>(config, 'profiles', 'profiles', 'array') ?? [];
  let found: number | undefined;
  profiles.forEach((profile, i) => {
    if (!isObject(profile)) throw new Error(`decoding ${KIND}: json: cannot unmarshal ${JSON.stringify(profile)} into Go struct field profiles of type KubeSchedulerProfile`);
    const name = field<string>(profile, 'schedulerName', `profiles[${i}].schedulerName`, 'string') || DEFAULT_PROFILE;
    if (name !== DEFAULT_PROFILE) throw new Error(`profiles[${i}].schedulerName: Unsupported value: "${name}": Barge's scheduler runs the "${DEFAULT_PROFILE}" profile only`);
    found = percentage(profile, `profiles[${i}].percentageOfNodesToScore`);
  });
  return found;
}

export function parseSchedulerConfiguration(text: string): SchedulerConfiguration {
  const config: unknown = parse(text);
  if (!isObject(config)) throw new Error(`couldn't decode as ${KIND}: not an object`);
  if (config['apiVersion'] !== API_VERSION || config['kind'] !== KIND) {
    const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? ''));
    throw new Error(`no kind "${text(config['kind'])}" is registered for version "${text(config['apiVersion'])}"; expected ${KIND} of ${API_VERSION}`);
  }
  const clientConnection = field<Json>(config, 'clientConnection', 'clientConnection', 'object') ?? {};
  const kubeconfig = field<string>(clientConnection, 'kubeconfig', 'clientConnection.kubeconfig', 'string');
  const profile = profilePercentage(config);
  return {
    ...(kubeconfig ? { kubeconfig } : {}),
    leaderElection: leaderElection(config),
    percentageOfNodesToScore: percentage(config, 'percentageOfNodesToScore') ?? DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
    ...(profile !== undefined ? { profilePercentageOfNodesToScore: profile } : {}),
  };
}

export function loadSchedulerConfiguration(file: string): SchedulerConfiguration {
  return parseSchedulerConfiguration(readFileSync(file, 'utf8'));
}
