// What the global setup provides to test files through vitest's inject().
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
