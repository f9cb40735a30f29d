export type * from './types.js';
export { schemaResolver } from './resolver.js';
export { checkAgainstSchema, type SchemaCheck } from './check.js';
export { openApiV3Document, openApiV3Index, groupVersionOf, groupVersionRoot, documentHash, type OpenApiDocument } from './openapi.js';
export { openApiV2Document, type SwaggerDocument } from './openapi-v2.js';
export { openApiV2Protobuf, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_ANSWER } from './openapi-v2-protobuf.js';
