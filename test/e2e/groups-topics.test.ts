// A group's assignment follows its topics: partitions added to a subscribed topic and
// a subscribed topic created after the subscription reach the next assignment.

import { expect, it } from "vitest";
import { GroupMember, until } from "./group-client.js";
import { call, createTopic, uniqueTopic } from "./http.js";

it("assigns new partitions of a subscribed topic and a topic created after subscribing", async () => {
  const grown = uniqueTopic("ggrow");
  const later = uniqueTopic("glater");
  await createTopic(grown, 2);
  const group = uniqueTopic("group");
  const m = await GroupMember.join(group, [grown, later]);
  expect(m.assignment).toEqual({ [grown]: [0, 1] });

  expect((await call("POST", `/v1/topics/${grown}/partitions`, { count: 4 })).status).toBe(200);
  await createTopic(later, 2);
  await until(
    async () => {
      await m.heartbeat();
      return m.count() === 6;
    },
    12_000,
    250,
  );
  expect(m.assignment).toEqual({ [grown]: [0, 1, 2, 3], [later]: [0, 1] });
});
