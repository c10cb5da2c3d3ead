/*
 * The identity feature's front door: what the app and other features may use of it, and
 * nothing else. Everything not exported here is private to identity/.
 */
export { securitySchemes } from './auth/authenticate.ts';
export { identityPlugin, type IdentityTuning } from './identity.plugin.ts';
