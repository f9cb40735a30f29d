// core/v1 Container and the types it is made of, with kube's patch strategies and list types.
import { anyJson, atomicList, bool, componentName, int32, int64, intOrString, keyedList, list, map, obj, oneOf, quantity, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const core = componentName.core;

const keyRef = (what: string) =>
  obj(
    {
      name: str(`Name of the ${what}.`, { default: '' }),
      key: str('The key to select.'),
      optional: bool(`Whether the ${what} or its key must be defined.`),
    },
    { required: ['key'], extra: { 'x-kubernetes-map-type': 'atomic' } },
  );

export const containerSchemas: Record<string, SchemaNode> = {
  [core('Container')]: obj(
    {
      name: str('Name of the container as a DNS_LABEL, unique in the pod. Cannot be updated.'),
      image: str('Container image name.'),
      command: atomicList(str(), "Entrypoint array, not run in a shell. The image's ENTRYPOINT is used when not given. Cannot be updated."),
      args: atomicList(str(), "Arguments to the entrypoint. The image's CMD is used when not given. Cannot be updated."),
      workingDir: str("The container's working directory. Cannot be updated."),
      ports: list(ref(core('ContainerPort')), {
        description: 'Ports to expose from the container. Informational: any port listening on 0.0.0.0 is reachable.',
        mergeKey: 'containerPort',
        strategy: 'merge',
        listType: 'map',
        mapKeys: ['containerPort', 'protocol'],
      }),
      envFrom: atomicList(ref(core('EnvFromSource')), 'Sources to populate environment variables from (ConfigMaps, Secrets).'),
      env: keyedList(ref(core('EnvVar')), 'name', 'Environment variables to set in the container. Cannot be updated.'),
      resources: ref(core('ResourceRequirements'), 'Compute resources required by this container.', { default: {} }),
      resizePolicy: atomicList(ref(core('ContainerResizePolicy')), 'Resources resize policy for the container.'),
      restartPolicy: str('Restart policy of an init container; "Always" makes it a sidecar.'),
      volumeMounts: keyedList(ref(core('VolumeMount')), 'mountPath', "Pod volumes to mount into the container's filesystem. Cannot be updated."),
      volumeDevices: keyedList(ref(core('VolumeDevice')), 'devicePath', 'Block devices to be used by the container.'),
      livenessProbe: ref(core('Probe'), 'Periodic probe of container liveness; the container restarts when it fails.'),
      readinessProbe: ref(core('Probe'), 'Periodic probe of container service readiness; the pod leaves service endpoints when it fails.'),
      startupProbe: ref(core('Probe'), 'Indicates the pod has started; other probes wait until it succeeds.'),
      lifecycle: ref(core('Lifecycle'), 'Actions the management system takes in response to container lifecycle events.'),
      terminationMessagePath: str("File the container's termination message is written to. Defaults to /dev/termination-log."),
      terminationMessagePolicy: oneOf(['FallbackToLogsOnError', 'File'], 'How the termination message is populated. Defaults to File.'),
      imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never'], 'Image pull policy. Defaults to Always for :latest or untagged images, IfNotPresent otherwise.'),
      securityContext: ref(core('SecurityContext'), 'Security options the container runs with.'),
      stdin: bool('Whether a buffer for stdin is allocated in the container runtime.'),
      stdinOnce: bool('Whether stdin closes after the first attach session.'),
      tty: bool('Whether the container gets a TTY; needs stdin.'),
    },
    { description: 'A single application container that you want to run within a pod.', required: ['name'] },
  ),
  [core('ContainerPort')]: obj(
    {
      name: str('An IANA_SVC_NAME, unique within the pod, that services can refer to.'),
      containerPort: int32("Port number to expose on the pod's IP address (0 < x < 65536)."),
      hostPort: int32('Port number to expose on the host. Most containers do not need this.'),
      protocol: { ...oneOf(['SCTP', 'TCP', 'UDP'], 'Protocol for the port: UDP, TCP or SCTP. Defaults to "TCP".'), default: 'TCP' },
      hostIP: str('Host IP to bind the external port to.'),
    },
    { description: 'A network port in a single container.', required: ['containerPort'] },
  ),
  [core('EnvVar')]: obj(
    {
      name: str('Name of the environment variable. Must be a C_IDENTIFIER.'),
      value: str('Value of the variable; $(VAR_NAME) references are expanded. Defaults to "".'),
      valueFrom: ref(core('EnvVarSource'), "Source for the variable's value; cannot be used with value."),
    },
    { description: 'An environment variable present in a Container.', required: ['name'] },
  ),
  [core('EnvVarSource')]: obj(
    {
      fieldRef: obj({ apiVersion: str('Version of the schema the path is written in.'), fieldPath: str('Path of the field to select.') }, {
        description: 'Selects a field of the pod, such as metadata.name or status.podIP.',
        required: ['fieldPath'],
        extra: { 'x-kubernetes-map-type': 'atomic' },
      }),
      resourceFieldRef: obj(
        { containerName: str('Container name.'), resource: str('Resource to select.'), divisor: quantity('Output format of the exposed resource.') },
        { description: 'Selects a resource of the container: limits and requests.', required: ['resource'], extra: { 'x-kubernetes-map-type': 'atomic' } },
      ),
      configMapKeyRef: { ...keyRef('ConfigMap'), description: 'Selects a key of a ConfigMap.' },
      secretKeyRef: { ...keyRef('Secret'), description: "Selects a key of a secret in the pod's namespace." },
    },
    { description: "EnvVarSource represents a source for the value of an EnvVar." },
  ),
  [core('EnvFromSource')]: obj(
    {
      prefix: str('A C_IDENTIFIER to prepend to each key.'),
      configMapRef: obj({ name: str('Name of the ConfigMap.', { default: '' }), optional: bool('Whether the ConfigMap must be defined.') }, { description: 'The ConfigMap to select from.', extra: { 'x-kubernetes-map-type': 'atomic' } }),
      secretRef: obj({ name: str('Name of the Secret.', { default: '' }), optional: bool('Whether the Secret must be defined.') }, { description: 'The Secret to select from.', extra: { 'x-kubernetes-map-type': 'atomic' } }),
    },
    { description: 'A set of ConfigMaps or Secrets to take environment variables from.' },
  ),
  [core('ResourceRequirements')]: obj(
    {
      limits: map(quantity(), 'The maximum amount of compute resources allowed.'),
      requests: map(quantity(), 'The minimum amount of compute resources required; defaults to limits when omitted.'),
      claims: keyedList(obj({ name: str('Name of a pod resourceClaims entry.'), request: str('A request within the claim.') }, { required: ['name'] }), 'name', 'Dynamically allocated resources used by this container.'),
    },
    { description: 'ResourceRequirements describes the compute resource requirements.' },
  ),
  [core('ContainerResizePolicy')]: obj(
    { resourceName: str('Name of the resource: cpu or memory.'), restartPolicy: str('Restart policy when the resource is resized: NotRequired or RestartContainer.') },
    { description: 'Resize policy for one container resource.', required: ['resourceName', 'restartPolicy'] },
  ),
  [core('VolumeMount')]: obj(
    {
      name: str('Must match the name of a pod volume.'),
      readOnly: bool('Mounted read-only if true. Defaults to false.'),
      recursiveReadOnly: str('Whether read-only mounts are recursively read-only.'),
      mountPath: str("Path within the container at which the volume should be mounted. Must not contain ':'."),
      subPath: str("Path within the volume to mount instead of its root. Defaults to \"\" (the volume's root)."),
      mountPropagation: str('How mounts propagate from the host to the container and back: None, HostToContainer, Bidirectional.'),
      subPathExpr: str('Like subPath, with $(VAR_NAME) references expanded from the environment.'),
    },
    { description: 'A mounting of a Volume within a container.', required: ['name', 'mountPath'] },
  ),
  [core('VolumeDevice')]: obj(
    { name: str('Must match the name of a persistentVolumeClaim in the pod.'), devicePath: str('Path inside the container the device is mapped to.') },
    { description: 'A mapping of a raw block device within a container.', required: ['name', 'devicePath'] },
  ),
  [core('Probe')]: obj(
    {
      exec: ref(core('ExecAction'), 'Exec specifies a command to execute in the container.'),
      httpGet: ref(core('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
      tcpSocket: ref(core('TCPSocketAction'), 'TCPSocket specifies a connection to a TCP port.'),
      grpc: obj({ port: int32('Port number of the gRPC service.'), service: str('Name of the service to place in the gRPC HealthCheckRequest.', { default: '' }) }, { description: 'GRPC specifies a gRPC HealthCheckRequest.', required: ['port'] }),
      initialDelaySeconds: int32('Seconds after the container has started before probes are initiated.'),
      timeoutSeconds: int32('Seconds after which the probe times out. Defaults to 1.'),
      periodSeconds: int32('How often (in seconds) to perform the probe. Defaults to 10.'),
      successThreshold: int32('Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1.'),
      failureThreshold: int32('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3.'),
      terminationGracePeriodSeconds: int64('Optional duration the pod needs to terminate gracefully upon probe failure.'),
    },
    { description: 'A health check performed against a container to determine whether it is alive or ready to receive traffic.' },
  ),
  [core('ExecAction')]: obj(
    { command: list(str(), { description: 'The command line to run inside the container, not in a shell.', listType: 'atomic' }) },
    { description: 'ExecAction describes a "run in container" action.' },
  ),
  [core('HTTPGetAction')]: obj(
    {
      path: str('Path to access on the HTTP server.'),
      port: intOrString('Name or number of the port to access on the container.'),
      host: str('Host name to connect to; defaults to the pod IP.'),
      scheme: oneOf(['HTTP', 'HTTPS'], 'Scheme to use for connecting to the host. Defaults to HTTP.'),
      httpHeaders: atomicList(obj({ name: str('The header field name.'), value: str('The header field value.') }, { required: ['name', 'value'] }), 'Custom headers to set in the request.'),
    },
    { description: 'HTTPGetAction describes an action based on HTTP Get requests.', required: ['port'] },
  ),
  [core('TCPSocketAction')]: obj(
    { port: intOrString('Number or name of the port to access on the container.'), host: str('Optional: host name to connect to, defaults to the pod IP.') },
    { description: 'TCPSocketAction describes an action based on opening a socket.', required: ['port'] },
  ),
  [core('LifecycleHandler')]: obj(
    {
      exec: ref(core('ExecAction'), 'Exec specifies a command to execute in the container.'),
      httpGet: ref(core('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
      tcpSocket: ref(core('TCPSocketAction'), 'Deprecated. TCPSocket is kept for backward compatibility.'),
      sleep: obj({ seconds: int64('Seconds to sleep.') }, { description: 'Sleep represents a duration to wait before the container is terminated.', required: ['seconds'] }),
    },
    { description: 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.' },
  ),
  [core('Lifecycle')]: obj(
    {
      postStart: ref(core('LifecycleHandler'), 'Called immediately after a container is created.'),
      preStop: ref(core('LifecycleHandler'), 'Called immediately before a container is terminated.'),
      stopSignal: str('The signal used to stop the container.'),
    },
    { description: 'Actions the management system takes in response to container lifecycle events.' },
  ),
  [core('Capabilities')]: obj(
    { add: atomicList(str(), 'Added capabilities.'), drop: atomicList(str(), 'Removed capabilities.') },
    { description: 'Adds and removes POSIX capabilities from running containers.' },
  ),
  [core('SeccompProfile')]: obj(
    { type: oneOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Which kind of seccomp profile is applied.'), localhostProfile: str('A profile defined in a file on the node.') },
    { description: 'SeccompProfile defines a pod/container\'s seccomp profile settings.', required: ['type'], extra: { 'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }] } },
  ),
  [core('SELinuxOptions')]: obj(
    { user: str('SELinux user label.'), role: str('SELinux role label.'), type: str('SELinux type label.'), level: str('SELinux level label.') },
    { description: 'SELinux labels to be applied to the container.' },
  ),
  [core('SecurityContext')]: obj(
    {
      capabilities: ref(core('Capabilities'), 'The capabilities to add/drop when running containers.'),
      privileged: bool('Run the container in privileged mode. Defaults to false.'),
      seLinuxOptions: ref(core('SELinuxOptions'), 'The SELinux context to be applied to the container.'),
      runAsUser: int64('The UID to run the entrypoint of the container process.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('The container must run as a non-root user.'),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem. Defaults to false.'),
      allowPrivilegeEscalation: bool('Whether a process can gain more privileges than its parent process.'),
      procMount: str('The type of proc mount to use for the containers.'),
      seccompProfile: ref(core('SeccompProfile'), 'The seccomp options to use by this container.'),
      appArmorProfile: anyJson('The AppArmor options to use by this container.'),
      windowsOptions: anyJson('The Windows-specific options applied to this container.'),
    },
    { description: 'Security configuration applied to a container. Where both this and PodSecurityContext set a field, this one wins.' },
  ),
};
