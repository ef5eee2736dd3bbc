// Everything, for the server. The widget imports the subpaths instead: `./widget-api` as types
// only, `./widget-defaults` for values, so that nothing of TypeBox reaches chat_v3.js; the
// dashboard imports `./admin-api` as types only.
export * from './admin-api.js';
export * from './widget-api.js';
export * from './widget-defaults.js';
