import type * as http from "node:http";
import { LoopbackServer } from "./loopback-server";
import { HEARTBEAT_PATH } from "./stacks";

/** The body Alertmanager POSTs to a webhook (version 4), reduced to what the checks read. */
export interface Notification {
  readonly receiver: string;
  readonly status: "firing" | "resolved";
  readonly groupKey: string;
  readonly alerts: readonly {
    readonly status: "firing" | "resolved";
    readonly labels: Readonly<Record<string, string>>;
    readonly startsAt: string;
  }[];
  /** When it arrived here, and at which path (the heartbeat pings its own). */
  readonly receivedAt: number;
  readonly path: string;
}

export interface ReceivedAlert {
  readonly alert: Notification["alerts"][number];
  readonly receivedAt: number;
}

/**
 * The receiver every local notification goes to. It records each POST in arrival order and serves the list
 * at GET /notifications, so a user can watch alerts arrive and the checks can count them.
 */
export class WebhookReceiver {
  readonly notifications: Notification[] = [];
  private readonly server = new LoopbackServer((req, res) => this.handle(req, res));

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  listen(port: number): Promise<void> {
    return this.server.listen(port);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /**
   * Every firing alert whose labels include all of `labels`, once per notification that carried it: two
   * replicas' copies of one alert, or one alert notified by two peers, both count twice.
   */
  firing(labels: Readonly<Record<string, string>>): ReceivedAlert[] {
    return this.notifications
      .filter((n) => n.path !== HEARTBEAT_PATH)
      .flatMap((notification) =>
        notification.alerts
          .filter((a) => a.status === "firing" && Object.entries(labels).every(([k, v]) => a.labels[k] === v))
          .map((alert) => ({ alert, receivedAt: notification.receivedAt })),
      );
  }

  /** When each heartbeat ping arrived (ms since the epoch). */
  heartbeats(): number[] {
    return this.notifications.filter((n) => n.path === HEARTBEAT_PATH).map((n) => n.receivedAt);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method === "GET" && req.url === "/notifications") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(this.notifications, null, 2));
      return;
    }
    if (req.method !== "POST") return void res.writeHead(405).end();
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      try {
        const notification = {
          ...(JSON.parse(body) as Omit<Notification, "receivedAt" | "path">),
          receivedAt: Date.now(),
          path: req.url ?? "/",
        };
        this.notifications.push(notification);
        const names = notification.alerts
          .map((a) => `${a.labels.alertname}{region=${a.labels.region ?? "-"}}`)
          .join(", ");
        this.log(
          notification.path === HEARTBEAT_PATH
            ? `webhook: heartbeat (${notification.alerts.length} Watchdogs)`
            : `webhook: ${notification.status} ${names}`,
        );
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  }
}
