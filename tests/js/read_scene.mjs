// A reader for scenegen's scene JSON (format scenegen.scene/1) in plain JavaScript: no packages, runs in
// node and in browsers. Copy it into a project; tests/js/read_scene_cli.mjs shows it at work.
//
// The conventions (README, "Scene JSON"): metres, +y up, −z forward, right-handed (glTF's frame); colours
// linear RGB; arrays are {dtype, shape, encoding, data} with the little-endian bytes in row-major order,
// base64-encoded ("base64") or as a flat list of numbers ("inline"); dtypes float32 and int32.

const TYPES = { float32: [Float32Array, 4, "getFloat32"], int32: [Int32Array, 4, "getInt32"] };

function base64Bytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A typed array of one scene-JSON array object, with its shape: {data, shape}. Exact: float32 stays float32. */
export function readArray(obj) {
  const kind = TYPES[obj.dtype];
  if (!kind) throw new Error(`unknown dtype ${obj.dtype}`);
  const [Typed, size, getter] = kind;
  const count = obj.shape.reduce((a, b) => a * b, 1);
  const out = new Typed(count);
  if (obj.encoding === "inline") {
    for (let i = 0; i < count; i++) out[i] = obj.data[i];
  } else if (obj.encoding === "base64") {
    const bytes = base64Bytes(obj.data);
    if (bytes.length !== count * size) throw new Error(`${bytes.length} bytes for shape ${obj.shape}`);
    const view = new DataView(bytes.buffer);                 // little-endian on any machine
    for (let i = 0; i < count; i++) out[i] = view[getter](i * size, true);
  } else {
    throw new Error(`unknown encoding ${obj.encoding}`);
  }
  return { data: out, shape: obj.shape };
}

/** Parse a scene JSON text and check its format. */
export function parseScene(text) {
  const scene = JSON.parse(text);
  if (scene.format !== "scenegen.scene/1") throw new Error(`not a scenegen scene: format ${scene.format}`);
  return scene;
}

/** Terrain vertices as a Float32Array (n·n·3), vertex (r, c) at index r·n + c:
 *  x = (c/(n−1) − ½)·size_x, y = height_zx[r, c], z = (r/(n−1) − ½)·size_z (x, z computed in float64, then
 *  stored as float32, as scenegen's glTF does). */
export function terrainVertices(scene) {
  const t = scene.terrain;
  const n = t.resolution;
  const heights = readArray(t.height_zx).data;
  const out = new Float32Array(n * n * 3);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const k = (r * n + c) * 3;
      out[k] = (c / (n - 1) - 0.5) * t.size[0];
      out[k + 1] = heights[r * n + c];
      out[k + 2] = (r / (n - 1) - 0.5) * t.size[1];
    }
  }
  return out;
}

/** Every audience group's figures: {name, figure, pos (n·3: silhouettes' feet, eyes' centres), yaw (front
 *  turned to (sin yaw, 0, cos yaw)), height, width, color (linear RGB × brightness)}. */
export function figures(scene) {
  return scene.audience.map((g) => {
    const color = readArray(g.color_i).data;
    const bright = readArray(g.brightness_i).data;
    const glow = new Float32Array(color.length);
    for (let i = 0; i < glow.length; i++) glow[i] = color[i] * bright[Math.floor(i / 3)];
    return {
      name: g.name, figure: g.figure, pos: readArray(g.pos_i).data, yaw: readArray(g.facing_i).data,
      height: readArray(g.height_i).data, width: readArray(g.width_i).data, color: glow,
    };
  });
}
