"""A look in Blender (a check by hand, not a test): import a .glb with Blender's own glTF importer and render
it with Cycles from the exported camera, as a user would set Blender up for it.

    blender -b --factory-startup --python tests/blender/render_glb.py -- scene.glb look.png [samples]

Two settings of Blender's, both in its own menus, make the render comparable with ours:
  * the importer's "Lighting Mode: Unitless": glTF's lux and candela taken as they are. The default
    ("Standard") divides lights by 683 lm/W but leaves emission as it is, so an emissive sky over lit land
    cannot both be right under any one exposure;
  * the view transform "Standard": colours shown as they are, as our renderer shows them (Blender's default,
    Filmic or AgX, is a film-like tone curve that greys every colour).
"""
import math
import sys

import bpy
import numpy as np

if not hasattr(np, "bool"):
    np.bool = bool  # Blender 3.4's importer predates numpy 1.24
args = sys.argv[sys.argv.index("--") + 1:]
glb, out = args[0], args[1]
samples = int(args[2]) if len(args) > 2 else 32
bpy.ops.wm.read_factory_settings(use_empty=True)
props = bpy.ops.import_scene.gltf.get_rna_type().properties.keys()
mode = "export_import_convert_lighting_mode"
mode = mode if mode in props else "convert_lighting_mode"
bpy.ops.import_scene.gltf(filepath=glb, **{mode: "COMPAT"})
objs = bpy.context.scene.objects
cams = [o for o in objs if o.type == "CAMERA"]
print("IMPORTED", len(objs), "objects;", "cameras", [c.name for c in cams],
      "lights", [(o.name, o.data.type, round(o.data.energy, 3)) for o in objs if o.type == "LIGHT"])
scene = bpy.context.scene
scene.camera = cams[0]
c = cams[0]
print("CAMERA", tuple(round(v, 2) for v in c.matrix_world.translation), "fov_y", round(math.degrees(c.data.angle_y), 2))
scene.view_settings.view_transform = "Standard"
scene.render.engine = "CYCLES"
scene.cycles.samples = samples
scene.cycles.use_denoising = False
scene.cycles.device = "CPU"
scene.render.resolution_x, scene.render.resolution_y = 640, 360
scene.render.filepath = out
bpy.ops.render.render(write_still=True)
