import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  StateLock,
  writeFileAtomic
} from "./chunk-4KT5NHGZ.js";

// src/state/daemon-info.ts
import { readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
var FILE = "daemon.json";
async function writeDaemonInfo(dir, info) {
  await writeFileAtomic(join(dir, FILE), JSON.stringify(info) + "\n");
}
function removeDaemonInfo(dir) {
  try {
    unlinkSync(join(dir, FILE));
  } catch {
  }
}
function readDaemonInfo(dir) {
  try {
    const info = JSON.parse(readFileSync(join(dir, FILE), "utf8"));
    return typeof info?.pid === "number" && StateLock.holder(dir) === info.pid ? info : void 0;
  } catch {
    return void 0;
  }
}

export {
  writeDaemonInfo,
  removeDaemonInfo,
  readDaemonInfo
};
