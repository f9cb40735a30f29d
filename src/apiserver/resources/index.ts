export { builtinResources } from './catalog.js';
export { builtinSchemas } from './schemas.js';
export { resourceSpecFromCrd, customSchemaName, type CustomResourceKinds } from './custom-resource.js';
