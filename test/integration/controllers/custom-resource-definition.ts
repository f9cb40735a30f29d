// The CustomResourceDefinitions the controller tests make: a namespaced example.com/v1 kind.

/** `schemaLines` go under openAPIV3Schema (indented 8), `versionLines` after the version's schema (indented 4). */
export function exampleCrdYaml(kind: string, schemaLines: string, versionLines = ''): string {
  const singular = kind.toLowerCase();
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${singular}s.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: ${singular}s, singular: ${singular}, kind: ${kind}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
${schemaLines}${versionLines}`;
}
