// The scene reader at work: node tests/js/read_scene_cli.mjs scene.json prints the terrain's vertices and
// every figure's position and yaw as JSON (numbers are the float32 values exactly: JSON's shortest
// round-trip form of each float64 that holds them).
import { figures, parseScene, terrainVertices } from "./read_scene.mjs";
import { readFileSync } from "node:fs";

{
  const scene = parseScene(readFileSync(process.argv[2], "utf-8"));
  const out = {
    name: scene.name,
    terrain: Array.from(terrainVertices(scene)),
    figures: figures(scene).map((g) => ({ name: g.name, pos: Array.from(g.pos), yaw: Array.from(g.yaw) })),
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}
