import { createHash, createHmac } from "node:crypto";

/** What SigV4 signs with (the Lambda runtime's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A request as SigV4 sees it. `headers` holds lower-case names and must include `host`. */
export interface SignableRequest {
  method: string;
  /** `https:` or `http:` */
  protocol: string;
  /** Host name without port (the `host` header carries the port). */
  hostname: string;
  /** As sent, not normalized: the signature covers it byte for byte (after SigV4's own escaping). */
  path: string;
  query?: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * The `sha256` constructor SignatureV4 takes (the shape of @smithy/hash-node's `Hash`): a hash, or an
 * HMAC when given a key. Written on node:crypto instead of importing hash-node because where the
 * runtime's SDK ships that class has moved between SDK versions (hash-node, @smithy/core/checksum),
 * while these lines are all it is.
 */
export class NodeSha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

type SignerModule = typeof import("@smithy/signature-v4");
let signerModule: Promise<SignerModule> | undefined;

/**
 * Signs a request with AWS Signature Version 4 and returns its headers with `authorization`,
 * `x-amz-date`, `x-amz-content-sha256` and, with a session token, `x-amz-security-token` added.
 * The signer is @smithy/signature-v4, loaded on first use: the Lambda Node.js runtime ships it with
 * the AWS SDK, so bundles keep it external and a function that never signs never loads it.
 */
export async function signRequest(
  request: SignableRequest,
  options: { credentials: AwsCredentials; region: string; service: string; signingDate: Date },
): Promise<Record<string, string>> {
  signerModule ??= import("@smithy/signature-v4");
  const { SignatureV4 } = await signerModule;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: request.protocol,
      hostname: request.hostname,
      path: request.path,
      query: request.query ?? {},
      headers: { ...request.headers },
      body: request.body,
    },
    { signingDate: options.signingDate },
  );
  return signed.headers;
}

/** Hex SHA-256 of a body, as SigV4's payload hash. */
export function payloadHash(body: string | Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}
