// The user's entry point for Node and Deno: `node main.mjs <url> <topic>`.

import { roundTrip } from "./round-trip.mjs";

const [url, topic] = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
console.log(JSON.stringify({ runtime, ...(await roundTrip({ url, topic })) }));
