// Play a .glb's animation in Babylon.js, headless in Debian's chromium, and save a PNG at each time asked.
//
//   node tests/js/babylon_play.mjs SCENE.glb OUTDIR CLIP:T [CLIP:T ...]     (WIDTH, HEIGHT from the environment)
//
// It serves the page, Babylon.js (@babylonjs/core and @babylonjs/loaders, which read KHR_animation_pointer
// themselves) and the file on http://127.0.0.1, starts chromium on SwiftShader, and the page loads the file
// as a user would (SceneLoader, the file's own camera), and for each shot plays the named animation group
// alone, seeks to the time, renders and posts the canvas back: OUTDIR/<CLIP>-<T>.png. It prints one JSON line: the
// animation groups the loader made, with their channel counts, and what it wrote. CHROMIUM picks another
// browser binary, TIMEOUT_S the time limit (240 s).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [glb, outDir, ...asked] = process.argv.slice(2);
if (!glb || !outDir || !asked.length) {
  console.error("usage: node babylon_play.mjs SCENE.glb OUTDIR CLIP:T [CLIP:T ...]");
  process.exit(2);
}
const shots = asked.map((a) => { const i = a.lastIndexOf(":"); return { clip: a.slice(0, i), t: Number(a.slice(i + 1)) }; });
const width = Number(process.env.WIDTH || 320), height = Number(process.env.HEIGHT || 180);
const modules = path.join(here, "node_modules", "@babylonjs");

const page = `<!doctype html><html><body style="margin:0;background:#000">
<canvas id="c" width="${width}" height="${height}"></canvas>
<script type="importmap">{"imports": {"@babylonjs/core/": "/babylon/core/", "@babylonjs/loaders/": "/babylon/loaders/"}}</script>
<script>window.onerror = (m) => { fetch("/fail", { method: "POST", body: String(m) }); };</script>
<script type="module">
import { Engine } from "@babylonjs/core/Engines/engine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { Color4 } from "@babylonjs/core/Maths/math.color.js";
import { SceneLoader } from "@babylonjs/core/Loading/sceneLoader.js";
import "@babylonjs/core/Animations/animatable.js";
import "@babylonjs/core/Materials/PBR/pbrMaterial.js";
import "@babylonjs/core/Lights/Shadows/index.js";
import "@babylonjs/core/Meshes/thinInstanceMesh.js";
import "@babylonjs/loaders/glTF/2.0/index.js";
const report = (kind, body) => fetch("/" + kind, { method: "POST", body });
try {
  const canvas = document.getElementById("c");
  const engine = new Engine(canvas, true, { preserveDrawingBuffer: true, stencil: true });
  const scene = new Scene(engine);
  scene.clearColor = new Color4(0, 0, 0, 1);
  const result = await SceneLoader.ImportMeshAsync("", "/", "scene.glb", scene);
  const cam = scene.cameras.find((c) => c.name === "start") || scene.cameras[0];
  scene.activeCamera = cam;
  cam.aspectRatio = ${width} / ${height};
  const groups = scene.animationGroups.map((g) => ({ name: g.name, animations: g.targetedAnimations.length,
                                                     from: g.from, to: g.to }));
  await scene.whenReadyAsync();
  const done = [];
  for (const { clip, t } of ${JSON.stringify(shots)}) {
    scene.animationGroups.forEach((g) => g.stop());
    const group = scene.animationGroups.find((g) => g.name === clip);
    if (!group) throw new Error("no animation group " + clip);
    group.start(false, 1.0, group.from, group.to);
    group.pause();
    const fps = group.targetedAnimations.length ? group.targetedAnimations[0].animation.framePerSecond : 60;
    group.goToFrame(t * fps);
    for (let k = 0; k < 3; k++) scene.render();
    await report("shot", JSON.stringify({ clip, t, png: canvas.toDataURL("image/png") }));
    done.push(clip + ":" + t);
  }
  await report("done", JSON.stringify({ groups, shots: done }));
} catch (e) {
  await report("fail", String(e && e.stack || e));
}
</script></body></html>`;

const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
                ".wasm": "application/wasm" };
let browser = null;
const finish = (code, text) => {
  if (text) (code ? process.stderr : process.stdout).write(text + "\n");
  if (browser) browser.kill("SIGKILL");
  server.close();
  process.exit(code);
};
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split("?")[0]);
  if (req.method === "POST") {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      res.end("ok");
      if (url === "/shot") {
        const { clip, t, png } = JSON.parse(body);
        fs.writeFileSync(path.join(outDir, `${clip}-${t}.png`), Buffer.from(png.split(",")[1], "base64"));
      } else if (url === "/done") {
        finish(0, body);
      } else if (url === "/fail") {
        finish(1, "page failed: " + body);
      }
    });
    return;
  }
  let file = null;
  if (url === "/") { res.setHeader("Content-Type", "text/html"); res.end(page); return; }
  if (url === "/scene.glb") file = path.resolve(glb);
  else if (url.startsWith("/babylon/")) file = path.join(modules, url.slice("/babylon/".length));
  if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.statusCode = 404; res.end(); return; }
  res.setHeader("Content-Type", types[path.extname(file)] || "application/octet-stream");
  fs.createReadStream(file).pipe(res);
});
server.listen(0, "127.0.0.1", () => {
  fs.mkdirSync(outDir, { recursive: true });
  const port = server.address().port;
  const profile = fs.mkdtempSync(path.join(outDir, ".chromium-"));
  browser = spawn(process.env.CHROMIUM || "chromium", [
    "--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    `--user-data-dir=${profile}`, `--window-size=${width},${height}`, `http://127.0.0.1:${port}/`,
  ], { stdio: "ignore" });
  browser.on("exit", (code) => finish(1, `chromium exited (${code}) before the page finished`));
});
setTimeout(() => finish(1, "timed out"), Number(process.env.TIMEOUT_S || 240) * 1000);
