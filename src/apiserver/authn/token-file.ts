// --token-auth-file: kube-apiserver's static token CSV, one `token,user,uid[,"group1,group2"]` a line.

import { readFileSync } from 'node:fs';
import type { UserInfo } from './user-info.js';

/** One CSV line split into fields, double quotes grouping commas as encoding/csv reads them. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

export function parseTokenFile(text: string, file = 'token file'): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = csvFields(line);
    if (fields.length < 3) throw new Error(`token file '${file}' must have at least 3 columns (token, user name, user uid), found ${fields.length} on line ${index + 1}`);
    const [token, username, uid, groups] = fields as [string, string, string, string | undefined];
    if (token === '') throw new Error(`token file '${file}' has an empty token on line ${index + 1}`);
    const groupList = groups ? groups.split(',').map((g) => g.trim()).filter((g) => g !== '') : [];
    tokens.set(token, { username, uid, groups: groupList });
  });
  return tokens;
}

export function readTokenFile(file: string): Map<string, UserInfo> {
  return parseTokenFile(readFileSync(file, 'utf8'), file);
}
