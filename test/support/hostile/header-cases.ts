// Hostile request lines and headers, written from RFC 9110/9112: methods no face serves, request
// lines and Host headers that do not parse, bodies whose framing contradicts itself, media types
// no endpoint reads, and credentials that are no credentials.
import type { Template } from './case.ts';
import type { Fixture } from './fixture.ts';
import { requestBytes } from '../raw-http.ts';
import { json } from './case.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

export function headerTemplates(): Template[] {
  const auth = (f: Fixture) => ({ authorization: `Bearer ${f.token}` });
  const paths = (f: Fixture) => [
    `/api/v1/namespaces/${f.namespace}/secrets/${f.secret}`,
    `/v2/${f.repository}/manifests/${f.tag}`,
    '/healthz',
    `/apis/image.openshift.io/v1/namespaces/${f.namespace}/imagestreams`,
  ];
  return [
    (f, r) => {
      const method = r.pick(['TRACE', 'TRACK', 'CONNECT', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'M-SEARCH', 'FOO', 'SEARCH', 'BREW']);
      const path = r.pick(paths(f));
      return {
        name: `${method} ${path.split('/').slice(0, 3).join('/')}`,
        request: { raw: requestBytes(f.port, { method, path, headers: auth(f) }), path: method === 'CONNECT' ? '/' : path },
      };
    },
    (f, r) => {
      // Face paths only: where a lenient parse lets a line through, the missing token still refuses it.
      const path = r.pick(paths(f).filter((p) => p !== '/healthz'));
      const line = r.pick([
        `GET ${path}\r\n\r\n`,
        `GET ${path} HTTP/1.1 extra\r\nHost: x\r\n\r\n`,
        `GET  ${path} HTTP/1.1\r\nHost: x\r\n\r\n`,
        `GET ${path} HTTP/7.3\r\nHost: x\r\n\r\n`,
        `GET ${path} HTTX/1.1\r\nHost: x\r\n\r\n`,
        `\u0000\u0001\u0002 ${path} HTTP/1.1\r\n\r\n`,
        `GET ${path} HTTP/1.1\r\nno colon here\r\n\r\n`,
        `GET ${path} HTTP/1.1\r\nBad Name: x\r\nHost: x\r\n\r\n`,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n`,
        `GET ${path}\u0007 HTTP/1.1\r\nHost: x\r\n\r\n`,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
        `GET ${path}?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      ]);
      return { name: `a malformed request line or header: ${JSON.stringify(line.slice(0, 40))}`, request: { raw: latin1(line), path } };
    },
    (f, r) => {
      const path = r.pick(paths(f));
      const host = r.pick(['a/b', 'a?b', 'a#b', '[zz]', 'host:99999', 'host:port', '', 'user@host', 'two words', 'a\\b', '127.0.0.1:8080/api']);
      return {
        name: `the Host header ${JSON.stringify(host)}`,
        request: { raw: requestBytes(f.port, { method: 'GET', path, headers: { ...auth(f), host } }), path },
      };
    },
    (f, r) => {
      const path = r.pick(paths(f));
      const raw = r.pick([
        `GET ${path} HTTP/1.1\r\nAuthorization: Bearer ${f.token}\r\nConnection: close\r\n\r\n`,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nAuthorization: Bearer ${f.token}\r\nConnection: close\r\n\r\n`,
      ]);
      return { name: raw.includes('evil') ? 'two Host headers' : 'no Host header', request: { raw: latin1(raw), path } };
    },
    (f, r) => {
      const path = `/api/v1/namespaces/${f.namespace}/secrets`;
      const body = json({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `h-${r.text(6)}` } });
      const framing = r.pick([
        `Content-Length: abc\r\n`,
        `Content-Length: ${body.length}\r\nContent-Length: ${body.length + 5}\r\n`,
        `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`,
        `Transfer-Encoding: gzip, chunked, identity\r\n`,
        `Content-Length: -5\r\n`,
      ]);
      const raw = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${f.token}\r\nContent-Type: application/json\r\n${framing}Connection: close\r\n\r\n${body}`;
      return { name: `a body whose framing contradicts itself: ${framing.trim().replace(/\r\n/g, '; ').slice(0, 60)}`, request: { raw: latin1(raw), path } };
    },
    (f, r) => {
      const type = r.pick([
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'image/png',
        'application/vnd.kubernetes.protobuf;stream=watch',
      ]);
      const body = json({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `t-${r.text(6)}` } });
      return {
        name: `a body of Content-Type ${type}`,
        request: {
          method: 'POST',
          path: `/api/v1/namespaces/${f.namespace}/secrets`,
          headers: { ...auth(f), 'content-type': type },
          body: type.includes('protobuf') ? 'k8s\u0000' : body,
        },
      };
    },
    (f, r) => {
      const authorization = r.pick([
        'Bearer',
        'Bearer  ',
        'Basic !!!',
        `Basic ${Buffer.from('nocolon').toString('base64')}`,
        'Negotiate abc',
        `Bearer ${'x'.repeat(6000)}`,
        'sha256~forged',
        `Bearer sha256~${'A'.repeat(43)}`,
      ]);
      return {
        name: `the credentials ${JSON.stringify(authorization.slice(0, 24))}`,
        request: {
          method: 'GET',
          path: r.pick([`/api/v1/namespaces/${f.namespace}/secrets/${f.secret}`, `/v2/${f.repository}/tags/list`, '/metrics']),
          headers: { authorization },
        },
      };
    },
    (f, r) => {
      const expect = r.pick(['fancy-feature', 'x', 'expect-this']);
      return {
        name: `an Expect header no server knows: ${expect}`,
        request: {
          method: 'PUT',
          path: `/api/v1/namespaces/${f.namespace}/secrets/${f.secret}`,
          headers: { ...auth(f), expect, 'content-type': 'application/json' },
          body: '{}',
        },
      };
    },
    (f, r) => {
      const range = r.pick(['10-5', 'bytes=5-2', 'x-y', '3-4/2']);
      return {
        name: `a chunk with Content-Range ${range}`,
        request: { method: 'PATCH', path: f.uploadPath, headers: { ...auth(f), 'content-range': range }, body: 'chunk' },
      };
    },
  ];
}
