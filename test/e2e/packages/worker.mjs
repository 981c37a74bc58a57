// The user's Worker: /service reaches Edgelog through the service binding EDGELOG,
// /fetch through plain fetch to EDGELOG_URL.

import { roundTrip } from "./round-trip.mjs";

export default {
  async fetch(request, env) {
    const { pathname, searchParams } = new URL(request.url);
    const topic = searchParams.get("topic");
    try {
      if (pathname === "/service") {
        const fetch = (input, init) => env.EDGELOG.fetch(input, init);
        return Response.json(await roundTrip({ url: "https://edgelog", topic, fetch }));
      }
      if (pathname === "/fetch") return Response.json(await roundTrip({ url: env.EDGELOG_URL, topic }));
      return new Response("ok");
    } catch (error) {
      return Response.json({ error: `${error.name}: ${error.message}` }, { status: 500 });
    }
  },
};
