// A sink's state handed to the store already as JSON: a sink that keeps a large, rarely changing part
// (the trace builder's closed sessions) serializes that part once per change instead of the store
// stringifying all of it on every commit.
export class SerializedState {
  constructor(readonly json: string) {}
}
