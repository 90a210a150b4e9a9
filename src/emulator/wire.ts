/**
 * The awsJson1_1 wire protocol as the emulator speaks it: SigV4 scope, bodies, answers and errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';

/** The access key, region and service a SigV4 Authorization header is scoped to, or the error AWS answers. */
export function signingScope(authorization: string | undefined): {
  accessKeyId: string;
  region: string;
  service: string;
} {
  if (!authorization) {
    throw new ApiError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  const scope = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    authorization,
  );
  if (!scope) {
    throw new ApiError(
      'IncompleteSignatureException',
      'Authorization header requires a SigV4 Credential parameter.',
    );
  }
  return { accessKeyId: scope[1]!, region: scope[2]!, service: scope[3]! };
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const sendError = (res: ServerResponse, err: ApiError) =>
  send(res, err.httpStatus, { __type: err.code, message: err.message });

export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError('SerializationException', `${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError('SerializationException', `${what} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
