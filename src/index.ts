// The Worker: the router app, and the Durable Object classes it binds.
import { app } from "./router/app.js";

export { Catalog } from "./catalog/catalog.js";
export { TopicController } from "./controller/topic-controller.js";
export { GroupCoordinator } from "./group/group-coordinator.js";
export { GroupDirectory } from "./group/group-directory.js";
export { PartitionReplica } from "./partition/partition-replica.js";
export { StreamHead } from "./streams/stream-head.js";

export default app;
