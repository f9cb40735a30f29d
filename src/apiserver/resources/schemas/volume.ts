// core/v1 Volume with the volume sources pods commonly use.
import { bool, componentName, int32, list, obj, quantity, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const core = componentName.core;

const keyToPath = () =>
  list(
    obj(
      { key: str('The key to project.'), path: str('The relative path of the file to map the key to.'), mode: int32('Mode bits used to set permissions on this file.') },
      { required: ['key', 'path'] },
    ),
    { description: 'Which keys to project into files and where; all keys when empty.', listType: 'atomic' },
  );

/** Volume sources kept as given: accepted and served, not described field by field. */
const OTHER_SOURCES = Object.fromEntries(
  [
    'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'ephemeral', 'fc', 'flexVolume', 'flocker',
    'gcePersistentDisk', 'gitRepo', 'glusterfs', 'image', 'iscsi', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd',
    'scaleIO', 'storageos', 'vsphereVolume',
  ].map((source) => [source, { type: 'object' as const, description: `A ${source} volume source.`, 'x-kubernetes-preserve-unknown-fields': true }]),
);

export const volumeSchemas: Record<string, SchemaNode> = {
  [core('Volume')]: obj(
    {
      name: str('Name of the volume, a DNS_LABEL unique within the pod.'),
      emptyDir: obj(
        { medium: str('What type of storage medium backs this directory: "" or "Memory".'), sizeLimit: quantity('Total amount of local storage required.') },
        { description: "A temporary directory that shares a pod's lifetime." },
      ),
      hostPath: obj(
        { path: str('Path of the directory on the host.'), type: str('Type for the HostPath volume, e.g. Directory, DirectoryOrCreate, File.', { default: '' }) },
        { description: 'A pre-existing file or directory on the host machine exposed to the container.', required: ['path'] },
      ),
      configMap: obj(
        {
          name: str('Name of the ConfigMap.', { default: '' }),
          items: keyToPath(),
          defaultMode: int32('Mode bits used to set permissions on created files by default. Defaults to 0644.'),
          optional: bool('Whether the ConfigMap or its keys must be defined.'),
        },
        { description: 'A ConfigMap that should populate this volume.' },
      ),
      secret: obj(
        {
          secretName: str("Name of the secret in the pod's namespace."),
          items: keyToPath(),
          defaultMode: int32('Mode bits used to set permissions on created files by default. Defaults to 0644.'),
          optional: bool('Whether the Secret or its keys must be defined.'),
        },
        { description: 'A Secret that should populate this volume.' },
      ),
      persistentVolumeClaim: obj(
        { claimName: str("Name of a PersistentVolumeClaim in the pod's namespace."), readOnly: bool('Will force the ReadOnly setting in VolumeMounts.') },
        { description: 'A reference to a PersistentVolumeClaim in the same namespace.', required: ['claimName'] },
      ),
      downwardAPI: obj(
        {
          items: list(
            obj(
              {
                path: str('Relative path name of the file to be created.'),
                fieldRef: obj({ apiVersion: str('Version of the schema the path is written in.'), fieldPath: str('Path of the field to select.') }, { required: ['fieldPath'] }),
                resourceFieldRef: obj({ containerName: str('Container name.'), resource: str('Resource to select.'), divisor: quantity('Output format.') }, { required: ['resource'] }),
                mode: int32('Mode bits used to set permissions on this file.'),
              },
              { required: ['path'] },
            ),
            { description: 'A list of downward API volume files.', listType: 'atomic' },
          ),
          defaultMode: int32('Mode bits used to set permissions on created files by default.'),
        },
        { description: 'Downward API about the pod that should populate this volume.' },
      ),
      projected: obj(
        {
          sources: list(
            obj({
              configMap: obj({ name: str('Name of the ConfigMap.', { default: '' }), items: keyToPath(), optional: bool('Whether the ConfigMap must be defined.') }),
              secret: obj({ name: str('Name of the Secret.', { default: '' }), items: keyToPath(), optional: bool('Whether the Secret must be defined.') }),
              serviceAccountToken: obj(
                { audience: str('Intended audience of the token.'), expirationSeconds: { type: 'integer', format: 'int64', description: 'Requested duration of validity of the token.' }, path: str('Path relative to the mount point of the file to project the token into.') },
                { required: ['path'] },
              ),
              downwardAPI: obj({ items: list({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, { listType: 'atomic' }) }),
            }),
            { description: 'Volume projections.', listType: 'atomic' },
          ),
          defaultMode: int32('Mode bits used to set permissions on created files by default.'),
        },
        { description: 'Items for all in one resources: secrets, configmaps, downward API and service account tokens.' },
      ),
      ...OTHER_SOURCES,
      nfs: obj(
        { server: str('Hostname or IP address of the NFS server.'), path: str('Path exported by the NFS server.'), readOnly: bool('Mount the export read-only.') },
        { description: 'An NFS mount on the host that shares a pod\'s lifetime.', required: ['server', 'path'] },
      ),
    },
    { description: 'A named volume in a pod that may be accessed by any container in the pod.', required: ['name'] },
  ),
};

/** How PodSpec.volumes merges: by name, keeping only the source of the patch (retainKeys). */
export const volumeList = () =>
  list(ref(core('Volume')), {
    description: 'List of volumes that can be mounted by containers belonging to the pod.',
    mergeKey: 'name',
    strategy: 'merge,retainKeys',
    listType: 'map',
    mapKeys: ['name'],
  });

