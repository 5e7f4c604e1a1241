import { describe, expect, it } from "vitest";
import { createLimiter } from "../src/jobs/limiter.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("shared limiter", () => {
  it("never runs more than its limit at once, across callers", async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    };
    await Promise.all([
      Promise.all(Array.from({ length: 10 }, () => limiter.run(work))),
      Promise.all(Array.from({ length: 10 }, () => limiter.run(work))),
    ]);
    expect(peak).toBe(3);
  });

  it("starts queued work in arrival order and frees a slot when work fails", async () => {
    const limiter = createLimiter(1);
    const started: number[] = [];
    const failing = limiter.run(async () => {
      started.push(0);
      throw new Error("receiver exploded");
    });
    const queued = [1, 2, 3].map((n) =>
      limiter.run(async () => {
        started.push(n);
        return n;
      }),
    );
    await expect(failing).rejects.toThrow("receiver exploded");
    expect(await Promise.all(queued)).toEqual([1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });
});
