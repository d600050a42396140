// Defaults that several commands, their help texts and the export pipeline share.
export const DEFAULT_SESSION_IDLE = '30m';
/** A model call with no further copy for this long (transcript time) is complete: docs/traces.md. */
export const DEFAULT_CALL_QUIET = '2m';
export const DEFAULT_METRICS_INTERVAL = '10s';
export const DEFAULT_PROMETHEUS_HOST = '127.0.0.1';
export const DEFAULT_PROMETHEUS_PORT = 9464;
