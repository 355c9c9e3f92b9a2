/** The published columns with their types and descriptions, read from schemas/document.schema.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_DIR } from '../lib/schema.js';
import { COLUMNS, INT_COLUMNS } from '../stages/validate.js';

export interface Column {
  name: string;
  /** `integer` or `string` (Table Schema names). */
  type: 'integer' | 'string';
  nullable: boolean;
  description: string;
  /** Allowed values where the schema fixes them. */
  enum?: string[];
  pattern?: string;
}

interface PropSchema { type?: string | string[]; enum?: string[]; pattern?: string; description?: string }

/** Every column in file order. Fails when the schema and COLUMNS disagree, so the card never lies. */
export function documentColumns(): Column[] {
  const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'document.schema.json'), 'utf8')) as { properties: Record<string, PropSchema> };
  return COLUMNS.map((name) => {
    const p = schema.properties[name];
    if (!p?.description) throw new Error(`schemas/document.schema.json has no description for column ${name}`);
    const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : [];
    const col: Column = { name, type: INT_COLUMNS.has(name) ? 'integer' : 'string', nullable: types.includes('null'), description: p.description };
    if (p.enum) col.enum = p.enum;
    if (p.pattern) col.pattern = p.pattern;
    return col;
  });
}
