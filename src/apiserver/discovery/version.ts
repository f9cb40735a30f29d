// `/version`: the Kubernetes version the server speaks. kubectl's dispatcher runs the kubectl whose
// minor version matches, so this says 1.32.

export const KUBERNETES_VERSION = 'v1.32.0';

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: KUBERNETES_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
