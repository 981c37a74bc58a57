// Variables and secrets that wrangler.toml does not declare (so `wrangler types`
// cannot see them): all optional, all read through one place each.
declare namespace Cloudflare {
  interface Env {
    /** "off" disables auth; anything else (or unset) keeps it on. */
    EDGELOG_AUTH?: string;
    /** Root token (a secret). With auth on and no token set, every call is refused. */
    EDGELOG_ADMIN_TOKEN?: string;
    /** JSON object overriding limits of src/protocol/limits.ts. */
    EDGELOG_LIMITS?: string;
    /** Origins allowed by CORS: "*" or a comma-separated list; none when unset. */
    EDGELOG_CORS_ORIGINS?: string;
    /** "1" enables fault injection; tests only. */
    EDGELOG_FAULTS?: string;
  }
}
