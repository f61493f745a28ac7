import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderExplanation } from '../../../src/cli/commands/explain.ts';
import type { OpenApiDocument } from '../../../src/cli/api-client.ts';

const info = { group: 'example.com', version: 'v1', kind: 'Loop' };

describe('explain --recursive', () => {
  it('prints a schema that refers to itself once, instead of recursing without end', () => {
    const document = {
      components: {
        schemas: {
          'com.example.Props': {
            description: 'Props of a schema.',
            properties: {
              items: { $ref: '#/components/schemas/com.example.Props', description: 'The items.' },
              title: { type: 'string' },
            },
          },
        },
      },
    } as unknown as OpenApiDocument;
    const text = renderExplanation(info, { $ref: '#/components/schemas/com.example.Props' }, document, [], true);
    assert.match(text, /FIELDS:\n {2}items\t<Props>\n {2}title\t<string>\n/, 'the schema met again is not opened again');
  });

  it('stops following arrays of arrays without end', () => {
    const document = {
      components: { schemas: { 'com.example.Nest': { type: 'array', items: { $ref: '#/components/schemas/com.example.Nest' } } } },
    } as unknown as OpenApiDocument;
    const text = renderExplanation(info, { type: 'object', properties: { nest: { $ref: '#/components/schemas/com.example.Nest' } } }, document, [], true);
    assert.match(text, /nest\t<Nest>/);
  });
});
