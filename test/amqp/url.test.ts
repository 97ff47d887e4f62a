// AMQP URLs as RabbitMQ's URI spec reads them, and the errors a user sees for one we cannot use.
import { describe, expect, it } from "vitest";
import { AmqpUrlError, parseAmqpUrl } from "../../src/amqp/index.js";

describe("parseAmqpUrl", () => {
  it("reads user, password, host, port and vhost, and shows the URL without the password", () => {
    const address = parseAmqpUrl("amqp://alice:s3cret@broker.example:5673/orders");
    expect(address.connect).toEqual({ protocol: "amqp", hostname: "broker.example", port: 5673, username: "alice", password: "s3cret", vhost: "orders" });
    expect(address.display).toBe("amqp://alice@broker.example:5673/orders");
  });

  it("defaults to guest/guest, port 5672 (5671 for amqps) and the vhost /", () => {
    expect(parseAmqpUrl("amqp://localhost").connect).toMatchObject({ username: "guest", password: "guest", port: 5672, vhost: "/" });
    expect(parseAmqpUrl("amqp://localhost/").connect).toMatchObject({ vhost: "/" });
    expect(parseAmqpUrl("amqps://localhost").connect).toMatchObject({ protocol: "amqps", port: 5671 });
  });

  it("percent-decodes the user, the password and the vhost (%2F is the vhost /)", () => {
    const address = parseAmqpUrl("amqp://us%40er:p%3Ass@[::1]:5672/%2F");
    expect(address.connect).toMatchObject({ username: "us@er", password: "p:ss", hostname: "::1", vhost: "/" });
  });

  it("takes the heartbeat from ?heartbeat=S", () => {
    expect(parseAmqpUrl("amqp://localhost?heartbeat=30").heartbeat).toBe(30);
    expect(parseAmqpUrl("amqp://localhost").heartbeat).toBeUndefined();
  });

  it.each([
    ["localhost:5672", /unsupported scheme "localhost:"/],
    ["http://localhost", /unsupported scheme "http:".*expected amqp:\/\/ or amqps:\/\//],
    ["not a url", /not a URL/],
    ["amqp://localhost?frame_max=1", /unsupported URL parameter "frame_max".*only heartbeat=SECONDS/],
    ["amqp://localhost?heartbeat=soon", /heartbeat must be a whole number of seconds/],
    ["amqp://localhost/%E0%A4%A", /bad percent-encoding in the vhost/],
  ])("refuses %s with a message that says what is expected", (url, message) => {
    expect(() => parseAmqpUrl(url)).toThrow(AmqpUrlError);
    expect(() => parseAmqpUrl(url)).toThrow(message);
  });

  it("never puts the password in an error message", () => {
    expect(() => parseAmqpUrl("amqp://u:topsecret@localhost?x=1")).toThrow(/amqp:\/\/u@localhost/);
    expect(() => parseAmqpUrl("amqp://u:topsecret@localhost?x=1")).not.toThrow(/topsecret/);
  });
});
