/** One error class with a stable code: only the entry point catches it, prints it and sets the exit code. */
export class PipelineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PipelineError';
  }
}

/** Quote an offending value for an error message without flooding the terminal. */
export function quote(v: unknown, max = 120): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? JSON.stringify(s.slice(0, max)) + '…' : JSON.stringify(s);
}
