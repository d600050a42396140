// What every span and metric ccotel exports names as its source, and the OTLP time form both use.
import type { HrTime } from '@opentelemetry/api';
import { VERSION } from '../version.js';

export const SCOPE = { name: 'ccotel', version: VERSION };

/** Epoch milliseconds as OpenTelemetry's [seconds, nanoseconds]. */
export const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
