export type * from './types.js';
export { schemaResolver } from './resolver.js';
export { checkAgainstSchema, type SchemaCheck } from './check.js';
