// The printer for --write-out's value.

import type { Display } from './printers.js';
import { FieldsDisplay } from './printers-fields.js';
import { JsonDisplay } from './printers-json.js';
import { SimpleDisplay } from './printers-simple.js';
import { TableDisplay } from './printers-table.js';

/** Undefined for a format etcdctl does not have. */
export function newDisplay(format: string, isHex: boolean): Display | undefined {
  switch (format) {
    case 'simple':
      return new SimpleDisplay(isHex);
    case 'json':
      return new JsonDisplay();
    case 'fields':
      return new FieldsDisplay();
    case 'table':
      return new TableDisplay();
    default:
      return undefined;
  }
}
