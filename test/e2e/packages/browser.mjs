// The user's browser entry, bundled by the user's esbuild: the page calls roundTrip.

import { roundTrip } from "./round-trip.mjs";

window.roundTrip = roundTrip;
