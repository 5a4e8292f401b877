// Redux Toolkit's shapes (createAsyncThunk, createSlice, combineSlices):
// generic call signatures after a JSDoc, one with its type parameter list
// wrapped by prettier so that `<` stands alone on its line, and a generic
// function type starting a line inside a type argument list, which is no
// member and must not be separated.
type IsUnknown<T, Yes, No> = unknown extends T ? Yes : No;

export interface Thunk {
  <Returned, Arg = void>(
    prefix: string,
    create: (arg: Arg) => Returned,
  ): (arg: Arg) => Returned

  /**
   * With a meta value.
   */
  <
    Returned,
    Arg,
    Meta extends string,
  >(
    prefix: Meta,
    create: (arg: Arg) => Returned,
  ): (arg: Arg) => [Meta, Returned]
  fulfill: IsUnknown<
    number,
    <Value>(value: Value) => Value,
    <Value>(
      value: Value,
      meta: number,
    ) => [Value, number]
  >
}

export function makeThunk(): Thunk {
  const thunk = ((prefix: string, create: (arg: unknown) => unknown) => {
    const tag = prefix.length;
    return (arg: unknown) => [tag, create(arg)];
  }) as unknown as Thunk;
  thunk.fulfill = ((value: unknown) => value) as Thunk["fulfill"];
  return thunk;
}
