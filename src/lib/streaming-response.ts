// Marks responses whose bodies must be streamed as they are produced (watches, large blobs). The
// HTTP adapter buffers every other body, which is much cheaper for small JSON answers and gives an
// exact Content-Length.
const streaming = new WeakSet<Response>();

export function markStreaming(response: Response): Response {
  streaming.add(response);
  return response;
}

export function isStreaming(response: Response): boolean {
  return streaming.has(response);
}
