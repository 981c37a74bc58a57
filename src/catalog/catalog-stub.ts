/** The one catalog of a deployment is named `catalog`. */
export function catalogStub(env: Env) {
  return env.CATALOG.get(env.CATALOG.idFromName("catalog"));
}
