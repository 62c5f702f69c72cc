import { describe, expect, it } from "vitest";

// Listed by Vite at build time; nothing is loaded.
const FILES = Object.keys(import.meta.glob(["/src/**/*.{ts,tsx,css}", "!/src/api/generated/**"]));
const PASCAL = /^[A-Z][A-Za-z0-9]*(\.test)?\.tsx$/;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*(\.test)?\.(ts|tsx|css)$/;

describe("file names", () => {
  it("are PascalCase.tsx for a component and kebab-case for everything else", () => {
    expect(FILES.length).toBeGreaterThan(50);
    const odd = FILES.filter((path) => {
      const name = path.split("/").at(-1) ?? "";
      return !PASCAL.test(name) && !KEBAB.test(name);
    });
    expect(odd).toEqual([]);
  });

  it("name folders in kebab-case", () => {
    const folders = new Set(FILES.flatMap((path) => path.split("/").slice(1, -1)));
    expect([...folders].filter((folder) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(folder))).toEqual([]);
  });
});
