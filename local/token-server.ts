import * as http from "http";
import { LOOPBACK } from "./ports";

/**
 * The OAuth token endpoint of the local GCS service-account key: the GCS client trades its signed JWT for an
 * access token here (the emulator ignores the token), so it never asks Google or a metadata server for one.
 */
export class TokenServer {
  private readonly server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ access_token: "local-test-token", token_type: "Bearer", expires_in: 3600 }));
    });
  });

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, LOOPBACK, () => resolve());
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const tokenUrl = (port: number) => `http://${LOOPBACK}:${port}/token`;
