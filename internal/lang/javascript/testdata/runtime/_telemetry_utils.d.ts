// Types of the test runtime, as the real runtime's declaration file gives
// them: run returns what fn returns, so instrumented code type-checks.
export interface Span {}
export declare function enter(name: string, file: string, line: number, attrs: Record<string, unknown>): Span;
export declare function exit(s: Span): void;
export declare function fail(s: Span, e: unknown): void;
export declare function run<T>(name: string, file: string, line: number, attrs: Record<string, unknown>, fn: () => T): T;
export declare function loop(event: string, file: string, line: number): void;
export declare function tick(event: string): void;
export declare function v(key: string, value: unknown, file: string, line: number): void;
export declare function mark(key: string, file: string, line: number): void;
