// `npm run stack`: the ccotel stack without Docker. Builds (once, cached in ~/.cache/ccotel) and
// starts the OpenTelemetry Collector, Prometheus 3, Alertmanager and Jaeger v2 on free 127.0.0.1
// ports with the repo's own config files (the ones deploy/docker-compose.yml mounts), prints where
// they listen and how to point ccotel at them, and stops them all on Ctrl-C.
//   npm run stack                 # temp dir for data and logs
//   npm run stack -- --dir DIR    # keep data and logs in DIR
import { startStack } from '../test/support/stack.js';

const i = process.argv.indexOf('--dir');
const dir = i > 0 ? process.argv[i + 1] : undefined;

const stack = await startStack(dir ? { dir } : {});
const lines = [
  `ccotel stack running (data and logs in ${stack.dir})`,
  `  collector     OTLP/HTTP ${stack.otlpHttp}  OTLP/gRPC ${stack.otlpGrpc}  health ${stack.collectorHealth}`,
  `  Prometheus    ${stack.prometheus}  (alerts: ${stack.prometheus}/api/v1/alerts)`,
  `  Alertmanager  ${stack.alertmanager}  (${stack.alertmanager}/api/v2/alerts)`,
  `  Jaeger        ${stack.jaegerQuery}  (${stack.jaegerQuery}/api/traces?service=claude-code)`,
  '',
  `  OTEL_EXPORTER_OTLP_ENDPOINT=${stack.otlpHttp} npx ccotel run`,
  '',
  'Ctrl-C stops everything.',
];
console.log(lines.join('\n'));

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// A service that dies is reported, not hidden.
setInterval(() => {
  for (const s of Object.values(stack.services)) {
    if (!s.running && !stopping) {
      console.error(`${s.name} exited; its log (${s.logFile}):\n${s.logTail(20)}`);
      void stop();
    }
  }
}, 2000);
