/** The provincial matter system (省事项系统) adapter: `MatterCatalog` over its signed HTTP API. */
export { createMatterSystemAdapter, type MatterSystemSettings } from './matter-system-adapter.js';
