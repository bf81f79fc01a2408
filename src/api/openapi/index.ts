export { buildOpenApi, openApiPath, operationId, type OpenApiDocument, type OpenApiOptions } from './build-openapi.js';
export { component, componentName } from './components.js';
