// The ES module face of the test runtime: the same functions as the
// CommonJS one, so that both module systems share one state.
import { createRequire } from 'node:module';

const rt = createRequire(import.meta.url)('./_telemetry_utils.cjs');
export const { enter, exit, fail, run, loop, tick, v, val, mark } = rt;
