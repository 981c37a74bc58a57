// edgelog tokens create|list|delete: scoped tokens (admin only). A token's secret is
// shown once, by create.

import { Command } from "commander";
import { segment } from "../client/transport.js";
import { Api, out } from "./context.js";
import { table } from "./table.js";

interface TokenListing {
  id: string;
  name: string;
  scopes: string[];
  createdAt: number;
}

export function tokensCommand(): Command {
  const tokens = new Command("tokens").description("create, list and delete scoped tokens (needs the root token)");
  tokens
    .command("create <name>")
    .description("create a token; its secret is printed once")
    .requiredOption(
      "-s, --scope <scope>",
      "admin, produce:<topic glob>, consume:<topic glob> or group:<group glob> (repeatable)",
      (scope: string, previous: string[]) => [...previous, scope],
      [] as string[],
    )
    .option("--json", "print JSON")
    .action(async (name: string, options: { scope: string[]; json?: boolean }, command: Command) => {
      // Not retried: a retry after a lost answer would leave a token whose secret nobody saw.
      const created = await new Api(command).once<{ id: string; token: string }>("POST", "/v1/tokens", {
        name,
        scopes: options.scope,
      });
      if (options.json) return await out(`${JSON.stringify(created)}\n`);
      await out(`created token ${name} (id ${created.id}, scopes ${options.scope.join(" ")})\n${created.token}\n`);
    });
  tokens
    .command("list")
    .description("list tokens (ids, names and scopes; never secrets)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const { tokens: listed } = await new Api(command).call<{ tokens: TokenListing[] }>("GET", "/v1/tokens");
      if (options.json) return await out(`${JSON.stringify(listed)}\n`);
      await out(
        table(
          ["ID", "NAME", "SCOPES", "CREATED"],
          listed.map((t) => [t.id, t.name, t.scopes.join(" "), new Date(t.createdAt).toISOString()]),
        ),
      );
    });
  tokens
    .command("delete <id>")
    .description("revoke a token")
    .action(async (id: string, _options, command: Command) => {
      await new Api(command).call("DELETE", `/v1/tokens/${segment(id)}`);
      await out(`deleted token ${id}\n`);
    });
  return tokens;
}
