import { LoopbackServer } from "./loopback-server";
import { LOOPBACK } from "./ports";

/**
 * The OAuth token endpoint of the local GCS service-account key: the GCS client trades its signed JWT for an
 * access token here (the emulator ignores the token), so it never asks Google or a metadata server for one.
 */
export class TokenServer extends LoopbackServer {
  constructor() {
    super((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ access_token: "local-test-token", token_type: "Bearer", expires_in: 3600 }));
      });
    });
  }
}

export const tokenUrl = (port: number) => `http://${LOOPBACK}:${port}/token`;
