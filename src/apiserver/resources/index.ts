export { builtinResources } from './builtin.js';
export { builtinSchemas } from './schemas.js';
export { resourceSpecFromCrd, customSchemaName, type CustomResourceKinds } from './custom-resource.js';
