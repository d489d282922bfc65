"""A look in Blender (a check by hand, not a test): import a .glb with Blender's own glTF importer and render
it with Cycles from the exported camera.

    blender -b --factory-startup --python tests/blender/render_glb.py -- scene.glb look.png
"""
import math
import sys

import bpy
import numpy as np
if not hasattr(np, "bool"):
    np.bool = bool  # Blender 3.4's importer predates numpy 1.24
glb, out = sys.argv[sys.argv.index("--") + 1:]
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=glb)
objs = bpy.context.scene.objects
cams = [o for o in objs if o.type == "CAMERA"]
print("IMPORTED", len(objs), "objects;", "cameras", [c.name for c in cams], "lights", [(o.name, o.data.type) for o in objs if o.type == "LIGHT"])
print("MESHES", sorted({o.data.name for o in objs if o.type == "MESH"})[:20])
scene = bpy.context.scene
scene.camera = cams[0]
c = cams[0]
print("CAMERA", tuple(round(v, 2) for v in c.matrix_world.translation), "fov_y", round(math.degrees(c.data.angle_y), 2))
scene.render.engine = "CYCLES"
scene.cycles.samples = 24
scene.cycles.use_denoising = False
scene.cycles.device = "CPU"
scene.render.resolution_x, scene.render.resolution_y = 640, 360
scene.render.filepath = out
bpy.ops.render.render(write_still=True)
