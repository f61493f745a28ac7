// A server-side copy of one object to another key, with new metadata: one CopyObject up to its 5 GiB
// limit, a multipart copy a range at a time beyond it. S3 has no rename, so this is how a verified
// upload gets its digest's name.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  AbortMultipartUploadCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

const maxSingleCopy = 5 * 1024 * 1024 * 1024;
const copyPartSize = 512 * 1024 * 1024;

export interface ObjectCopy {
  readonly bucket: string;
  readonly from: string;
  readonly to: string;
  readonly size: number;
  readonly metadata: Record<string, string>;
}

export async function copyObject(client: S3Client, copy: ObjectCopy): Promise<void> {
  const target = { Bucket: copy.bucket, Key: copy.to };
  const source = `${copy.bucket}/${copy.from.split('/').map(encodeURIComponent).join('/')}`;
  const described = { ContentType: 'application/octet-stream', Metadata: copy.metadata };
  if (copy.size <= maxSingleCopy) {
    await client.send(new CopyObjectCommand({ ...target, ...described, CopySource: source, MetadataDirective: 'REPLACE' }));
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ ...target, ...described }));
  try {
    const parts: { PartNumber: number; ETag: string }[] = [];
    for (let start = 0; start < copy.size; start += copyPartSize) {
      const end = Math.min(copy.size, start + copyPartSize) - 1;
      const PartNumber = parts.length + 1;
      const answer = await client.send(
        new UploadPartCopyCommand({ ...target, UploadId, PartNumber, CopySource: source, CopySourceRange: `bytes=${start}-${end}` }),
      );
      parts.push({ PartNumber, ETag: answer.CopyPartResult!.ETag! });
    }
    await client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
    throw error;
  }
}
