// The worker thread behind yaml-body-parser.ts: parses each YAML body it is sent and answers with
// the JSON text of the value, or with the error kind and message. It never touches the network,
// the store or anything but the text it is given.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { parseYamlBody } from './yaml-body.ts';
import type { BodyLimits } from './body-limits.ts';

export interface YamlJob {
  readonly text: string;
  readonly limits: BodyLimits;
}

export type YamlAnswer = { readonly json: string } | { readonly error: { readonly kind: AppError['kind']; readonly message: string } };

function answer(job: YamlJob): YamlAnswer {
  try {
    return { json: JSON.stringify(parseYamlBody(job.text, job.limits)) };
  } catch (error) {
    if (error instanceof AppError) return { error: { kind: error.kind, message: error.message } };
    // The yaml package composes nested collections recursively: text nested past the stack is too deep.
    if (error instanceof RangeError)
      return { error: { kind: 'BadRequest', message: `the request body nests objects and arrays deeper than ${job.limits.maxDepth} levels` } };
    return { error: { kind: 'Internal', message: String(error) } };
  }
}

parentPort?.on('message', (job: YamlJob) => parentPort!.postMessage(answer(job)));
parentPort?.postMessage('ready');
