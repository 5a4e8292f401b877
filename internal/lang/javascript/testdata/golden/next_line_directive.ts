// tRPC's polyfill of Symbol.dispose: the first statement's error is
// suppressed by the comment above it, so the import goes above that.
// @ts-expect-error - polyfilling symbol
// eslint-disable-next-line no-restricted-syntax
Symbol.dispose ??= Symbol();

export function makeResource<T>(thing: T, dispose: () => void): T & Disposable {
  const it = thing as T & Partial<Disposable>;
  const existing = it[Symbol.dispose];
  it[Symbol.dispose] = () => {
    dispose();
    existing?.();
  };
  return it as T & Disposable;
}
