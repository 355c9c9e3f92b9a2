/** The stages after extraction, in the order they run; each reads the previous one's output. */
import type { Stage } from '../lib/stage.js';
import { segment } from './segment.js';
import { normalize } from './normalize.js';
import { clean } from './clean.js';
import { dedupe } from './dedupe.js';
import { validate } from './validate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const STAGES: Stage<any, any, any>[] = [segment, normalize, clean, dedupe, validate];
