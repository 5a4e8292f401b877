// Types of the test runtime, as the real runtime's declaration file gives
// them (docs/injected-code.md, contract v2): run returns what fn returns,
// values are unknown, so instrumented code type-checks under strict flags.
export type Span = object | null;
export declare function enter(name: string, file: string, line: number, attrs: Record<string, unknown>, values?: 1): Span;
export declare function exit(s: Span): void;
export declare function fail(s: Span, e: unknown): void;
export declare function run<T>(name: string, file: string, line: number, attrs: Record<string, unknown>, fn: () => T, values?: 1): T;
export declare function loop(event: string, file: string, line: number): void;
export declare function tick(event: string): void;
export declare function v(key: string, value: unknown, file: string, line: number): void;
export declare function val(key: string, value: unknown, file: string, line: number): void;
export declare function mark(key: string, file: string, line: number): void;
