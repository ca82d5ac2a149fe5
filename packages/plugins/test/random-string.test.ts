import { describe, expect, it } from "vitest";
import type { Template } from "@converge/core";
import { RandomString, Value, createRandomStringType } from "@converge/plugins";
import { CHARACTER_CLASSES, generateRandomString } from "../src/heat/random-string.js";
import type { RandomStringProperties } from "@converge/plugins";
import { stackKit } from "./support/stack-kit.js";

const parse = (p: Record<string, unknown>): RandomStringProperties => RandomString.properties.parse(p);

/** A deterministic random source (xorshift), so generated strings are reproducible. */
function seeded(seed: number): (max: number) => number {
  let x = seed;
  return (max) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return Math.abs(x) % max;
  };
}

const count = (s: string, chars: string): number => [...s].filter((c) => chars.includes(c)).length;

describe("generateRandomString", () => {
  it("draws every character from lettersdigits by default, 32 long", () => {
    const value = generateRandomString(parse({}));
    expect(value).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("honours the deprecated sequence", () => {
    expect(generateRandomString(parse({ sequence: "octdigits", length: 50 }))).toMatch(/^[0-7]{50}$/);
  });

  it("puts at least the minimum of each class and sequence, and nothing else", () => {
    const props = parse({
      length: 12,
      character_classes: [{ class: "digits", min: 3 }, { class: "uppercase", min: 2 }],
      character_sequences: [{ sequence: "!@", min: 4 }],
    });
    for (let seed = 1; seed <= 50; seed++) {
      const value = generateRandomString(props, seeded(seed));
      expect(value).toHaveLength(12);
      expect(count(value, CHARACTER_CLASSES.digits)).toBeGreaterThanOrEqual(3);
      expect(count(value, CHARACTER_CLASSES.uppercase)).toBeGreaterThanOrEqual(2);
      expect(count(value, "!@")).toBeGreaterThanOrEqual(4);
      expect(value).toMatch(/^[0-9A-Z!@]+$/);
    }
  });

  it("shuffles: the minimums do not always come first", () => {
    const props = parse({ length: 8, character_classes: [{ class: "digits", min: 4 }, { class: "lowercase", min: 1 }] });
    const starts = new Set(Array.from({ length: 40 }, (_, i) => /^[0-9]{4}/.test(generateRandomString(props, seeded(i + 1)))));
    expect(starts.has(false)).toBe(true);
  });

  it("rejects what Heat rejects", () => {
    expect(RandomString.properties.safeParse({ length: 0 }).success).toBe(false);
    expect(RandomString.properties.safeParse({ length: 513 }).success).toBe(false);
    expect(RandomString.properties.safeParse({ sequence: "digits", character_classes: [{ class: "letters" }] }).error?.issues[0]?.message).toMatch(/deprecated 'sequence'/);
    expect(RandomString.properties.safeParse({ length: 3, character_classes: [{ class: "digits", min: 2 }, { min: 2 }] }).error?.issues[0]?.message).toMatch(/length cannot be smaller/);
    expect(RandomString.properties.safeParse({ character_classes: [{ class: "emoji" }] }).success).toBe(false);
    expect(RandomString.properties.safeParse({ character_sequences: [{ min: 1 }] }).success).toBe(false);
    expect(RandomString.properties.safeParse({ length: "16", salt: 5 }).data).toMatchObject({ length: 16, salt: "5" });
  });
});

const template = (properties: Record<string, unknown>): Template => ({
  heat_template_version: "2018-08-31",
  resources: {
    password: { type: "OS::Heat::RandomString", properties },
    holder: { type: "OS::Heat::Value", properties: { value: { get_resource: "password" } } },
  },
  outputs: { value: { value: { get_attr: ["password", "value"] } }, ref: { value: { get_resource: "password" } }, held: { value: { get_attr: ["holder", "value"] } } },
});

describe("OS::Heat::RandomString in a stack", () => {
  it("makes the string once; get_resource gives it, the physical id does not show it", async () => {
    const kit = stackKit([createRandomStringType({ randomInt: seeded(7) }), Value]);
    const stack = await kit.create("s", template({ length: 20, salt: "1" }));
    expect(stack.state).toBe("CREATE_COMPLETE");
    const value = stack.outputs.value as string;
    expect(value).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(stack.outputs.ref).toBe(value);
    expect(stack.outputs.held).toBe(value);
    const row = (await kit.live("s")).get("password");
    expect(row?.physicalId).toMatch(/^s-password-[a-z2-7]{12}$/);
    expect(JSON.stringify(await kit.events("s"))).not.toContain(value);

    const same = await kit.update("s", template({ length: 20, salt: "1" }));
    expect(same.outputs.value).toBe(value);
    expect((await kit.engine.previewUpdate("s", template({ length: 20, salt: "2" }))).resources[0]?.action).toBe("replace");
    const salted = await kit.update("s", template({ length: 20, salt: "2" }));
    expect(salted.state).toBe("UPDATE_COMPLETE");
    expect(salted.outputs.value).not.toBe(value);
    expect(salted.outputs.held).toBe(salted.outputs.value);
    expect([...(await kit.live("s")).keys()].sort()).toEqual(["holder", "password"]);
  });

  it("rejects bad options, naming the field", () => {
    expect(() => createRandomStringType({ randomInt: 4 as never })).toThrow(/invalid option "randomInt"/);
  });
});
