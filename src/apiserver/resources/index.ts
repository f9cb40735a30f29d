export { builtinResources } from './catalog.js';
export { builtinSchemas } from './schemas.js';
