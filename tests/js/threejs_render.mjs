// Render a .glb with three.js in headless Chromium, from the file's own camera, and save a PNG.
//
//   npm ci --prefix tests/js                      # three.js is a devDependency (the validator is not)
//   node tests/js/threejs_render.mjs SCENE.glb OUT.png [WIDTH HEIGHT]
//
// A look check run by hand, not a test: it serves the page, three.js and the file over
// http://127.0.0.1 (file:// pages may not fetch), starts Debian's `chromium` on SwiftShader, and the page
// posts its canvas back when the first frame is drawn. It sets three.js up as a user would for this
// scene: colours shown as they are (no tone mapping; ours is the identity below 0.7), the glowing sky
// dome as the environment that metals (the liquid-silver stage) mirror, and from the scene's extras what
// glTF has no home for: the ambient light (an AmbientLight) and the fog (FogExp2 in the horizon colour
// ahead, reaching about the same two-thirds at the same distance). The first frame of 250,000 instanced eyes
// takes about two minutes on two cores. CHROMIUM picks another browser binary, TIMEOUT_S the time limit
// (600 s).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [glb, out, width = "1280", height = "720"] = process.argv.slice(2);
if (!glb || !out) {
  console.error("usage: node threejs_render.mjs SCENE.glb OUT.png [WIDTH HEIGHT]");
  process.exit(2);
}
const three = path.join(here, "node_modules", "three");

const page = `<!doctype html><html><body style="margin:0;background:#000">
<script type="importmap">{"imports": {"three": "/three/build/three.module.js",
  "three/addons/": "/three/examples/jsm/"}}</script>
<script>window.onerror = (m) => { fetch("/fail", { method: "POST", body: String(m) }); };
for (const level of ["error", "warn"]) {     // three.js reports shader and texture trouble here
  const plain = console[level];
  console[level] = (...a) => { fetch("/log", { method: "POST", body: level + ": " + a.join(" ") }); plain(...a); };
}</script>
<script type="module">
import * as THREE from "three";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
const report = (kind, body) => fetch("/" + kind, { method: "POST", body });
try {
  const w = ${Number(width)}, h = ${Number(height)};
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setSize(w, h);
  renderer.toneMapping = THREE.NoToneMapping;
  document.body.appendChild(renderer.domElement);
  const gltf = await new GLTFLoader().loadAsync("/scene.glb");
  const scene = new THREE.Scene();                 // gltf.scene is a Group: fog and environment need a Scene
  scene.add(gltf.scene);
  const ambient = gltf.scene.userData.ambient || (gltf.parser.json.scenes[0].extras || {}).ambient;
  if (ambient) {
    const c = ambient.color;
    scene.add(new THREE.AmbientLight(new THREE.Color().setRGB(c[0], c[1], c[2], THREE.LinearSRGBColorSpace),
                                     Math.PI * ambient.intensity));
  }
  const extras = gltf.parser.json.scenes[0].extras || {};
  let sky = null;                                  // the sky node (its mesh has the same name)
  scene.traverse((o) => { if (!sky && o.userData.gradient) sky = o; });
  if (extras.fog && sky) {
    const h = extras.fog.color;
    scene.fog = new THREE.FogExp2(new THREE.Color().setRGB(h[0], h[1], h[2], THREE.LinearSRGBColorSpace),
                                  1 / extras.fog.distance);
    await report("log", "fog: " + extras.fog.distance.toFixed(1) + " m");
    sky.traverse((o) => { if (o.material) o.material.fog = false; });   // the sky is what the fog fades into
  }
  scene.updateMatrixWorld(true);
  // The environment: the glowing dome seen from the stage, without its stars (our stage mirrors the sky's
  // colour, not its stars).
  if (sky) {
    const env = new THREE.Scene();
    const dome = sky.clone();
    dome.traverse((o) => { if (o.isPoints) o.visible = false; });
    env.add(dome);
    const pmrem = new THREE.PMREMGenerator(renderer);
    const target = pmrem.fromScene(env, 0, 0.1, 1e6);
    scene.environment = target.texture;
  }
  const camera = gltf.cameras[0];
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
  renderer.render(scene, camera);
  let instanced = 0;
  scene.traverse((o) => { if (o.isInstancedMesh) instanced += o.count; });
  await report("log", "instanced figures drawn: " + instanced);
  await report("done", renderer.domElement.toDataURL("image/png"));
} catch (e) {
  await report("fail", String(e && e.stack || e));
}
</script></body></html>`;

const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html" };
let browser = null;
let timer = null;
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split("?")[0]);
  if (req.method === "POST") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      res.end("ok");
      if (url === "/log") console.log(body);
      else if (url === "/done") {
        fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
        fs.writeFileSync(out, Buffer.from(body.replace(/^data:image\/png;base64,/, ""), "base64"));
        console.log("wrote " + out);
        finish(0);
      } else { console.error(body); finish(1); }
    });
    return;
  }
  let file = null;
  if (url === "/") { res.setHeader("Content-Type", "text/html"); res.end(page); return; }
  if (url === "/scene.glb") file = path.resolve(glb);
  else if (url.startsWith("/three/")) file = path.join(three, path.normalize(url.slice(7)).replace(/^(\.\.[/\\])+/, ""));
  if (!file || !fs.existsSync(file)) { res.statusCode = 404; res.end(); return; }
  res.setHeader("Content-Type", types[path.extname(file)] || "application/octet-stream");
  fs.createReadStream(file).pipe(res);
});

function finish(code) {
  // No process.exit(): it can cut off what is still being written to a pipe.
  process.exitCode = code;
  clearTimeout(timer);
  if (browser) { browser.removeAllListeners("exit"); browser.kill(); browser = null; }
  server.close();
  server.closeAllConnections();
}

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const profile = fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "scenegen-chromium-"));
  browser = spawn(process.env.CHROMIUM || "chromium", [
    "--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-gpu-sandbox", `--user-data-dir=${profile}`, `--window-size=${width},${height}`,
    `http://127.0.0.1:${port}/`,
  ], { stdio: "ignore" });
  browser.on("exit", (code) => { console.error(`chromium exited (${code}) before the frame came back`); finish(1); });
  const limit = Number(process.env.TIMEOUT_S || 600);
  timer = setTimeout(() => { console.error(`timed out after ${limit} s`); finish(1); }, limit * 1000);
});
