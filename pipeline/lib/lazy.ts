/**
 * Packages loaded on first use instead of with the module that needs them. linkedom with Readability, mammoth,
 * jschardet and pinyin-pro took ~0.55 s of every thread's start-up (linkedom alone ~0.31 s, measured one by one),
 * though only an HTML page, a Word file, a legacy-encoded file or a text with pinyin annotations needs them: the
 * five seeds need none; lib/writers.ts loads apache-arrow and DuckDB the same way. (`require`: each of these
 * packages ships a CommonJS build, and a synchronous load keeps the stage functions synchronous.)
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that loads `name` (CommonJS) the first time it is called. */
export function lazy<T>(name: string): () => T {
  let lib: T | null = null;
  return () => (lib ??= require(name) as T);
}
