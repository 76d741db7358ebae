import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A request to a fake API, with its whole body. */
export interface ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  /** The body's bytes, for binary uploads. */
  readonly bytes: Buffer;
  readonly authorization: string | undefined;
}

/** The answer of a fake API: an HTTP status and a JSON body. */
export interface ApiReply {
  readonly status: number;
  readonly json: unknown;
}

export interface LoopbackApi {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (a free port) answering every request with `answer`'s JSON, as
 * `application/vnd.api+json` (Terraform Cloud's media type): the fake of an API that scripts
 * under test call with curl.
 */
export function startLoopbackApi(answer: (request: ApiRequest) => ApiReply): Promise<LoopbackApi> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const bytes = Buffer.concat(chunks);
      const reply = answer({
        method: request.method ?? "",
        url: request.url ?? "",
        body: bytes.toString(),
        bytes,
        authorization: request.headers.authorization,
      });
      response.writeHead(reply.status, { "Content-Type": "application/vnd.api+json" });
      response.end(JSON.stringify(reply.json));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
