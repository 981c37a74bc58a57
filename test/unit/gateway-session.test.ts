// A connection's member tables: one bound shared by its classic and KIP-848 members,
// a member already held replaced even at the bound, and a forgotten one making room.

import { describe, expect, it } from "vitest";
import { ConnectionSession, MAX_MEMBERS_PER_CONNECTION } from "../../src/gateway/session.js";

const classic = (generationId: number) => ({ generationId, memberEpoch: 1, topics: ["t"], handed: null });

describe("ConnectionSession", () => {
  it("bounds classic and KIP-848 members together", () => {
    const session = new ConnectionSession();
    const half = MAX_MEMBERS_PER_CONNECTION / 2;
    for (let i = 0; i < half; i++) expect(session.classic.remember("g", `c${i}`, classic(1))).toBe(true);
    for (let i = 0; i < half; i++) expect(session.consumers.remember("g", `k${i}`, { topics: [] })).toBe(true);
    expect(session.classic.remember("g", "one-more", classic(1))).toBe(false);
    expect(session.consumers.remember("g", "one-more", { topics: [] })).toBe(false);
    expect(session.classic.get("g", "one-more")).toBeUndefined();

    expect(session.classic.remember("g", "c0", classic(2))).toBe(true);
    expect(session.classic.get("g", "c0")?.generationId).toBe(2);

    session.consumers.forget("g", "k0");
    expect(session.consumers.get("g", "k0")).toBeUndefined();
    expect(session.classic.remember("g", "one-more", classic(1))).toBe(true);
  });

  it("keeps groups apart, and the two tables apart", () => {
    const session = new ConnectionSession();
    session.classic.remember("a", "m", classic(1));
    expect(session.classic.get("b", "m")).toBeUndefined();
    expect(session.classic.get("a", "m")?.generationId).toBe(1);
    expect(session.consumers.get("a", "m")).toBeUndefined();
  });
});
