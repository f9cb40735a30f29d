// The Flyingcube kind and what one means in the cluster: a Deployment of `spec.size` replicas named
// `<cube>-cube`, its pods told who builds the cube (DEVELOPER), controlled by the cube so the garbage
// collector removes it with the cube. Pure functions: the controller compares, then writes.

import type { KubeObject, OwnerReference, ResourceRef } from '../../src/index.js';

export const GROUP = 'ktcloud.io';
export const KIND = 'Flyingcube';
export const API_VERSION = `${GROUP}/v1`;
export const Flyingcubes: ResourceRef = { group: GROUP, version: 'v1', plural: 'flyingcubes', namespaced: true, kind: KIND };
/** The label on a cube's Deployment and pods: the cube's name. */
export const CUBE_LABEL = `${GROUP}/flyingcube`;
export const CONTAINER = 'cube';
export const IMAGE = 'nginx:1.27';

export interface FlyingcubeStatus {
  observedGeneration?: number;
  deployment?: string;
  replicas?: number;
  readyReplicas?: number;
}

export interface Flyingcube extends KubeObject {
  spec: { developer: string; size?: number };
  status?: FlyingcubeStatus;
}

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value: string }>;
}

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
  };
  status?: { replicas?: number; readyReplicas?: number };
}

export const deploymentName = (cube: Flyingcube): string => `${cube.metadata.name}-cube`;
export const sizeOf = (cube: Flyingcube): number => cube.spec.size ?? 1;

export function ownerReference(cube: Flyingcube): OwnerReference {
  return { apiVersion: API_VERSION, kind: KIND, name: cube.metadata.name!, uid: cube.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Whether `cube` is the controller of `object` (same uid: a cube re-created under the same name is not). */
export function isControlledBy(object: KubeObject, cube: Flyingcube): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === cube.metadata.uid);
}

function podTemplate(cube: Flyingcube): Deployment['spec']['template'] {
  return {
    metadata: { labels: { [CUBE_LABEL]: cube.metadata.name! } },
    spec: { containers: [{ name: CONTAINER, image: IMAGE, env: [{ name: 'DEVELOPER', value: cube.spec.developer }] }] },
  };
}

export function desiredDeployment(cube: Flyingcube): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName(cube), namespace: cube.metadata.namespace, labels: { [CUBE_LABEL]: cube.metadata.name! }, ownerReferences: [ownerReference(cube)] },
    spec: { replicas: sizeOf(cube), selector: { matchLabels: { [CUBE_LABEL]: cube.metadata.name! } }, template: podTemplate(cube) },
  };
}

const developerOf = (deployment: Deployment): string | undefined =>
  deployment.spec.template.spec.containers.find((c) => c.name === CONTAINER)?.env?.find((e) => e.name === 'DEVELOPER')?.value;

/** The existing Deployment brought to the cube's size and developer, or undefined when it already is. */
export function reconciledDeployment(cube: Flyingcube, current: Deployment): Deployment | undefined {
  if (current.spec.replicas === sizeOf(cube) && developerOf(current) === cube.spec.developer) return undefined;
  return { ...current, spec: { ...current.spec, replicas: sizeOf(cube), template: podTemplate(cube) } };
}

export function desiredStatus(cube: Flyingcube, deployment: Deployment): FlyingcubeStatus {
  return {
    observedGeneration: cube.metadata.generation,
    deployment: deployment.metadata.name,
    replicas: deployment.status?.replicas ?? 0,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
  };
}

export function sameStatus(a: FlyingcubeStatus | undefined, b: FlyingcubeStatus): boolean {
  if (!a) return false;
  return a.observedGeneration === b.observedGeneration && a.deployment === b.deployment && a.replicas === b.replicas && a.readyReplicas === b.readyReplicas;
}
