import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

export interface OriginResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface S3OriginOptions {
  /** The folder standing in for the bucket. */
  root: string;
  /** CloudFront's default root object, served for `/` only (default index.html). */
  defaultRootObject?: string;
  /**
   * Also serve `<dir>/index.html` for `/dir/`. A private S3 REST origin (OAC) does NOT do this: only
   * an S3 website endpoint does, and the website endpoint cannot be private. Off by default.
   */
  directoryIndex?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html",
  ".htm": "text/html",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".txt": "text/plain",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
};

const noSuchKey = () => s3Error(404, "NoSuchKey", "The specified key does not exist.");

function s3Error(status: number, code: string, message: string): OriginResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return {
    status,
    headers: { "content-type": "application/xml", server: "AmazonS3" },
    body: Buffer.from(body),
  };
}

/**
 * The object key S3 would look up for a URI: `/` becomes the default root object (CloudFront's
 * `default_root_object`), everything else is the percent-decoded path without its leading `/`.
 */
export function objectKeyFor(uri: string, options: S3OriginOptions): string | undefined {
  let key: string;
  try {
    key = decodeURIComponent(uri).replace(/^\//, "");
  } catch {
    return undefined;
  }
  if (key === "") return options.defaultRootObject ?? "index.html";
  // S3 keys are literal: `a/../b` or `a//b` name objects of their own, never `b` or `a/b`. A folder
  // cannot hold such names, so they are missing keys here, as they almost surely are in the bucket.
  const segments = key.split("/");
  if (segments.some((s, i) => s === "." || s === ".." || (s === "" && i < segments.length - 1)))
    return undefined;
  if (key.endsWith("/") && options.directoryIndex) return `${key}index.html`;
  return key;
}

/**
 * Answers a GET/HEAD for `uri` as a private S3 bucket behind CloudFront with origin access control
 * does: the object with its content type, ETag and Last-Modified, 304 for a matching If-None-Match,
 * and 404 NoSuchKey for a key that does not exist. That 404 needs s3:ListBucket in the bucket policy
 * (the static-site module grants it to CloudFront): without it S3 answers 403 AccessDenied instead,
 * not telling a missing key from a forbidden one.
 */
export async function serveFromS3Origin(
  uri: string,
  options: S3OriginOptions,
  ifNoneMatch?: string,
): Promise<OriginResponse> {
  const key = objectKeyFor(uri, options);
  const root = resolve(options.root);
  if (key === undefined || key.endsWith("/") || key.includes("\u0000")) return noSuchKey();
  const file = resolve(join(root, key));
  if (!file.startsWith(root + sep)) return noSuchKey();
  let body: Buffer;
  let mtime: Date;
  try {
    const s = await stat(file);
    if (!s.isFile()) return noSuchKey();
    body = await readFile(file);
    mtime = s.mtime;
  } catch {
    return noSuchKey();
  }
  const etag = `"${createHash("md5").update(body).digest("hex")}"`;
  const headers = {
    "content-type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "binary/octet-stream",
    etag,
    "last-modified": mtime.toUTCString(),
    "accept-ranges": "bytes",
    server: "AmazonS3",
  };
  if (ifNoneMatch?.split(",").some((t) => t.trim() === etag))
    return { status: 304, headers, body: Buffer.alloc(0) };
  return { status: 200, headers, body };
}
