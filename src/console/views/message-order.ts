// The message list is newest first across partitions: by timestamp, then partition,
// then offset, in whatever order the partitions' streams happen to deliver.

type Order = [timestamp: number, partition: number, offset: number];

/** Inserts `item` (a message with data-timestamp, data-partition, data-offset) in
 * place. Live messages are the newest, so the search usually stops at the top. */
export function insertNewestFirst(list: Element, item: Element): void {
  const order = orderOf(item);
  for (const other of list.children) {
    if (compare(orderOf(other), order) < 0) {
      list.insertBefore(item, other);
      return;
    }
  }
  list.append(item);
}

function orderOf(item: Element): Order {
  const n = (name: string) => Number(item.getAttribute(name));
  return [n("data-timestamp"), n("data-partition"), n("data-offset")];
}

function compare(a: Order, b: Order): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
