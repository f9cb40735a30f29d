import { describe, expect, it } from 'vitest';
import { InformerFactory, KubeClient, kubeconfigFromString, Resources } from '../../../src/client/kube/index.js';

// A client that is never called: the factory is exercised before anything starts.
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: team}}]
current-context: x
`;

describe('InformerFactory', () => {
  it('shares one informer per resource and selector', () => {
    const factory = new InformerFactory(new KubeClient(kubeconfigFromString(kubeconfig)));
    const pods = factory.informerFor(Resources.pods);
    expect(factory.informerFor(Resources.pods)).toBe(pods);
    expect(factory.informerFor(Resources.pods, { fieldSelector: 'spec.nodeName=n1' })).not.toBe(pods);
    expect(factory.informerFor(Resources.nodes)).not.toBe(pods);
    expect(pods.hasSynced()).toBe(false);
  });

  it('reads the server, namespace and token from the kubeconfig', async () => {
    const config = kubeconfigFromString(kubeconfig);
    expect(config.server).toBe('https://127.0.0.1:9');
    expect(config.namespace).toBe('team');
    expect(await config.headers()).toMatchObject({ Authorization: 'Bearer t' });
  });
});
