/*
 * The attempts feature's front door: what the app and other features may use of it, and
 * nothing else. Everything not exported here is private to attempts/.
 */
export { attemptsPlugin, type AttemptsPluginOptions } from './attempts.plugin.ts';
