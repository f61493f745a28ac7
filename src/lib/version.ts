// Imagestream's own version, from package.json: what `ims version` prints for the client and what
// the server says about itself in /.well-known/imagestream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const imagestreamVersion: string = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
  .version;
